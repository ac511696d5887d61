"""The staff series on the radar is honest: drawn only where the survey has a figure shown, a
factor with no survey answers (not asked, or suppressed) has no staff point, never a zero, and
a gap of more than one level is flagged."""

from __future__ import annotations

import pytest
from survey_exports import TEAM_QUESTION, export

from toolkit import Engagement, score_engagement
from toolkit.charts import radar_chart
from toolkit.charts._layout import point_at
from toolkit.charts._radar_frame import radar_frame
from toolkit.charts._radar_options import radar_options
from toolkit.charts._radar_rows import radar_datasets
from toolkit.survey.compare import LEADERS_HIGHER, staff_label, staff_view
from toolkit.survey.importer import survey_from_bytes
from toolkit.survey.model import StaffSurvey


def _survey() -> StaffSurvey:
    data, name = export("Google Forms", "csv")
    return survey_from_bytes(data, name, segment=TEAM_QUESTION).survey


def _engagement(survey: StaffSurvey) -> Engagement:
    """Consultants rate composure 4 (staff: 2.0, two levels lower) and authority 1 (the staff
    group is under k); purpose has findings and no survey statement answered."""
    e = Engagement.new(client="Acme", lead="Morgan Blake")
    e = e.add_finding(factor="composure", level=4, evidence="Calm under pressure")
    e = e.add_finding(factor="authority", level=1, evidence="Decisions bounce upward")
    e = e.add_finding(factor="purpose", level=2, evidence="Goals unclear")
    return e.model_copy(update={"survey": survey})


def test_staff_series_only_where_the_survey_shows_a_figure() -> None:
    survey = _survey()
    e = _engagement(survey)
    scores = score_engagement(e)
    view = staff_view(e, scores)
    assert view.loc["composure", "staff"] == pytest.approx(2.0)
    assert str(view.loc["composure", "flag"]).casefold() == LEADERS_HIGHER
    assert str(view.loc["authority", "note"]).startswith("fewer than 5")
    assert view.loc["purpose", "note"] == "not in the survey"
    frame = radar_frame(scores, radar_options(staff=view, staff_label=staff_label(survey)))
    data = radar_datasets(frame)
    staff_points = data["staff-points"]
    assert [r["factor"] for r in staff_points] == ["composure"]
    assert staff_points[0]["series"] == "Staff survey, n=10"
    assert staff_points[0]["level"] == pytest.approx(2.0)
    assert staff_points[0]["n"] == 10
    # No point at the centre (a zero) on any spoke without a staff figure.
    centre = point_at(0.0, 0.0)
    assert all((r["x"], r["y"]) != centre for r in staff_points)
    assert [r["factor"] for r in data["staff-intervals"]] == ["composure"]
    assert [r["factor"] for r in data["gap-flags"]] == ["composure"]
    staff_outline = [r for r in data["outlines"] if r["series"] == "Staff survey, n=10"]
    assert {r["factor"] for r in staff_outline} <= {"composure"}
    # The consultants' own series is untouched by the survey.
    assert {r["factor"] for r in data["points"]} == {"composure", "authority", "purpose"}
    current = {r["factor"]: r["level"] for r in data["points"]}
    assert current["composure"] == pytest.approx(4.0)


def test_every_factor_suppressed_draws_no_staff_series() -> None:
    survey = _survey()
    hidden = survey.model_copy(
        update={"groups": tuple(g for g in survey.groups if g.factor == "authority")}
    )
    e = _engagement(hidden)
    scores = score_engagement(e)
    view = staff_view(e, scores)
    assert view["staff"].isna().all()
    data = radar_datasets(
        radar_frame(scores, radar_options(staff=view, staff_label=staff_label(hidden)))
    )
    assert data["staff-points"] == [] and data["staff-intervals"] == []
    assert data["gap-flags"] == []


def test_the_chart_compiles_with_the_staff_series() -> None:
    survey = _survey()
    e = _engagement(survey)
    scores = score_engagement(e)
    chart = radar_chart(scores, staff=staff_view(e, scores), staff_label=staff_label(survey))
    spec = chart.to_dict()
    assert "Staff survey, n=10" in str(spec)
