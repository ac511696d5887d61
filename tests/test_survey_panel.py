"""The staff survey panel of the assessment dashboard, driven by what its drop zone sends.

Each test sends the messages the page's drop zone sends for a file (start, pieces, end), as a
page could send them whatever it shows, then asserts on the engagement file, the change log,
the radar's spec, the factor's staff line and the messages on the page. The browser test
(tests/browser/test_survey_drop.py) drops the same files in Chromium.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from chart_data import records

from toolkit import load_engagement
from toolkit.dashboard import AssessmentApp
from toolkit.dashboard.assessment.survey_panel import SurveySettings, import_export
from toolkit.dashboard.common import plain_text
from toolkit.errors import SurveyImportError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"
DATA = ROOT / "tests" / "browser" / "data"
PULSE = DATA / "harbourline-staff-pulse.csv"
BAD = DATA / "harbourline-staff-pulse-bad.csv"


@pytest.fixture
def app(tmp_path: Path) -> AssessmentApp:
    shutil.copy(SAMPLE, tmp_path / SAMPLE.name)
    return AssessmentApp(tmp_path, open=SAMPLE.name)


def path_of(app: AssessmentApp) -> Path:
    return Path(str(app.session.store.location)) / SAMPLE.name


def drop(app: AssessmentApp, path: Path, name: str | None = None) -> None:
    """What the page sends when ``path`` is dropped on the staff survey's zone."""
    data = path.read_bytes()
    zone = app.survey.drop
    key = "u1"
    zone.handle(
        {"event": "start", "upload": key, "files": [{"name": name or path.name, "size": len(data)}]}
    )
    zone.handle({"event": "chunk", "upload": key, "file": 0}, [data])
    zone.handle({"event": "end", "upload": key})


def staff_points(app: AssessmentApp) -> dict[str, float]:
    return {
        r["label"]: r["level"]
        for r in records(app.radar.spec)
        if str(r.get("series", "")).startswith("Staff survey") and "level" in r
    }


def gap_labels(app: AssessmentApp) -> set[str]:
    return {
        r["label"]
        for r in records(app.radar.spec)
        if r.get("flag") and "label" in r and "series" not in r
    }


def test_the_lead_drops_an_export_and_sees_what_was_imported_and_the_staff_series(
    app: AssessmentApp,
) -> None:
    drop(app, PULSE)
    saved = load_engagement(path_of(app))
    assert saved.survey is not None
    assert saved.survey.tool == "Microsoft Forms"
    assert saved.survey.respondents == 12
    entry = saved.changes[-1]
    assert entry.kind == "survey" and entry.by == "Maya Okafor"
    assert "harbourline-staff-pulse.csv" in entry.summary
    shown = plain_text(app.survey.result.value)
    assert "12 respondents" in shown
    assert "9 of 32 statements matched" in shown
    assert "3 of 4 groups shown, 1 suppressed for anonymity (fewer than k=5" in shown
    assert "Email" in shown and "Name" in shown  # named as not kept, never their values
    assert "Ama Mensah" not in path_of(app).read_text(encoding="utf-8")
    assert "Staff survey imported" in app.message_text
    staff = staff_points(app)
    assert set(staff) == {"Earned authority", "Composure", "People connection"}
    assert staff["Earned authority"] == pytest.approx(saved.survey.rater_level("authority"))
    assert "Earned authority" in gap_labels(app)


def test_the_factor_line_shows_the_staff_mean_or_why_there_is_none(app: AssessmentApp) -> None:
    drop(app, PULSE)
    survey = load_engagement(path_of(app)).survey
    assert survey is not None
    app.act(lambda: app.session.select("authority"))
    line = plain_text(app.survey.figures.value)
    mean = survey.rater_level("authority")
    assert mean is not None
    assert f"staff mean {mean:.1f}" in line and "12 respondents" in line and "(k=5)" in line
    assert "leaders see it better than staff do" in line
    app.act(lambda: app.session.select("originality"))
    assert "suppressed: fewer than 5 respondents in all" in plain_text(app.survey.figures.value)
    app.act(lambda: app.session.select("sponsorship"))
    assert plain_text(app.survey.figures.value) == "Staff survey: not asked"


def test_a_bad_export_is_refused_with_file_row_and_column_and_nothing_changes(
    app: AssessmentApp,
) -> None:
    before = path_of(app).read_bytes()
    drop(app, BAD)
    assert path_of(app).read_bytes() == before
    shown = plain_text(app.survey.result.value)
    assert "harbourline-staff-pulse-bad.csv: not imported, nothing was changed." in shown
    assert "row 6, column K" in shown and "'Sometimes'" in shown
    assert "row 6" in app.message_text
    assert staff_points(app) == {}


def test_a_rater_named_in_the_tab_cannot_import_whatever_the_page_sends(
    app: AssessmentApp,
) -> None:
    before = path_of(app).read_bytes()
    app.ui.form.handle({"op": "rater", "rater": "Priya Nair"})
    drop(app, PULSE)
    assert path_of(app).read_bytes() == before
    assert "only the engagement's lead, Maya Okafor, may import the staff survey" in (
        app.message_text
    )
    assert app.survey.remove.disabled


def test_k_below_three_is_refused_in_the_kernel(app: AssessmentApp) -> None:
    before = path_of(app).read_bytes()
    with pytest.raises(SurveyImportError, match="never fewer"):
        import_export(app.session, [(PULSE.name, PULSE.read_bytes())], SurveySettings(k=2))
    assert path_of(app).read_bytes() == before


def test_settings_reach_the_import_and_remove_takes_the_survey_out(app: AssessmentApp) -> None:
    app.survey.k.value = 6
    app.survey.expected.value = 20
    app.survey.segment.value = "Which team do you work in?"
    drop(app, PULSE)
    survey = load_engagement(path_of(app)).survey
    assert survey is not None
    assert (survey.k, survey.expected, survey.segment) == (6, 20, "Which team do you work in?")
    assert "12 respondents of 20 (60%)" in plain_text(app.survey.result.value)
    assert not app.survey.remove.disabled
    app.survey.remove.click()
    assert app.survey.remove.description == "Click again to remove"
    assert load_engagement(path_of(app)).survey is not None  # one click asks again
    app.survey.remove.click()
    assert load_engagement(path_of(app)).survey is None
    assert staff_points(app) == {}
    assert app.survey.remove.disabled


def test_no_staff_figures_during_a_blind_rating(app: AssessmentApp) -> None:
    drop(app, PULSE)
    app.act(app.session.next_phase)  # the lead starts a blind rating
    app.act(lambda: app.session.select("authority"))
    assert plain_text(app.survey.figures.value) == ("Staff survey: not shown during a blind rating")
    assert staff_points(app) == {}


def test_the_viewer_caption_says_what_the_staff_marks_are() -> None:
    from toolkit.dashboard.viewer.text import radar_caption_html
    from toolkit.report.content import build_content
    from toolkit.survey import import_survey, survey_from_bytes

    e = load_engagement(SAMPLE)
    assert "staff" not in plain_text(radar_caption_html(build_content(e)))
    found = survey_from_bytes(PULSE.read_bytes(), PULSE.name)
    with_survey = import_survey(found.survey, source=PULSE.name)(e)
    caption = plain_text(radar_caption_html(build_content(with_survey)))
    assert "the staff survey (12 staff respondents; a factor is shown only when at least 5" in (
        caption
    )
    assert "7 factors without a staff mark" in caption
    assert "A black diamond marks a factor where the assessment and the staff" in caption


def test_the_drop_takes_one_export_within_the_import_limit_decided_in_the_kernel(
    app: AssessmentApp,
) -> None:
    before = path_of(app).read_bytes()
    zone = app.survey.drop
    two = [{"name": "a.csv", "size": 10}, {"name": "b.csv", "size": 10}]
    zone.handle({"event": "start", "upload": "u", "files": two})
    assert "2 files dropped; drop one survey export" in app.message_text
    big = {"name": "huge.csv", "size": 10**9}
    zone.handle({"event": "start", "upload": "v", "files": [big]})
    assert "huge.csv: the file is" in app.message_text and "Nothing was imported" in (
        app.message_text
    )
    zone.handle({"event": "chunk", "upload": "v", "file": 0}, [b"x" * 1000])
    assert zone.held == 0  # nothing of a refused upload is kept
    assert path_of(app).read_bytes() == before
