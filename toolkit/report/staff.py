"""The staff survey's part of a report: beside the consultants' scores, never blended into them.

:func:`staff_content` lays out what the report (every format) and the viewer show of an
engagement's staff survey, from :func:`toolkit.survey.staff_view` and the survey's stored
aggregates: one row per factor (the assessment's score, the staff's mean, respondents, the
percentage favourable, the 95% interval and the gap flag), one row per segment group, the
comments the survey keeps, and sentences that say how many answered and what the thresholds
were. A suppressed group reads as suppressed, with why: it has no figure to show, here or
anywhere (:class:`toolkit.survey.StaffSurvey` keeps none).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from toolkit.findings import Engagement
from toolkit.framework import Framework
from toolkit.report.wording import format_score
from toolkit.survey.compare import staff_label, staff_view

__all__ = ["StaffComment", "StaffFactorRow", "StaffGroupRow", "StaffSurveyView", "staff_content"]

#: What a report says of the rule that keeps the survey beside the scores.
BESIDE = (
    "The staff's view is shown beside the assessment's score, on the same 0-4 scale "
    "(strongly disagree 0 to strongly agree 4), and does not change it."
)
COUNTED = (
    "This engagement counts the staff survey as one more rater: its mean for everyone joins "
    "the raters' levels of each assessed factor before the median is taken."
)


@dataclass(frozen=True)
class StaffFactorRow:
    """One factor: the assessment's score beside the staff's view."""

    factor: str
    label: str
    score_text: str
    staff_text: str
    n: int | None
    favourable_text: str
    interval_text: str
    flag: str
    explanation: str
    note: str


@dataclass(frozen=True)
class StaffGroupRow:
    """One factor's figures for one segment (a team, a site), or why it is not shown."""

    factor: str
    label: str
    segment: str
    n: int | None
    mean_text: str
    favourable_text: str
    interval_text: str
    note: str


@dataclass(frozen=True)
class StaffComment:
    """A comment the survey keeps, with its segment where the survey attributes it."""

    segment: str
    text: str


@dataclass(frozen=True, eq=False)
class StaffSurveyView:
    """What a report and the viewer show of the staff survey (see the module)."""

    series_label: str
    sentences: tuple[str, ...]
    rows: tuple[StaffFactorRow, ...]
    segment_column: str
    groups: tuple[StaffGroupRow, ...]
    comments: tuple[StaffComment, ...]
    #: The factors flagged, each as one sentence for an executive.
    gaps: tuple[str, ...]
    counted: bool
    #: The table the charts draw (:func:`toolkit.survey.staff_view`).
    table: pd.DataFrame


def _figure(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:.{digits}f}"


def staff_content(
    engagement: Engagement, scores: pd.DataFrame, framework: Framework
) -> StaffSurveyView | None:
    """The staff survey's part of the report of ``engagement``; ``None`` without a survey."""
    survey = engagement.survey
    if survey is None:
        return None
    table = staff_view(engagement, scores, framework=framework)
    label = {f.id: f.label for f in framework.factors}
    rows = []
    for fid, r in table.iterrows():
        fid = str(fid)
        if r["note"] == "not in the survey":
            continue
        score = None if pd.isna(r["score"]) else float(r["score"])
        basis = str(scores.at[fid, "basis"]) if fid in scores.index else "not assessed"
        shown = not pd.isna(r["staff"])
        rows.append(
            StaffFactorRow(
                factor=fid,
                label=str(r["label"]),
                score_text=format_score(score, basis=basis),
                staff_text=_figure(r["staff"]) if shown else "not shown",
                n=int(r["n"]) if shown else None,
                favourable_text=f"{r['favourable']:.0f}%" if shown else "",
                interval_text=f"{r['low']:.1f} to {r['high']:.1f}" if shown else "",
                flag=str(r["flag"]),
                explanation=str(r["explanation"]),
                note=str(r["note"]),
            )
        )
    groups = tuple(
        StaffGroupRow(
            factor=g.factor,
            label=label.get(g.factor, g.factor),
            segment=g.segment,
            n=g.n if g.shown else None,
            mean_text=_figure(g.mean) if g.shown else "not shown",
            favourable_text=f"{g.favourable:.0f}%" if g.shown and g.favourable is not None else "",
            interval_text=f"{g.low:.1f} to {g.high:.1f}"
            if g.shown and g.low is not None and g.high is not None
            else "",
            note=g.suppressed,
        )
        for g in survey.groups
        if g.segment is not None
    )
    if survey.respondents is None:
        answered = f"Fewer than {survey.k} people answered, so no result is shown."
    elif survey.expected is not None and survey.response_rate is not None:
        answered = (
            f"{survey.respondents} of {survey.expected} staff answered "
            f"({survey.response_rate:.0f}%)."
        )
    else:
        answered = f"{survey.respondents} staff answered."
    sentences = (
        f"{answered} Survey run with {survey.tool}, imported {survey.imported_at:%Y-%m-%d}.",
        f"Results are shown only for groups of at least {survey.k} respondents, and any group "
        "that could be worked out from others is hidden too; comments are kept only for "
        f"groups of at least {survey.comment_k}.",
        COUNTED if survey.count_as_rater else BESIDE,
    )
    return StaffSurveyView(
        series_label=staff_label(survey),
        sentences=sentences,
        rows=tuple(rows),
        segment_column=survey.segment or "",
        groups=groups,
        comments=tuple(StaffComment(c.segment or "", c.text) for c in survey.comments),
        gaps=tuple(r.explanation for r in rows if r.flag),
        counted=survey.count_as_rater,
        table=table,
    )
