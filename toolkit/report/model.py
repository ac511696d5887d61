"""What a report says, as a tree of plain, frozen dataclasses (built by
:func:`toolkit.report.content.build_content`).

A :class:`ReportContent` holds a :class:`Cover`, a :class:`SummaryView` with a
:class:`ScoreRow` per factor, one :class:`FactorSection` per factor (its evidence as
:class:`EvidenceItem`, a consensus as :class:`OverrideNote`) and an :class:`Appendix`. Each
format arranges these on its medium; the words on them come from :mod:`toolkit.report.wording`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from toolkit.agreement import TOP_PRIORITIES
from toolkit.findings import Engagement
from toolkit.framework import Framework
from toolkit.provenance import Provenance
from toolkit.report.next_steps import NextSteps
from toolkit.report.progress import (
    Comparison,
    MoveRow,
    PlanItem,
    PlanView,
    Trend,
    TrendRow,
)
from toolkit.report.score_row import ScoreRow
from toolkit.report.staff import StaffSurveyView
from toolkit.report.wording import NOT_APPLICABLE, NOT_ASSESSED, format_score
from toolkit.scoring import LOW_AGREEMENT, Summary

__all__ = [
    "MOVE_RULE",
    "SCORING_RULE",
    "Appendix",
    "Comparison",
    "Cover",
    "EvidenceItem",
    "FactorSection",
    "MoveRow",
    "OverrideNote",
    "PlanItem",
    "PlanView",
    "ReportContent",
    "ScoreRow",
    "Status",
    "SummaryView",
    "Trend",
    "TrendRow",
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
    f"A factor is marked when one rater decides whether it is among the top {TOP_PRIORITIES} "
    "priorities: leaving that rater's findings out would move it into or out of them. A move "
    "within the top priorities, or among the rest, is not marked, nor is a factor whose level "
    "the team agreed by consensus.",
    "Confidence is high with at least three findings from at least two kinds of source, "
    "medium with two findings, low with one.",
    "The mean score weights assessed factors by the framework's weights. Priorities are the "
    "factors furthest below their target, then assessed factors without a target, lowest "
    "first; factors at or above their target are not priorities.",
)

#: When a change since the previous assessment counts as a real move, in the words the
#: reports print under "What moved" (the README's scoring section says the same).
MOVE_RULE = (
    "A change since the previous assessment is a real move (\u25b2 \u25bc) when the score "
    "moved by at least half a level and the two panels do not overlap: every rater's level now "
    "is above every rater's level then (or below, for a decline). Any other change (\u25b3 "
    "\u25bd) is within the raters' own disagreement: another panel could have read it either "
    "way."
)


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
    #: Priorities that are in or out of the top ones on one rater's findings (see
    #: :func:`toolkit.priority_sensitivity`).
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
    #: What moved since the previous assessment, when there is one.
    move: MoveRow | None = None
    #: The factor's scores over three or more cycles, when the client has them.
    trend: TrendRow | None = None
    #: The factor's actions (open first, soonest due first).
    actions: tuple[PlanItem, ...] = ()

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
    #: The staff survey beside the scores (:mod:`toolkit.report.staff`), when there is one.
    staff: StaffSurveyView | None = None
    #: What moved since the previous assessment, and how that one was found.
    comparison: Comparison | None = None
    #: Every factor's scores over the client's cycles, when there are three or more.
    trend: Trend | None = None
    #: The action plan on the day the content was built.
    plan: PlanView = field(default_factory=lambda: PlanView(today=""))

    @property
    def priority_sections(self) -> tuple[FactorSection, ...]:
        """The sections of priority factors, most urgent first."""
        return tuple(s for s in self.sections if s.priority is not None)
