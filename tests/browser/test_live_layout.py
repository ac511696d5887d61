"""The consultant's dashboard on real screens: laptops with ordinary scrollbars and a projector.

At each size: nothing scrolls sideways, the radar is in the first screen, no control's text is
cut, no two pieces of chart text overlap, chart text is at least 12 px; in present mode on a
1920x1080 projector the spoke labels are at least 18 px and the arrow keys step through the
factors; the Present button leaves the client only what they should see, and a notice that
matters stays readable.
Screenshots are written to ``TENFOLD_SCREENSHOTS`` when it is set, to be looked at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser.screen import CHART_TEXT, CUT, SCROLLBAR, SIDEWAYS, overlapping, settle, shoot

from toolkit import load_framework
from toolkit.testing import VoilaServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAMPLE = "harbourline-2026-11.json"


@pytest.mark.parametrize(
    ("width", "height"), [(1024, 768), (1280, 720), (1366, 768), (1920, 1080), (2560, 1440)]
)
def test_fits_the_screen_with_ordinary_scrollbars(
    offline_at: Any,
    assessment_server: VoilaServer,
    wait_for_dashboard: Any,
    width: int,
    height: int,
) -> None:
    offline = offline_at(width, height)
    page = offline.new_page()
    page.goto(f"{assessment_server.url}?engagement={SAMPLE}&factor=composure", timeout=90_000)
    wait_for_dashboard(page)
    settle(page)
    shoot(page, f"assessment-{width}x{height}")
    assert page.evaluate(SCROLLBAR) > 0  # the page scrolls, with a real scrollbar
    assert page.evaluate(SIDEWAYS) == []
    radar = page.locator(".tf-radar-box svg").first.bounding_box()
    assert radar is not None
    assert radar["x"] >= 0 and radar["y"] >= 0
    assert radar["y"] + radar["height"] <= height and radar["x"] + radar["width"] <= width
    assert page.evaluate(CUT) == []
    # The radar grows with the room: never a fixed box stranded in a wide screen.
    assert radar["width"] >= 0.4 * width
    text = page.evaluate(CHART_TEXT)
    assert len(text) > 20
    assert overlapping(text) == []
    assert min(t["size"] for t in text) >= 12
    assert offline.errors == []


def test_present_mode_fills_a_projector_and_steps_through_factors_with_the_arrows(
    offline_at: Any, assessment_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    fw = load_framework()
    page = offline_at(1920, 1080).new_page()
    page.goto(
        f"{assessment_server.url}?engagement={SAMPLE}&factor=purpose&present=1", timeout=90_000
    )
    wait_for_dashboard(page)
    settle(page)
    assert not page.locator(".tf-form").is_visible()  # the form steps aside
    assert page.get_by_role("button", name="Start blind rating").count() == 0
    text = page.evaluate(CHART_TEXT)
    spokes = [t for t in text if "spoke_labels" in t["layer"]]
    assert len(spokes) == 10 and min(t["size"] for t in spokes) >= 18
    assert overlapping(text) == []
    assert page.evaluate(SIDEWAYS) == []
    page.locator(".tf-present-panel").get_by_text(fw.factor("purpose").label).wait_for()
    shoot(page, "present-1920x1080")
    page.keyboard.press("ArrowRight")
    page.locator(".tf-present-panel").get_by_text(fw.factor("originality").label).wait_for()
    page.wait_for_function("() => location.search.includes('factor=originality')")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.locator(".tf-present-panel").get_by_text(fw.factor("leader_aptitude").label).wait_for()
    page.keyboard.press("Escape")  # back to the form
    page.locator(".tf-form").wait_for(state="visible")
    page.wait_for_function("() => !location.search.includes('present')")


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1366, 768)])
def test_the_consensus_board_fits_the_screen(
    offline_at: Any,
    assessment_server: VoilaServer,
    wait_for_dashboard: Any,
    tmp_path: Path,
    width: int,
    height: int,
) -> None:
    from toolkit import changes, update_engagement

    board = assessment_server.engagements / f"board-{width}.json"
    board.write_bytes((assessment_server.engagements / SAMPLE).read_bytes())
    update_engagement(board, changes.set_phase("consensus"))
    offline = offline_at(width, height)
    page = offline.new_page()
    page.goto(f"{assessment_server.url}?engagement={board.name}", timeout=90_000)
    wait_for_dashboard(page)
    settle(page)
    page.wait_for_selector("text=Consensus board")
    shoot(page, f"consensus-{width}x{height}")
    assert page.locator(".tf-board-card").count() == 10
    assert page.evaluate(SIDEWAYS) == []
    assert page.evaluate(CUT) == []
    assert overlapping(page.evaluate(CHART_TEXT)) == []
    assert offline.errors == []


def test_the_present_button_leaves_only_what_the_client_should_see(
    offline_at: Any, assessment_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    from toolkit import changes, update_engagement

    board = assessment_server.engagements / "present.json"
    board.write_bytes((assessment_server.engagements / SAMPLE).read_bytes())
    update_engagement(board, changes.set_phase("consensus"))
    offline = offline_at(1366, 768)
    page = offline.new_page()
    page.goto(f"{assessment_server.url}?engagement={board.name}", timeout=90_000)
    wait_for_dashboard(page)
    page.wait_for_selector("text=Consensus board")
    tools = [".tf-toolbar", ".tf-phase-note", ".tf-board-col", ".tf-form-col", ".tf-table-row"]
    shown = "s => [...document.querySelectorAll(s)].filter(e => e.getClientRects().length).length"
    assert all(page.evaluate(shown, sel) > 0 for sel in tools[:3])
    page.locator(".tf-toolbar button", has_text="Present").click()
    page.wait_for_function("() => location.search.includes('present=1')")
    page.locator(".tf-present-panel").wait_for(state="visible")
    settle(page)
    assert [sel for sel in tools if page.evaluate(shown, sel)] == []
    for name in ("Present", "Close consensus", "Start blind rating", "Undo", "Record consensus"):
        assert page.get_by_role("button", name=name).count() == 0, name
    shoot(page, "present-button-1366x768")
    assert page.evaluate(SIDEWAYS) == []  # the radar takes the room the board left
    radar = page.locator(".tf-radar-box svg").first.bounding_box()
    assert radar is not None and radar["width"] >= 0.4 * 1366
    # A notice that matters reaches the room: the engagement file turns unreadable (a broken
    # sync, say) while the client looks on.
    board.write_text("[1, 2", encoding="utf-8")
    notice = page.get_by_text("Cannot read the engagement")
    notice.wait_for(state="visible", timeout=30_000)
    box = notice.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 768
    assert page.evaluate(CUT) == []
    assert offline.errors == []
