"""The report as an Excel workbook: sheets Where to act first, Action plan, What moved (with a
previous assessment), Trend (with three or more cycles), Scores, Findings, Framework and About
(which opens with the headline sentences).

Each sheet has a bold, frozen header row and fitted column widths; every text cell is written as
literal text, and text that Excel would run as a formula (``=``, ``+``, ``-``, ``@``...) is
neutralised with a leading apostrophe (:func:`toolkit.workbook.neutralize`). A factor with no
score has an empty score cell and says why in ``level`` and ``basis``: it is never 0. About
names the client, the Tenfold version, the scoring rule's version and the data's hash.
"""

from __future__ import annotations

import math

import pandas as pd

from toolkit.framework import score_number
from toolkit.report.content import ReportContent
from toolkit.report.progress import PlanView
from toolkit.workbook import continue_long_text, xlsx_bytes

#: The sheets an engagement with a staff survey adds, after Scores.
STAFF_SHEETS: tuple[str, ...] = ("Staff survey", "Staff comments")


def _staff_sheets(content: ReportContent) -> dict[str, pd.DataFrame]:
    """The staff survey beside the scores (a row per factor, then per segment), and the
    comments it keeps; nothing without a survey."""
    staff = content.staff
    if staff is None:
        return {}
    columns = ["factor", "label", "group", "assessment", "staff", "respondents"]
    columns += ["favourable", "interval_95", "gap", "note"]
    rows = [
        {
            "factor": r.factor,
            "label": r.label,
            "group": "everyone",
            "assessment": r.score_text,
            "staff": r.staff_text,
            "respondents": r.n,
            "favourable": r.favourable_text,
            "interval_95": r.interval_text,
            "gap": r.explanation or r.flag,
            "note": r.note,
        }
        for r in staff.rows
    ]
    rows += [
        {
            "factor": g.factor,
            "label": g.label,
            "group": g.segment,
            "assessment": "",
            "staff": g.mean_text,
            "respondents": g.n,
            "favourable": g.favourable_text,
            "interval_95": g.interval_text,
            "gap": "",
            "note": g.note,
        }
        for g in staff.groups
    ]
    comments = pd.DataFrame(
        [{"group": c.segment or "everyone", "comment": c.text} for c in staff.comments],
        columns=["group", "comment"],
    )
    return {
        "Staff survey": pd.DataFrame(rows, columns=columns, dtype=object),
        "Staff comments": comments,
    }


__all__ = ["PLAN_COLUMNS", "SHEETS", "STAFF_SHEETS", "plan_sheet", "render_xlsx", "report_sheets"]

#: The workbook's sheets, in order; What moved and Trend only where there is something to show.
SHEETS: tuple[str, ...] = (
    "Where to act first",
    "Action plan",
    "What moved",
    "Trend",
    "Scores",
    "Findings",
    "Framework",
    "About",
)
#: The columns of the Action plan sheet.
PLAN_COLUMNS: tuple[str, ...] = (
    "id",
    "factor",
    "label",
    "what",
    "owner",
    "due",
    "status",
    "overdue",
    "aim",
    "aim_level",
    "from_remedy",
    "remedy",
    "opened_on",
    "opened_in",
    "carried",
)


def _blank(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 3)


def _score(value: float | None) -> float | None:
    """A score as a number cell: the number every surface shows (:func:`score_number`)."""
    return None if value is None or math.isnan(value) else score_number(value)


def plan_sheet(plan: PlanView) -> pd.DataFrame:
    """The action plan as the Action plan sheet holds it (:data:`PLAN_COLUMNS`): due and
    opened dates as date cells, overdue judged on the plan's day."""
    return pd.DataFrame(
        [
            {
                "id": i.id,
                "factor": i.factor,
                "label": i.label,
                "what": i.what,
                "owner": i.owner,
                "due": pd.Timestamp(i.due).date(),
                "status": i.status,
                "overdue": "yes" if i.overdue else "no",
                "aim": i.aim,
                "aim_level": i.aim_name,
                "from_remedy": i.remedy_number,
                "remedy": i.remedy,
                "opened_on": pd.Timestamp(i.opened_on).date(),
                "opened_in": i.opened_in,
                "carried": "yes" if i.carried else "no",
            }
            for i in plan.items
        ],
        columns=list(PLAN_COLUMNS),
        dtype=object,
    )


def report_sheets(content: ReportContent) -> dict[str, pd.DataFrame]:
    """The tables of the workbook, by sheet name (see :data:`SHEETS`; with a staff survey,
    :data:`STAFF_SHEETS` too, after Scores)."""
    steps = content.next_steps
    actions = pd.DataFrame(
        [
            {
                "priority": a.rank,
                "factor": a.factor,
                "label": a.label,
                "score": _score(a.score),
                "level": a.level_name,
                "target": a.target,
                "target_level": a.target_name,
                "change": a.change.mark,
                "change_since": steps.since if a.change.mark else "",
                "real_move": ("yes" if a.change.moved else "no")
                if a.change.delta is not None
                else "",
                "first_step": a.first_step,
                "open_actions": "; ".join(
                    f"{i.what} ({i.owner}, due {i.due}{', overdue' if i.overdue else ''})"
                    for i in a.planned
                ),
                "flags": "; ".join(f.text for f in a.flags),
            }
            for a in steps.actions
        ],
        columns=[
            "priority",
            "factor",
            "label",
            "score",
            "level",
            "target",
            "target_level",
            "change",
            "change_since",
            "real_move",
            "first_step",
            "open_actions",
            "flags",
        ],
        dtype=object,
    )
    sheets: dict[str, pd.DataFrame] = {
        "Where to act first": actions,
        "Action plan": plan_sheet(content.plan),
    }
    compared = content.comparison
    if compared is not None:
        sheets["What moved"] = pd.DataFrame(
            [
                {
                    "factor": m.factor,
                    "label": m.label,
                    "previous": _score(m.previous),
                    "current": _score(m.current),
                    "change": m.change,
                    "mark": m.mark,
                    "raters_then": m.raters_then,
                    "raters_now": m.raters_now,
                    "real_move": "yes" if m.moved else "no",
                    "verdict": m.verdict,
                    "explanation": m.words,
                    "since": compared.since,
                    "compared_with": compared.how,
                }
                for m in compared.rows
            ],
            dtype=object,
        )
    trend = content.trend
    if trend is not None:
        sheets["Trend"] = pd.DataFrame(
            [
                {"factor": r.factor, "label": r.label}
                | {day: _score(v) for day, v in zip(trend.days, r.values, strict=True)}
                for r in trend.rows
            ],
            dtype=object,
        )
    scores = pd.DataFrame(
        [
            {
                "priority": r.priority,
                "factor": r.factor,
                "label": r.label,
                "group": r.group,
                "score": _score(r.score),
                "level": r.level_name or r.basis,
                "basis": r.basis,
                "target": r.target,
                "gap": _blank(r.gap),
                "findings": r.n_findings,
                "raters": r.n_raters,
                "spread": _blank(r.spread),
                "needs_consensus": "yes" if r.needs_consensus else "no",
                "r_wg": _blank(r.r_wg),
                "raters_disagree": "yes" if r.low_agreement else "no",
                "rank_note": r.priority_note,
                "confidence": r.confidence,
            }
            for r in content.summary.rows
        ],
        # object columns: whole numbers stay whole, a missing value stays an empty cell.
        dtype=object,
    )
    fw = content.framework
    label = {f.id: f.label for f in fw.factors}
    findings = pd.DataFrame(
        [
            {
                "id": f.id,
                "factor": f.factor,
                "label": label.get(f.factor, f.factor),
                "level": f.level,
                "level_name": fw.level_name(f.level),
                "evidence": f.evidence,
                "source": f.source,
                "rater": f.rater,
                "recorded_at": f.recorded_at.isoformat(),
            }
            for f in sorted(content.engagement.findings, key=lambda f: f.recorded_at)
        ],
        columns=[
            "id",
            "factor",
            "label",
            "level",
            "level_name",
            "evidence",
            "source",
            "rater",
            "recorded_at",
        ],
    )
    framework = fw.to_frame().reset_index()
    c, p = content.cover, content.provenance
    about = pd.DataFrame(
        [
            *((f"in short ({i})", text) for i, text in enumerate(steps.sentences, start=1)),
            ("client", c.client),
            ("title", c.title),
            ("date", c.date),
            ("framework", f"{c.framework_id} {c.framework_version}"),
            ("tenfold_version", p.tenfold_version),
            ("scoring_rule", p.rule_version),
            ("data_hash", p.data_hash),
            ("panel_alpha", content.summary.panel_alpha_text or "not defined"),
            ("compared_with", content.comparison.note if content.comparison else "none"),
            ("action_plan", f"{content.plan.summary_line} (as of {content.plan.today})"),
        ],
        columns=["item", "value"],
    )
    return {
        **sheets,
        "Scores": scores,
        **_staff_sheets(content),
        "Findings": findings,
        "Framework": framework,
        "About": about,
    }


def render_xlsx(content: ReportContent) -> bytes:
    """The report's workbook as XLSX bytes, titled after the engagement (File > Properties)."""
    c = content.cover
    sheets = report_sheets(content)
    sheets["Findings"] = continue_long_text(sheets["Findings"])  # never cut at Excel's limit
    return xlsx_bytes(
        sheets,
        properties={
            "title": f"{c.title} \u2014 {c.client}",
            "creator": c.lead,
            "subject": f"{c.framework_name} {c.framework_version}",
            "description": content.provenance.text,
        },
    )
