"""The panel of raters: their levels, Krippendorff's alpha, calibration and robust priorities."""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import cast

import pandas as pd
import pytest
from examples import examples
from frames import blank
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit as tf
from toolkit import Engagement

SAMPLE = Path(__file__).resolve().parents[1] / "engagements" / "harbourline-2026-11.json"


def panel(
    levels: dict[str, dict[str, list[int]]],
    *,
    not_applicable: Sequence[str] = (),
    targets: Mapping[str, int] | None = None,
) -> Engagement:
    """An engagement from ``{rater: {factor: [levels]}}``, one finding per level."""
    e = Engagement.new(client="Acme Care", lead="Ana Lima")
    for rater, factors in levels.items():
        for factor, values in factors.items():
            for level in values:
                e = e.add_finding(factor=factor, level=level, evidence="seen", rater=rater)
    for factor in not_applicable:
        e = e.set_not_applicable(factor)
    for factor, target in (targets or {}).items():
        e = e.set_target(factor, target)
    return e


# -- rater levels --------------------------------------------------------------------------------


def test_rater_levels_are_each_raters_mean_with_gaps_left_empty() -> None:
    e = panel({"Ben": {"purpose": [1, 4], "sponsorship": [2]}, "Ana": {"purpose": [3]}})
    table = tf.rater_levels(e)
    assert list(table.index) == ["Ana", "Ben"]
    assert table.loc["Ben", "purpose"] == 2.5 and table.loc["Ana", "purpose"] == 3.0
    assert blank(table, "Ana", "sponsorship")  # no finding: missing, not 0
    assert list(table.columns) == list(tf.load_framework().factor_ids)


def test_rater_levels_leave_out_not_applicable_factors() -> None:
    e = panel({"Ana": {"purpose": [1], "composure": [2]}}, not_applicable=["composure"])
    assert "composure" not in tf.rater_levels(e).columns


# -- Krippendorff's alpha ------------------------------------------------------------------------


def test_alpha_of_one_rater_is_nan() -> None:
    assert math.isnan(tf.panel_agreement(panel({"Ana": {"purpose": [1], "sponsorship": [3]}})))


def test_alpha_is_one_when_raters_agree_on_every_factor() -> None:
    same = {"purpose": [1], "sponsorship": [3], "composure": [4]}
    assert tf.panel_agreement(panel({"Ana": same, "Ben": same})) == pytest.approx(1.0)


def test_alpha_is_nan_when_every_level_is_the_same() -> None:
    # Nothing varies, so observed and expected disagreement are both 0.
    same = {"purpose": [2], "sponsorship": [2]}
    assert math.isnan(tf.panel_agreement(panel({"Ana": same, "Ben": same})))


def test_alpha_of_maximal_disagreement_is_below_zero() -> None:
    # Values 0, 4 | 4, 0: D_o = 16, D_e = 128 / 12 = 32 / 3, so alpha = 1 - 16 / (32 / 3) = -0.5.
    e = panel(
        {"Ana": {"purpose": [0], "sponsorship": [4]}, "Ben": {"purpose": [4], "sponsorship": [0]}}
    )
    assert tf.panel_agreement(e) == pytest.approx(-0.5)


def test_alpha_ignores_not_applicable_factors_and_lone_ratings() -> None:
    agree = {"purpose": [1], "sponsorship": [3]}
    e = panel(
        {"Ana": {**agree, "composure": [0], "connection": [4]}, "Ben": {**agree, "composure": [4]}},
        not_applicable=["composure"],
    )
    assert tf.panel_agreement(e) == pytest.approx(1.0)


def reference_alpha(table: list[list[float | None]]) -> float:
    """Interval alpha by its definition: 1 - D_o / D_e over pairable values."""
    units = [[v for v in column if v is not None] for column in zip(*table, strict=True)]
    units = [u for u in units if len(u) >= 2]
    values = [v for u in units for v in u]
    n = len(values)
    if len({*values}) < 2:
        return math.nan
    observed: float = sum(
        sum((a - b) ** 2 for a, b in itertools.permutations(u, 2)) / (len(u) - 1) for u in units
    )
    expected: float = sum((a - b) ** 2 for a, b in itertools.permutations(values, 2)) / (n - 1)
    return 1 - observed / expected


FACTORS = ("sponsorship", "main_metric", "purpose", "composure")
panels = st.dictionaries(
    st.sampled_from(["Ana", "Ben", "Chi", "Dev"]),
    st.dictionaries(st.sampled_from(FACTORS), st.lists(st.integers(0, 4), min_size=1, max_size=3)),
    max_size=4,
)


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(levels=panels)
def test_alpha_matches_its_definition(levels: dict[str, dict[str, list[int]]]) -> None:
    raters = sorted(levels)
    table = [
        [statistics.fmean(levels[r][f]) if f in levels[r] else None for f in FACTORS]
        for r in raters
    ]
    want = reference_alpha(table) if len(raters) >= 2 else math.nan
    assert tf.panel_agreement(panel(levels)) == pytest.approx(want, nan_ok=True, abs=1e-9)


# -- rater calibration ---------------------------------------------------------------------------


def test_profile_counts_and_leaning_against_the_factor_median() -> None:
    e = panel(
        {
            "Ana": {"purpose": [1], "sponsorship": [1, 1]},
            "Ben": {"purpose": [2], "sponsorship": [3]},
            "Chi": {"purpose": [4], "composure": [2]},
        }
    )
    profile = tf.rater_profile(e)
    assert list(profile.columns) == ["findings", "factors", "compared", "deviation"]
    # purpose: median of (1, 2, 4) is 2; sponsorship: median of (1, 3) is 2.
    assert profile.loc[["Ana", "Ben"]].to_numpy().tolist() == [
        [3, 2, 2, -1.0],  # severe
        [2, 2, 2, 0.5],  # (0 + 1) / 2
    ]
    assert profile.loc["Chi", "deviation"] == 2.0  # lenient; composure is Chi's alone
    assert profile.loc["Chi", "compared"] == 1 and profile.loc["Chi", "factors"] == 2


def test_a_rater_who_shares_no_factor_has_no_deviation() -> None:
    profile = tf.rater_profile(panel({"Ana": {"purpose": [1]}, "Ben": {"composure": [3]}}))
    assert profile["compared"].tolist() == [0, 0]
    assert profile["deviation"].isna().all()


# -- robust priorities ---------------------------------------------------------------------------


def test_priority_ranks_under_the_rule_the_mean_and_each_rater_left_out() -> None:
    # purpose: Ana 0 0 0, Ben 3  -> rule (median of 0 and 3) 1.5, plain mean 0.75
    # sponsorship: Ana 1, Ben 1  -> 1.0 however read
    e = panel(
        {
            "Ana": {"purpose": [0, 0, 0], "sponsorship": [1]},
            "Ben": {"purpose": [3], "sponsorship": [1]},
        }
    )
    table = tf.priority_sensitivity(e)
    assert list(table.columns) == [
        "label",
        "rule",
        "mean",
        "without Ana",
        "without Ben",
        "consensus",
        "stable",
    ]
    assert list(table.index) == ["sponsorship", "purpose"]  # rule order: lowest score first
    columns = ("rule", "mean", "without Ana", "without Ben")
    assert [table.at["purpose", c] for c in columns] == [2, 1, 2, 1]
    assert table["stable"].tolist() == [True, True]


def test_a_priority_that_one_rater_carries_is_not_stable() -> None:
    # Without Ben, composure has no findings left and is no priority at all: out of the top.
    e = panel(
        {"Ana": {"purpose": [1], "sponsorship": [2]}, "Ben": {"composure": [0], "purpose": [1]}},
        targets={"purpose": 3, "sponsorship": 3, "composure": 3},
    )
    table = tf.priority_sensitivity(e)
    assert table.loc["composure", "rule"] == 1
    assert blank(table, "composure", "without Ben")
    assert not table.loc["composure", "stable"]
    assert note(table, "composure") == (
        "In the top 5 on one rater's findings: without Ben's, it would not be a priority."
    )


def test_a_lone_raters_priorities_are_not_flagged_as_resting_on_one_rater() -> None:
    # The whole diagnosis is one rater's: the coverage says so, a flag on each priority would not
    # add anything, so nobody is left out and every factor is settled.
    e = panel({"Ana": {"purpose": [1], "sponsorship": [2]}}, targets={"purpose": 3})
    table = tf.priority_sensitivity(e)
    assert [c for c in table.columns if c.startswith("without ")] == []
    assert table["stable"].all()
    assert note(table, "purpose") == ""


def test_a_factor_meeting_its_target_in_every_reading_is_stable_with_no_rank() -> None:
    e = panel({"Ana": {"purpose": [3], "sponsorship": [1]}}, targets={"purpose": 3})
    table = tf.priority_sensitivity(e)
    assert blank(table, "purpose", "rule") and table.loc["purpose", "stable"]
    assert list(table.index) == ["sponsorship", "purpose"]  # priorities first


def test_the_sample_priorities_and_their_stability() -> None:
    table = tf.priority_sensitivity(tf.load_engagement(SAMPLE))
    ranked = table[table["rule"].notna()]
    assert list(ranked.index) == list(
        tf.summarize(tf.score_engagement(tf.load_engagement(SAMPLE))).priorities
    )
    # accountability's level was agreed by consensus: settled, whoever is left out
    assert table.loc["accountability", "consensus"] and table.loc["accountability", "stable"]
    # sponsorship moves from 1 to 3 without Tomás Herrera: within the top 5, so settled
    assert table.loc["sponsorship", "without Tomás Herrera"] == 3
    assert table.loc["sponsorship", "stable"]
    # The flag is on few factors, never on all of them (it was on 9 of 10).
    assert (~table["stable"]).sum() <= 2


def test_a_move_within_the_top_is_settled_and_a_move_across_it_is_not() -> None:
    # composure: Ana 3, Ben 0 0 -> 1.5, priority 4; without Ana it is 0, priority 1.
    ana = {f: [2] for f in ("purpose", "sponsorship", "connection", "originality", "authority")}
    ana |= {"main_metric": [1], "accountability": [1], "composure": [3]}
    e = panel({"Ana": ana, "Ben": {"composure": [0, 0], "sponsorship": [1]}})
    e = e.set_override("accountability", 0, reason="agreed in the room", by="Ana")
    table = tf.priority_sensitivity(e, top=3)
    assert (table.loc["composure", "rule"], table.loc["composure", "without Ana"]) == (4, 1)
    assert not table.loc["composure", "stable"]
    assert note(table, "composure", top=3) == (
        "Outside the top 3 on one rater's findings: without Ana's, it would be priority 1."
    )
    # purpose moves from 5 to 4 without Ben: among the rest, so settled.
    assert (table.loc["purpose", "rule"], table.loc["purpose", "without Ben"]) == (5, 4)
    assert table.loc["purpose", "stable"] and note(table, "purpose", top=3) == ""
    # main_metric is in the top 3 on Ana's findings alone: without them it is not assessed.
    assert note(table, "main_metric", top=3) == (
        "In the top 3 on one rater's findings: without Ana's, it would not be a priority."
    )
    # accountability's level was agreed: settled, though Ana alone recorded its findings.
    assert not blank(table, "accountability", "without Ana")
    assert table.loc["accountability", "consensus"] and table.loc["accountability", "stable"]


# -- priority stability over generated panels ----------------------------------------------------

RATED = ("purpose", "sponsorship", "connection", "composure", "authority", "main_metric")


def note(table: pd.DataFrame, factor: str, top: int = 5) -> str:
    """:func:`toolkit.rank_note` for one factor's row of a sensitivity table."""
    return tf.rank_note(cast(pd.Series, table.loc[factor]), top=top)


@st.composite
def rated_panels(draw: st.DrawFn) -> Engagement:
    raters = draw(st.lists(st.sampled_from(["Ana", "Ben", "Cai", "Dee"]), min_size=1, unique=True))
    levels = {
        r: draw(
            st.dictionaries(
                st.sampled_from(RATED), st.lists(st.integers(0, 4), min_size=1, max_size=3)
            )
        )
        for r in raters
    }
    e = panel(levels, targets=draw(st.dictionaries(st.sampled_from(RATED), st.integers(1, 4))))
    for factor in draw(st.lists(st.sampled_from(RATED), max_size=2, unique=True)):
        e = e.set_override(factor, draw(st.integers(0, 4)), reason="agreed", by="Ana")
    return e


def _top(e: Engagement, top: int) -> set[str]:
    return set(tf.summarize(tf.score_engagement(e)).priorities[:top])


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rated_panels(), st.integers(1, 5))
def test_a_factor_is_flagged_exactly_when_one_rater_moves_it_across_the_top(
    e: Engagement, top: int
) -> None:
    table = tf.priority_sensitivity(e, top=top)
    scores = tf.score_engagement(e)
    shown = _top(e, top)
    raters = sorted({f.rater for f in e.findings})
    if len(raters) < 2:
        raters = []  # one rater's findings are the whole evidence: nobody to leave out
    for factor in table.index:
        crossing = [
            r
            for r in raters
            if (factor in shown)
            != (factor in _top(e.with_findings(f for f in e.findings if f.rater != r), top))
        ]
        consensus = scores.loc[factor, "basis"] == "consensus"
        assert bool(table.loc[factor, "stable"]) == (consensus or not crossing), factor
        said = note(table, str(factor), top=top)
        if consensus or not crossing:
            assert said == ""
        else:
            where = "In the top" if factor in shown else "Outside the top"
            assert said.startswith(f"{where} {top} on one rater's findings: ")
            assert all(f"without {r}'s, it would " in said for r in crossing)
