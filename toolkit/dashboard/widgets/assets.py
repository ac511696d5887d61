"""What the widgets load in the browser: their ES modules and the dashboards' stylesheet, kept in
``static/`` beside them, and the handler a widget calls until its dashboard wires its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["CSS", "STATIC", "ignore", "widget_module"]

#: The folder of the widgets' scripts and the dashboards' stylesheet.
STATIC = Path(__file__).parent / "static"

#: The dashboards' stylesheet (``static/dashboard.css``), as a ``<style>`` element.
CSS = "<style>\n" + (STATIC / "dashboard.css").read_text("utf-8") + "</style>\n"


def ignore(*_args: Any) -> None:
    """The handler a widget calls until its dashboard wires its own."""
    return None


def widget_module(name: str) -> str:
    """A widget's ES module: the shared helpers (``static/common.js``), then ``static/<name>``."""
    parts = (STATIC / "common.js", STATIC / name)
    return "\n".join(part.read_text(encoding="utf-8") for part in parts)
