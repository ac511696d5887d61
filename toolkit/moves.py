"""What moved between two assessments of a client, and whether it is more than the panel's own
disagreement.

A score that goes from 1.7 to 2.0 while the raters' levels spread from 1.0 to 3.0 has not
moved in any sense a client should act on: another panel could have read it either way. The
rule (:func:`factor_moves`, the README's scoring section) calls a change a **real move** when

1. the factor has a score in both assessments;
2. the score changed by at least :data:`MIN_MOVE` (half a level); and
3. the two panels do not overlap in the direction of the change: for a rise, every rater's
   level now is above every rater's level then (the lowest now above the highest then); for a
   fall, every rater's level now is below every rater's level then. A panel's range is its
   raters' lowest to highest level (``min`` and ``max`` of the scores table); a factor scored
   by a consensus level without findings counts its score as its range.

Two ranges that touch (the highest then equal to the lowest now) overlap: a rater then and a
rater now agree on that level. With one rater in each assessment the ranges are single levels,
so the rule is the half-level step alone. Comparisons allow for floating-point rounding
(:data:`TOLERANCE`).

A trend (:func:`trend_table`) follows a client through three or more cycles: one score per
factor per cycle, oldest first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, get_args

import pandas as pd

from toolkit.errors import require_columns
from toolkit.findings import Engagement
from toolkit.framework import Framework, load_framework
from toolkit.scoring import score_engagement

__all__ = [
    "MIN_MOVE",
    "MOVE_COLUMNS",
    "TOLERANCE",
    "VERDICTS",
    "Verdict",
    "factor_moves",
    "trend_table",
]

#: The smallest change of a score that can be a real move: half a level.
MIN_MOVE = 0.5
#: How close two levels must be to count as equal (scores are means and medians of whole
#: levels, so 1.5 may be stored as 1.4999999999999998).
TOLERANCE = 1e-6

Verdict = Literal["up", "down", "within", "steady", "new", "not scored now", "not scored"]
#: What :func:`factor_moves` says of a factor: a real move ``up`` or ``down``; a change
#: ``within`` the panels' disagreement (or under half a level); ``steady`` (no change to the
#: printed decimal); ``new`` (scored now, not then); ``not scored now``; ``not scored`` (in
#: neither).
VERDICTS: tuple[str, ...] = get_args(Verdict)

#: The columns of :func:`factor_moves`, in order.
MOVE_COLUMNS: tuple[str, ...] = (
    "label",
    "previous",
    "current",
    "change",
    "previous_low",
    "previous_high",
    "current_low",
    "current_high",
    "moved",
    "verdict",
)

#: A change smaller than this reads as none (half of the printed decimal).
_STEADY = 0.05


def _num(value: object) -> float | None:
    if value is None:
        return None
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def _range(row: pd.Series, score: float | None) -> tuple[float, float] | None:
    """A panel's range of rater levels for one factor (its score alone without raters)."""
    if score is None:
        return None
    low, high = _num(row.get("min")), _num(row.get("max"))
    if low is None or high is None:
        return (score, score)
    return (low, high)


def _verdict(
    then: float | None,
    now: float | None,
    was: tuple[float, float] | None,
    is_: tuple[float, float] | None,
) -> Verdict:
    if now is None:
        return "not scored" if then is None else "not scored now"
    if then is None or was is None or is_ is None:
        return "new"
    change = now - then
    if abs(change) < _STEADY:
        return "steady"
    if abs(change) < MIN_MOVE - TOLERANCE:
        return "within"
    if change > 0 and is_[0] > was[1] + TOLERANCE:
        return "up"
    if change < 0 and is_[1] < was[0] - TOLERANCE:
        return "down"
    return "within"


def factor_moves(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Per factor of ``current``: the previous and current score, the change, both panels'
    ranges, and whether the change is a real move (see the module docstring).

    Parameters
    ----------
    current, previous
        Scores tables (:func:`toolkit.score_engagement`) of the two assessments; ``previous``
        is read for the factors of ``current`` (a factor it lacks was not scored then).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``current``, with the columns of :data:`MOVE_COLUMNS`: ``change`` is
        current - previous (NaN unless both are scored), ``moved`` is True for a real move,
        ``verdict`` one of :data:`VERDICTS`.
    """
    require_columns(current, ("score",), table="current scores")
    require_columns(previous, ("score",), table="previous scores")
    rows = []
    for fid, row in current.iterrows():
        now = _num(row["score"])
        before = previous.loc[[fid]].iloc[0] if fid in previous.index else None
        then = _num(before["score"]) if before is not None else None
        was = _range(before, then) if before is not None else None
        is_ = _range(row, now)
        verdict = _verdict(then, now, was, is_)
        rows.append(
            {
                "label": row.get("label", fid),
                "previous": then,
                "current": now,
                "change": None if then is None or now is None else now - then,
                "previous_low": was[0] if was else None,
                "previous_high": was[1] if was else None,
                "current_low": is_[0] if is_ else None,
                "current_high": is_[1] if is_ else None,
                "moved": verdict in ("up", "down"),
                "verdict": verdict,
            }
        )
    frame = pd.DataFrame(rows, index=current.index, columns=list(MOVE_COLUMNS))
    numbers = [c for c in MOVE_COLUMNS if c not in ("label", "moved", "verdict")]
    frame[numbers] = frame[numbers].astype("float64")
    frame["moved"] = frame["moved"].astype(bool)
    return frame


def trend_table(
    cycles: Sequence[Engagement], *, framework: Framework | None = None
) -> pd.DataFrame:
    """One client's scores over its cycles: one row per factor, one column per cycle.

    ``cycles`` are the assessments oldest first (:attr:`toolkit.cycles.History.cycles` and the
    current one). Columns are the cycles' dates (``"YYYY-MM-DD"``; a second cycle on the same
    day gets ``" (2)"``); NaN where a factor was not scored. Indexed by factor id in framework
    order, with a ``label`` column first.
    """
    fw = framework or load_framework()
    columns: dict[str, pd.Series] = {}
    for e in cycles:
        name = e.date.isoformat()
        n = 2
        while name in columns:
            name = f"{e.date.isoformat()} ({n})"
            n += 1
        columns[name] = score_engagement(e, framework=fw)["score"]
    table = pd.DataFrame(columns, index=pd.Index(fw.factor_ids, name="factor"))
    table.insert(0, "label", [f.label for f in fw.factors])
    return table
