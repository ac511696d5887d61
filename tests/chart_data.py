"""Reading what a chart carries, for tests: the data records anywhere in a spec."""

from __future__ import annotations

from typing import Any


def records(spec: Any) -> list[dict[str, Any]]:
    """Every data record anywhere in a chart's spec (inline values or named datasets)."""
    if isinstance(spec, list):
        return [r for item in spec for r in records(item)]
    if not isinstance(spec, dict):
        return []
    found = [spec] if "series" in spec or "label" in spec else []
    return found + [r for value in spec.values() for r in records(value)]
