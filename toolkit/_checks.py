"""What text and dates must be when they come in, for every model and import alike.

- Text holds no control characters other than tab and line feed (spreadsheets, slides and PDF
  cannot hold them); a carriage return becomes a line break, so every string round-trips.
- A date is never a bare number (45000 is an Excel serial; 0 would read as 1970).

What a level must be is :data:`toolkit.findings.Level`.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "TEXT_PATTERN",
    "clean_text",
    "control_character_problem",
    "line_breaks",
    "not_a_number",
]

_CONTROL = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
_CONTROL_RE = re.compile(f"[{_CONTROL}]")
#: Text without control characters (checked by pydantic's compiled validator, fast on big files).
TEXT_PATTERN = f"^[^{_CONTROL}]*$"


def line_breaks(value: Any) -> Any:
    """Windows (CR LF) and old Mac (CR) line breaks as \\n, so every string round-trips."""
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def control_character_problem(value: str) -> str | None:
    """What is wrong with ``value`` if it holds a control character, else ``None``."""
    found = _CONTROL_RE.search(value)
    if found is None:
        return None
    return (
        f"contains a control character (U+{ord(found.group()):04X}) at character "
        f"{found.start() + 1}; remove it (only tabs and line breaks are allowed in text)"
    )


def clean_text(value: Any) -> Any:
    """``value`` with line breaks made plain; an error naming a control character it holds."""
    value = line_breaks(value)
    if isinstance(value, str):
        problem = control_character_problem(value)
        if problem:
            raise ValueError(problem)
    return value


def not_a_number(value: Any) -> Any:
    """Refuse a bare number as a date: 45000 is an Excel serial, 0 would be read as 1970."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(value, str):
        text = value.strip()
        if text and "-" not in text[1:] and ":" not in text:
            try:
                float(text)
                number = True
            except ValueError:
                pass
    if number:
        raise ValueError(
            f"{str(value).strip()} is a number, not a date; write the date as text such as "
            "2026-11-02 or 2026-11-02T10:00:00Z (in a spreadsheet, format the cell as a date)"
        )
    return value
