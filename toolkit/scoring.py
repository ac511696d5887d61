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
   ``target`` and ``gap`` = target - score.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.errors import EngagementError
from toolkit.findings import SOURCES, Engagement
from toolkit.framework import Framework, load_framework

__all__ = [
    "BASES",
    "CONFIDENCE",
    "SCORE_COLUMNS",
    "Summary",
    "score_engagement",
    "score_findings",
    "summarize",
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
    "confidence",
    "target",
    "gap",
)
#: A factor whose score is at or below this is called weak by :func:`summarize`.
WEAK_AT = 1.0


def _codes(values: pd.Series, categories: tuple[str, ...]) -> np.ndarray:
    """Integer codes of ``values`` in ``categories`` (-1 where absent), fast for categoricals."""
    if isinstance(values.dtype, pd.CategoricalDtype) and tuple(values.cat.categories) == categories:
        return np.asarray(values.cat.codes, dtype=np.int64)
    return np.asarray(pd.Index(categories).get_indexer(values), dtype=np.int64)


def _factor_codes(factors: pd.Series, framework: Framework) -> np.ndarray:
    codes = _codes(factors, framework.factor_ids)
    bad = codes < 0
    if bad.any():
        # Accept labels (case-insensitive) as well as ids, as imports do.
        unknown = pd.unique(factors[bad].astype(str))
        mapping = {name: framework.resolve_factor(name) for name in unknown}
        missing = sorted(name for name, fid in mapping.items() if fid is None)
        if missing:
            shown = ", ".join(repr(m) for m in missing[:5])
            raise EngagementError(
                f"findings, factor: unknown factor(s) {shown}; "
                f"known: {', '.join(framework.factor_ids)}"
            )
        index = {fid: i for i, fid in enumerate(framework.factor_ids)}
        to_code = {name: index[fid] for name, fid in mapping.items() if fid is not None}
        codes = codes.copy()
        codes[bad] = factors[bad].astype(str).map(to_code).to_numpy(dtype=np.int64)
    return codes


def _levels(levels: pd.Series) -> np.ndarray:
    values = pd.to_numeric(levels, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(values) | (values < 0) | (values > 4) | (values != np.round(values))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise EngagementError(
            f"findings, level: {levels.iloc[first]} (row {first} of the table) is not a "
            f"whole number from 0 to 4; {int(bad.sum())} such value(s)"
        )
    return values


def score_findings(
    findings: pd.DataFrame,
    framework: Framework | None = None,
    *,
    overrides: Mapping[str, int] | None = None,
    not_applicable: Collection[str] = (),
    targets: Mapping[str, int] | None = None,
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

    Returns
    -------
    pandas.DataFrame
        Indexed by factor id in framework order, with the columns of :data:`SCORE_COLUMNS`.
    """
    fw = framework or load_framework()
    missing = [c for c in ("factor", "level", "rater") if c not in findings.columns]
    if missing:
        raise EngagementError(f"findings: missing column(s) {', '.join(missing)}")
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
    rater_col = findings["rater"]
    if isinstance(rater_col.dtype, pd.CategoricalDtype):
        rcodes = np.asarray(rater_col.cat.codes, dtype=np.int64)
        n_r = max(len(rater_col.cat.categories), 1)
    else:
        rcodes, uniques = pd.factorize(rater_col)
        rcodes = rcodes.astype(np.int64)
        n_r = max(len(uniques), 1)

    # 1. each rater's mean level per factor, via one bincount over factor x rater.
    key = fcodes * n_r + rcodes
    counts = np.bincount(key, minlength=n_f * n_r)
    sums = np.bincount(key, weights=levels, minlength=n_f * n_r)
    present = np.flatnonzero(counts)
    rater_mean = sums[present] / counts[present]
    combo_factor = present // n_r

    # 2. median, min and max of the rater levels per factor (a small table: factors x raters).
    per_rater = pd.Series(rater_mean).groupby(combo_factor)
    stats = pd.DataFrame(
        {"computed": per_rater.median(), "min": per_rater.min(), "max": per_rater.max()}
    ).reindex(range(n_f))
    n_findings = np.bincount(fcodes, minlength=n_f)
    n_raters = np.bincount(combo_factor, minlength=n_f)
    if "source" in findings.columns:
        scodes = _codes(findings["source"].astype("string").str.lower(), SOURCES)
        scodes = np.where(scodes < 0, len(SOURCES), scodes)  # unknown sources count as one more
        n_s = len(SOURCES) + 1
        seen = np.bincount(fcodes * n_s + scodes, minlength=n_f * n_s).reshape(n_f, n_s) > 0
        n_sources = seen.sum(axis=1)
    else:
        n_sources = np.ones(n_f, dtype=np.int64)

    out = pd.DataFrame(index=pd.Index(ids, name="factor"))
    out["label"] = [f.label for f in fw.factors]
    out["group"] = [f.group for f in fw.factors]
    computed = stats["computed"].to_numpy(dtype=np.float64)
    override = np.array([overrides.get(i, np.nan) for i in ids], dtype=np.float64)
    na = np.array([i in set(not_applicable) for i in ids])
    has_override = ~np.isnan(override)
    assessed = n_findings > 0

    # 3. score and basis.
    score = np.where(has_override, override, computed)
    score = np.where(na, np.nan, score)
    basis = np.select(
        [na, has_override, assessed], ["not applicable", "consensus", "findings"], "not assessed"
    )
    out["score"] = score
    out["basis"] = basis.astype(object)
    out["computed"] = computed

    # 4. the rest.
    out["n_findings"] = n_findings.astype(np.int64)
    out["n_raters"] = n_raters.astype(np.int64)
    out["min"] = stats["min"].to_numpy(dtype=np.float64)
    out["max"] = stats["max"].to_numpy(dtype=np.float64)
    spread = out["max"].to_numpy() - out["min"].to_numpy()
    out["spread"] = spread
    out["needs_consensus"] = (np.nan_to_num(spread, nan=0.0) >= 2) & ~has_override & ~na
    out["confidence"] = np.select(
        [(n_findings >= 3) & (n_sources >= 2), n_findings >= 2, n_findings == 1],
        ["high", "medium", "low"],
        "none",
    ).astype(object)
    target = np.array([targets.get(i, np.nan) for i in ids], dtype=np.float64)
    out["target"] = target
    out["gap"] = target - score
    return out[list(SCORE_COLUMNS)]


def score_engagement(engagement: Engagement, framework: Framework | None = None) -> pd.DataFrame:
    """Score an engagement: its findings, consensus overrides, not-applicable factors, targets.

    Returns the table described in :func:`score_findings`. Raises
    :class:`~toolkit.errors.EngagementError` if the engagement does not fit ``framework``.
    """
    fw = framework or load_framework()
    engagement.check(fw)
    return score_findings(
        engagement.findings_frame(),
        fw,
        overrides={fid: o.level for fid, o in engagement.overrides.items()},
        not_applicable=engagement.not_applicable,
        targets=engagement.targets,
    )


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


def summarize(scores: pd.DataFrame, framework: Framework | None = None) -> Summary:
    """Summarise a scores table.

    ``mean_score`` is the mean of assessed scores weighted by the framework's factor weights
    (factors missing from the framework weigh 1); NaN when nothing is assessed. ``weak`` are
    the factors scoring at or below 1. ``priorities`` lists factors that fall short of their
    target by largest gap first, then assessed factors without a target by lowest score
    first; ties keep framework order. Factors meeting their target are not priorities.
    """
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
    return Summary(
        n_factors=len(scores),
        assessed=int(assessed.sum()),
        not_assessed=tuple(scores.index[scores["basis"] == "not assessed"]),
        not_applicable=tuple(scores.index[scores["basis"] == "not applicable"]),
        mean_score=mean,
        weak=tuple(scores.index[assessed & (score <= WEAK_AT)]),
        needs_consensus=int(scores["needs_consensus"].sum()),
        priorities=tuple(by_gap + by_score),
    )
