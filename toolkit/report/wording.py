"""The words every surface uses for the same things: scores, counts, lists of names, changes.

The viewer and every report format take their sentences from :mod:`toolkit.report.next_steps`,
which builds them with these helpers, so "1.5", "1 rater", "Executive sponsorship and Owning
failures" and "▲ +0.5" read the same on the screen, on paper, on a slide and in a workbook.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.framework import Framework

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

#: What a factor without a score reads as: its basis, never 0.
NOT_ASSESSED = "not assessed"
NOT_APPLICABLE = "not applicable"

#: A change smaller than this (half the last printed decimal) reads as no change.
STEADY = 0.05


def format_score(
    value: float | None, *, basis: str | None = None, framework: Framework | None = None
) -> str:
    """A score as people read it: one decimal, ``"1.5"``.

    With ``framework``, the name of the level it has reached follows: ``"1.7 (Ad hoc)"``. A
    missing score (``None`` or NaN) reads as ``""``, or, given its ``basis``, as "not assessed"
    or "not applicable" (any other basis: "not assessed").
    """
    if value is None or math.isnan(value):
        if basis is None:
            return ""
        return basis if basis in (NOT_ASSESSED, NOT_APPLICABLE) else NOT_ASSESSED
    if framework is None:
        return f"{value:.1f}"
    return f"{value:.1f} ({framework.level_name(framework.level_reached(value))})"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``"1 rater"``, ``"3 raters"``; ``many`` for a word that does not take an "s"."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def join_names(names: Sequence[str]) -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"``; ``""`` for none."""
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def signed(delta: float) -> str:
    """A difference with its sign and one decimal: ``"+0.5"``, ``"\u22121.0"``, ``"0.0"``."""
    if abs(delta) < STEADY:
        return "0.0"
    return f"+{delta:.1f}" if delta > 0 else f"\u2212{abs(delta):.1f}"


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
