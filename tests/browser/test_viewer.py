"""The stakeholders' viewer in Chromium, offline, used as a client's COO uses it: a link that
names their engagement, their own file chosen or dropped on the page, a click on the radar.

The served folder is a scratch copy of ``engagements/`` (five clients); every test checks the
page's HTML for other clients' names and the folder for changes where that is the point.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from browser.screen import settle
from click.testing import CliRunner

from toolkit import load_engagement
from toolkit.cli import cli
from toolkit.store import engagement_to_json
from toolkit.testing import VoilaServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NOVEMBER = "harbourline-2026-11.json"
CLIENTS = (
    "Harbourline Contact Services",
    "Larkspur Energy Retail",
    "Meridian",
    "Northgate",
    "Quayside",
)
RATERS = ("Maya Okafor", "Tomás Herrera", "Priya Nair")


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def open_viewer(offline: Any, server: Any, wait: Any, query: str = "") -> Any:
    page = offline.new_page()
    page.goto(f"{server.url}{query}", timeout=90_000)
    wait(page)
    page.wait_for_selector(".tf-acts li", timeout=60_000)
    return page


def choose(page: Any, path: Path, client: str) -> None:
    """Choose ``path`` in the page's file input, as a person does, and wait for ``client``."""
    page.locator("input.tf-drop-input").set_input_files(str(path))
    page.locator(".tf-header .tf-client", has_text=client).wait_for(timeout=30_000)


def brightwater(folder: Path) -> Path:
    """A client that is not in the served folder, in a file outside it."""
    e = load_engagement(ROOT / "engagements" / "larkspur-2026-06.json")
    path = folder / "brightwater-2026-10.json"
    path.write_text(
        engagement_to_json(e.model_copy(update={"client": "Brightwater Care"})), encoding="utf-8"
    )
    return path


def test_the_url_names_the_client_and_the_page_holds_no_other_clients_name(
    offline: Any, viewer_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    page = open_viewer(
        offline, viewer_server, wait_for_dashboard, "?engagement=larkspur-2026-06.json"
    )
    assert page.locator(".tf-header .tf-client").inner_text() == "Larkspur Energy Retail"
    html = page.content()
    assert [c for c in CLIENTS if c != "Larkspur Energy Retail" and c in html] == []
    assert page.locator("select").count() == 0  # no picker, hidden or not
    assert "Traceback" not in page.inner_text("body")
    assert offline.errors == [] and offline.unexpected_blocked == []


def test_the_first_screen_leads_with_what_to_do_next(
    offline: Any, viewer_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    page = open_viewer(offline, viewer_server, wait_for_dashboard)
    page.wait_for_function("() => location.search === '?engagement=harbourline-2026-11.json'")
    headline = page.locator(".tf-headline").inner_text()
    assert headline.startswith("5 of the 8 assessed factors are ad hoc or worse")
    assert "Since the assessment of 14 May 2026" in headline
    items = page.locator(".tf-acts li")
    assert items.count() == 7
    first = " ".join(items.first.inner_text().split())
    assert first.startswith("Executive sponsorship 1.0 Ad hoc · target 3 Established · = 0.0")
    assert "First step: Name one executive sponsor" in first
    # A place in the top five that one rater decides is flagged, and explained on hover; a
    # factor whose place no single rater decides carries no flag.
    assert items.first.locator(".tf-flag").count() == 0
    shared = items.nth(4)
    assert " ".join(shared.inner_text().split()).startswith("Shared purpose 1.5 Ad hoc")
    flag = shared.locator(".tf-flag")
    assert flag.inner_text() == "in the top 5 on one rater's findings"
    assert flag.get_attribute("title").startswith(
        "In the top 5 on one rater's findings: without Maya Okafor's, it would be priority 6"
    )
    body = page.inner_text("body")
    for jargon in ("Needs consensus", "weighted mean", "harbourline-2026-05.json"):
        assert jargon not in body


def test_a_chosen_file_is_shown_and_the_served_folder_stays_byte_identical(
    offline: Any, viewer_server: VoilaServer, wait_for_dashboard: Any, tmp_path: Path
) -> None:
    before = snapshot(viewer_server.engagements)
    page = open_viewer(offline, viewer_server, wait_for_dashboard)
    choose(page, brightwater(tmp_path), "Brightwater Care")
    page.wait_for_function("() => location.search === ''")  # the URL names no folder file now
    status = page.locator(".tf-drop-status").inner_text()
    assert status == "Showing brightwater-2026-10.json: kept in this page only."
    html = page.content()
    assert [c for c in CLIENTS if c in html] == []  # Harbourline is gone from the page
    assert "Larkspur" not in html
    assert snapshot(viewer_server.engagements) == before
    assert offline.errors == []


def test_a_dropped_file_is_shown_too(
    offline: Any, viewer_server: VoilaServer, wait_for_dashboard: Any, tmp_path: Path
) -> None:
    page = open_viewer(offline, viewer_server, wait_for_dashboard)
    text = brightwater(tmp_path).read_text(encoding="utf-8")
    page.evaluate(
        """(text) => {
            const data = new DataTransfer();
            data.items.add(new File([text], "dropped.json", {type: "application/json"}));
            const zone = document.querySelector(".tf-drop");
            for (const type of ["dragenter", "dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true,
                                                        cancelable: true}));
            }
        }""",
        text,
    )
    page.locator(".tf-header .tf-client", has_text="Brightwater Care").wait_for(timeout=30_000)
    assert "Showing dropped.json" in page.locator(".tf-drop-status").inner_text()


def test_a_bad_file_is_named_with_its_field_and_what_was_shown_stays(
    offline: Any, viewer_server: VoilaServer, wait_for_dashboard: Any, tmp_path: Path
) -> None:
    page = open_viewer(offline, viewer_server, wait_for_dashboard)
    data = json.loads((viewer_server.engagements / NOVEMBER).read_text(encoding="utf-8"))
    data["findings"][2]["level"] = 6
    bad = tmp_path / "mine.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    page.locator("input.tf-drop-input").set_input_files(str(bad))
    message = page.locator(".tf-msg-error")
    message.wait_for(timeout=30_000)
    assert "mine.json: findings.2.level: 6 is outside 0-4" in message.inner_text()
    assert "Traceback" not in page.inner_text("body")
    assert page.locator(".tf-header .tf-client").inner_text() == "Harbourline Contact Services"


def test_an_anonymised_share_shows_no_raters_name(
    offline: Any, viewer_server: VoilaServer, wait_for_dashboard: Any, tmp_path: Path
) -> None:
    shared = tmp_path / "harbourline-shared.json"
    result = CliRunner().invoke(
        cli,
        [
            "share",
            str(ROOT / "engagements" / NOVEMBER),
            "-o",
            str(shared),
            "--anonymise-raters",
            "--without-evidence",
        ],
    )
    assert result.exit_code == 0, result.output
    page = open_viewer(
        offline, viewer_server, wait_for_dashboard, "?engagement=larkspur-2026-06.json"
    )
    choose(page, shared, "Harbourline Contact Services")
    page.get_by_role("button", name="Expand all").click()  # every panel, every finding
    page.wait_for_function(
        "() => document.querySelectorAll('details.tf-factor[open]').length === 10"
    )
    body = page.inner_text("body")
    assert "Raters anonymised by the sender" in body
    assert "Evidence removed by the sender" in body
    html = page.content()
    assert [name for name in RATERS if name in html] == []
    assert "Rater A" in html


def test_a_click_on_the_radar_opens_that_factors_panel(
    offline: Any, viewer_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    page = open_viewer(offline, viewer_server, wait_for_dashboard)
    settle(page)  # the radar is redrawn once the page has measured its room
    panel = page.locator("details#tf-factor-purpose")
    assert panel.get_attribute("open") is None  # priority 5: folded at first
    page.locator(".tf-radar-box svg g.spoke_labels_marks text", has_text="Shared purpose").click()
    page.wait_for_selector("details#tf-factor-purpose[open]", timeout=10_000)
    page.wait_for_function(
        """() => { const r = document.querySelector('#tf-factor-purpose').getBoundingClientRect();
                   return r.top >= 0 && r.top < window.innerHeight / 2; }""",
        timeout=10_000,
    )
    assert "Remedies" in panel.inner_text()
    point = page.locator(
        ".tf-radar-box svg g.points_marks path[aria-label*='Factor: Earned authority;']"
    )
    point.click()
    page.wait_for_selector("details#tf-factor-authority[open]", timeout=10_000)


def test_expand_all_opens_every_panel_and_panels_follow_priority_order(
    offline: Any, viewer_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    page = open_viewer(offline, viewer_server, wait_for_dashboard)
    order = page.eval_on_selector_all("details.tf-factor", "ds => ds.map(d => d.dataset.factor)")
    assert order[:3] == ["sponsorship", "connection", "accountability"]
    opened = page.eval_on_selector_all("details.tf-factor[open]", "ds => ds.length")
    assert opened == 3
    page.get_by_role("button", name="Expand all").click()
    page.wait_for_function(
        "() => document.querySelectorAll('details.tf-factor[open]').length == 10"
    )
    summary = page.locator("details#tf-factor-sponsorship summary").inner_text()
    assert summary.startswith("Priority 1: Executive sponsorship · 1.0 Ad hoc · target 3")


def test_nothing_to_edit_and_the_report_downloads(
    offline: Any, viewer_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    before = snapshot(viewer_server.engagements)
    page = open_viewer(offline, viewer_server, wait_for_dashboard)
    editable = page.evaluate(
        """() => Array.from(document.querySelectorAll(
            'textarea, input:not([type=hidden]):not(.tf-drop-input), [contenteditable=true],'
            + ' button:not(.tf-download)'))
            .filter(e => e.textContent.trim() !== 'Expand all')
            .filter(e => e.getClientRects().length > 0)  // shown: Binder's example is not here
            .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert editable == []
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Report HTML").click()
    download = info.value
    assert download.suggested_filename == "harbourline-contact-services-2026-11-16.html"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert re.search(r"Since the assessment of 14 May 2026, 5 factors scored higher", text)
    assert snapshot(viewer_server.engagements) == before
    assert offline.errors == []
