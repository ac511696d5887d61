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
