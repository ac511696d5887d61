"""The stakeholders' viewer on real screens: laptops with ordinary scrollbars and a large screen.

At each size nothing scrolls sideways, the radar is whole in the first screen beside the
headline, no control's text is cut, chart text is at least 12 px and no two pieces of chart text
overlap, in the radar and in the ranked chart. At 1280x720 the first screen shows the headline
sentences and the first three "Where to act first" items without scrolling.
Screenshots go to ``TENFOLD_SCREENSHOTS`` when it is set, to be looked at.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser.screen import CHART_TEXT, CUT, SCROLLBAR, SIDEWAYS, overlapping, settle, shoot

from toolkit.testing import VoilaServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RANKED_TEXT = CHART_TEXT.replace(".tf-radar-box", ".tf-ranked-box")


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 720), (1366, 768), (1920, 1080)])
def test_the_viewer_fits_the_screen(
    offline_at: Any, viewer_server: VoilaServer, wait_for_dashboard: Any, width: int, height: int
) -> None:
    offline = offline_at(width, height)
    page = offline.new_page()
    page.goto(f"{viewer_server.url}?engagement=harbourline-2026-11.json", timeout=90_000)
    wait_for_dashboard(page)
    page.wait_for_selector(".tf-acts li", timeout=60_000)
    settle(page)
    shoot(page, f"viewer-{width}x{height}")
    assert page.evaluate(SCROLLBAR) > 0  # the page scrolls, with a real scrollbar
    assert page.evaluate(SIDEWAYS) == []
    for query, least in ((CHART_TEXT, 15), (RANKED_TEXT, 10)):
        text = page.evaluate(query)
        assert len(text) > least
        assert overlapping(text) == []
        assert min(t["size"] for t in text) >= 12
    radar = page.locator(".tf-radar-box svg").first.bounding_box()
    assert radar is not None and radar["x"] >= 0 and radar["y"] >= 0
    assert radar["x"] + radar["width"] <= width and radar["y"] + radar["height"] <= height
    headline = page.locator(".tf-headline").bounding_box()
    assert headline is not None and headline["x"] + headline["width"] <= radar["x"]  # beside
    assert page.evaluate(CUT) == []
    assert offline.errors == []


def test_at_1280x720_the_first_screen_shows_the_headline_and_three_items(
    offline_at: Any, viewer_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    page = offline_at(1280, 720).new_page()
    page.goto(f"{viewer_server.url}?engagement=harbourline-2026-11.json", timeout=90_000)
    wait_for_dashboard(page)
    page.wait_for_selector(".tf-acts li", timeout=60_000)
    settle(page)
    first_screen = [page.locator(".tf-headline").bounding_box()]
    first_screen += [page.locator(".tf-acts li").nth(i).bounding_box() for i in range(3)]
    for box in first_screen:
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720, box
    assert (
        page.evaluate("() => document.querySelector('.tf-radar-box').getBoundingClientRect().top")
        < 720
    )


#: Records each radar drawing as a person first sees it (its box visible): the drawing's and the
#: pane's left edge and width, in CSS pixels.
SEEN = """
window.__seen = [];
const look = () => {
  for (const svg of document.querySelectorAll('.tf-radar-box svg.marks')) {
    const box = svg.closest('.tf-radar-box');
    if (svg.__seen || getComputedStyle(box).visibility !== 'visible') continue;
    if (box.getBoundingClientRect().width === 0) continue;
    svg.__seen = true;
    const b = box.getBoundingClientRect(), r = svg.getBoundingClientRect();
    window.__seen.push({left: r.left, width: r.width, pane_left: b.left, pane_width: b.width});
  }
};
new MutationObserver(look).observe(document, {childList: true, subtree: true, attributes: true});
"""


def test_at_1024x768_every_radar_seen_fits_its_pane_from_the_first(
    offline_at: Any, viewer_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    # The first drawing used to be the preheated kernel's empty radar, sized for no room: 540 px
    # in a 508 px pane, its legend cut at the left ("ctor group"), until the refit replaced it.
    offline = offline_at(1024, 768)
    offline.context.add_init_script(SEEN)
    page = offline.new_page()
    page.goto(f"{viewer_server.url}?engagement=harbourline-2026-11.json", timeout=90_000)
    wait_for_dashboard(page)
    page.wait_for_selector(".tf-acts li", timeout=60_000)
    settle(page)
    seen = page.evaluate("window.__seen")
    assert seen, "no radar seen"
    for drawing in seen:
        assert drawing["left"] >= drawing["pane_left"] - 0.5, seen
        assert drawing["width"] <= drawing["pane_width"] + 0.5, seen
    assert offline.errors == []
