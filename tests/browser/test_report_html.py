"""The HTML report in a real browser: opened from disk with no network, it draws both charts
and fits a phone's screen. Chromium comes from the ``browser`` fixture (tests/browser/conftest.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from toolkit import build_report, load_engagement

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"


@pytest.fixture(scope="module")
def report_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("html") / "report.html"
    return build_report(load_engagement(SAMPLE), out).as_uri()


def _open(chromium: Any, url: str, width: int) -> tuple[Any, Any, list[str], list[str]]:
    """A page at ``url`` where every request that is not the file itself is blocked."""
    context = chromium.new_context(viewport={"width": width, "height": 900})
    requests: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        if r.request.url == url or r.request.url.startswith("data:"):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    return context, page, requests, errors


def test_report_opens_offline_and_draws_both_charts(browser: Any, report_url: str) -> None:
    context, page, requests, errors = _open(browser, report_url, 1280)
    try:
        drawn = page.eval_on_selector_all(
            "figure.chart img", "imgs => imgs.map(i => [i.complete, i.naturalWidth])"
        )
        assert len(drawn) == 2
        assert all(complete and width > 300 for complete, width in drawn), drawn
        assert requests == []
        assert errors == []
    finally:
        context.close()


def test_report_fits_a_phone_screen(browser: Any, report_url: str) -> None:
    context, page, _, _ = _open(browser, report_url, 400)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        # the wide scores table scrolls inside its own box instead
        assert page.eval_on_selector(".table-wrap", "e => e.scrollWidth > e.clientWidth")
    finally:
        context.close()
