"""One factor's score, worked through as a consultant would explain it to the client.

:func:`explain_factor` is what ``tenfold score FILE --explain FACTOR`` prints: each rater's
findings and mean, the median of those means, the consensus override and its reason, the level
reached, the target and priority, the confidence and the raters' agreement. Every number in it
comes from the same scores table the reports and charts use.
"""

from __future__ import annotations

import difflib
import math
import statistics
import textwrap
from typing import Any, cast

import pandas as pd

from toolkit.agreement import TOP_PRIORITIES, priority_sensitivity, rank_note
from toolkit.errors import EngagementError
from toolkit.findings import Engagement, Finding
from toolkit.framework import Framework, format_score, load_framework
from toolkit.provenance import provenance
from toolkit.scoring import LOW_AGREEMENT, UNIFORM_VARIANCE, score_engagement

__all__ = ["explain_factor", "resolve_factor"]

_WIDTH = 96


def resolve_factor(name: str, framework: Framework) -> str:
    """The id of the factor called ``name`` (its id or label, any case).

    Raises
    ------
    EngagementError
        No factor is called that; the message suggests the nearest ids and labels
        (``"unknown factor 'acountability'; did you mean 'accountability'?"``).
    """
    found = framework.resolve_factor(name)
    if found is not None:
        return found
    names = {f.id.casefold(): f.id for f in framework.factors}
    names |= {f.label.casefold(): f.label for f in framework.factors}
    close = difflib.get_close_matches(str(name).strip().casefold(), list(names), n=3, cutoff=0.6)
    hint = (
        "did you mean " + " or ".join(repr(names[c]) for c in close) + "?"
        if close
        else "known: " + ", ".join(framework.factor_ids)
    )
    raise EngagementError(f"unknown factor {name!r}; {hint}")


def _n(value: float) -> str:
    return f"{value:.2f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _wrap(text: str, indent: str = "", first: str = "") -> list[str]:
    """``text`` wrapped to the line width: ``first`` before it, later lines indented."""
    return textwrap.wrap(
        " ".join(text.split()),
        width=_WIDTH,
        initial_indent=first,
        subsequent_indent=indent,
        break_on_hyphens=False,
    )


def _rater_steps(raters: dict[str, list[int]], findings: list[Finding]) -> list[str]:
    """Step 1: each rater's findings and the mean of their levels."""
    lines = ["1. Each rater's level is the mean of that rater's findings:"]
    for rater in sorted(raters, key=lambda r: (sum(raters[r]) / len(raters[r]), r.casefold())):
        levels = raters[rater]
        mean = sum(levels) / len(levels)
        if len(levels) == 1:
            working = f"level {levels[0]}, so {_n(mean)}"
        else:
            working = f"({' + '.join(map(str, levels))}) / {len(levels)} = {_n(mean)}"
        lines.append(f"   {rater}, {_plural(len(levels), 'finding')}: {working}")
        for f in (f for f in findings if f.rater == rater):
            prefix = f"     level {f.level}  {f.source:<12} "
            lines += _wrap(f.evidence, " " * len(prefix), prefix)
    return lines


def explain_factor(
    engagement: Engagement, factor: str, *, framework: Framework | None = None
) -> str:
    """How ``factor``'s score was reached, step by step, in plain text.

    Parameters
    ----------
    engagement
        The engagement.
    factor
        A factor id or label, any case (``"accountability"``, ``"Owning failures"``).
    framework
        The framework the engagement uses (default: the bundled one).

    Returns
    -------
    str
        Short paragraphs, at most 96 characters a line: each rater's findings and mean, the
        median, the consensus override and its reason, the score and the level it has reached,
        target and priority (and whether the priority depends on one rater), confidence and
        agreement, and last the provenance line (Tenfold version, rule version, data hash).

    Raises
    ------
    EngagementError
        ``factor`` names no factor (the message suggests the nearest), or the engagement does
        not fit the framework.
    """
    fw = framework or load_framework()
    fid = resolve_factor(factor, fw)
    info = fw.factor(fid)
    scores = score_engagement(engagement, framework=fw)
    row: dict[str, Any] = {str(k): v for k, v in scores.loc[fid].to_dict().items()}
    basis = str(row["basis"])
    findings = sorted(
        (f for f in engagement.findings if f.factor == fid), key=lambda f: (f.recorded_at, f.id)
    )
    raters: dict[str, list[int]] = {}
    for f in findings:
        raters.setdefault(f.rater, []).append(f.level)
    means = sorted(sum(v) / len(v) for v in raters.values())

    lines = [
        f"{info.label} ({fid}). Failure mode: {info.failure_mode}.",
        f"{engagement.client}, {engagement.date.isoformat()}: "
        f"{_plural(len(findings), 'finding')} from {_plural(len(raters), 'rater')}.",
        "",
    ]
    if basis == "not applicable":
        lines += _wrap(
            "Not applicable: the team scoped this factor out, so it has no score whatever its "
            f"findings ({_plural(len(findings), 'finding')} kept on file).",
        )
        lines.append("")
    if not findings:
        lines += ["No findings: the factor has no computed score (it is not 0).", ""]
    else:
        lines += _rater_steps(raters, findings)
        lines.append("")
        if len(means) == 1:
            lines += _wrap(f"2. One rater, so the computed score is their level, {_n(means[0])}.")
        else:
            k = len(means) // 2
            middle = (
                f"the middle one, {_n(means[k])}"
                if len(means) % 2
                else f"the mean of the middle two, ({_n(means[k - 1])} + {_n(means[k])}) / 2 "
                f"= {_n(float(row['computed']))}"
            )
            lines += _wrap(
                f"2. The computed score is the median of the rater levels "
                f"{', '.join(_n(v) for v in means)}: {middle}. The median of raters, not the "
                "mean of all findings, so a rater who records many findings does not outvote "
                "the others.",
                "   ",
            )
        lines.append("")

    override = engagement.overrides.get(fid)
    if override is not None and basis == "consensus":
        computed = float(row["computed"])
        replaces = (
            f"replacing the computed {format_score(computed)}"
            if not math.isnan(computed)
            else "in place of a computed score"
        )
        lines += _wrap(
            f"3. Consensus override: the team agreed level {override.level} "
            f"({fw.level_name(override.level)}), {replaces}. Set by {override.by} on "
            f"{override.at.date().isoformat()}, because: \u201c{override.reason}\u201d",
            "   ",
        )
        lines.append("")
    elif basis == "findings":
        lines += ["3. No consensus override: the computed score stands.", ""]

    score = float(row["score"])
    if math.isnan(score):
        lines.append(f"Score: none ({basis}).")
    else:
        level = fw.level_reached(score)
        lines.append(
            f"Score {format_score(score)} (basis {basis}): it has reached level {level}, "
            f"{fw.level_name(level)}."
        )
        if level is not None:
            lines += _wrap(f"What level {level} looks like: {info.anchor(level)}", "   ", "   ")
    target = float(row["target"])
    if not math.isnan(target):
        gap = "" if math.isnan(row["gap"]) else f", a gap of {_n(float(row['gap']))}"
        lines.append(f"Target: level {int(target)}, {fw.level_name(int(target))}{gap}.")
    if not math.isnan(score):
        sensitivity = priority_sensitivity(engagement, framework=fw)
        ranks = cast(pd.Series, sensitivity.loc[fid])
        rule = ranks["rule"]
        top = TOP_PRIORITIES
        settled = (
            "the team agreed its level by consensus"
            if bool(ranks["consensus"])
            else "leaving out any one rater's findings keeps it there"
        )
        if pd.notna(rule):
            inside = int(rule) <= top
            where = f"in the top {top}" if inside else f"outside the top {top}"
            note = rank_note(ranks) or f"It is {where}, and {settled}."
            n = int(sensitivity["rule"].notna().sum())
            lines += _wrap(f"Priority {int(rule)} of {n}. {note}", "   ")
        else:
            note = rank_note(ranks)
            lines += _wrap(f"Not a priority: it meets its target. {note}".strip(), "   ")
    lines.append("")

    n_sources = len({f.source for f in findings})
    lines += _wrap(
        f"Confidence: {row['confidence']}, from {_plural(len(findings), 'finding')} and "
        f"{_plural(n_sources, 'kind')} of source (high takes 3 findings from 2 kinds).",
        "   ",
    )
    r_wg = float(row["r_wg"])
    if math.isnan(r_wg):
        lines.append("Agreement: not measured; it takes two raters or more.")
    else:
        variance = statistics.variance(means)
        raw = 1 - variance / UNIFORM_VARIANCE
        clipped = " (clipped to 0)" if raw < 0 else ""
        verdict = (
            f"below {LOW_AGREEMENT:.2f}, so the raters disagree: discuss before relying on "
            "the score"
            if row["low_agreement"]
            else f"{LOW_AGREEMENT:.2f} or more, so the raters agree"
        )
        lines += _wrap(
            f"Agreement: r_wg = 1 - {_n(variance)} / 2 = {_n(r_wg)}{clipped}, where "
            f"{_n(variance)} is the variance of the rater levels; {verdict} (0.70 is a "
            "convention, not a law).",
            "   ",
        )
        if float(row["spread"]) >= 2:
            held = "the team has agreed one (above)" if basis == "consensus" else "none yet"
            lines += _wrap(
                f"The rater levels are {_n(float(row['spread']))} apart, which calls for a "
                f"consensus discussion: {held}.",
                "   ",
                "   ",
            )
    lines += ["", provenance(engagement).text]
    return "\n".join(lines)
