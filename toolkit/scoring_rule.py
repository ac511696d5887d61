"""The scoring rule over integer-coded findings, for many cells at once.

A cell is one factor of one engagement. :func:`toolkit.score_findings` scores one engagement's
factors (a cell each); :func:`toolkit.portfolio_scores` scores every engagement of a portfolio
in one pass (a cell per engagement and factor). Both code their findings as integers and call
:func:`score_cells`, so an engagement gets the same figures alone and in a portfolio. The rule
itself is described in :mod:`toolkit.scoring`.
"""

from __future__ import annotations

import numpy as np

from toolkit.findings import SOURCES
from toolkit.framework import LEVELS

__all__ = ["LOW_AGREEMENT", "SCORING_RULE_VERSION", "UNIFORM_VARIANCE", "score_cells"]

#: The version of the rule (:mod:`toolkit.scoring`). Reports and exported charts print it
#: (:mod:`toolkit.provenance`); it changes when a change to this module or to
#: :mod:`toolkit.scoring` could move a score, a level or a flag for the same findings.
SCORING_RULE_VERSION = "1"

#: The variance of answers spread uniformly over the five levels 0-4: (5**2 - 1) / 12.
UNIFORM_VARIANCE = 2.0
#: Below this r_wg the raters of a factor are said to disagree. A convention (LeBreton &
#: Senter 2008), not a law: it marks a score to discuss before relying on it.
LOW_AGREEMENT = 0.70
#: Up to this many histogram cells (groups x factors x raters x levels) are counted in one
#: dense ``np.bincount``; past it, the (group, factor, rater) keys in use are numbered first.
_DENSE_CELLS = 1 << 24


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
    survey: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The scoring rule over integer-coded findings, for many cells at once.

    A cell is one factor of one engagement: :func:`score_findings` has one cell per factor,
    :func:`toolkit.portfolio_scores` one per engagement and factor. Every finding carries its
    cell, whole level, rater code and source code; ``override``, ``not_applicable`` and
    ``target`` have one entry per cell. Returns the columns of :data:`SCORE_COLUMNS` after
    ``label`` and ``group``, as arrays of length ``n_cells``.

    Each cell's rater levels are sorted before they are reduced, so a cell's figures do not
    depend on how raters were numbered or on which other cells were scored with it.

    ``survey`` (one entry per cell, NaN where none) is the level a staff survey gives a cell,
    for an engagement that counts its survey as one more rater: it joins the raters of a cell
    that has findings (a rater with no findings of its own), never a cell without any.
    """
    # Each rater's level in each cell: the mean of their findings there.
    rater_mean, pair_findings, pair_cell = _rater_histogram(cells, n_cells, rcodes, n_r, levels)
    if survey is not None:
        assessed = np.bincount(pair_cell, minlength=n_cells) > 0
        joins = np.flatnonzero(assessed & ~np.isnan(survey))
        rater_mean = np.concatenate([rater_mean, survey[joins]])
        pair_findings = np.concatenate([pair_findings, np.zeros(len(joins), pair_findings.dtype)])
        pair_cell = np.concatenate([pair_cell, joins])
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
