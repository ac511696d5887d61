"""The words every surface uses for the same things: scores, counts, lists of names, changes.

The viewer and every report format take their sentences from :mod:`toolkit.report.next_steps`,
which builds them with these helpers, so "1.5", "1 rater", "Executive sponsorship and Owning
failures" and "▲ +0.5" read the same on the screen, on paper, on a slide and in a workbook.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from toolkit.framework import NOT_APPLICABLE, NOT_ASSESSED, STEADY, format_score
from toolkit.framework import format_change as signed

__all__ = [
    "NOT_APPLICABLE",
    "NOT_ASSESSED",
    "STEADY",
    "change_mark",
    "format_score",
    "join_names",
    "long_date",
    "plural",
    "signed",
]


#: A change smaller than this (half the last printed decimal of a score) reads as no change.
def plural(n: int, word: str, many: str | None = None) -> str:
    """``"1 rater"``, ``"3 raters"``; ``many`` for a word that does not take an "s"."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def join_names(names: Sequence[str]) -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"``; ``""`` for none."""
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def change_mark(delta: float | None, *, real: bool = True) -> str:
    """An arrow and the difference: ``"▲ +0.5"``, ``"▼ \u22121.0"``, ``"= 0.0"``; or ``""``.

    A change that is not a real move (within the raters' disagreement, see
    :func:`toolkit.moves.factor_moves`) gets a hollow arrow: ``"\u25b3 +0.3"``,
    ``"\u25bd \u22120.2"``.
    """
    if delta is None or math.isnan(delta):
        return ""
    if abs(delta) < STEADY:
        return "= 0.0"
    up, down = ("\u25b2", "\u25bc") if real else ("\u25b3", "\u25bd")
    return f"{up if delta > 0 else down} {signed(delta)}"


def long_date(day: dt.date) -> str:
    """``"14 May 2026"`` (no leading zero)."""
    return f"{day.day} {day:%B %Y}"
