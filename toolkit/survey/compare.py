"""The staff's view beside the consultants' score, factor by factor, and where they differ.

:func:`staff_view` is the one table every surface reads (the radar's staff series and gap
flags, the reports, the viewer): per factor, the consultants' score, the staff's mean on the
same 0-4 scale, respondents, percentage favourable, the 95% interval, and a gap flag when the
two are more than :data:`GAP_LEVELS` apart. The wording is an executive's:

- the consultants' score is more than one level above the staff's: "leaders see it better
  than staff do";
- the staff's is more than one level above: "staff see it better".

A factor whose group for everyone is suppressed has no staff figure (and no flag): it reads
"fewer than k respondents", never a number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from toolkit.findings import Engagement
from toolkit.framework import Framework, load_framework
from toolkit.survey.model import StaffSurvey

__all__ = [
    "GAP_LEVELS",
    "LEADERS_HIGHER",
    "STAFF_HIGHER",
    "STAFF_VIEW_COLUMNS",
    "GapFlag",
    "gap_flag",
    "staff_label",
    "staff_levels",
    "staff_view",
    "survey_frame",
]

#: Consultants and staff differ when they are more than this many levels apart.
GAP_LEVELS = 1.0
#: The flag when the consultants' score is well above the staff's.
LEADERS_HIGHER = "leaders see it better than staff do"
#: The flag when the staff's view is well above the consultants' score.
STAFF_HIGHER = "staff see it better"
#: The columns of :func:`staff_view`, in order (indexed by factor id, framework order).
STAFF_VIEW_COLUMNS: tuple[str, ...] = (
    "label",
    "score",
    "staff",
    "n",
    "favourable",
    "low",
    "high",
    "gap",
    "flag",
    "explanation",
    "note",
)


@dataclass(frozen=True)
class GapFlag:
    """A gap between the consultants and the staff: its short text and its sentence."""

    text: str
    explanation: str


def _level_words(value: float, framework: Framework) -> str:
    return f"{value:.1f} ({framework.level_name(framework.level_reached(value))})"


def gap_flag(
    label: str, score: float | None, staff: float | None, framework: Framework | None = None
) -> GapFlag | None:
    """The flag of one factor when consultants and staff are more than a level apart."""
    if score is None or staff is None or math.isnan(score) or math.isnan(staff):
        return None
    fw = framework or load_framework()
    gap = score - staff
    if abs(gap) <= GAP_LEVELS:
        return None
    text = LEADERS_HIGHER if gap > 0 else STAFF_HIGHER
    explanation = (
        f"{label}: the assessment puts it at {_level_words(score, fw)}, the staff at "
        f"{_level_words(staff, fw)}; {text}."
    )
    return GapFlag(text=text[0].upper() + text[1:], explanation=explanation)


def staff_label(survey: StaffSurvey) -> str:
    """The staff series' name on a chart: ``"Staff survey, n=42"``."""
    n = survey.respondents
    return f"Staff survey, n={n}" if n is not None else f"Staff survey, fewer than {survey.k}"


def staff_levels(survey: StaffSurvey | None) -> pd.Series | None:
    """Everyone's mean by factor id (NaN where suppressed): the radar's staff series."""
    if survey is None:
        return None
    return pd.Series(
        {
            f: (survey.rater_level(f) if survey.rater_level(f) is not None else math.nan)
            for f in survey.factors
        },
        dtype="float64",
    )


#: The columns of :func:`survey_frame`, in order.
SURVEY_FRAME_COLUMNS: tuple[str, ...] = (
    "factor",
    "segment",
    "n",
    "mean",
    "favourable",
    "sd",
    "low",
    "high",
    "suppressed",
)


def survey_frame(engagement: Engagement | StaffSurvey | None) -> pd.DataFrame:
    """Every group the survey keeps, one row each: the analyst's way out.

    The columns of :data:`SURVEY_FRAME_COLUMNS`: the factor id, the segment (missing for
    everyone), respondents, the mean on the 0-4 scale, percentage favourable, standard
    deviation, the 95% interval, and why a group is suppressed ("" when it is shown). A
    suppressed group's figures are NaN: the table holds nothing the engagement does not, so no
    group under k and no group derivable from the others can be read from it. An engagement
    without a survey gives an empty table with the same columns.
    """
    survey = engagement.survey if isinstance(engagement, Engagement) else engagement
    rows = (
        [
            {
                "factor": g.factor,
                "segment": g.segment,
                "n": g.n,
                "mean": g.mean,
                "favourable": g.favourable,
                "sd": g.sd,
                "low": g.low,
                "high": g.high,
                "suppressed": g.suppressed,
            }
            for g in survey.groups
        ]
        if survey is not None
        else []
    )
    frame = pd.DataFrame(rows, columns=list(SURVEY_FRAME_COLUMNS))
    numbers = ["n", "mean", "favourable", "sd", "low", "high"]
    return frame.astype({c: "float64" for c in numbers} | {"n": "Int64"})


def staff_view(
    engagement: Engagement | StaffSurvey | None,
    scores: pd.DataFrame,
    *,
    framework: Framework | None = None,
) -> pd.DataFrame:
    """Per factor: the consultants' score beside the staff's view (see the module docstring).

    Parameters
    ----------
    engagement
        The engagement (or its survey); an engagement without a survey gives an empty table.
    scores
        Its scores table (:func:`toolkit.score_engagement`): the consultants' side.

    Returns
    -------
    pandas.DataFrame
        Indexed by factor id in the scores' order, the columns of :data:`STAFF_VIEW_COLUMNS`;
        ``staff`` and its companions are NaN where the group is suppressed (``note`` says why)
        or the factor was not surveyed (``note`` "not in the survey").
    """
    fw = framework or load_framework()
    survey = engagement.survey if isinstance(engagement, Engagement) else engagement
    if survey is None:
        return pd.DataFrame(columns=list(STAFF_VIEW_COLUMNS)).rename_axis("factor")
    rows = []
    for fid, r in scores.iterrows():
        fid = str(fid)
        score = float(r["score"]) if pd.notna(r["score"]) else math.nan
        g = survey.group(fid)
        label = str(r["label"]) if "label" in r else fid
        if g is None or not g.shown:
            note = "not in the survey" if g is None else g.suppressed
            rows.append(
                {
                    "factor": fid,
                    "label": label,
                    "score": score,
                    "staff": math.nan,
                    "n": math.nan,
                    "favourable": math.nan,
                    "low": math.nan,
                    "high": math.nan,
                    "gap": math.nan,
                    "flag": "",
                    "explanation": "",
                    "note": note,
                }
            )
            continue
        assert g.mean is not None
        flag = gap_flag(label, None if math.isnan(score) else score, g.mean, fw)
        rows.append(
            {
                "factor": fid,
                "label": label,
                "score": score,
                "staff": g.mean,
                "n": g.n,
                "favourable": g.favourable,
                "low": g.low,
                "high": g.high,
                "gap": score - g.mean if not math.isnan(score) else math.nan,
                "flag": flag.text if flag else "",
                "explanation": flag.explanation if flag else "",
                "note": "",
            }
        )
    return pd.DataFrame(rows, columns=["factor", *STAFF_VIEW_COLUMNS]).set_index("factor")
