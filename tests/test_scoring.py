"""The scoring rule, clause by clause, plus property tests against a plain reference."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest
from examples import examples
from frames import blank
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit.scoring_rule as scoring_rule
from toolkit import (
    Engagement,
    EngagementError,
    Framework,
    score_engagement,
    score_findings,
    summarize,
)
from toolkit.scoring import SCORE_COLUMNS


def frame(rows: list[tuple[str, int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["factor", "level", "rater", "source"])


def test_columns_and_index_are_exactly_the_documented_ones(framework: Framework) -> None:
    scores = score_findings(frame([("purpose", 2, "a", "interview")]))
    assert list(scores.columns) == list(SCORE_COLUMNS)
    assert list(scores.index) == list(framework.factor_ids)
    assert scores.index.name == "factor"


def test_rater_level_is_the_mean_of_that_raters_findings() -> None:
    # Clause 1: one rater, levels 1 and 4 -> rater level 2.5 -> computed 2.5.
    scores = score_findings(
        frame([("purpose", 1, "a", "interview"), ("purpose", 4, "a", "survey")])
    )
    assert scores.loc["purpose", "computed"] == 2.5
    assert scores.loc["purpose", "score"] == 2.5


def test_computed_is_the_median_of_rater_levels_not_of_findings() -> None:
    # Clause 2: rater a has three 0s, raters b and c one 3 each.
    # Median of findings would be 0; median of rater levels (0, 3, 3) is 3.
    rows = [("purpose", 0, "a", "interview")] * 3 + [
        ("purpose", 3, "b", "interview"),
        ("purpose", 3, "c", "interview"),
    ]
    assert score_findings(frame(rows)).loc["purpose", "computed"] == 3.0


def test_even_number_of_raters_takes_the_middle_mean() -> None:
    rows = [("purpose", lv, r, "interview") for lv, r in ((1, "a"), (2, "b"), (3, "c"), (4, "d"))]
    assert score_findings(frame(rows)).loc["purpose", "computed"] == 2.5


def test_override_replaces_score_and_sets_basis_consensus() -> None:
    rows = [("purpose", 0, "a", "interview"), ("purpose", 4, "b", "interview")]
    scores = score_findings(frame(rows), overrides={"purpose": 1})
    row = scores.loc["purpose"]
    assert row["score"] == 1 and row["basis"] == "consensus" and row["computed"] == 2.0
    assert not row["needs_consensus"]


def test_override_without_findings_still_scores() -> None:
    scores = score_findings(frame([("purpose", 2, "a", "interview")]), overrides={"composure": 3})
    assert scores.loc["composure", "score"] == 3
    assert scores.loc["composure", "basis"] == "consensus"


def test_unassessed_factor_is_not_zero() -> None:
    scores = score_findings(frame([("purpose", 2, "a", "interview")]))
    row = scores.loc["composure"]
    assert blank(scores, "composure", "score") and row["basis"] == "not assessed"
    assert row["n_findings"] == 0 and row["confidence"] == "none"


def test_not_applicable_is_nan_whatever_its_findings_and_override() -> None:
    rows = [("purpose", 4, "a", "interview")] * 3
    scores = score_findings(frame(rows), overrides={"purpose": 2}, not_applicable=["purpose"])
    row = scores.loc["purpose"]
    assert blank(scores, "purpose", "score") and row["basis"] == "not applicable"
    assert row["n_findings"] == 3  # the evidence is still counted
    assert blank(scores, "purpose", "gap")


def test_min_max_spread_and_needs_consensus_at_spread_two() -> None:
    rows = [("purpose", 1, "a", "interview"), ("purpose", 3, "b", "interview")]
    rows += [("composure", 1, "a", "interview"), ("composure", 2, "b", "interview")]
    scores = score_findings(frame(rows))
    assert tuple(scores.loc["purpose", ["min", "max", "spread"]]) == (1.0, 3.0, 2.0)
    assert scores.loc["purpose", "needs_consensus"]
    assert scores.loc["composure", "spread"] == 1.0
    assert not scores.loc["composure", "needs_consensus"]
    assert scores.loc["purpose", "n_raters"] == 2


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ([], "none"),
        (["interview"], "low"),
        (["interview", "interview"], "medium"),
        (["interview", "interview", "interview"], "medium"),  # 3 findings but one source
        (["interview", "survey"], "medium"),  # 2 sources but only 2 findings
        (["interview", "interview", "document"], "high"),
    ],
)
def test_confidence_levels(sources: list[str], expected: str) -> None:
    rows = [("purpose", 2, "a", s) for s in sources] + [("composure", 1, "a", "interview")]
    assert score_findings(frame(rows)).loc["purpose", "confidence"] == expected


def test_target_and_gap() -> None:
    scores = score_findings(
        frame([("purpose", 1, "a", "interview")]), targets={"purpose": 3, "composure": 2}
    )
    assert scores.loc["purpose", "target"] == 3 and scores.loc["purpose", "gap"] == 2
    assert scores.loc["composure", "target"] == 2 and blank(scores, "composure", "gap")


def test_labels_are_accepted_in_place_of_ids() -> None:
    scores = score_findings(frame([("Shared purpose", 3, "a", "interview")]))
    assert scores.loc["purpose", "score"] == 3


def test_unknown_factor_and_bad_level_are_clear_errors() -> None:
    with pytest.raises(EngagementError, match=r"unknown factor.*'morale'"):
        score_findings(frame([("morale", 3, "a", "interview")]))
    with pytest.raises(EngagementError, match="level: 5"):
        score_findings(frame([("purpose", 5, "a", "interview")]))


def test_sample_engagement_scores(sample: Engagement) -> None:
    scores = score_engagement(sample)
    assert scores.loc["composure", "basis"] == "not assessed"
    assert scores.loc["cx_executive", "basis"] == "not applicable"
    assert scores.loc["accountability", "basis"] == "consensus"
    assert scores.loc["accountability", "score"] == 1
    assert scores.loc["authority", "needs_consensus"]
    assert scores["n_findings"].sum() == len(sample.findings) >= 40


def test_summary_counts_weights_and_priorities(framework: Framework) -> None:
    rows = [
        ("sponsorship", 1, "a", "interview"),
        ("cx_executive", 3, "a", "interview"),
        ("main_metric", 0, "a", "interview"),
        ("purpose", 2, "a", "interview"),
        ("purpose", 4, "b", "interview"),
    ]
    scores = score_findings(frame(rows), targets={"sponsorship": 3, "cx_executive": 3})
    heavy = framework.derive(
        factors=[
            f.model_copy(update={"weight": 3.0}) if f.id == "sponsorship" else f
            for f in framework.factors
        ]
    )
    s = summarize(scores, framework=heavy)
    assert s.assessed == 4 and s.n_factors == 10
    # (3*1 + 3 + 0 + 3) / (3 + 1 + 1 + 1)
    assert s.mean_score == pytest.approx(9 / 6)
    assert s.weak == ("sponsorship", "main_metric")
    assert s.needs_consensus == 1
    # The gap of 2 first; cx_executive meets its target; then lowest score first.
    assert s.priorities == ("sponsorship", "main_metric", "purpose")
    assert "composure" in s.not_assessed


def test_priority_ties_keep_framework_order() -> None:
    rows = [("purpose", 2, "a", "interview"), ("sponsorship", 2, "a", "interview")]
    assert summarize(score_findings(frame(rows))).priorities == ("sponsorship", "purpose")


def test_summary_of_nothing_assessed_has_nan_mean() -> None:
    s = summarize(score_findings(frame([]).astype({"level": "int64"})))
    assert s.assessed == 0 and math.isnan(s.mean_score) and s.priorities == ()


# -- rater agreement: r_wg = 1 - s2 / 2 ----------------------------------------------------------


def _levels_by_rater(levels: list[int]) -> pd.DataFrame:
    """One finding per rater on ``purpose``, rater i at ``levels[i]``."""
    return frame([("purpose", lv, f"r{i}", "interview") for i, lv in enumerate(levels)])


def test_one_rater_has_no_agreement_figure_and_is_not_flagged() -> None:
    scores = score_findings(
        frame([("purpose", 1, "a", "interview"), ("purpose", 4, "a", "survey")])
    )
    assert blank(scores, "purpose", "r_wg")
    assert blank(scores, "composure", "r_wg")  # no raters at all
    assert scores["low_agreement"].dtype == bool
    assert not scores["low_agreement"].any()


def test_raters_who_all_agree_have_r_wg_one() -> None:
    row = score_findings(_levels_by_rater([2, 2, 2])).loc["purpose"]
    assert row["r_wg"] == 1.0 and not row["low_agreement"]


def test_maximal_disagreement_is_clipped_to_zero() -> None:
    # Levels 0 and 4: s2 = 8, 1 - 8 / 2 = -3, clipped to 0.
    row = score_findings(_levels_by_rater([0, 4])).loc["purpose"]
    assert row["r_wg"] == 0.0 and row["low_agreement"]


@pytest.mark.parametrize(
    ("levels", "r_wg", "low"),
    [
        ([2, 3], 0.75, False),  # s2 = 0.5
        ([1, 2, 3], 0.5, True),  # s2 = 1
        ([1, 3], 0.0, True),  # s2 = 2: as spread out as a uniform answer
        ([1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3], 0.7, False),  # s2 = 6 / 10: on the threshold
    ],
)
def test_r_wg_by_hand(levels: list[int], r_wg: float, low: bool) -> None:
    row = score_findings(_levels_by_rater(levels)).loc["purpose"]
    assert row["r_wg"] == pytest.approx(r_wg, abs=1e-12)
    assert bool(row["low_agreement"]) is low


def test_r_wg_uses_each_raters_level_not_their_findings() -> None:
    # Rater a's findings 0 and 4 disagree with each other, but a's level (2) matches b's.
    rows = [("purpose", 0, "a", "interview"), ("purpose", 4, "a", "survey")]
    row = score_findings(frame([*rows, ("purpose", 2, "b", "interview")])).loc["purpose"]
    assert row["r_wg"] == 1.0


def test_r_wg_is_computed_whatever_the_basis() -> None:
    rows = [("purpose", 0, "a", "interview"), ("purpose", 4, "b", "interview")]
    rows += [("composure", 0, "a", "interview"), ("composure", 4, "b", "interview")]
    scores = score_findings(frame(rows), overrides={"purpose": 2}, not_applicable=["composure"])
    assert tuple(scores.loc[["purpose", "composure"], "basis"]) == ("consensus", "not applicable")
    assert tuple(scores.loc[["purpose", "composure"], "r_wg"]) == (0.0, 0.0)
    assert scores.loc[["purpose", "composure"], "low_agreement"].all()


def test_sparse_histogram_matches_the_dense_one(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    data = pd.DataFrame(
        {
            "factor": rng.choice(list(FACTORS), 500),
            "level": rng.integers(0, 5, 500),
            "rater": rng.choice([f"r{i}" for i in range(30)], 500),
            "source": rng.choice(["interview", "survey"], 500),
        }
    )
    dense = score_findings(data)
    monkeypatch.setattr(scoring_rule, "_DENSE_CELLS", 0)  # count only the pairs in use
    pd.testing.assert_frame_equal(score_findings(data), dense)


# -- properties: the vectorised rule against a plain-Python reading of the rule ---------------

FACTORS = ("sponsorship", "purpose", "composure")
finding_rows = st.lists(
    st.tuples(
        st.sampled_from(FACTORS),
        st.integers(0, 4),
        st.sampled_from(["ana", "ben", "chi", "dev"]),
        st.sampled_from(["interview", "survey", "document"]),
    ),
    max_size=40,
)


def reference(rows: list[tuple[str, int, str, str]], factor: str) -> dict[str, object]:
    mine = [r for r in rows if r[0] == factor]
    by_rater: dict[str, list[int]] = {}
    for _, level, rater, _ in mine:
        by_rater.setdefault(rater, []).append(level)
    rater_levels = [statistics.fmean(v) for v in by_rater.values()]
    sources = {r[3] for r in mine}
    if len(mine) >= 3 and len(sources) >= 2:
        confidence = "high"
    else:
        confidence = {0: "none", 1: "low"}.get(len(mine), "medium")
    if len(rater_levels) >= 2:
        r_wg = min(1.0, max(0.0, 1 - statistics.variance(rater_levels) / 2))
    else:
        r_wg = math.nan
    return {
        "r_wg": r_wg,
        "low_agreement": r_wg < 0.7,  # False for NaN
        "computed": statistics.median(rater_levels) if rater_levels else math.nan,
        "n_findings": len(mine),
        "n_raters": len(by_rater),
        "spread": max(rater_levels) - min(rater_levels) if rater_levels else math.nan,
        "confidence": confidence,
    }


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=finding_rows)
def test_vectorised_scores_match_the_plain_rule(rows: list[tuple[str, int, str, str]]) -> None:
    scores = score_findings(frame(rows).astype({"level": "int64"}))
    for factor in FACTORS:
        want = reference(rows, factor)
        got = scores.loc[factor]
        for key in ("computed", "spread", "r_wg"):
            assert got[key] == pytest.approx(want[key], nan_ok=True, abs=1e-12), (factor, key)
        if not abs(got["r_wg"] - 0.7) < 1e-9:  # exactly on the threshold: rounding decides
            assert bool(got["low_agreement"]) is want["low_agreement"]
        assert got["n_findings"] == want["n_findings"]
        assert got["n_raters"] == want["n_raters"]
        assert got["confidence"] == want["confidence"]
        if want["n_findings"]:
            assert got["min"] <= got["score"] <= got["max"]
            assert got["basis"] == "findings"
        else:
            assert got["basis"] == "not assessed" and blank(scores, factor, "score")


@settings(max_examples=examples(60), deadline=None)
@given(rows=finding_rows, seed=st.integers(0, 2**32 - 1))
def test_row_order_does_not_change_scores(rows: list[tuple[str, int, str, str]], seed: int) -> None:
    data = frame(rows).astype({"level": "int64"})
    shuffled = data.sample(frac=1, random_state=np.random.RandomState(seed)).reset_index(drop=True)
    pd.testing.assert_frame_equal(score_findings(data), score_findings(shuffled))


@settings(max_examples=examples(60), deadline=None)
@given(rows=finding_rows, level=st.integers(0, 4))
def test_an_override_always_wins_and_not_applicable_always_blanks(
    rows: list[tuple[str, int, str, str]], level: int
) -> None:
    data = frame(rows).astype({"level": "int64"})
    scores = score_findings(data, overrides={"purpose": level}, not_applicable=["composure"])
    assert scores.loc["purpose", "score"] == level
    assert scores.loc["purpose", "basis"] == "consensus"
    assert not scores.loc["purpose", "needs_consensus"]
    assert blank(scores, "composure", "score")
    assert scores.loc["composure", "basis"] == "not applicable"


def test_categorical_and_string_inputs_agree() -> None:
    rows = [("purpose", 1, "a", "interview"), ("purpose", 3, "b", "survey")]
    plain = frame(rows)
    cat = plain.astype({"factor": "category", "rater": "category", "source": "category"})
    pd.testing.assert_frame_equal(score_findings(plain), score_findings(cat))


def test_missing_rater_counts_as_one_unnamed_rater() -> None:
    data = pd.DataFrame({"factor": ["purpose"] * 3, "level": [0, 4, 4], "rater": ["a", None, None]})
    row = score_findings(data).loc["purpose"]
    assert row["n_raters"] == 2 and row["computed"] == 2.0  # median of (0, 4)


def test_categorical_with_other_categories_and_mixed_case_sources() -> None:
    data = pd.DataFrame(
        {
            "factor": pd.Categorical(
                ["Shared purpose", "purpose"], categories=["x", "purpose", "Shared purpose"]
            ),
            "level": [1, 3],
            "rater": pd.Categorical(["a", "b"], categories=["b", "a", "unused"]),
            "source": [" Interview", "SURVEY"],
        }
    )
    row = score_findings(data).loc["purpose"]
    assert row["n_findings"] == 2 and row["computed"] == 2.0 and row["n_raters"] == 2
    assert row["confidence"] == "medium"


def test_summary_lists_assessed_factors_whose_raters_disagree() -> None:
    rows = [("purpose", 0, "a", "interview"), ("purpose", 4, "b", "interview")]
    rows += [("composure", 2, "a", "interview"), ("composure", 2, "b", "interview")]
    rows += [("sponsorship", 0, "a", "interview"), ("sponsorship", 4, "b", "interview")]
    scores = score_findings(frame(rows), not_applicable=["sponsorship"])
    assert summarize(scores).raters_disagree == ("purpose",)
    assert summarize(scores.drop(columns="low_agreement")).raters_disagree == ()
