"""The consultant's live session in Chromium, used as a person uses it: real keys with the focus
where a person's is, input as fast as a person types, a reload, a colleague's browser.

Each test works on its own copy of the sample engagement, opened through the page's URL.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from browser.screen import ANSWERED, settle

from toolkit import Engagement, load_engagement, load_framework
from toolkit.testing import VoilaServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"
FRAMEWORK = load_framework()


@pytest.fixture
def copy(assessment_server: VoilaServer, request: pytest.FixtureRequest) -> Path:
    """This test's own copy of the sample engagement in the served folder."""
    name = request.node.name.replace("[", "-").replace("]", "").lower()[:60]
    path = assessment_server.engagements / f"{name}.json"
    shutil.copy(SAMPLE, path)
    return path


def open_page(context: Any, server: VoilaServer, query: str, wait: Any) -> Any:
    page = context.new_page()
    page.goto(f"{server.url}?{query}", timeout=90_000)
    wait(page)
    page.wait_for_selector(".tf-form textarea", timeout=60_000)
    return page


#: The revision of this page's last save (the "✔ saved" line's stamp), -1 before any.
LAST_SAVE = "() => Number(document.querySelector('.tf-saved')?.dataset.rev ?? -1)"


def last_save(page: Any) -> int:
    """The revision of the page's last save, to wait for the next one after it."""
    return int(page.evaluate(LAST_SAVE))


def saved(page: Any, path: Path, since: int = -1) -> Engagement:
    """Wait until the page has saved after revision ``since`` and no save is waiting, then read
    the engagement file (the kernel stamps the saved line only once the file is written)."""
    page.wait_for_function(ANSWERED, arg=since, timeout=20_000)
    return load_engagement(path)


def added(path: Path) -> list[tuple[int, str, str]]:
    """(level, evidence, rater) of the findings added since the sample, in order."""
    base = {f.id for f in load_engagement(SAMPLE).findings}
    return [
        (f.level, f.evidence, f.rater) for f in load_engagement(path).findings if f.id not in base
    ]


def evidence_box(page: Any) -> Any:
    return page.get_by_label("Evidence", exact=True)


def test_ten_findings_entered_by_keyboard_alone(
    offline: Any, assessment_server: VoilaServer, copy: Path, wait_for_dashboard: Any
) -> None:
    page = open_page(
        offline.context,
        assessment_server,
        f"engagement={copy.name}&factor=purpose",
        wait_for_dashboard,
    )
    wanted = [
        (i % 5, f"Keyboard finding {i}: the floor manager said so at 10:{i:02d}") for i in range(10)
    ]
    for level, text in wanted:
        page.keyboard.press("Escape")  # leave the text box, so the digit chooses the level
        page.keyboard.press(str(level))  # the focus moves to the evidence
        page.keyboard.type(text, delay=8)
        page.keyboard.press("Control+Enter")
    e = saved(page, copy)
    assert len(e.findings) == 55
    assert [(lv, ev) for lv, ev, _ in added(copy)] == wanted
    assert {f.factor for f in e.findings[45:]} == {"purpose"}
    assert evidence_box(page).input_value() == ""
    assert offline.errors == []


def test_typing_the_next_finding_while_the_last_saves_loses_nothing(
    offline: Any, assessment_server: VoilaServer, copy: Path, wait_for_dashboard: Any
) -> None:
    page = open_page(
        offline.context,
        assessment_server,
        f"engagement={copy.name}&factor=connection",
        wait_for_dashboard,
    )
    wanted = [((i * 3) % 5, f"Fast finding {i:02d} typed at once") for i in range(20)]
    for level, text in wanted:
        name = FRAMEWORK.level_name(level)
        page.get_by_role("button", name=f"{level} {name}", exact=True).click()
        evidence_box(page).focus()
        page.keyboard.type(text, delay=2)
        page.keyboard.press("Control+Enter")
    assert len(saved(page, copy).findings) == 65
    assert [(lv, ev) for lv, ev, _ in added(copy)] == wanted  # each with its own text and level
    page.wait_for_selector("text=✔ saved", timeout=20_000)
    assert offline.errors == []


def test_ctrl_enter_saves_from_the_rater_and_the_source_too(
    offline: Any, assessment_server: VoilaServer, copy: Path, wait_for_dashboard: Any
) -> None:
    page = open_page(
        offline.context,
        assessment_server,
        f"engagement={copy.name}&factor=authority",
        wait_for_dashboard,
    )
    page.get_by_role("button", name="2 Partial", exact=True).click()
    evidence_box(page).fill("Saved from the rater box")
    page.get_by_label("Rater", exact=True).click()
    page.keyboard.type("Tom Reyes")
    page.keyboard.press("Control+Enter")
    assert len(saved(page, copy).findings) == 46
    since = last_save(page)
    page.get_by_role("button", name="3 Established", exact=True).click()
    evidence_box(page).fill("Saved from the source list")
    page.get_by_label("Source", exact=True).focus()
    page.keyboard.press("Control+Enter")
    assert len(saved(page, copy, since).findings) == 47
    assert added(copy) == [
        (2, "Saved from the rater box", "Tom Reyes"),
        (3, "Saved from the source list", "Tom Reyes"),
    ]


def test_a_digit_typed_in_the_evidence_is_text_not_a_level(
    offline: Any, assessment_server: VoilaServer, copy: Path, wait_for_dashboard: Any
) -> None:
    page = open_page(
        offline.context,
        assessment_server,
        f"engagement={copy.name}&factor=purpose",
        wait_for_dashboard,
    )
    page.get_by_role("button", name="1 Ad hoc", exact=True).click()
    evidence_box(page).focus()
    page.keyboard.type("3 of 4 managers could not name the purpose")
    page.keyboard.press("Control+Enter")
    assert len(saved(page, copy).findings) == 46
    assert added(copy)[0][:2] == (1, "3 of 4 managers could not name the purpose")


def test_reload_reopens_the_same_engagement_and_factor_and_undo_still_works(
    offline: Any, assessment_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    # Not the newest in the folder.
    older = assessment_server.engagements / "harbourline-2026-05.json"
    before = older.read_bytes()
    page = open_page(
        offline.context,
        assessment_server,
        f"engagement={older.name}&factor=composure",
        wait_for_dashboard,
    )
    page.get_by_label("Rater", exact=True).fill("Ines Duarte")
    page.keyboard.press("Escape")
    page.keyboard.press("2")
    page.keyboard.type("Added before the reload")
    page.keyboard.press("Control+Enter")
    assert saved(page, older).findings[-1].evidence == "Added before the reload"
    page.wait_for_function("() => location.search.includes('factor=composure')")
    page.reload()
    wait_for_dashboard(page)
    page.wait_for_selector("text=May 2026", timeout=30_000)
    assert page.get_by_label("Factor", exact=True).input_value() == "composure"
    assert page.get_by_label("Rater", exact=True).input_value() == "Ines Duarte"
    page.wait_for_selector("button:text-is('Undo'):not([disabled])", timeout=30_000)
    page.get_by_role("button", name="Undo").click()
    e = saved(page, older)  # the reloaded page's first save
    assert all(f.evidence != "Added before the reload" for f in e.findings)
    assert [c.kind for c in e.changes] == ["finding added", "undo"]
    del before


def test_editing_keeps_the_rater_box_and_the_findings_own_rater(
    offline: Any, assessment_server: VoilaServer, copy: Path, wait_for_dashboard: Any
) -> None:
    page = open_page(
        offline.context,
        assessment_server,
        f"engagement={copy.name}&factor=accountability",
        wait_for_dashboard,
    )
    page.get_by_label("Rater", exact=True).fill("Tom Reyes")
    victim = next(
        f
        for f in load_engagement(copy).findings
        if f.factor == "accountability" and f.rater != "Tom Reyes"
    )
    page.locator(f"tr[data-id='{victim.id}']").get_by_role("button", name="Edit").click()
    page.wait_for_selector("text=Save changes")
    assert evidence_box(page).input_value() == victim.evidence
    assert page.get_by_label("Rater", exact=True).input_value() == "Tom Reyes"  # untouched
    evidence_box(page).fill(victim.evidence + " (confirmed by HR)")
    evidence_box(page).press("Control+Enter")
    edited = saved(page, copy).finding(victim.id)
    assert edited.evidence.endswith("(confirmed by HR)")
    assert edited.rater == victim.rater  # still theirs
    since = last_save(page)
    page.keyboard.press("Escape")
    page.keyboard.press("3")
    page.keyboard.type("Added after the edit")
    page.keyboard.press("Control+Enter")
    e = saved(page, copy, since)
    assert e.findings[-1].evidence == "Added after the edit"
    assert e.findings[-1].rater == "Tom Reyes"
    assert page.get_by_label("Rater", exact=True).input_value() == "Tom Reyes"


def test_escape_leaves_edit_mode_without_saving(
    offline: Any, assessment_server: VoilaServer, copy: Path, wait_for_dashboard: Any
) -> None:
    page = open_page(
        offline.context,
        assessment_server,
        f"engagement={copy.name}&factor=authority",
        wait_for_dashboard,
    )
    before = copy.read_bytes()
    victim = next(f for f in load_engagement(copy).findings if f.factor == "authority")
    page.locator(f"tr[data-id='{victim.id}']").get_by_role("button", name="Edit").click()
    page.wait_for_selector("text=Save changes")
    evidence_box(page).press("End")
    page.keyboard.type(" typed, then abandoned")
    page.keyboard.press("Escape")
    page.wait_for_selector("button:text-is('Add finding')")
    assert evidence_box(page).input_value() == ""
    # The row's edit highlight goes once the kernel has heard the cancel: it must not stay.
    page.locator("tr.tf-editing").wait_for(state="detached", timeout=10_000)
    settle(page)
    assert copy.read_bytes() == before


def test_a_consensus_names_who_agreed_it(
    offline: Any, assessment_server: VoilaServer, copy: Path, wait_for_dashboard: Any
) -> None:
    page = open_page(
        offline.context,
        assessment_server,
        f"engagement={copy.name}&factor=authority",
        wait_for_dashboard,
    )
    page.get_by_label("Rater", exact=True).fill("Tom Reyes")
    page.get_by_label("Consensus", exact=True).select_option(label="2 Partial")
    page.get_by_label("Agreed by", exact=True).fill("Steering group, 20 Nov")
    page.get_by_label("Reason", exact=True).fill("Two raters saw the same rota problem")
    page.get_by_role("button", name="Apply consensus").click()
    e = saved(page, copy)
    assert e.overrides["authority"].by == "Steering group, 20 Nov"
    assert e.changes[-1].by == "Tom Reyes"
    page.wait_for_selector("text=agreed by Steering group, 20 Nov")


def test_a_colleagues_finding_appears_without_a_click(
    offline_at: Any, assessment_server: VoilaServer, copy: Path, wait_for_dashboard: Any
) -> None:
    query = f"engagement={copy.name}&factor=connection"
    mine = open_page(offline_at(1366, 768).context, assessment_server, query, wait_for_dashboard)
    theirs = open_page(offline_at(1280, 800).context, assessment_server, query, wait_for_dashboard)
    theirs.get_by_label("Rater", exact=True).fill("Ines Duarte")
    theirs.keyboard.press("Escape")
    theirs.keyboard.press("1")
    theirs.keyboard.type("Colleague: nobody asked the agents")
    theirs.keyboard.press("Control+Enter")
    assert saved(theirs, copy).findings[-1].evidence == "Colleague: nobody asked the agents"
    mine.wait_for_selector("td:text-is('Colleague: nobody asked the agents')", timeout=5_000)
    mine.wait_for_selector("text=Ines Duarte added a finding to People connection", timeout=5_000)
    # ...and the command line is a colleague too
    subprocess.run(
        [
            str(Path(sys.executable).with_name("tenfold")),
            "add",
            str(copy),
            "--factor",
            "connection",
            "--level",
            "3",
            "--evidence",
            "From the terminal",
            "--rater",
            "Ana Lima",
        ],
        check=True,
    )
    theirs.wait_for_selector("td:text-is('From the terminal')", timeout=5_000)


def test_the_default_view_names_no_other_client(
    offline: Any, assessment_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    page = offline.new_page()
    page.goto(assessment_server.url, timeout=90_000)  # no engagement named: the newest opens
    wait_for_dashboard(page)
    page.wait_for_selector("text=Harbourline Contact Services")
    others = ["Northgate", "Larkspur", "Meridian", "Quayside"]
    html = page.content()
    assert [name for name in others if name in html] == []
    page.get_by_role("button", name="Switch engagement…").click()  # a deliberate choice
    page.wait_for_selector("text=Northgate", state="attached", timeout=10_000)


def test_a_click_on_the_radar_selects_that_factor(
    offline: Any, assessment_server: VoilaServer, copy: Path, wait_for_dashboard: Any
) -> None:
    page = open_page(
        offline.context,
        assessment_server,
        f"engagement={copy.name}&factor=sponsorship",
        wait_for_dashboard,
    )
    settle(page)
    page.locator(".tf-radar-box svg g.spoke_labels_marks text", has_text="Shared purpose").click()
    page.wait_for_function("() => location.search.includes('factor=purpose')", timeout=10_000)
    assert page.get_by_label("Factor", exact=True).input_value() == "purpose"
    page.locator(".tf-prompts").get_by_text("Shared purpose").first.wait_for()
    page.wait_for_selector(  # redrawn with the highlight on the factor picked
        ".tf-radar-box .vega-embed[aria-label*='highlight purpose)']", timeout=10_000
    )
    point = page.locator(
        ".tf-radar-box svg g.points_marks path[aria-label*='Factor: Earned authority;']"
    )
    point.click()
    page.wait_for_function("() => location.search.includes('factor=authority')", timeout=10_000)


def test_a_blind_rating_hides_the_panel_until_the_lead_reveals_it(
    offline_at: Any, assessment_server: VoilaServer, copy: Path, wait_for_dashboard: Any
) -> None:
    query = f"engagement={copy.name}&factor=purpose"
    lead = open_page(offline_at(1366, 768).context, assessment_server, query, wait_for_dashboard)
    tom = open_page(offline_at(1280, 800).context, assessment_server, query, wait_for_dashboard)
    tom.get_by_label("Rater", exact=True).fill("Tomás Herrera")
    lead.get_by_role("button", name="Start blind rating").click()
    assert saved(lead, copy).phase == "independent"
    tom.wait_for_selector("text=Blind rating: you see only your own findings", timeout=5_000)
    tom.get_by_label("Show factor").select_option(label="All factors")
    sample = load_engagement(copy)
    theirs = [f.evidence for f in sample.findings if f.rater != "Tomás Herrera"]
    own = [f.evidence for f in sample.findings if f.rater == "Tomás Herrera"]
    # The table held the whole panel before the rating began; it settles on his own rows once
    # the kernel has sent what he may see now (rows already in the page are not proof).
    own_ids = [f.id for f in sample.findings if f.rater == "Tomás Herrera"]
    tom.wait_for_function(
        """ids => {
            const rows = [...document.querySelectorAll('.tf-findings-table tbody tr')];
            return rows.length === ids.length && rows.every(r => ids.includes(r.dataset.id));
        }""",
        arg=own_ids,
        timeout=10_000,
    )
    # textContent, not innerText: a row the browser skips drawing still counts
    text = tom.evaluate("() => document.body.textContent")
    assert [e for e in theirs if e in text] == []  # none of the others' findings
    assert own[0] in text
    # his radar: his own levels, so no consensus of the panel's on any point
    tom.wait_for_function(
        """() => {
            const points = [...document.querySelectorAll('.tf-radar-box svg g.points_marks path')];
            return points.length > 0
                && points.every(p => !p.getAttribute('aria-label').includes('Basis: consensus'));
        }""",
        timeout=3_000,
    )
    tom.keyboard.press("Escape")
    tom.keyboard.press("2")
    tom.keyboard.type("Blind: the rota is set without the agents")
    tom.keyboard.press("Control+Enter")
    assert saved(tom, copy).findings[-1].evidence.startswith("Blind:")
    lead.wait_for_selector("text=Tomás Herrera saved 1 change (kept from you", timeout=3_000)
    assert "Blind: the rota" not in lead.inner_text("body")
    assert tom.get_by_role("button", name="Reveal the panel").is_disabled()  # only the lead
    lead.get_by_role("button", name="Reveal the panel").click()
    for page in (lead, tom):
        page.wait_for_selector("text=Consensus board", timeout=5_000)
    card = lead.locator(".tf-board-card[data-factor='purpose']")
    card.get_by_text("Blind: the rota is set without the agents").wait_for()
    card.get_by_label("Consensus level for Shared purpose").select_option(label="2 Partial")
    card.get_by_label("Agreed by for Shared purpose").fill("Steering group")
    card.get_by_label("Reason for Shared purpose").fill("Rota evidence from two raters")
    since = last_save(lead)
    card.get_by_role("button", name="Record consensus").click()
    e = saved(lead, copy, since)
    assert (e.overrides["purpose"].level, e.overrides["purpose"].by) == (2, "Steering group")
    tom.locator(".tf-board-card[data-factor='purpose']").get_by_text(
        "agreed by Steering group"
    ).wait_for(timeout=3_000)


def test_the_table_follows_the_form_and_acts_on_the_row_pressed(
    offline: Any, assessment_server: VoilaServer, copy: Path, wait_for_dashboard: Any
) -> None:
    page = open_page(
        offline.context,
        assessment_server,
        f"engagement={copy.name}&factor=sponsorship",
        wait_for_dashboard,
    )
    assert page.get_by_label("Show factor").input_value() == "__this__"  # "This factor"
    page.get_by_label("Factor", exact=True).select_option("purpose")  # as a person picks it
    rows = page.locator(".tf-findings-table tbody tr")
    page.wait_for_function(
        """() => {
            const cells = [...document.querySelectorAll(
                '.tf-findings-table tbody td.tf-col-factor_label')];
            return cells.length > 0 && cells.every(td => td.textContent === 'Shared purpose');
        }""",
        timeout=10_000,
    )
    page.locator(".tf-count", has_text="· Shared purpose").wait_for()
    sample = load_engagement(copy)
    purpose = [f for f in sample.findings if f.factor == "purpose"]
    assert rows.count() == len(purpose)
    top = sample.finding(str(rows.first.get_attribute("data-id")))
    assert top.factor == "purpose"  # the row says so, and it is so
    rows.first.get_by_role("button", name="Edit").click()
    page.wait_for_selector("text=Save changes")
    assert evidence_box(page).input_value() == top.evidence
    assert page.get_by_label("Factor", exact=True).input_value() == "purpose"
    page.keyboard.press("Escape")
    page.wait_for_selector("button:text-is('Add finding')")
    page.locator("tr.tf-editing").wait_for(state="detached", timeout=10_000)
    rows.first.get_by_role("button", name="Delete").click()
    e = saved(page, copy)
    assert [f.id for f in sample.findings if f.id not in {g.id for g in e.findings}] == [top.id]
    page.locator(f"tr[data-id='{top.id}']").wait_for(state="detached", timeout=10_000)
    assert rows.count() == len(purpose) - 1
