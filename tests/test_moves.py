"""What moved between two assessments: a change is a real move only beyond the raters' spread.

Property tests over panels of raters: the rule of :mod:`toolkit.moves` read from the levels each
rater gave, through the scoring a report uses.
"""

from __future__ import annotations

import math
from typing import cast

import pandas as pd
import pytest
from examples import examples
from folders import SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit import changes
from toolkit.charts import radar_chart
from toolkit.charts._radar_frame import NOTE_MOVES, radar_frame
from toolkit.charts._radar_options import radar_options
from toolkit.charts._radar_rows import radar_datasets
from toolkit.findings import Engagement
from toolkit.moves import MIN_MOVE, MOVE_COLUMNS, VERDICTS, factor_moves
from toolkit.scoring import score_engagement
from toolkit.store import load_engagement

RATERS = ("Ana Lima", "Bo Chen", "Cy Dale", "Di Eze", "Ed Fox")
#: A panel: each rater's levels on one factor (a rater may record several findings).
panels = st.lists(
    st.lists(st.integers(0, 4), min_size=1, max_size=3), min_size=1, max_size=len(RATERS)
)


def _engagement(panel: list[list[int]], factor: str = "purpose") -> Engagement:
    e = Engagement.new(client="Acme Care", lead="Ana Lima")
    for rater, levels in zip(RATERS, panel, strict=False):
        for n, level in enumerate(levels):
            _, add = changes.add_finding(
                factor=factor, level=level, evidence=f"{rater} {n}", rater=rater
            )
            e = add(e)
    return e


def _rater_levels(panel: list[list[int]]) -> list[float]:
    """Each rater's level: the mean of their findings, as the scores table's range reads it."""
    return [sum(levels) / len(levels) for levels in panel]


def _moves(then: list[list[int]] | None, now: list[list[int]] | None) -> pd.Series:
    empty = Engagement.new(client="Acme Care", lead="Ana Lima")
    before = score_engagement(_engagement(then) if then else empty)
    after = score_engagement(_engagement(now) if now else empty)
    return cast(pd.Series, factor_moves(after, before).loc["purpose"])


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(then=panels, now=panels)
def test_a_real_move_is_half_a_level_and_every_rater_beyond_every_rater_then(
    then: list[list[int]], now: list[list[int]]
) -> None:
    row = _moves(then, now)
    was, is_ = _rater_levels(then), _rater_levels(now)
    assert row["verdict"] in VERDICTS
    assert math.isclose(row["change"], row["current"] - row["previous"])
    if row["moved"]:
        assert abs(row["change"]) >= MIN_MOVE - 1e-9
        if row["verdict"] == "up":
            assert row["change"] > 0 and min(is_) > max(was)
        else:
            assert row["verdict"] == "down"
            assert row["change"] < 0 and max(is_) < min(was)
    else:
        # not a move: too small, or the two panels overlap (another panel could read either)
        small = abs(row["change"]) < MIN_MOVE - 1e-9
        overlap = not (min(is_) > max(was) or max(is_) < min(was))
        assert small or overlap


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(then=panels, now=panels)
def test_swapping_the_assessments_turns_a_rise_into_a_fall(
    then: list[list[int]], now: list[list[int]]
) -> None:
    forward, back = _moves(then, now), _moves(now, then)
    assert forward["moved"] == back["moved"]
    flipped = {"up": "down", "down": "up"}
    assert flipped.get(forward["verdict"], forward["verdict"]) == back["verdict"]


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(then=panels, now=panels, extra=st.integers(0, 4))
def test_a_rater_who_agrees_with_the_previous_panel_never_makes_a_move(
    then: list[list[int]], now: list[list[int]], extra: int
) -> None:
    # a rater now whose level lies inside the previous panel's range: the panels overlap
    low, high = min(_rater_levels(then)), max(_rater_levels(then))
    if not low <= extra <= high or len(now) >= len(RATERS):
        return
    assert not _moves(then, [*now, [extra]])["moved"]


@given(panel=panels)
@settings(max_examples=examples(20), deadline=None)
def test_a_factor_assessed_in_only_one_cycle_is_not_a_change(panel: list[list[int]]) -> None:
    new = _moves(None, panel)
    assert new["verdict"] == "new" and not new["moved"] and math.isnan(new["change"])
    gone = _moves(panel, None)
    assert gone["verdict"] == "not scored now" and not gone["moved"]
    assert math.isnan(gone["change"])


def test_a_factor_assessed_in_neither_cycle_is_not_a_change() -> None:
    empty = score_engagement(Engagement.new(client="Acme Care", lead="Ana Lima"))
    moves = factor_moves(empty, empty)
    assert list(moves.columns) == list(MOVE_COLUMNS)
    assert set(moves["verdict"]) == {"not scored"}
    assert not moves["moved"].any() and moves["change"].isna().all()


@pytest.mark.parametrize(
    ("then", "now", "verdict"),
    [
        ([[1], [1]], [[3], [3]], "up"),  # unanimous then and now, two levels apart
        ([[1]], [[2]], "up"),  # one rater each: the half-level step alone
        ([[3], [3]], [[2], [2]], "down"),
        ([[1], [3]], [[3], [3]], "within"),  # +1.0, but a rater then already saw 3
        ([[2], [2]], [[2], [3]], "within"),  # +0.5 inside the new panel's own spread
        ([[1], [2]], [[2], [3]], "within"),  # ranges touch at 2: a rater then and now agree
        ([[2], [2]], [[2], [2]], "steady"),
    ],
)
def test_worked_examples(then: list[list[int]], now: list[list[int]], verdict: str) -> None:
    assert _moves(then, now)["verdict"] == verdict


def test_a_consensus_without_findings_counts_its_score_as_its_range() -> None:
    e = Engagement.new(client="Acme Care", lead="Ana Lima")
    then = score_engagement(changes.set_override("purpose", 1, reason="Agreed")(e))
    now = score_engagement(changes.set_override("purpose", 3, reason="Agreed")(e))
    assert factor_moves(now, then).loc["purpose", "verdict"] == "up"


def test_the_radar_marks_only_the_real_moves() -> None:
    november = load_engagement(SAMPLE)
    may = load_engagement(SAMPLE.with_name("harbourline-2026-05.json"))
    now, then = score_engagement(november), score_engagement(may)
    real = set(factor_moves(now, then).query("moved").index)
    assert real == {"connection", "leader_aptitude"}
    frame = radar_frame(now, radar_options(previous=then, previous_label="May 2026"))
    marked = radar_datasets(frame)["moves"]
    assert {r["factor"] for r in marked} == real
    assert all(r["current"] > r["previous"] for r in marked)
    assert NOTE_MOVES in frame.notes
    radar_chart(now, previous=then)  # the chart draws with the layer
    # levels alone (no rater ranges) cannot tell a move: nothing is marked
    levels_only = radar_frame(now, radar_options(previous=then["score"]))
    assert levels_only.moves == () and NOTE_MOVES not in levels_only.notes
