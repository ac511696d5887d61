"""How far the raters agree, how each rater leans, and whether the priorities survive them.

The scores table already carries each factor's rater agreement (``r_wg``, see
:mod:`toolkit.scoring`). The functions here look at the panel of raters as a whole::

    tf.rater_levels(engagement)          # raters x factors: each rater's level for each factor
    tf.panel_agreement(engagement)       # Krippendorff's alpha (interval) over that table
    tf.rater_profile(engagement)         # per rater: findings, factors, lenient or severe
    tf.priority_sensitivity(engagement)  # priority ranks under other readings of the evidence

A rater's level for a factor is the mean of their findings for it, as in the scoring rule.
Factors marked not applicable are left out of the agreement and calibration figures: their
findings are kept but carry no score.
"""

from __future__ import annotations

import math
from typing import Any

import krippendorff
import numpy as np
import pandas as pd

from toolkit.findings import Engagement
from toolkit.framework import Framework, load_framework
from toolkit.scoring import score_engagement, score_findings, summarize

__all__ = [
    "TOP_PRIORITIES",
    "panel_agreement",
    "priority_sensitivity",
    "rank_note",
    "rater_levels",
    "rater_profile",
]


#: How many priorities a readout leads with (a slide each, the first lines of "Where to act
#: first"). A priority's place is unsettled only when one rater decides whether it is among them.
TOP_PRIORITIES = 5


def _raters(findings: pd.DataFrame) -> list[str]:
    """The raters of a findings table, in alphabetical order (case-insensitive)."""
    return sorted({str(r) for r in findings["rater"]}, key=lambda r: (r.casefold(), r))


def rater_levels(engagement: Engagement, *, framework: Framework | None = None) -> pd.DataFrame:
    """Each rater's level for each factor: the mean of that rater's findings for it.

    Parameters
    ----------
    engagement
        The engagement whose findings are read.
    framework
        Supplies the factors and their order (default: the bundled framework).

    Returns
    -------
    pandas.DataFrame
        One row per rater (index ``rater``, alphabetical) and one column per applicable factor
        (framework order; not-applicable factors are left out). NaN where a rater recorded no
        finding for a factor, never 0.
    """
    fw = framework or load_framework()
    engagement.check(fw)
    findings = engagement.findings_frame()
    factors = [f for f in fw.factor_ids if f not in set(engagement.not_applicable)]
    means = findings.groupby(["rater", "factor"])["level"].mean().unstack("factor")
    table = means.reindex(index=_raters(findings), columns=factors).astype(np.float64)
    table.index.name = "rater"
    table.columns.name = "factor"
    return table


def panel_agreement(engagement: Engagement, *, framework: Framework | None = None) -> float:
    """Krippendorff's alpha for the whole panel of raters, on the interval metric.

    The data are :func:`rater_levels`: raters x factors, each cell a rater's level, missing
    where the rater has no finding for the factor. Alpha = 1 - D_o / D_e, where D_o is the mean
    squared difference between two raters' levels for the same factor and D_e the mean squared
    difference between any two levels in the table (Krippendorff 2004; computed with the
    ``krippendorff`` package). 1 is perfect agreement, 0 agreement no better than chance, and
    below 0 systematic disagreement.

    Parameters
    ----------
    engagement
        The engagement whose findings are read; not-applicable factors are left out.
    framework
        The framework the engagement uses (default: the bundled one).

    Returns
    -------
    float
        Alpha, or NaN when it is undefined: fewer than two raters, no factor with levels from
        two raters, or every such level the same (nothing varies, so 0 / 0).
    """
    table = rater_levels(engagement, framework=framework).to_numpy()
    if table.shape[0] < 2:
        return math.nan
    pairable = table[:, (~np.isnan(table)).sum(axis=0) >= 2]
    values = pairable[~np.isnan(pairable)]
    if values.size == 0 or np.ptp(values) == 0:
        return math.nan
    return float(krippendorff.alpha(reliability_data=pairable, level_of_measurement="interval"))


def rater_profile(engagement: Engagement, *, framework: Framework | None = None) -> pd.DataFrame:
    """Each rater's calibration: how much they recorded and whether they lean high or low.

    Parameters
    ----------
    engagement
        The engagement whose findings are read.
    framework
        The framework the engagement uses (default: the bundled one).

    Returns
    -------
    pandas.DataFrame
        One row per rater (index ``rater``, alphabetical) with ``findings`` (every finding the
        rater recorded), ``factors`` (distinct factors they covered), ``compared`` (applicable
        factors they rated that at least one other rater rated too) and ``deviation``: the mean,
        over those compared factors, of the rater's level minus the median of all raters'
        levels for the factor. Above 0 the rater is lenient (sees the organisation as
        healthier than the panel does), below 0 severe; NaN when nothing could be compared.
    """
    fw = framework or load_framework()
    levels = rater_levels(engagement, framework=fw)
    findings = engagement.findings_frame()
    shared = levels.loc[:, levels.notna().sum() >= 2]
    deviation = shared - shared.median()
    by_rater = findings.groupby("rater")
    profile = pd.DataFrame(
        {
            "findings": by_rater.size(),
            "factors": by_rater["factor"].nunique(),
        }
    ).reindex(levels.index)
    profile["compared"] = shared.notna().sum(axis=1).astype(np.int64)
    profile["deviation"] = deviation.mean(axis=1)
    profile["findings"] = profile["findings"].astype(np.int64)
    profile["factors"] = profile["factors"].astype(np.int64)
    profile.index.name = "rater"
    return profile


def _priority_ranks(
    findings: pd.DataFrame, engagement: Engagement, framework: Framework
) -> dict[str, int]:
    """Factor id -> priority rank (1 = most urgent) when ``findings`` are scored by the rule."""
    scores = score_findings(
        findings,
        framework=framework,
        overrides={fid: o.level for fid, o in engagement.overrides.items()},
        not_applicable=engagement.not_applicable,
        targets=engagement.targets,
    )
    priorities = summarize(scores, framework=framework).priorities
    return {fid: rank for rank, fid in enumerate(priorities, start=1)}


def priority_sensitivity(
    engagement: Engagement, *, framework: Framework | None = None, top: int = TOP_PRIORITIES
) -> pd.DataFrame:
    """Whether one rater decides if each factor is among the top priorities.

    Each assessed factor is ranked (1 = most urgent, see :func:`toolkit.summarize`) under the
    scoring rule, under the plain mean of all its findings (every finding weighs the same,
    whoever recorded it), and with each rater's findings left out in turn. Consensus overrides,
    targets and not-applicable factors stay as the team set them in every reading: only the
    evidence behind computed scores changes.

    A factor is unsettled when leaving one rater's findings out moves it into or out of the
    top ``top`` priorities, the ones the client is shown first. A move within the top (2nd to
    4th) or within the rest changes nothing the client acts on, and a factor the team settled
    by consensus is settled whatever the readings say.

    Parameters
    ----------
    engagement
        The engagement whose findings are read.
    framework
        The framework the engagement uses (default: the bundled one).
    top
        How many priorities the client is shown first (:data:`TOP_PRIORITIES`).

    Returns
    -------
    pandas.DataFrame
        One row per assessed factor (index ``factor``), priorities first in rank order, then
        the others in framework order. Columns: ``label``; ``rule`` and ``mean``, the ranks
        under the rule and under the plain mean; one ``without <rater>`` column per rater
        (alphabetical; none when only one rater has findings, whose readings are all there
        is); ``consensus``, True where the team agreed the level; ``stable``, False only for a
        factor without consensus that some ``without`` reading puts on the other side of the
        top ``top`` from the rule. Ranks are nullable integers: <NA> where the
        factor is not a priority in that reading (it meets its target, or has no findings
        left). The plain mean is shown for comparison; it never unsettles a factor.
    """
    fw = framework or load_framework()
    scores = score_engagement(engagement, framework=fw)
    findings = engagement.findings_frame()
    assessed = [str(f) for f in scores.index[scores["score"].notna()]]
    readings: dict[str, dict[str, int]] = {
        "rule": _priority_ranks(findings, engagement, fw),
        "mean": _priority_ranks(findings.assign(rater="all findings"), engagement, fw),
    }
    raters = _raters(findings)
    # With one rater every factor rests on that rater: leaving them out leaves nothing to rank,
    # and a flag on every priority would tell the reader nothing the coverage line does not.
    for rater in raters if len(raters) > 1 else []:
        rest = findings[findings["rater"] != rater]
        readings[f"without {rater}"] = _priority_ranks(rest, engagement, fw)

    order = {f: i for i, f in enumerate(fw.factor_ids)}
    rule = readings["rule"]
    assessed.sort(key=lambda f: (f not in rule, rule.get(f, 0), order[f]))
    table = pd.DataFrame(index=pd.Index(assessed, name="factor"))
    table["label"] = scores.loc[assessed, "label"].astype(object)
    for name, ranks in readings.items():
        table[name] = pd.array([ranks.get(f) for f in assessed], dtype="Int64")
    consensus = [str(scores.loc[f, "basis"]) == "consensus" for f in assessed]
    table["consensus"] = consensus
    without = [name for name in readings if name.startswith("without ")]
    table["stable"] = [
        agreed or not any(_crosses(rule.get(f), readings[w].get(f), top) for w in without)
        for f, agreed in zip(assessed, consensus, strict=True)
    ]
    table.attrs["top"] = top
    return table


def rank_note(ranks: pd.Series, *, top: int = TOP_PRIORITIES) -> str:
    """What an unsettled priority means, in words; ``""`` for a settled one.

    Parameters
    ----------
    ranks
        The factor's row of :func:`priority_sensitivity`.
    top
        How many priorities the client is shown first, as given to it.

    Returns
    -------
    str
        For a factor in the top: ``"In the top 5 on one rater's findings: without Maya
        Okafor's, it would be priority 7."``; for one outside it: ``"Outside the top 5 on one
        rater's findings: without Maya Okafor's, it would be priority 3."``. Every rater whose
        absence moves it across is named. ``""`` for a settled factor.
    """
    if bool(ranks["stable"]):
        return ""
    rule = ranks["rule"]
    inside = pd.notna(rule) and int(rule) <= top

    def rank(value: Any) -> str:
        return "not be a priority" if pd.isna(value) else f"be priority {int(value)}"

    without = [
        f"without {str(c).removeprefix('without ')}'s, it would {rank(ranks[c])}"
        for c in ranks.index
        if str(c).startswith("without ")
        and _crosses(None if pd.isna(rule) else int(rule), _rank(ranks[c]), top)
    ]
    where = f"In the top {top}" if inside else f"Outside the top {top}"
    return f"{where} on one rater's findings: " + "; ".join(without) + "."


def _rank(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def _crosses(rule: int | None, other: int | None, top: int) -> bool:
    """Whether ``other`` puts a factor on the other side of the top ``top`` from ``rule``."""

    def inside(rank: int | None) -> bool:
        return rank is not None and rank <= top

    return inside(rule) != inside(other)
