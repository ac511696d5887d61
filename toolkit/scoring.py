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
#: The variance of answers spread uniformly over the five levels 0-4: (5**2 - 1) / 12.
UNIFORM_VARIANCE = 2.0
#: Below this r_wg the raters of a factor are said to disagree. A convention (LeBreton &
#: Senter 2008), not a law: it marks a score to discuss before relying on it.
LOW_AGREEMENT = 0.70
#: The version of the rule above. Reports and exported charts print it; it changes when a
#: change to this module could move a score, a level or a flag for the same findings.
SCORING_RULE_VERSION = "1"
#: Up to this many histogram cells (groups x factors x raters x levels) are counted in one
#: dense ``np.bincount``; past it, the (group, factor, rater) keys in use are numbered first.
_DENSE_CELLS = 1 << 24


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


def _rater_histogram(
    cells: np.ndarray, n_cells: int, rcodes: np.ndarray, n_r: int, levels: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each rater's mean level and number of findings per cell, and the cell of each pair.

    Pairs are the (cell, rater) combinations that occur, in order of cell.

    One histogram over cell x rater x level: dense when it is small (a single engagement), else
    over the (cell, rater) pairs that occur (a portfolio with many raters).
    """
    n_l = len(LEVELS)
    key = cells.astype(np.intp)  # a copy, then in place: a million rows make no temporaries
    key *= n_r
    key += rcodes
    if n_cells * n_r * n_l <= _DENSE_CELLS:
        key *= n_l
        key += levels
        hist = np.bincount(key, minlength=n_cells * n_r * n_l).reshape(n_cells * n_r, n_l)
        counts = hist.sum(axis=1)
        present = np.flatnonzero(counts)
        hist, counts = hist[present], counts[present]
    else:
        present, inverse = np.unique(key, return_inverse=True)
        inverse *= n_l
        inverse += levels
        hist = np.bincount(inverse, minlength=len(present) * n_l).reshape(len(present), n_l)
        counts = hist.sum(axis=1)
    rater_mean = (hist @ np.arange(n_l)) / counts
    return rater_mean, counts, present // n_r


def score_cells(
    cells: np.ndarray,
    n_cells: int,
    levels: np.ndarray,
    rcodes: np.ndarray,
    n_r: int,
    scodes: np.ndarray | None,
    *,
    override: np.ndarray,
    not_applicable: np.ndarray,
    target: np.ndarray,
) -> dict[str, np.ndarray]:
    """The scoring rule over integer-coded findings, for many cells at once.

    A cell is one factor of one engagement: :func:`score_findings` has one cell per factor,
    :func:`toolkit.portfolio_scores` one per engagement and factor. Every finding carries its
    cell, whole level, rater code and source code; ``override``, ``not_applicable`` and
    ``target`` have one entry per cell. Returns the columns of :data:`SCORE_COLUMNS` after
    ``label`` and ``group``, as arrays of length ``n_cells``.

    Each cell's rater levels are sorted before they are reduced, so a cell's figures do not
    depend on how raters were numbered or on which other cells were scored with it.
    """
    # Each rater's level in each cell: the mean of their findings there.
    rater_mean, pair_findings, pair_cell = _rater_histogram(cells, n_cells, rcodes, n_r, levels)
    n_findings = np.bincount(pair_cell, weights=pair_findings, minlength=n_cells).astype(np.int64)
    order = np.lexsort((rater_mean, pair_cell))
    values, pair_cell = rater_mean[order], pair_cell[order]
    bounds = np.searchsorted(pair_cell, np.arange(n_cells + 1))
    first, n_raters = bounds[:-1], np.diff(bounds)
    has = n_raters > 0
    lo, n = first[has], n_raters[has]

    # Median, min and max of the rater levels (as np.median: the middle one, or the mean of
    # the middle two).
    computed, low, high = (np.full(n_cells, np.nan) for _ in range(3))
    computed[has] = (values[lo + (n - 1) // 2] + values[lo + n // 2]) / 2
    low[has] = values[lo]
    high[has] = values[lo + n - 1]

    # Agreement: r_wg from the sample variance (ddof 1) of the rater levels.
    mean = np.bincount(pair_cell, weights=values, minlength=n_cells) / np.maximum(n_raters, 1)
    deviation = values - mean[pair_cell]
    squares = np.bincount(pair_cell, weights=deviation * deviation, minlength=n_cells)
    two_or_more = n_raters >= 2
    variance = np.divide(squares, n_raters - 1, out=np.full(n_cells, np.nan), where=two_or_more)
    r_wg = np.clip(1.0 - variance / UNIFORM_VARIANCE, 0.0, 1.0)  # NaN stays NaN

    # Distinct sources, for confidence.
    if scodes is not None:
        n_s = len(SOURCES) + 1
        skey = cells.astype(np.intp)
        skey *= n_s
        skey += scodes
        seen = np.bincount(skey, minlength=n_cells * n_s).reshape(n_cells, n_s) > 0
        n_sources = seen.sum(axis=1)
    else:
        n_sources = np.ones(n_cells, dtype=np.int64)

    # Score and basis.
    na = np.asarray(not_applicable, dtype=bool)
    has_override = ~np.isnan(override)
    score = np.where(na, np.nan, np.where(has_override, override, computed))
    basis = np.select(
        [na, has_override, n_findings > 0],
        ["not applicable", "consensus", "findings"],
        "not assessed",
    )

    spread = high - low
    confidence = np.select(
        [(n_findings >= 3) & (n_sources >= 2), n_findings >= 2, n_findings == 1],
        ["high", "medium", "low"],
        "none",
    )
    return {
        "score": score,
        "basis": basis.astype(object),
        "computed": computed,
        "n_findings": n_findings,
        "n_raters": n_raters.astype(np.int64),
        "min": low,
        "max": high,
        "spread": spread,
        "needs_consensus": (np.nan_to_num(spread, nan=0.0) >= 2) & ~has_override & ~na,
        "r_wg": r_wg,
        "low_agreement": np.nan_to_num(r_wg, nan=1.0) < LOW_AGREEMENT,
        "confidence": confidence.astype(object),
        "target": target,
        "gap": target - score,
    }


def score_findings(
    findings: pd.DataFrame,
    *,
    framework: Framework | None = None,
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
    )
    columns: dict[str, Any] = {
        "label": [f.label for f in fw.factors],
        "group": [f.group for f in fw.factors],
        **cells,
    }
    return pd.DataFrame({c: columns[c] for c in SCORE_COLUMNS}, index=pd.Index(ids, name="factor"))


def score_engagement(engagement: Engagement, *, framework: Framework | None = None) -> pd.DataFrame:
    """Score an engagement: its findings, consensus overrides, not-applicable factors, targets.

    Returns the table described in :func:`score_findings`, with the engagement's provenance
    (:func:`toolkit.provenance`, as a dict) in ``scores.attrs["provenance"]``: charts drawn
    from the table carry it, and :func:`toolkit.save_chart` prints it under the chart. Raises
    :class:`~toolkit.errors.EngagementError` if the engagement does not fit ``framework``.
    """
    from toolkit.provenance import provenance

    fw = framework or load_framework()
    engagement.check(fw)
    scores = score_findings(
        engagement.findings_frame(("factor", "level", "rater", "source")),
        framework=fw,
        overrides={fid: o.level for fid, o in engagement.overrides.items()},
        not_applicable=engagement.not_applicable,
        targets=engagement.targets,
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
