"""The report's content, built once from an engagement and shared by every output format.

:func:`build_content` scores the engagement, summarises it and lays the result out as a tree of
plain, frozen dataclasses: a cover, a summary, one section per factor in priority order and an
appendix. Each format module (HTML, PDF, PPTX, XLSX) only arranges this tree on its medium, so
the words, the numbers and the order are the same in all of them.

Text from the engagement (client, evidence, reasons) is kept exactly as entered here; escaping
is the job of each format (HTML and PDF escape it, PPTX and XLSX write it as literal text).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from toolkit.agreement import panel_agreement, priority_sensitivity, rank_note
from toolkit.findings import Engagement
from toolkit.framework import Framework, load_framework
from toolkit.provenance import Provenance, provenance
from toolkit.report.next_steps import NextSteps, next_steps
from toolkit.report.wording import NOT_APPLICABLE, NOT_ASSESSED, format_score, long_date
from toolkit.scoring import LOW_AGREEMENT, Summary, score_engagement, summarize

__all__ = [
    "NOT_APPLICABLE",
    "NOT_ASSESSED",
    "Appendix",
    "Cover",
    "EvidenceItem",
    "FactorSection",
    "OverrideNote",
    "ReportContent",
    "ScoreRow",
    "SummaryView",
    "build_content",
]

Status = Literal["priority", "on target", "no target", "not assessed", "not applicable"]

#: How a score is reached, in the words the appendix and the XLSX use.
SCORING_RULE: tuple[str, ...] = (
    "Each finding records one piece of evidence and the level (0-4) it points to for one factor.",
    "For each factor, each rater's level is the mean of that rater's findings; the computed "
    "score is the median of the raters' levels (with one rater, that rater's mean).",
    "Where the team has agreed a consensus level, it replaces the computed score (basis "
    "\u201cconsensus\u201d) and the reason is recorded.",
    "A factor without findings is \u201cnot assessed\u201d and has no score: it is never "
    "counted as zero. A factor scoped out of the engagement is \u201cnot applicable\u201d.",
    "A score has reached the whole level at or below it: 1.5 has reached level 1 (Ad hoc), "
    "2.0 level 2 (Partial).",
    "A factor whose raters' levels are two or more apart needs a consensus discussion before "
    "its score is relied on.",
    "Rater agreement per factor is r_wg = 1 \u2212 s\u00b2/2, where s\u00b2 is the variance of "
    "the raters' levels and 2 the variance of levels picked at random (James, Demaree & Wolf "
    "1984). Below 0.70, a common convention rather than a law, the report says the raters "
    "disagree. Agreement across the whole panel is Krippendorff's alpha (interval metric).",
    "A priority is marked when its rank depends on one rater or on how findings are combined: "
    "leaving one rater's findings out, or taking the plain mean of all findings, moves it by "
    "more than one place or in or out of the priorities.",
    "Confidence is high with at least three findings from at least two kinds of source, "
    "medium with two findings, low with one.",
    "The mean score weights assessed factors by the framework's weights. Priorities are the "
    "factors furthest below their target, then assessed factors without a target, lowest "
    "first; factors at or above their target are not priorities.",
)


def _num(value: Any) -> float | None:
    """A float, or ``None`` for NaN/None (pandas cells)."""
    if value is None:
        return None
    out = float(value)
    return None if math.isnan(out) else out


@dataclass(frozen=True)
class Cover:
    """The cover page: who the report is for, by whom, and against which framework."""

    client: str
    title: str
    lead: str
    date: str
    framework_name: str
    framework_id: str
    framework_version: str

    @property
    def short_client(self) -> str:
        """The client's name cut to 60 characters, for running headers."""
        name = " ".join(self.client.split())
        return name if len(name) <= 60 else name[:59].rstrip() + "\u2026"


@dataclass(frozen=True)
class ScoreRow:
    """One factor's line in the summary table."""

    factor: str
    label: str
    group: str
    score: float | None
    score_text: str
    level_name: str
    basis: str
    target: int | None
    gap: float | None
    n_findings: int
    n_raters: int
    spread: float | None
    needs_consensus: bool
    confidence: str
    priority: int | None
    r_wg: float | None = None
    low_agreement: bool = False
    priority_note: str = ""


@dataclass(frozen=True)
class SummaryView:
    """The headline numbers and lists of the summary page."""

    n_factors: int
    assessed: int
    mean_text: str
    #: Assessed factors that are ad hoc or worse (level reached 1 or 0), framework order.
    weakest: tuple[str, ...]
    needs_consensus: tuple[str, ...]
    not_assessed: tuple[str, ...]
    not_applicable: tuple[str, ...]
    priorities: tuple[str, ...]
    n_findings: int
    n_raters: int
    confidence: tuple[tuple[str, int], ...]
    rows: tuple[ScoreRow, ...]
    #: Assessed factors whose raters disagree (r_wg below 0.70), as ``"Label (r_wg 0.33)"``.
    raters_disagree: tuple[str, ...] = ()
    #: Priorities whose rank depends on one rater or on how findings are combined.
    unsettled_priorities: tuple[str, ...] = ()
    #: Krippendorff's alpha for the panel, ``"0.42"``; ``""`` where it is undefined.
    panel_alpha_text: str = ""

    @property
    def coverage_text(self) -> str:
        """``"8 of 10 factors assessed (1 not assessed, 1 not applicable)"``."""
        parts = []
        if self.not_assessed:
            parts.append(f"{len(self.not_assessed)} {NOT_ASSESSED}")
        if self.not_applicable:
            parts.append(f"{len(self.not_applicable)} {NOT_APPLICABLE}")
        extra = f" ({', '.join(parts)})" if parts else ""
        return f"{self.assessed} of {self.n_factors} factors assessed{extra}"

    @property
    def confidence_text(self) -> str:
        """``"high 7, medium 0, low 1"`` over assessed factors."""
        return ", ".join(f"{name} {count}" for name, count in self.confidence)


@dataclass(frozen=True)
class EvidenceItem:
    """One finding as the report shows it."""

    evidence: str
    level: int
    level_name: str
    source: str
    rater: str
    recorded: str


@dataclass(frozen=True)
class OverrideNote:
    """A consensus level agreed by the team, with its reason."""

    level: int
    level_name: str
    reason: str
    by: str
    computed_text: str


@dataclass(frozen=True)
class FactorSection:
    """One factor's section: where it stands, what the evidence says and what to do."""

    number: int
    factor: str
    label: str
    group: str
    failure_mode: str
    description: str
    status: Status
    priority: int | None
    score: float | None
    score_text: str
    basis: str
    level: int | None
    level_name: str
    level_anchor: str
    target: int | None
    target_name: str
    target_anchor: str
    gap: float | None
    confidence: str
    n_raters: int
    spread: float | None
    needs_consensus: bool
    override: OverrideNote | None
    findings: tuple[EvidenceItem, ...]
    remedies: tuple[str, ...]
    r_wg: float | None = None
    low_agreement: bool = False
    #: Why this priority's rank is not settled (see :func:`toolkit.priority_sensitivity`);
    #: ``""`` when it holds.
    priority_note: str = ""

    @property
    def agreement_line(self) -> str:
        """``"r_wg 0.33: the raters disagree (below 0.70)"``; ``""`` with fewer than 2 raters."""
        if self.r_wg is None:
            return ""
        if self.low_agreement:
            return f"r_wg {self.r_wg:.2f}: the raters disagree (below {LOW_AGREEMENT:.2f})"
        return f"r_wg {self.r_wg:.2f}"

    @property
    def heading(self) -> str:
        """``"Priority 1: Executive sponsorship"``, ``"Composure (not assessed)"``..."""
        if self.priority is not None:
            return f"Priority {self.priority}: {self.label}"
        if self.status in (NOT_ASSESSED, NOT_APPLICABLE):
            return f"{self.label} ({self.status})"
        return self.label

    @property
    def score_line(self) -> str:
        """``"1.5 of 4 \u2014 Ad hoc (basis: findings)"`` or ``"not assessed"``."""
        if self.score is None:
            return self.basis
        return f"{self.score_text} of 4 \u2014 {self.level_name} (basis: {self.basis})"

    @property
    def target_line(self) -> str:
        """``"3 \u2014 Established (gap 1.5)"``, or ``"none set"``."""
        if self.target is None:
            return "none set"
        gap = "" if self.gap is None else f" (gap {format_score(self.gap)})"
        return f"{self.target} \u2014 {self.target_name}{gap}"


@dataclass(frozen=True)
class Appendix:
    """The scoring rule and the level scale."""

    scoring_rule: tuple[str, ...]
    levels: tuple[tuple[int, str, str], ...]


@dataclass(frozen=True, eq=False)
class ReportContent:
    """Everything a report says, in order; see :func:`build_content`.

    ``scores`` is the scores table (as :func:`toolkit.score_engagement` returns it) from which
    the rest was built; the charts are drawn from it.
    """

    cover: Cover
    summary: SummaryView
    sections: tuple[FactorSection, ...]
    appendix: Appendix
    notes: str
    engagement: Engagement
    framework: Framework
    scores: pd.DataFrame
    summary_raw: Summary
    provenance: Provenance
    #: The headline sentences and "Where to act first" (see :mod:`toolkit.report.next_steps`).
    next_steps: NextSteps
    #: The previous assessment's scores table, when one was given (the radar draws it).
    previous_scores: pd.DataFrame | None = None

    @property
    def priority_sections(self) -> tuple[FactorSection, ...]:
        """The sections of priority factors, most urgent first."""
        return tuple(s for s in self.sections if s.priority is not None)


def _status(basis: str, priority: int | None, target: int | None) -> Status:
    if basis == NOT_APPLICABLE:
        return "not applicable"
    if basis == NOT_ASSESSED:
        return "not assessed"
    if priority is not None:
        return "priority"
    return "on target" if target is not None else "no target"


def build_content(
    engagement: Engagement,
    *,
    framework: Framework | None = None,
    scores: pd.DataFrame | None = None,
    previous: Engagement | None = None,
) -> ReportContent:
    """Lay out the report of ``engagement``.

    Parameters
    ----------
    engagement
        The engagement to report on.
    framework
        The framework it was made with (default: the bundled one).
    scores
        Its scores table, when already computed (default: :func:`toolkit.score_engagement`).
    previous
        The client's previous assessment, for the change since then (default: none).

    Returns
    -------
    ReportContent
        Sections come in priority order (see :func:`toolkit.summarize`), then the other
        assessed factors, then the not-assessed and not-applicable ones, each in framework
        order.
    """
    fw = framework or load_framework()
    table = scores if scores is not None else score_engagement(engagement, framework=fw)
    summary = summarize(table, framework=fw)
    rank = {fid: i for i, fid in enumerate(summary.priorities, start=1)}
    sensitivity = priority_sensitivity(engagement, framework=fw)
    unsettled = {
        str(fid): rank_note(ranks)
        for fid, ranks in sensitivity.iterrows()
        if fid in rank and not ranks["stable"]
    }
    group_label = {g.id: g.label for g in fw.groups}
    label = {f.id: f.label for f in fw.factors}

    rows = []
    for fid, r in table.iterrows():
        fid = str(fid)
        score = _num(r["score"])
        level = fw.level_reached(score)
        target = _num(r["target"])
        basis = str(r["basis"])
        rows.append(
            ScoreRow(
                factor=fid,
                label=str(r["label"]),
                group=group_label.get(str(r["group"]), str(r["group"])),
                score=score,
                score_text=format_score(score, basis=basis),
                level_name=fw.level_name(level),
                basis=basis,
                target=None if target is None else int(target),
                gap=_num(r["gap"]),
                n_findings=int(r["n_findings"]),
                n_raters=int(r["n_raters"]),
                spread=_num(r["spread"]),
                needs_consensus=bool(r["needs_consensus"]),
                confidence=str(r["confidence"]),
                priority=rank.get(fid),
                r_wg=_num(r.get("r_wg")),
                low_agreement=bool(r.get("low_agreement", False)),
                priority_note=unsettled.get(fid, ""),
            )
        )

    assessed_rows = [r for r in rows if r.score is not None]
    # Weak: ad hoc or worse, by the one level rule (1.5 has reached Ad hoc).
    weak_ids = [r.factor for r in assessed_rows if (fw.level_reached(r.score) or 0) <= 1]
    conf_counts = tuple(
        (name, sum(1 for r in assessed_rows if r.confidence == name))
        for name in ("high", "medium", "low")
    )
    raters = {f.rater for f in engagement.findings}
    alpha = panel_agreement(engagement, framework=fw)
    summary_view = SummaryView(
        n_factors=summary.n_factors,
        assessed=summary.assessed,
        mean_text=format_score(summary.mean_score),
        weakest=tuple(label[f] for f in weak_ids),
        needs_consensus=tuple(r.label for r in rows if r.needs_consensus),
        not_assessed=tuple(label[f] for f in summary.not_assessed),
        not_applicable=tuple(label[f] for f in summary.not_applicable),
        priorities=tuple(label[f] for f in summary.priorities),
        n_findings=len(engagement.findings),
        n_raters=len(raters),
        confidence=conf_counts,
        rows=tuple(rows),
        raters_disagree=tuple(
            f"{r.label} (r_wg {r.r_wg:.2f})"
            for r in assessed_rows
            if r.low_agreement and r.r_wg is not None
        ),
        unsettled_priorities=tuple(label[f] for f in summary.priorities if f in unsettled),
        panel_alpha_text="" if math.isnan(alpha) else f"{alpha:.2f}",
    )

    by_factor: dict[str, list[EvidenceItem]] = {}
    for f in sorted(engagement.findings, key=lambda f: f.recorded_at):
        by_factor.setdefault(f.factor, []).append(
            EvidenceItem(
                evidence=f.evidence,
                level=f.level,
                level_name=fw.level_name(f.level),
                source=f.source,
                rater=f.rater,
                recorded=f.recorded_at.date().isoformat(),
            )
        )

    def order_key(row: ScoreRow) -> tuple[int, int]:
        position = fw.factor_ids.index(row.factor)
        if row.priority is not None:
            return (0, row.priority)
        bucket = {NOT_ASSESSED: 2, NOT_APPLICABLE: 3}.get(row.basis, 1)
        return (bucket, position)

    sections = []
    for number, row in enumerate(sorted(rows, key=order_key), start=1):
        factor = fw.factor(row.factor)
        level = fw.level_reached(row.score)
        override = engagement.overrides.get(row.factor)
        note = None
        if override is not None and row.basis == "consensus":
            computed = _num(table.at[row.factor, "computed"])
            note = OverrideNote(
                level=override.level,
                level_name=fw.level_name(override.level),
                reason=override.reason,
                by=override.by,
                computed_text=format_score(computed, basis=NOT_ASSESSED),
            )
        sections.append(
            FactorSection(
                number=number,
                factor=row.factor,
                label=row.label,
                group=row.group,
                failure_mode=factor.failure_mode,
                description=factor.description,
                status=_status(row.basis, row.priority, row.target),
                priority=row.priority,
                score=row.score,
                score_text=row.score_text,
                basis=row.basis,
                level=level,
                level_name=row.level_name,
                level_anchor=factor.anchor(level) if level is not None else "",
                target=row.target,
                target_name=fw.level_name(row.target) if row.target is not None else "",
                target_anchor=factor.anchor(row.target) if row.target is not None else "",
                gap=row.gap,
                confidence=row.confidence,
                n_raters=row.n_raters,
                spread=row.spread,
                needs_consensus=row.needs_consensus,
                override=note,
                findings=tuple(by_factor.get(row.factor, ())),
                remedies=factor.remedies,
                r_wg=row.r_wg,
                low_agreement=row.low_agreement,
                priority_note=row.priority_note,
            )
        )

    previous_scores = None if previous is None else score_engagement(previous, framework=fw)
    steps = next_steps(
        rows,
        priorities=summary.priorities,
        weak=weak_ids,
        framework=fw,
        previous=previous_scores,
        since="" if previous is None else long_date(previous.date),
    )
    cover = Cover(
        client=engagement.client,
        title=engagement.title,
        lead=engagement.lead,
        date=engagement.date.isoformat(),
        framework_name=fw.name,
        framework_id=engagement.framework.id,
        framework_version=engagement.framework.version,
    )
    appendix = Appendix(
        scoring_rule=SCORING_RULE,
        levels=tuple((lv.level, lv.name, lv.meaning) for lv in fw.levels),
    )
    return ReportContent(
        cover=cover,
        summary=summary_view,
        sections=tuple(sections),
        appendix=appendix,
        notes=engagement.notes,
        engagement=engagement,
        framework=fw,
        scores=table,
        summary_raw=summary,
        provenance=provenance(engagement),
        next_steps=steps,
        previous_scores=previous_scores,
    )
