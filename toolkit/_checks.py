"""What text and dates must be when they come in, for every model and import alike.

- Text holds no control characters other than tab and line feed (spreadsheets, slides and PDF
  cannot hold them); a carriage return becomes a line break, so every string round-trips.
- Text holds no bidirectional embedding, override or isolate (U+202A to U+202E, U+2066 to
  U+2069): one of them in a name or in evidence can make a report's text read backwards or
  hide what it says ("Trojan Source"). The direction marks U+200E, U+200F and U+061C stay
  allowed: Arabic and Hebrew text needs them to place punctuation and numbers, and a mark
  cannot reorder the text around it.
- A date is never a bare number (45000 is an Excel serial; 0 would read as 1970).

What a level must be is :data:`toolkit.findings.Level`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = [
    "TEXT_PATTERN",
    "clean_text",
    "control_character_problem",
    "line_breaks",
    "not_a_number",
]

_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL = r"\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI
_CONTROL_RE = re.compile(f"[{_CONTROL}]")
_BIDI_RE = re.compile(f"[{_BIDI}]")
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
    char = found.group()
    if _BIDI_RE.fullmatch(char):
        return (
            f"contains a direction control, {unicodedata.name(char).lower()} (U+{ord(char):04X}), "
            f"at character {found.start() + 1}; remove it (it can make a report's text read "
            "backwards)"
        )
    return (
        f"contains a control character (U+{ord(char):04X}) at character "
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
