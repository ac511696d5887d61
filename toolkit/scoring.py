"""Findings -> factor scores. Pure, vectorised functions over pandas.

The rule, for each factor (documented in the README too):

1. each rater's level is the mean of that rater's finding levels for the factor;
2. ``computed`` is the median of those rater levels (one rater: their mean);
3. ``score`` is the consensus override's level where one is set (``basis`` "consensus"),
   otherwise ``computed`` (``basis`` "findings"). No findings and no override: ``score`` NaN,
   ``basis`` "not assessed". A not-applicable factor: NaN, ``basis`` "not applicable",
   whatever its findings;
4. ``n_findings``, ``n_raters``, ``min`` and ``max`` of the rater levels, ``spread`` = max - min,
   ``needs_consensus`` = spread >= 2 and no override, ``confidence`` = "high" with >= 3 findings
   from >= 2 distinct sources, "medium" with >= 2 findings, "low" with 1, "none" with 0;
   ``target`` and ``gap`` = target - score;
5. rater agreement: ``r_wg`` = 1 - s2 / 2, where s2 is the sample variance (ddof 1) of the
   rater levels and 2 the variance of a uniform answer over the five levels (James, Demaree &
   Wolf 1984), clipped to [0, 1], NaN with fewer than two raters, whatever the basis;
   ``low_agreement`` = r_wg < 0.70 (False where r_wg is NaN).

The level a score has reached is :meth:`~toolkit.Framework.level_reached`: ``floor(score)``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit.errors import EngagementError, require_columns
from toolkit.findings import SOURCES, Engagement, level_problem
from toolkit.framework import LEVELS, Framework, load_framework
from toolkit.provenance import provenance
from toolkit.scoring_rule import LOW_AGREEMENT, SCORING_RULE_VERSION, UNIFORM_VARIANCE, score_cells

__all__ = [
    "BASES",
    "CONFIDENCE",
    "LOW_AGREEMENT",
    "SCORE_COLUMNS",
    "SCORING_RULE_VERSION",
    "UNIFORM_VARIANCE",
    "Summary",
    "score_engagement",
    "score_findings",
    "summarize",
    "survey_levels",
]

Basis = Literal["findings", "consensus", "not assessed", "not applicable"]
BASES: tuple[str, ...] = ("findings", "consensus", "not assessed", "not applicable")
CONFIDENCE: tuple[str, ...] = ("none", "low", "medium", "high")
#: The columns of a scores table, in order; the index is the factor id in framework order.
SCORE_COLUMNS: tuple[str, ...] = (
    "label",
    "group",
    "score",
    "basis",
    "computed",
    "n_findings",
    "n_raters",
    "min",
    "max",
    "spread",
    "needs_consensus",
    "r_wg",
    "low_agreement",
    "confidence",
    "target",
    "gap",
)
#: A factor whose score is at or below this is called weak by :func:`summarize`.
WEAK_AT = 1.0


def _codes(
    values: pd.Series, categories: tuple[str, ...], resolve: Callable[[str], str | None]
) -> np.ndarray:
    """Integer codes of ``values`` in ``categories``, -1 where ``resolve`` finds no match.

    Only the distinct values are resolved (a categorical's categories, or the uniques of
    ``pd.factorize``), so a million rows cost one pass over integer codes.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.asarray(values.cat.codes)  # int8/int16: no copy
        uniques = [str(c) for c in values.cat.categories]
        if tuple(uniques) == categories:
            return codes
    else:
        raw, found = pd.factorize(values)
        codes = raw.astype(np.int64)
        uniques = [str(c) for c in found]
    index = {c: i for i, c in enumerate(categories)}
    lookup = np.array([index.get(resolve(u) or "", -1) for u in uniques] + [-1], dtype=np.int64)
    out: np.ndarray = lookup[codes]  # code -1 (missing) picks the trailing -1
    return out


def _rater_codes(raters: pd.Series) -> tuple[np.ndarray, int]:
    if isinstance(raters.dtype, pd.CategoricalDtype):
        codes = np.asarray(raters.cat.codes)
        n = len(raters.cat.categories)
        if len(codes) and codes.min() < 0:  # a missing rater counts as one more, unnamed rater
            return np.where(codes < 0, n, codes), n + 1
        return codes, max(n, 1)
    codes, uniques = pd.factorize(raters)
    codes = codes.astype(np.int64)
    if (codes < 0).any():  # a missing rater counts as one more, unnamed rater
        codes[codes < 0] = len(uniques)
        return codes, len(uniques) + 1
    return codes, max(len(uniques), 1)


def _factor_codes(factors: pd.Series, framework: Framework) -> np.ndarray:
    # Ids or labels (case-insensitive), as imports accept.
    codes = _codes(factors, framework.factor_ids, framework.resolve_factor)
    if (codes < 0).any():
        unknown = sorted({str(v) for v in pd.unique(factors[codes < 0])})
        shown = ", ".join(repr(m) for m in unknown[:5])
        raise EngagementError(
            f"findings, factor: unknown factor(s) {shown}; known: {', '.join(framework.factor_ids)}"
        )
    return codes


def _levels(levels: pd.Series) -> np.ndarray:
    """The levels as whole numbers; an error in the words of :func:`level_problem` if any is not
    a level (checked for the whole column at once: a million rows, one pass)."""
    lowest, highest = LEVELS[0], LEVELS[-1]
    if pd.api.types.is_integer_dtype(levels.dtype):
        values = levels.to_numpy()
        if not len(values) or (values.min() >= lowest and values.max() <= highest):
            return values
        bad = (values < lowest) | (values > highest)
    elif pd.api.types.is_bool_dtype(levels.dtype):
        values = levels.to_numpy()
        bad = np.ones(len(values), dtype=bool)  # True is not a level
    else:
        values = pd.to_numeric(levels, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isfinite(values) | (values < lowest) | (values > highest)
        bad |= values != np.round(values)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        value = levels.iloc[first]
        problem = level_problem(value) or f"{value!r} is not a whole number from 0 to 4"
        raise EngagementError(
            f"findings, level: {problem} (row {first} of the table); {int(bad.sum())} such value(s)"
        )
    return values.astype(np.intp, copy=False)


def _source_codes(sources: pd.Series) -> np.ndarray:
    """Source codes in :data:`SOURCES`; an unknown or missing source counts as one more."""
    codes = _codes(sources, SOURCES, lambda name: name.strip().lower())
    if len(codes) and codes.min() < 0:
        codes = np.where(codes < 0, len(SOURCES), codes)
    return codes


def score_findings(
    findings: pd.DataFrame,
    *,
    framework: Framework | None = None,
    overrides: Mapping[str, int] | None = None,
    not_applicable: Collection[str] = (),
    targets: Mapping[str, int] | None = None,
    survey: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Score a findings table by the Tenfold rule.

    Parameters
    ----------
    findings
        Columns ``factor`` (id or label), ``level`` (0-4) and ``rater``; ``source`` is used for
        confidence when present. Other columns are ignored.
    framework
        The framework to score against (default: the bundled one).
    overrides, not_applicable, targets
        Consensus levels, not-applicable factor ids and target levels, by factor id.
    survey
        A staff survey's level (0-4) by factor id, counted as one more rater of each factor
        that has findings: only for an engagement that opts in (see :func:`score_engagement`).

    Returns
    -------
    pandas.DataFrame
        Indexed by factor id in framework order, with the columns of :data:`SCORE_COLUMNS`.

    Raises
    ------
    MissingColumnsError
        ``findings`` lacks ``factor``, ``level`` or ``rater``.
    EngagementError
        An unknown factor, a level that is not a whole number from 0 to 4, or an override,
        target or not-applicable factor the framework does not have.
    """
    fw = framework or load_framework()
    require_columns(findings, ("factor", "level", "rater"), table="findings")
    ids = fw.factor_ids
    n_f = len(ids)
    overrides = dict(overrides or {})
    targets = dict(targets or {})
    for name, keys in (
        ("overrides", overrides),
        ("targets", targets),
        ("not_applicable", not_applicable),
    ):
        unknown = [k for k in keys if k not in ids]
        if unknown:
            raise EngagementError(f"{name}: unknown factor(s) {', '.join(map(repr, unknown))}")

    fcodes = _factor_codes(findings["factor"], fw)
    levels = _levels(findings["level"])
    rcodes, n_r = _rater_codes(findings["rater"])
    scodes = _source_codes(findings["source"]) if "source" in findings.columns else None
    cells = score_cells(
        fcodes,
        n_f,
        levels,
        rcodes,
        n_r,
        scodes,
        override=np.array([overrides.get(i, np.nan) for i in ids], dtype=np.float64),
        not_applicable=np.isin(np.array(ids), list(not_applicable)),
        target=np.array([targets.get(i, np.nan) for i in ids], dtype=np.float64),
        survey=None
        if not survey
        else np.array([survey.get(i, np.nan) for i in ids], dtype=np.float64),
    )
    columns: dict[str, Any] = {
        "label": [f.label for f in fw.factors],
        "group": [f.group for f in fw.factors],
        **cells,
    }
    return pd.DataFrame({c: columns[c] for c in SCORE_COLUMNS}, index=pd.Index(ids, name="factor"))


def survey_levels(engagement: Engagement) -> dict[str, float]:
    """The staff survey's level of each factor, by factor id, when the engagement counts its
    survey as one more rater (``survey.count_as_rater``); empty otherwise.

    The level is everyone's mean on the 0-4 scale, for the factors whose group for everyone is
    shown (a suppressed group counts for nothing).
    """
    survey = engagement.survey
    if survey is None or not survey.count_as_rater:
        return {}
    return survey.rater_levels()


def score_engagement(engagement: Engagement, *, framework: Framework | None = None) -> pd.DataFrame:
    """Score an engagement: its findings, consensus overrides, not-applicable factors, targets.

    When the engagement opts in (``engagement.survey.count_as_rater``), its staff survey is one
    more rater of each factor that has findings, at the level of everyone's mean: it moves the
    median, ``n_raters``, the rater range and r_wg, never ``n_findings``, and a factor without
    findings stays not assessed. Otherwise the survey changes no score.

    Returns the table described in :func:`score_findings`, with the engagement's provenance
    (:func:`toolkit.provenance`, as a dict) in ``scores.attrs["provenance"]``: charts drawn
    from the table carry it, and :func:`toolkit.save_chart` prints it under the chart. Raises
    :class:`~toolkit.errors.EngagementError` if the engagement does not fit ``framework``.
    """
    fw = framework or load_framework()
    engagement.check(fw)
    scores = score_findings(
        engagement.findings_frame(("factor", "level", "rater", "source")),
        framework=fw,
        overrides={fid: o.level for fid, o in engagement.overrides.items()},
        not_applicable=engagement.not_applicable,
        targets=engagement.targets,
        survey=survey_levels(engagement),
    )
    scores.attrs["provenance"] = provenance(engagement).as_dict()
    return scores


#: The columns :func:`summarize` reads (``low_agreement`` too, where the table has it).
_SUMMARIZED = ("score", "basis", "target", "gap", "needs_consensus")


@dataclass(frozen=True)
class Summary:
    """The headline of a scores table (see :func:`summarize`)."""

    n_factors: int
    assessed: int
    not_assessed: tuple[str, ...]
    not_applicable: tuple[str, ...]
    mean_score: float
    weak: tuple[str, ...]
    needs_consensus: int
    priorities: tuple[str, ...]
    #: Assessed factors whose raters disagree (``low_agreement``), in framework order.
    raters_disagree: tuple[str, ...] = ()


def summarize(scores: pd.DataFrame, *, framework: Framework | None = None) -> Summary:
    """Summarise a scores table.

    ``mean_score`` is the mean of assessed scores weighted by the framework's factor weights
    (factors missing from the framework weigh 1); NaN when nothing is assessed. ``weak`` are
    the factors scoring at or below 1. ``priorities`` lists factors that fall short of their
    target by largest gap first, then assessed factors without a target by lowest score
    first; ties keep framework order. Factors meeting their target are not priorities.
    ``raters_disagree`` are the assessed factors flagged ``low_agreement`` (empty for a table
    without that column).
    """
    require_columns(
        scores, _SUMMARIZED, table="scores", hint="pass a table from score_engagement()"
    )
    fw = framework or load_framework()
    weights = fw.weights.reindex(scores.index).fillna(1.0)
    score = scores["score"]
    assessed = score.notna()
    if assessed.any():
        mean = float(np.average(score[assessed], weights=weights[assessed]))
    else:
        mean = float("nan")
    order = pd.Series(range(len(scores)), index=scores.index)
    gap = scores["gap"]
    short = scores.index[assessed & gap.notna() & (gap > 0)]
    no_target = scores.index[assessed & scores["target"].isna()]
    by_gap = sorted(short, key=lambda f: (-gap[f], order[f]))
    by_score = sorted(no_target, key=lambda f: (score[f], order[f]))
    if "low_agreement" in scores:
        low = scores["low_agreement"].fillna(False).astype(bool)
    else:
        low = pd.Series(False, index=scores.index)
    return Summary(
        n_factors=len(scores),
        assessed=int(assessed.sum()),
        not_assessed=tuple(scores.index[scores["basis"] == "not assessed"]),
        not_applicable=tuple(scores.index[scores["basis"] == "not applicable"]),
        mean_score=mean,
        weak=tuple(scores.index[assessed & (score <= WEAK_AT)]),
        needs_consensus=int(scores["needs_consensus"].sum()),
        priorities=tuple(by_gap + by_score),
        raters_disagree=tuple(scores.index[assessed & low]),
    )
