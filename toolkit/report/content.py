"""The report's content, built once from an engagement and shared by every output format.

:func:`build_content` scores the engagement, summarises it and lays the result out as a tree of
plain, frozen dataclasses (:mod:`toolkit.report.model`): a cover, a summary, one section per
factor in priority order and an appendix. Each format module (HTML, PDF, PPTX, XLSX) only
arranges this tree on its medium, so the words, the numbers and the order are the same in all
of them.

Text from the engagement (client, evidence, reasons) is kept exactly as entered here; escaping
is the job of each format (HTML and PDF escape it, PPTX and XLSX write it as literal text).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from toolkit._model import utcnow
from toolkit.agreement import panel_agreement, priority_sensitivity, rank_note
from toolkit.cycles import History
from toolkit.findings import Engagement
from toolkit.framework import Framework, load_framework
from toolkit.moves import factor_moves, trend_table
from toolkit.provenance import provenance
from toolkit.report.model import (
    SCORING_RULE,
    Appendix,
    Cover,
    EvidenceItem,
    FactorSection,
    OverrideNote,
    ReportContent,
    ScoreRow,
    Status,
    SummaryView,
)
from toolkit.report.next_steps import next_steps
from toolkit.report.progress import comparison_view, plan_view, trend_view
from toolkit.report.staff import staff_content
from toolkit.report.wording import NOT_APPLICABLE, NOT_ASSESSED, format_score, long_date
from toolkit.scoring import score_engagement, summarize

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


def _num(value: Any) -> float | None:
    """A float, or ``None`` for NaN/None (pandas cells)."""
    if value is None:
        return None
    out = float(value)
    return None if math.isnan(out) else out


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
    previous: Engagement | History | None = None,
    today: dt.date | None = None,
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
        The client's earlier assessments (:func:`toolkit.cycles.history`: the previous one,
        how it was found, and the cycles before it for a trend), or the previous assessment
        itself (compared as given); default: none.
    today
        The day actions are judged overdue on (default: today in UTC).

    Returns
    -------
    ReportContent
        Sections come in priority order (see :func:`toolkit.summarize`), then the other
        assessed factors, then the not-assessed and not-applicable ones, each in framework
        order.
    """
    fw = framework or load_framework()
    earlier = previous if isinstance(previous, History) else History.given(previous)
    table = scores if scores is not None else score_engagement(engagement, framework=fw)
    summary = summarize(table, framework=fw)
    rank = {fid: i for i, fid in enumerate(summary.priorities, start=1)}
    sensitivity = priority_sensitivity(engagement, framework=fw)
    unsettled = {
        str(fid): rank_note(ranks) for fid, ranks in sensitivity.iterrows() if not ranks["stable"]
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

    ordered = sorted(rows, key=order_key)
    prior = earlier.previous
    previous_scores = None if prior is None else score_engagement(prior, framework=fw)
    since = "" if prior is None else long_date(prior.date)
    comparison = (
        None
        if previous_scores is None
        else comparison_view(
            factor_moves(table, previous_scores), since=since, how=earlier.how, note=earlier.note
        )
    )
    cycles = (*earlier.cycles, engagement)
    trend = trend_view(trend_table(cycles, framework=fw), [c.date for c in cycles])
    plan = plan_view(
        engagement.actions,
        engagement_id=engagement.id,
        framework=fw,
        order=[r.factor for r in ordered],
        today=today or utcnow().date(),
    )

    sections = []
    for number, row in enumerate(ordered, start=1):
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
                move=comparison.row(row.factor) if comparison is not None else None,
                trend=trend.row(row.factor) if trend is not None else None,
                actions=plan.by_factor.get(row.factor, ()),
            )
        )

    steps = next_steps(
        rows,
        priorities=summary.priorities,
        weak=weak_ids,
        framework=fw,
        comparison=comparison,
        plan=plan,
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
        staff=staff_content(engagement, table, fw),
        comparison=comparison,
        trend=trend,
        plan=plan,
    )
