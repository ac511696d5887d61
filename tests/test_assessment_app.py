"""The assessment app, driven by the messages its page sends (the browser tests press the keys).

Each test sends what the form, the table or the page bridge would send, then asserts on the
engagement file, the radar's spec, the messages sent back to the page and what is shown.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from chart_data import records
from frames import number
from page_state import click_radar, css_classes

from toolkit import load_engagement
from toolkit.dashboard import AssessmentApp
from toolkit.dashboard.assessment.panels import NO_LEVEL

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"
OTHERS = ("northgate-2026-03.json", "quayside-2026-10.json")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A scratch engagements folder: the sample and two other clients."""
    for name in (SAMPLE.name, *OTHERS):
        shutil.copy(ROOT / "engagements" / name, tmp_path / name)
    return tmp_path


class Page:
    """What the app sent to the page: every custom message, by widget."""

    def __init__(self, app: AssessmentApp) -> None:
        self.sent: dict[str, list[dict[str, Any]]] = {"form": [], "table": [], "bridge": []}
        for name in self.sent:
            widget = getattr(app.ui, name)
            widget.send = lambda content, buffers=None, name=name: self.sent[name].append(content)

    def last(self, widget: str, op: str) -> dict[str, Any]:
        return [m for m in self.sent[widget] if m.get("op") == op][-1]


@pytest.fixture
def app(folder: Path) -> AssessmentApp:
    return AssessmentApp(folder, open=SAMPLE.name)


def radar_levels(app: AssessmentApp, series: str = "Current") -> dict[str, float]:
    """The level drawn for each factor label in one series of the radar shown."""
    return {
        r["label"]: r["level"]
        for r in records(app.radar.spec)
        if r.get("series") == series and "level" in r and "label" in r
    }


def submit(app: AssessmentApp, factor: str, level: int | None, evidence: str, **kw: Any) -> None:
    app.ui.form.handle(
        {
            "op": "submit",
            "seq": kw.pop("seq", 1),
            "factor": factor,
            "level": level,
            "evidence": evidence,
            "source": "interview",
            "rater": "",
            **kw,
        }
    )


def test_opens_the_sample_and_draws_its_radar_with_the_previous_assessment(
    folder: Path,
) -> None:
    shutil.copy(ROOT / "engagements" / "harbourline-2026-05.json", folder)
    app = AssessmentApp(folder, open=SAMPLE.name)
    drawn = radar_levels(app)
    scores = app.session.scores
    assert scores is not None
    assert drawn["Executive sponsorship"] == pytest.approx(number(scores, "sponsorship", "score"))
    assert "Composure" not in drawn  # not assessed: no point, certainly not at zero
    assert radar_levels(app, "Previous (May 2026)")  # the May assessment overlaid
    assert "Harbourline Contact Services" in app.ui.header.value


def test_a_saved_finding_is_answered_saved_and_redraws_once(
    app: AssessmentApp, folder: Path
) -> None:
    page = Page(app)
    app.ui.form.handle({"op": "draft", "factor": "composure", "level": 3})  # previewed first
    specs = []
    app.radar.observe(lambda ch: specs.append(ch["new"]), "spec")
    submit(app, "composure", 3, "Calm through the Monday peak.", seq=7)
    app.ui.form.handle({"op": "draft", "factor": "composure", "level": None})  # form cleared
    added = load_engagement(folder / SAMPLE.name).findings[-1]
    assert (added.factor, added.level, added.rater) == ("composure", 3, "Maya Okafor")
    assert page.last("form", "saved") == {"op": "saved", "seq": 7, "id": added.id}
    assert page.last("table", "upsert")["rows"][0]["evidence"] == "Calm through the Monday peak."
    assert len(specs) == 1  # one redraw per change, the preview gone with it
    assert radar_levels(app)["Composure"] == 3 and radar_levels(app, "Preview") == {}
    assert "saved" in app.toolbar.saved.value


def test_a_refused_save_is_answered_with_the_reason(app: AssessmentApp, folder: Path) -> None:
    page = Page(app)
    path = folder / SAMPLE.name
    path.write_text("{ not json", encoding="utf-8")  # damaged while open
    submit(app, "composure", 2, "Calm", seq=3)
    rejected = page.last("form", "rejected")
    assert rejected["seq"] == 3 and "not valid JSON" in rejected["message"]
    assert app.message_text.startswith("Not saved:")
    assert path.read_text(encoding="utf-8") == "{ not json"


def test_choosing_a_level_previews_without_saving(app: AssessmentApp, folder: Path) -> None:
    before = (folder / SAMPLE.name).read_bytes()
    app.ui.form.handle({"op": "draft", "factor": "sponsorship", "level": 4})
    assert radar_levels(app, "Preview") == {"Executive sponsorship": 1.5}
    app.ui.form.handle({"op": "draft", "factor": "sponsorship", "level": None})
    assert radar_levels(app, "Preview") == {}
    assert (folder / SAMPLE.name).read_bytes() == before


def test_the_factor_chosen_follows_everywhere_and_into_the_url(app: AssessmentApp) -> None:
    page = Page(app)
    app.ui.form.handle({"op": "draft", "factor": "purpose", "level": None})
    assert app.ui.table.factor == "purpose"
    assert "Shared purpose" in app.entry.prompts.value
    assert "factor=purpose" in page.last("bridge", "url")["search"]
    label = next(r for r in records(app.radar.spec) if r.get("factor") == "purpose" and "x2" in r)
    assert label["factor"] == "purpose"  # the highlighted spoke


def test_edit_and_delete_come_from_the_table(app: AssessmentApp, folder: Path) -> None:
    page = Page(app)
    assert app.session.engagement is not None
    victim = app.session.engagement.findings[0]
    app.ui.table.handle({"op": "edit", "id": victim.id})
    assert page.last("form", "edit")["finding"]["id"] == victim.id
    assert app.ui.table.highlight == victim.id
    app.ui.table.handle({"op": "delete", "id": victim.id})
    assert page.last("form", "cancel_edit")["id"] == victim.id
    assert page.last("table", "remove")["ids"] == [victim.id]
    assert victim.id not in {f.id for f in load_engagement(folder / SAMPLE.name).findings}
    app.toolbar.undo.click()
    assert victim.id in {f.id for f in load_engagement(folder / SAMPLE.name).findings}
    assert "Undone" in app.message_text


def test_target_and_not_applicable_are_saved_at_once(app: AssessmentApp, folder: Path) -> None:
    path = folder / SAMPLE.name
    app.ui.form.handle({"op": "draft", "factor": "purpose", "level": None})
    app.settings.target.value = 4
    assert load_engagement(path).targets["purpose"] == 4
    assert radar_levels(app, "Target")["Shared purpose"] == 4
    app.settings.not_applicable.value = True
    assert "purpose" in load_engagement(path).not_applicable
    assert "Shared purpose" not in radar_levels(app)
    app.settings.target.value = NO_LEVEL
    assert "purpose" not in load_engagement(path).targets


def test_selecting_factors_writes_nothing(app: AssessmentApp, folder: Path) -> None:
    before = (folder / SAMPLE.name).read_bytes()
    for fid in app.framework.factor_ids:
        app.ui.form.handle({"op": "draft", "factor": fid, "level": None})
    assert (folder / SAMPLE.name).read_bytes() == before


def test_the_page_url_opens_its_engagement_and_factor(folder: Path) -> None:
    app = AssessmentApp(folder)  # as Voila builds it, before any page
    assert app.session.engagement is None
    shutil.copy(folder / SAMPLE.name, folder / "older-copy.json")
    app.ui.bridge.handle(
        {"event": "opened", "search": "?engagement=older-copy.json&factor=composure"}
    )
    assert app.session.ref == "older-copy.json" and app.factor == "composure"
    app.ui.bridge.handle({"event": "opened", "search": "?engagement=../../etc/passwd"})
    assert "not an engagement file" in app.message_text
    assert app.session.engagement is None  # no other engagement shown instead


def test_a_page_without_a_name_opens_the_newest_and_the_url_says_which(folder: Path) -> None:
    app = AssessmentApp(folder)
    page = Page(app)
    app.ui.bridge.handle({"event": "opened", "search": ""})
    assert app.session.ref == SAMPLE.name  # November 2026, the newest
    assert page.last("bridge", "url")["search"] == f"?engagement={SAMPLE.name}&factor=sponsorship"


def test_other_clients_are_named_only_behind_switch_engagement(app: AssessmentApp) -> None:
    def shown() -> str:
        return " ".join(str(o) for o in app.switcher.picker.options) + str(app.ui.header.value)

    assert "Northgate" not in shown() and "Quayside" not in shown()
    app.toolbar.switch.value = True
    assert "Northgate" in shown() and "Quayside" in shown()
    app.toolbar.switch.value = False
    assert "Northgate" not in shown()


def test_new_engagement_is_created_and_opened(app: AssessmentApp, folder: Path) -> None:
    app.toolbar.switch.value = True
    app.switcher.client.value = "Café Nord"
    app.switcher.create.click()
    assert "lead" in app.message_text
    app.switcher.lead.value = "Ana Lima"
    app.switcher.create.click()
    ref = app.session.ref
    assert ref is not None and ref.startswith("cafe-nord-")
    path = folder / ref
    assert load_engagement(path).client == "Café Nord"
    submit(app, "purpose", 2, "Purpose on the wall, not in the huddles")
    assert len(load_engagement(path).findings) == 1


def test_present_mode_steps_through_factors(app: AssessmentApp) -> None:
    page = Page(app)
    app.ui.bridge.handle({"event": "opened", "search": f"?engagement={SAMPLE.name}&present=1"})
    assert app.present and "tf-present" in css_classes(app.ui.view)
    app.ui.bridge.handle({"event": "step", "delta": 1})
    assert app.factor == "cx_executive"
    app.ui.bridge.handle({"event": "step", "delta": -2})
    assert app.factor == "accountability"  # wraps round
    assert "Owning failures" in app.radar_column.present.value
    app.ui.bridge.handle({"event": "present", "value": False})
    assert not app.present and "present" not in page.last("bridge", "url")["search"]


def test_the_radar_grows_with_the_room_the_page_measured(app: AssessmentApp) -> None:
    size = {"event": "size", "width": 1280, "height": 720, "column_top": 120}
    app.ui.bridge.handle({**size, "column_width": 600})
    small = app.radar.spec["width"]
    app.ui.bridge.handle({**size, "width": 1920, "height": 1080, "column_width": 1300})
    assert app.radar.spec["width"] > 1.4 * small


def test_a_colleagues_change_appears_with_a_notice(app: AssessmentApp, folder: Path) -> None:
    from toolkit import changes, update_engagement

    page = Page(app)
    _, add = changes.add_finding(factor="connection", level=1, evidence="Theirs", by="Tom Reyes")
    update_engagement(folder / SAMPLE.name, add)
    assert app.poll()
    assert page.last("table", "upsert")["rows"][0]["evidence"] == "Theirs"
    assert "Tom Reyes added a finding to People connection" in app.toolbar.notice.value
    assert not app.poll()


def test_a_notice_shows_a_colleagues_name_as_text(app: AssessmentApp, folder: Path) -> None:
    from toolkit import changes, update_engagement

    _, add = changes.add_finding(factor="connection", level=1, evidence="x", by="<img src=x>")
    update_engagement(folder / SAMPLE.name, add)
    app.poll()
    assert (
        "<img" not in app.toolbar.notice.value and "&lt;img src=x&gt;" in app.toolbar.notice.value
    )


@pytest.mark.slow
def test_exports_produce_the_files(app: AssessmentApp) -> None:
    buttons = {b.description: b for b in app.ui.downloads}
    name, data = buttons["Findings CSV"].payload()
    assert name == "harbourline-contact-services-2026-11-16-findings.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 45 and rows[0]["factor"] == "sponsorship"
    name, data = buttons["Findings XLSX"].payload()
    assert name.endswith(".xlsx") and data[:2] == b"PK"
    name, data = buttons["Radar PNG"].payload()
    assert name.endswith("-radar.png") and data[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_report_buttons_follow_the_latest_change(app: AssessmentApp) -> None:
    buttons = {b.description: b for b in app.ui.downloads}
    submit(app, "composure", 3, "Calm under the Monday peak")
    name, html = buttons["Report HTML"].payload()
    assert name == "harbourline-contact-services-2026-11-16.html"
    assert b"Calm under the Monday peak" in html


def test_an_empty_folder_says_how_to_start(tmp_path: Path) -> None:
    app = AssessmentApp(tmp_path)
    app.ui.bridge.handle({"event": "opened", "search": ""})
    assert "Switch engagement" in app.message_text
    assert app.session.engagement is None and app.ui.body.layout.visibility == "hidden"


def test_a_click_on_a_radar_label_selects_that_factor(app: AssessmentApp) -> None:
    click_radar(app.radar, "purpose")
    assert app.factor == "purpose" and app.ui.table.factor == "purpose"


def test_blind_rating_hides_exports_and_the_board_records_in_place(
    app: AssessmentApp, folder: Path
) -> None:
    app.toolbar.phase.click()  # the lead (no rater named) starts the blind rating
    assert load_engagement(folder / SAMPLE.name).phase == "independent"
    assert all(b.disabled for b in app.ui.downloads)
    assert "tf-blind" in css_classes(app.ui.view)
    assert app.toolbar.phase.description == "Reveal the panel"
    app.ui.form.handle({"op": "rater", "rater": "Priya Nair"})
    assert app.toolbar.phase.disabled  # not the lead
    assert radar_levels(app, "Previous (May 2026)") == {}
    app.ui.form.handle({"op": "rater", "rater": ""})
    app.toolbar.phase.click()
    assert "tf-consensus" in css_classes(app.ui.view) and len(app.ui.board.rows) == 10
    app.ui.board.handle(
        {"op": "record", "factor": "purpose", "level": 2, "reason": "", "agreed_by": "Board"}
    )
    assert "needs a reason" in app.message_text
    app.ui.board.handle(
        {"op": "record", "factor": "purpose", "level": 2, "reason": "Rota", "agreed_by": "Board"}
    )
    assert load_engagement(folder / SAMPLE.name).overrides["purpose"].by == "Board"
    row = next(r for r in app.ui.board.rows if r["factor"] == "purpose")
    assert row["consensus"] == {"level": 2, "reason": "Rota", "by": "Board"}
