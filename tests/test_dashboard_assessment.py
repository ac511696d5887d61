"""The assessment dashboard, driven from Python as a consultant drives it in the browser.

Each test sets widget values and clicks buttons, then asserts on the engagement file on disk,
the radar's chart data and the message shown.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from chart_data import records

from toolkit import load_engagement
from toolkit.dashboard import AssessmentApp
from toolkit.dashboard.assessment import NO_LEVEL

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A scratch engagements folder holding the sample engagement only."""
    shutil.copy(SAMPLE, tmp_path / SAMPLE.name)
    return tmp_path


@pytest.fixture
def app(folder: Path) -> AssessmentApp:
    return AssessmentApp(folder)


def radar_levels(chart: Any, series: str = "Current") -> dict[str, float]:
    """The level drawn for each factor label in one series of a radar chart."""
    return {
        r["label"]: r["level"]
        for r in records(chart.to_dict())
        if r.get("series") == series and "level" in r and "label" in r
    }


def record(app: AssessmentApp, factor: str, level: int, evidence: str) -> bool:
    app.factor.value = factor
    app.level.value = level
    app.evidence.value = evidence
    return app.submit()


def test_opens_the_sample_and_draws_its_radar(app: AssessmentApp, folder: Path) -> None:
    assert app.path == folder / SAMPLE.name
    assert app.engagement is not None and len(app.engagement.findings) == 45
    drawn = radar_levels(app.radar.chart)
    assert drawn["Executive sponsorship"] == pytest.approx(app.scores.loc["sponsorship", "score"])
    assert "Composure" not in drawn  # not assessed: no point, certainly not at zero
    assert "Harbourline Contact Services" in app.header.value


def test_adding_a_finding_saves_it_and_redraws_the_radar(app: AssessmentApp, folder: Path) -> None:
    assert record(app, "composure", 3, "Leaders stayed calm through the Monday peak.")
    on_disk = load_engagement(folder / SAMPLE.name)
    added = [f for f in on_disk.findings if f.factor == "composure"]
    assert [(f.level, f.evidence) for f in added] == [
        (3, "Leaders stayed calm through the Monday peak.")
    ]
    assert added[0].rater == "Maya Okafor"  # the lead, when no rater is given
    assert radar_levels(app.radar.chart)["Composure"] == 3
    assert "saved" in app.saved.value
    assert app.evidence.value == "" and app.level.value is None  # ready for the next one


def test_empty_evidence_is_refused_inline_and_nothing_is_saved(
    app: AssessmentApp, folder: Path
) -> None:
    before = (folder / SAMPLE.name).read_bytes()
    assert not record(app, "composure", 2, "   ")
    assert "write the evidence" in app.message_text
    assert (folder / SAMPLE.name).read_bytes() == before
    assert app.saved.value == ""


def test_a_finding_needs_a_level(app: AssessmentApp, folder: Path) -> None:
    before = (folder / SAMPLE.name).read_bytes()
    app.evidence.value = "Seen on the floor."
    assert not app.submit()
    assert "choose a level" in app.message_text
    assert (folder / SAMPLE.name).read_bytes() == before


def test_corrupt_file_gets_an_inline_message_and_is_left_untouched(folder: Path) -> None:
    (folder / SAMPLE.name).unlink()
    bad = folder / "broken.json"
    bad.write_text('{"client": "Half a file", "findings": [', encoding="utf-8")
    app = AssessmentApp(folder)
    assert "Cannot open this engagement" in app.message_text
    assert "broken.json" in app.message_text
    assert app.engagement is None and app.body.layout.display == "none"
    assert not record(app, "composure", 2, "Anything")
    assert bad.read_text(encoding="utf-8") == '{"client": "Half a file", "findings": ['
    assert sorted(p.name for p in folder.iterdir()) == ["broken.json"]


def test_file_damaged_while_open_is_not_overwritten(app: AssessmentApp, folder: Path) -> None:
    path = folder / SAMPLE.name
    path.write_text("{ not json", encoding="utf-8")
    assert not record(app, "composure", 2, "Calm under pressure")
    assert app.message_text.startswith("Not saved:")
    assert "not valid JSON" in app.message_text
    assert path.read_text(encoding="utf-8") == "{ not json"


def test_two_tabs_on_one_file_keep_each_others_findings(folder: Path) -> None:
    first, second = AssessmentApp(folder), AssessmentApp(folder)
    assert record(first, "composure", 2, "From the first tab")
    assert record(second, "composure", 4, "From the second tab")
    evidence = {f.evidence for f in load_engagement(folder / SAMPLE.name).findings}
    assert {"From the first tab", "From the second tab"} <= evidence
    assert len(second.engagement.findings) == 47  # the second tab now shows both


def test_undo_takes_back_only_this_tabs_change(folder: Path) -> None:
    first, second = AssessmentApp(folder), AssessmentApp(folder)
    assert record(first, "composure", 2, "Mine")
    assert record(second, "composure", 4, "Theirs")
    assert first.undo()
    evidence = [f.evidence for f in load_engagement(folder / SAMPLE.name).findings]
    assert "Mine" not in evidence and "Theirs" in evidence
    assert "Undone" in first.message_text
    assert first.undo_button.disabled


def test_delete_then_undo_restores_the_same_finding(app: AssessmentApp, folder: Path) -> None:
    original = load_engagement(folder / SAMPLE.name)
    victim = original.findings[0]
    app.factor.value = victim.factor
    _edit, delete = app.finding_rows[victim.id]
    delete.click()
    assert victim.id not in {f.id for f in load_engagement(folder / SAMPLE.name).findings}
    assert app.undo()
    assert load_engagement(folder / SAMPLE.name).findings == original.findings


def test_editing_a_finding_changes_it_on_disk(app: AssessmentApp, folder: Path) -> None:
    victim = app.engagement.findings[0]
    app.factor.value = victim.factor
    edit, _delete = app.finding_rows[victim.id]
    edit.click()
    assert app.evidence.value == victim.evidence and app.add_button.description == "Save changes"
    app.level.value = 3
    app.evidence.value = "Corrected: the COO called it an investment."
    assert app.submit()
    saved = load_engagement(folder / SAMPLE.name).finding(victim.id)
    assert (saved.level, saved.evidence) == (3, "Corrected: the COO called it an investment.")
    assert len(load_engagement(folder / SAMPLE.name).findings) == 45
    assert app.editing is None and app.add_button.description == "Add finding"


def test_consensus_override_requires_a_reason(app: AssessmentApp, folder: Path) -> None:
    path = folder / SAMPLE.name
    app.factor.value = "authority"
    app.override_level.value = 2
    app.override_reason.value = ""
    before = path.read_bytes()
    assert not app.apply_override()
    assert "needs a reason" in app.message_text
    assert path.read_bytes() == before
    app.override_reason.value = "Agreed in the team review: shifts differ, net partial."
    assert app.apply_override()
    on_disk = load_engagement(path)
    assert on_disk.overrides["authority"].level == 2
    assert app.scores.loc["authority", "basis"] == "consensus"
    assert radar_levels(app.radar.chart)["Earned authority"] == 2


def test_not_applicable_and_target_are_saved_at_once(app: AssessmentApp, folder: Path) -> None:
    path = folder / SAMPLE.name
    app.factor.value = "purpose"
    app.target.value = 4
    assert load_engagement(path).targets["purpose"] == 4
    assert radar_levels(app.radar.chart, "Target")["Shared purpose"] == 4
    app.not_applicable.value = True
    assert "purpose" in load_engagement(path).not_applicable
    assert "Shared purpose" not in radar_levels(app.radar.chart)
    app.target.value = NO_LEVEL
    assert "purpose" not in load_engagement(path).targets


def test_selecting_a_factor_does_not_write(app: AssessmentApp, folder: Path) -> None:
    before = (folder / SAMPLE.name).read_bytes()
    for fid in app.framework.factor_ids:
        app.factor.value = fid
    assert (folder / SAMPLE.name).read_bytes() == before


def test_script_in_evidence_is_shown_as_text(app: AssessmentApp) -> None:
    assert record(app, "composure", 1, "<script>alert('x')</script> & <b>bold</b>")
    app.factor.value = "composure"
    shown = " ".join(row.children[0].value for row in app.findings_box.children)
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert "&lt;b&gt;bold&lt;/b&gt;" in shown


def test_the_form_shows_anchor_and_questions_of_the_factor(app: AssessmentApp) -> None:
    app.factor.value = "composure"
    app.level.value = 0
    factor = app.framework.factor("composure")
    assert factor.anchor(0)[:40] in app.anchor.value.replace("&#x27;", "'")
    assert factor.questions[0][:30] in app.prompts.value.replace("&#x27;", "'")


def test_new_engagement_is_created_and_opened(app: AssessmentApp, folder: Path) -> None:
    app.new_client.value = "Café Nord"
    app.new_lead.value = ""
    assert not app.create()
    assert "lead" in app.message_text
    app.new_lead.value = "Ana Lima"
    assert app.create()
    assert app.path is not None and app.path.name.startswith("cafe-nord-")
    assert load_engagement(app.path).client == "Café Nord"
    assert record(app, "purpose", 2, "Purpose on the wall, not in the huddles")
    assert len(load_engagement(app.path).findings) == 1
    assert (
        load_engagement(folder / SAMPLE.name).findings
        == AssessmentApp(folder, open=SAMPLE.name).engagement.findings
    )  # the sample is untouched


def test_exports_produce_the_files(app: AssessmentApp) -> None:
    name, data = app.csv_button.payload()
    assert name == "harbourline-contact-services-2026-11-16-findings.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 45 and rows[0]["factor"] == "sponsorship"
    name, data = app.xlsx_button.payload()
    assert name.endswith(".xlsx") and data[:2] == b"PK"
    name, data = app.png_button.payload()
    assert name.endswith("-radar.png") and data[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_buttons_build_the_open_engagements_report(app: AssessmentApp) -> None:
    names = {b.description: b.payload() for b in app.report_buttons}
    assert names["Slides PPTX"][0] == "harbourline-contact-services-2026-11-16.pptx"
    assert names["Slides PPTX"][1][:2] == b"PK"
    assert names["Report PDF"][1].startswith(b"%PDF")
    record(app, "composure", 3, "Calm under the Monday peak")
    _, html = app.report_buttons[2].payload()
    assert b"Calm under the Monday peak" in html  # the report follows the latest change


def test_engagement_file_from_another_folder_is_not_listed(folder: Path) -> None:
    (folder / "notes.txt").write_text("not an engagement", encoding="utf-8")
    app = AssessmentApp(folder)
    assert [o[1] for o in app.picker.options] == [str(folder / SAMPLE.name)]


def test_empty_folder_says_how_to_start(tmp_path: Path) -> None:
    app = AssessmentApp(tmp_path)
    assert "New engagement" in app.message_text
    assert app.engagement is None


def test_saved_file_is_valid_json_after_every_change(app: AssessmentApp, folder: Path) -> None:
    record(app, "composure", 2, "One")
    app.target.value = 1
    app.undo()
    json.loads((folder / SAMPLE.name).read_text(encoding="utf-8"))
    assert (folder / (SAMPLE.name + ".bak")).exists()


def test_opening_the_page_shows_the_file_as_it_is_now(folder: Path) -> None:
    """A preheated app may be minutes old when a person opens the page: it reads again."""
    app = AssessmentApp(folder)
    other = AssessmentApp(folder)
    assert record(other, "composure", 4, "Added in another tab before this page opened")
    shutil.copy(folder / SAMPLE.name, folder / "copy-of-sample.json")
    assert len(app.engagement.findings) == 45
    app.opened._handle_message(app.opened, {"event": "opened"}, [])
    assert len(app.engagement.findings) == 46
    assert app.path == folder / SAMPLE.name  # still the engagement that was open
    assert str(folder / "copy-of-sample.json") in [v for _l, v in app.picker.options]


def test_keyboard_submit_adds_the_finding(app: AssessmentApp, folder: Path) -> None:
    app.factor.value = "purpose"
    app.level.value = 1
    app.evidence.value = "Saved with Ctrl+Enter"
    app.opened._handle_message(app.opened, {"event": "submit"}, [])
    assert load_engagement(folder / SAMPLE.name).findings[-1].evidence == "Saved with Ctrl+Enter"


PREVIEW = "Preview"


def test_choosing_a_level_previews_the_move_without_saving(
    app: AssessmentApp, folder: Path
) -> None:
    before = (folder / SAMPLE.name).read_bytes()
    # Sponsorship: raters Maya (1, 1), Tomás (0, 1), Priya (1, 2) -> median of 1, 0.5, 1.5 = 1.
    # The form's rater defaults to the lead, Maya.
    app.factor.value = "sponsorship"
    app.level.value = 4
    # Maya's mean becomes (1 + 1 + 4) / 3 = 2 -> median of 2, 0.5, 1.5 = 1.5.
    assert radar_levels(app.radar.chart, PREVIEW) == {"Executive sponsorship": 1.5}
    assert radar_levels(app.radar.chart)["Executive sponsorship"] == 1.0
    app.level.value = 0
    # (1 + 1 + 0) / 3 = 0.667 -> median of 0.667, 0.5, 1.5 = 0.667.
    assert radar_levels(app.radar.chart, PREVIEW) == {
        "Executive sponsorship": pytest.approx(2 / 3, abs=1e-4)
    }
    app.rater.value = "Ines Duarte"  # a fourth rater: median of 0.5, 1, 1.5 and 0 = 0.75
    assert radar_levels(app.radar.chart, PREVIEW) == {"Executive sponsorship": 0.75}
    app.rater.value = ""
    app.factor.value = "composure"  # not assessed yet: the preview shows where it would start
    assert radar_levels(app.radar.chart, PREVIEW) == {"Composure": 0.0}
    assert (folder / SAMPLE.name).read_bytes() == before


def test_preview_goes_once_the_finding_is_added_or_the_level_cleared(app: AssessmentApp) -> None:
    app.factor.value = "composure"
    app.level.value = 2
    assert radar_levels(app.radar.chart, PREVIEW) == {"Composure": 2.0}
    app.level.value = None
    assert radar_levels(app.radar.chart, PREVIEW) == {}
    assert record(app, "composure", 3, "Calm in the outage review.")
    assert radar_levels(app.radar.chart, PREVIEW) == {}
    assert radar_levels(app.radar.chart)["Composure"] == 3.0


def test_no_preview_for_a_factor_marked_not_applicable(app: AssessmentApp) -> None:
    app.factor.value = "cx_executive"
    app.level.value = 3
    assert app.preview() is None
    assert radar_levels(app.radar.chart, PREVIEW) == {}
