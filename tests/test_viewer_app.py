"""The stakeholders' viewer: one client, what to do next first, text as text, nothing written.

The app is driven as the page drives it (the bridge's "opened" message, the drop zone's
pieces, a click on the radar) and checked on what the widgets would send to the browser.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest
from chart_data import records
from folders import copy_engagements, folder_digest
from page_state import click_radar

from toolkit import Engagement, load_engagement, load_framework, save_engagement
from toolkit.dashboard import DownloadButton, ViewerApp
from toolkit.dashboard.reports import button_text
from toolkit.dashboard.viewer.app import BINDER_NOTICE
from toolkit.dashboard.widgets.bridge import PageBridge
from toolkit.dashboard.widgets.upload import FileDrop
from toolkit.share import shared_copy
from toolkit.store import engagement_to_json

ROOT = Path(__file__).resolve().parents[1]
ENGAGEMENTS = ROOT / "engagements"
NOVEMBER = "harbourline-2026-11.json"
CLIENTS = {
    "harbourline-2026-11.json": "Harbourline Contact Services",
    "larkspur-2026-06.json": "Larkspur Energy Retail",
    "meridian-2026-09.json": "Meridian",
    "northgate-2026-03.json": "Northgate",
    "quayside-2026-10.json": "Quayside",
}
#: Downloads that render a whole document (seconds each): clicked in the full run
#: (``documents``), the others in the quick one too (``files``).
RENDERED = tuple(button_text(fmt)[0] for fmt in ("pdf", "pptx"))
DOWNLOADS = pytest.mark.parametrize(
    "documents", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["files", "documents"]
)
#: Controls that could change something on the server: none may be in the viewer.
WRITING = (widgets.Text, widgets.Textarea, widgets.Checkbox, widgets.FileUpload, widgets.Button)


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> ViewerApp:
    """A viewer whose page opened on the sample (shared by the tests that only read it)."""
    dest = copy_engagements(tmp_path_factory.mktemp("engagements"))
    app = ViewerApp(dest, portfolio=False, binder=False)
    app.ui.bridge.handle({"event": "opened", "search": f"?engagement={NOVEMBER}"})
    return app


def walk(widget: Any) -> list[Any]:
    out = [widget]
    for child in getattr(widget, "children", ()):
        out += walk(child)
    return out


def page_state(app: ViewerApp) -> str:
    """Everything the widgets send to the page, as one text (chart specs included)."""
    return "\n".join(json.dumps(w.get_state(), default=str) for w in walk(app.ui.view))


def text(page: str) -> str:
    """The words of ``page`` as a person reads them: tags gone, entities unescaped."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def test_nothing_is_in_the_page_before_a_browser_opens_it(folder: Path) -> None:
    app = ViewerApp(folder)  # what Voila runs in a preheated kernel
    state = page_state(app)
    assert [c for c in CLIENTS.values() if c in state] == []
    assert app.ui.body.layout.visibility == "hidden"


@pytest.mark.parametrize("name", sorted(CLIENTS))
def test_the_page_shows_the_client_its_url_names_and_no_other(folder: Path, name: str) -> None:
    app = ViewerApp(folder)
    app.ui.bridge.handle({"event": "opened", "search": f"?engagement={name}"})
    state = page_state(app)
    assert CLIENTS[name] in app.ui.header.value
    assert [c for f, c in CLIENTS.items() if f != name and c in state] == []
    assert app.ui.picker is None


def test_a_portfolio_viewer_lists_every_engagement(folder: Path) -> None:
    app = ViewerApp(folder, portfolio=True)
    app.ui.bridge.handle({"event": "opened", "search": ""})
    assert app.ui.picker is not None
    labels = " ".join(label for label, _ in app.ui.picker.options)
    assert all(c in labels for c in CLIENTS.values())
    app.ui.picker.value = "larkspur-2026-06.json"
    assert "Larkspur Energy Retail" in app.ui.header.value


def test_a_missing_engagement_shows_nothing_else_and_says_so(folder: Path) -> None:
    app = ViewerApp(folder)
    app.ui.bridge.handle({"event": "opened", "search": "?engagement=acme-2026-01.json"})
    assert "acme-2026-01.json: there is no engagement of that name here" in app.message_text
    assert "Check the link you were sent" in app.message_text
    assert app.ui.body.layout.visibility == "hidden"
    assert [c for c in CLIENTS.values() if c in page_state(app)] == []


def test_the_first_screen_leads_with_sentences_then_where_to_act_first(opened: ViewerApp) -> None:
    shown = opened.session.shown
    assert shown is not None
    steps = shown.content.next_steps
    html = opened.ui.next_steps.value
    words = text(html)
    assert words.startswith(steps.sentences[0])
    assert all(s in words for s in steps.sentences)
    items = re.findall(r'<li class="tf-act" data-factor="(\w+)"', html)
    assert items == [a.factor for a in steps.actions]
    first = text(html.split('<li class="tf-act"')[1])
    assert "Executive sponsorship 1.0 Ad hoc · target 3 Established · = 0.0" in first
    assert "First step: Name one executive sponsor" in first
    assert "on one rater's findings" not in first  # 1st without any one rater too
    fifth = text(html.split('<li class="tf-act"')[5])
    assert "in the top 5 on one rater" in fifth
    # Plain words, each term explained on hover; no jargon, no file names.
    for jargon in ("Needs consensus", "weighted mean", "r_wg", "Weakest", ".json"):
        assert jargon not in words
    assert 'title="Unchanged since 14 May 2026 (1.0 then)."' in html


def test_panels_follow_priority_order_with_the_top_priorities_open(opened: ViewerApp) -> None:
    shown = opened.session.shown
    assert shown is not None
    order = [s.factor for s in shown.content.sections]
    assert list(opened.panels) == order
    assert order[:3] == ["sponsorship", "connection", "accountability"]
    opened_now = [
        f for f, w in opened.panels.items() if "<details" in w.value and " open>" in w.value
    ]
    assert opened_now == order[:3]
    sponsorship = opened.panels["sponsorship"].value
    remedy = load_framework().factor("sponsorship").remedies[-1]
    assert remedy.replace("'", "&#x27;") in sponsorship
    assert "Now, level 1 Ad hoc, looks like:" in sponsorship


def test_expand_all_opens_every_panel_and_folds_back(folder: Path) -> None:
    app = ViewerApp(folder, open=NOVEMBER)
    app.ui.expand.value = True
    assert all(" open>" in w.value for w in app.panels.values())
    assert app.ui.expand.description == "Fold to the top priorities"
    app.ui.expand.value = False
    assert sum(" open>" in w.value for w in app.panels.values()) == 3


def test_a_click_on_the_radar_opens_that_factors_panel(folder: Path) -> None:
    app = ViewerApp(folder, open=NOVEMBER)
    sent: list[Any] = []
    app.ui.bridge.send = lambda content, buffers=None: sent.append(content)
    assert " open>" not in app.panels["composure"].value
    click_radar(app.radar, "composure")
    assert " open>" in app.panels["composure"].value
    assert {"op": "scroll", "selector": "#tf-factor-composure"} in sent


def test_the_radar_is_clickable_compares_with_may_and_explains_itself(opened: ViewerApp) -> None:
    spec = opened.radar.spec
    assert {p["name"] for p in spec["params"]} == {"pick_point", "pick_marker", "pick_label"}
    series = {r.get("series") for r in records(spec)}
    assert {"Current", "Target", "Previous (14 May 2026)"} <= series
    assert spec["datasets"]["note"] == []  # no key in the chart: the caption explains
    caption = text(opened.ui.radar_caption.value)
    assert "Orange dots: 14 May 2026." in caption
    assert "a dashed black ring marks a factor whose raters disagree" in caption


def test_provenance_and_coverage_are_stated(opened: ViewerApp) -> None:
    from toolkit.provenance import provenance

    shown = opened.session.shown
    assert shown is not None
    words = text(opened.ui.coverage.value)
    assert provenance(shown.engagement).text in words
    assert "8 of 10 factors assessed · Composure is not assessed yet" in words
    assert "45 findings from 3 raters" in words


@DOWNLOADS
def test_a_dropped_file_is_shown_at_once_and_the_folder_stays_byte_identical(
    folder: Path, documents: bool
) -> None:
    app = ViewerApp(folder)
    app.ui.bridge.handle({"event": "opened", "search": ""})
    before = folder_digest(folder)
    e = load_engagement(ENGAGEMENTS / "larkspur-2026-06.json")
    data = engagement_to_json(e.model_copy(update={"client": "Brightwater Care"})).encode()
    drop: FileDrop = app.ui.drop
    drop.handle(
        {"event": "start", "upload": "1", "files": [{"name": "bw.json", "size": len(data)}]}
    )
    drop.handle({"event": "chunk", "upload": "1", "file": 0}, [memoryview(data)])
    drop.handle({"event": "end", "upload": "1"})
    assert "Brightwater Care" in app.ui.header.value
    assert drop.status == "Showing bw.json: kept in this page only."
    assert folder_digest(folder) == before
    clicked = [b for b in app.ui.downloads if (b.description in RENDERED) == documents]
    assert clicked and all(button.click() for button in clicked)
    assert folder_digest(folder) == before


def test_a_bad_file_keeps_what_was_shown_and_names_file_and_field(folder: Path) -> None:
    app = ViewerApp(folder, open=NOVEMBER)
    data = json.loads((ENGAGEMENTS / NOVEMBER).read_text(encoding="utf-8"))
    data["findings"][0]["source"] = "rumour"
    app.receive([("mine.json", json.dumps(data).encode())])
    assert "Not opened: mine.json: findings.0.source: 'rumour' is not one of" in app.message_text
    assert "Traceback" not in app.message_text
    assert "Harbourline Contact Services" in app.ui.header.value


def test_a_shared_copy_says_what_the_sender_removed(folder: Path) -> None:
    e = load_engagement(ENGAGEMENTS / NOVEMBER)
    copy = shared_copy(e, anonymise_raters=True, without_evidence=True)
    app = ViewerApp(folder)
    app.receive([("shared.json", engagement_to_json(copy).encode())])
    notices = text(app.ui.withheld.value)
    assert "Raters anonymised by the sender" in notices
    assert "Evidence removed by the sender" in notices
    state = page_state(app)
    assert [n for n in ("Maya Okafor", "Tomás Herrera", "Priya Nair") if n in state] == []
    assert "evidence was removed by the sender" in app.panels["sponsorship"].value


def test_user_text_is_escaped_never_run(folder: Path) -> None:
    path = folder / NOVEMBER
    e = load_engagement(path).add_finding(
        factor="sponsorship", level=1, evidence='<script>alert("x")</script><img src=x onerror=1>'
    )
    save_engagement(e.model_copy(update={"client": "<b>Bold</b> & Co"}), path)
    app = ViewerApp(folder, open=NOVEMBER)
    shown = app.ui.header.value + "".join(w.value for w in app.panels.values())
    assert "<script>" not in shown and "<img" not in shown and "<b>Bold" not in shown
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in shown
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in app.ui.header.value


@DOWNLOADS
def test_has_no_control_that_writes_and_downloads_leave_the_folder_alone(
    folder: Path, documents: bool
) -> None:
    before = folder_digest(folder)
    app = ViewerApp(folder, open=NOVEMBER)
    tree = walk(app.ui.view)
    reads_only = {id(app.ui.example)}  # Binder's "open the example": it shows, never writes
    assert [
        type(w).__name__ for w in tree if isinstance(w, WRITING) and id(w) not in reads_only
    ] == []
    for kind in (PageBridge, FileDrop, DownloadButton):
        assert any(isinstance(w, kind) for w in tree), kind
    app.ui.expand.value = True
    clicked = [b for b in app.ui.downloads if (b.description in RENDERED) == documents]
    assert clicked and all(button.click() for button in clicked)
    assert folder_digest(folder) == before


def test_the_viewers_report_says_what_moved_since_the_previous_assessment(
    opened: ViewerApp,
) -> None:
    name, data = opened.ui.downloads[2].payload()  # Report HTML
    assert name == "harbourline-contact-services-2026-11-16.html"
    assert b"Since the assessment of 14 May 2026" in data


def test_binder_notice_says_temporary_and_public(folder: Path) -> None:
    assert ViewerApp(folder, binder=False).ui.notice.value == ""
    notice = ViewerApp(folder, binder=True).ui.notice.value
    assert "temporary Binder session" in notice and "public service" in notice
    assert BINDER_NOTICE.split(":")[0] in notice


def test_failures_become_messages_never_tracebacks(folder: Path) -> None:
    app = ViewerApp(folder)
    (folder / NOVEMBER).write_text("[1, 2", encoding="utf-8")
    app.ui.bridge.handle({"event": "opened", "search": f"?engagement={NOVEMBER}"})
    assert f"{NOVEMBER}: not valid JSON" in app.message_text
    assert app.ui.body.layout.visibility == "hidden"


def test_the_radar_is_fitted_to_the_room_the_page_measured(folder: Path) -> None:
    app = ViewerApp(folder)
    app.ui.bridge.handle({"event": "opened", "search": f"?engagement={NOVEMBER}"})
    first = app.radar.spec["width"]
    assert first <= 540 and "room first" in app.radar.spec["description"]
    size = {"width": 1920, "height": 1080, "column_width": 1000, "column_top": 160}
    app.ui.bridge.handle({"event": "size", **size})
    assert app.radar.spec["width"] > first
    assert app.radar.spec["width"] <= 1000 and app.radar.spec["height"] <= 1080 - 160
    assert "room 1920x1080 column 1000 at 160" in app.radar.spec["description"]


def test_the_first_radar_shown_is_already_fitted_to_the_room_measured_at_opening(
    folder: Path,
) -> None:
    # The hidden body keeps its width, so the page sends its room with "opened": the radar a
    # person first sees is drawn for it, never a small first drawing that grows a moment later.
    app = ViewerApp(folder)
    size = {"width": 1920, "height": 1080, "column_width": 1000, "column_top": 160}
    app.ui.bridge.handle({"event": "opened", "search": f"?engagement={NOVEMBER}", **size})
    assert "room 1920x1080 column 1000 at 160" in app.radar.spec["description"]
    assert app.radar.spec["width"] > 540
    assert app.ui.body.layout.visibility is None


def test_on_binder_the_first_screen_asks_for_the_visitors_file(folder: Path) -> None:
    app = ViewerApp(folder, binder=True)
    app.ui.bridge.handle({"event": "opened", "search": ""})
    assert app.session.shown is None and "Open your engagement file" in app.message_text
    assert "Harbourline" not in page_state(app)  # no client's name before they choose
    assert app.ui.example.layout.display == "flex"
    app.ui.example.click()
    assert app.session.shown is not None and "fictional client" in app.message_text
    assert "Harbourline Contact Services" in app.ui.header.value
    assert app.ui.example.layout.display == "none"
    data = (ENGAGEMENTS / NOVEMBER).read_bytes()
    app.receive([("mine.json", data)])
    assert app.message_text == ""  # their own file: no word of the example any more


def test_the_viewer_compares_with_the_linked_cycle_not_a_later_unlinked_one(
    folder: Path,
) -> None:
    # An unlinked assessment of the same client, dated between May and November, lies in the
    # folder: November names May by id, so May is what the viewer compares with.
    stray = Engagement.new(
        client="Harbourline Contact Services", lead="Cy Dale", date=dt.date(2026, 8, 3)
    )
    save_engagement(stray, folder / "harbourline-2026-08.json")
    app = ViewerApp(folder, portfolio=False, binder=False)
    app.ui.bridge.handle({"event": "opened", "search": f"?engagement={NOVEMBER}"})
    words = text(app.ui.next_steps.value)
    assert "Since the assessment of 14 May 2026" in words
    assert "3 August 2026" not in words
    # a link to an engagement the folder does not hold compares with nothing
    november = load_engagement(folder / NOVEMBER)
    save_engagement(november.model_copy(update={"previous": "0123456789ab"}), folder / NOVEMBER)
    again = ViewerApp(folder, portfolio=False, binder=False)
    again.ui.bridge.handle({"event": "opened", "search": f"?engagement={NOVEMBER}"})
    assert "There is no earlier assessment to compare with." in text(again.ui.next_steps.value)


def test_where_to_act_first_lists_each_prioritys_open_actions_with_owner_and_date(
    folder: Path,
) -> None:
    from toolkit import changes
    from toolkit.store import update_engagement

    fw = load_framework()
    path = folder / NOVEMBER
    _, late = changes.add_action(
        factor="sponsorship", what="<b>Name a sponsor</b>", owner="Dana Reyes",
        due="2026-11-20", framework=fw,
    )  # fmt: skip
    _, later = changes.add_action(
        factor="connection", what="Hold one-to-ones", owner="Eli Park", due="2099-01-31",
        framework=fw,
    )  # fmt: skip
    _, done = changes.add_action(
        factor="connection", what="Old survey", owner="Eli Park", due="2026-11-30",
        status="done", framework=fw,
    )  # fmt: skip
    for change in (late, later, done):
        update_engagement(path, change)
    app = ViewerApp(folder, portfolio=False, binder=False)
    app.ui.bridge.handle({"event": "opened", "search": f"?engagement={NOVEMBER}"})
    page = app.ui.next_steps.value
    sponsorship = page.split('data-factor="sponsorship"')[1].split("</li>")[0]
    assert "&lt;b&gt;Name a sponsor&lt;/b&gt;" in sponsorship  # shown as text
    assert "Dana Reyes, due 20 Nov 2026" in unescape(sponsorship)
    assert 'class="tf-overdue">overdue' in sponsorship
    connection = text(page.split('data-factor="connection"')[1].split("</li>")[0])
    assert "Hold one-to-ones \u2014 Eli Park, due 31 Jan 2099 (planned)" in connection
    assert "overdue" not in connection and "Old survey" not in connection  # done: not listed


def test_the_viewer_shows_the_staff_survey_beside_the_scores(folder: Path) -> None:
    """A stakeholder sees the staff's view as its own series, where a factor has one."""
    from survey_exports import TEAM_QUESTION, export

    from toolkit.store import update_engagement
    from toolkit.survey.importer import import_survey, survey_from_bytes

    data, name = export("Google Forms", "csv")
    survey = survey_from_bytes(data, name, segment=TEAM_QUESTION).survey
    update_engagement(folder / NOVEMBER, import_survey(survey, source=name))
    app = ViewerApp(folder, open=NOVEMBER)
    rows = [r for r in records(app.radar.spec) if r.get("series") == "Staff survey, n=10"]
    assert rows and {r["factor"] for r in rows} == {"composure"}  # authority's group: under k
