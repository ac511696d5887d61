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

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.errors import EngagementError
from toolkit.findings import SOURCES, Engagement
from toolkit.framework import LEVELS, Framework, load_framework

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
    if pd.api.types.is_integer_dtype(levels.dtype):
        values = levels.to_numpy()
        if not len(values) or (values.min() >= 0 and values.max() <= 4):
            return values
        bad = (values < 0) | (values > 4)
    else:
        values = pd.to_numeric(levels, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isfinite(values) | (values < 0) | (values > 4) | (values != np.round(values))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise EngagementError(
            f"findings, level: {levels.iloc[first]} (row {first} of the table) is not a "
            f"whole number from 0 to 4; {int(bad.sum())} such value(s)"
        )
    return values.astype(np.intp, copy=False)


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
    rcodes, n_r = _rater_codes(findings["rater"])

    # 1. each rater's mean level per factor, from one histogram over factor x rater x level.
    key = fcodes.astype(np.intp)
    key *= n_r
    key += rcodes
    key *= len(LEVELS)
    key += levels
    hist = np.bincount(key, minlength=n_f * n_r * len(LEVELS)).reshape(n_f * n_r, len(LEVELS))
    counts = hist.sum(axis=1)
    present = np.flatnonzero(counts)
    rater_mean = (hist[present] @ np.arange(len(LEVELS))) / counts[present]
    combo_factor = present // n_r

    # 2. median, min and max of the rater levels per factor (a small table: factors x raters).
    computed, low, high = (np.full(n_f, np.nan) for _ in range(3))
    bounds = np.searchsorted(combo_factor, np.arange(n_f + 1))
    for i in range(n_f):
        chunk = rater_mean[bounds[i] : bounds[i + 1]]
        if chunk.size:
            computed[i], low[i], high[i] = np.median(chunk), chunk.min(), chunk.max()
    n_findings = counts.reshape(n_f, n_r).sum(axis=1)
    n_raters = np.diff(bounds)
    if "source" in findings.columns:
        scodes = _codes(findings["source"], SOURCES, lambda name: name.strip().lower())
        if len(scodes) and scodes.min() < 0:  # unknown sources count as one more
            scodes = np.where(scodes < 0, len(SOURCES), scodes)
        n_s = len(SOURCES) + 1
        skey = fcodes.astype(np.intp)
        skey *= n_s
        skey += scodes
        seen = np.bincount(skey, minlength=n_f * n_s).reshape(n_f, n_s) > 0
        n_sources = seen.sum(axis=1)
    else:
        n_sources = np.ones(n_f, dtype=np.int64)

    override = np.array([overrides.get(i, np.nan) for i in ids], dtype=np.float64)
    na = np.isin(np.array(ids), list(not_applicable))
    has_override = ~np.isnan(override)
    assessed = n_findings > 0

    # 3. score and basis.
    score = np.where(na, np.nan, np.where(has_override, override, computed))
    basis = np.select(
        [na, has_override, assessed], ["not applicable", "consensus", "findings"], "not assessed"
    )

    # 4. the rest.
    spread = high - low
    target = np.array([targets.get(i, np.nan) for i in ids], dtype=np.float64)
    confidence = np.select(
        [(n_findings >= 3) & (n_sources >= 2), n_findings >= 2, n_findings == 1],
        ["high", "medium", "low"],
        "none",
    )
    columns = {
        "label": [f.label for f in fw.factors],
        "group": [f.group for f in fw.factors],
        "score": score,
        "basis": basis.astype(object),
        "computed": computed,
        "n_findings": n_findings.astype(np.int64),
        "n_raters": n_raters.astype(np.int64),
        "min": low,
        "max": high,
        "spread": spread,
        "needs_consensus": (np.nan_to_num(spread, nan=0.0) >= 2) & ~has_override & ~na,
        "confidence": confidence.astype(object),
        "target": target,
        "gap": target - score,
    }
    return pd.DataFrame(columns, index=pd.Index(ids, name="factor"))


def score_engagement(engagement: Engagement, framework: Framework | None = None) -> pd.DataFrame:
    """Score an engagement: its findings, consensus overrides, not-applicable factors, targets.

    Returns the table described in :func:`score_findings`. Raises
    :class:`~toolkit.errors.EngagementError` if the engagement does not fit ``framework``.
    """
    fw = framework or load_framework()
    engagement.check(fw)
    return score_findings(
        engagement.findings_frame(("factor", "level", "rater", "source")),
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
