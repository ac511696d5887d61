"""The stakeholders' viewer in Chromium, offline: shows the sample, offers nothing to edit."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_viewer_shows_the_sample_with_no_editing_control(
    offline: Any, viewer_server: Any, wait_for_dashboard: Any
) -> None:
    before = snapshot(viewer_server.folder)
    page = offline.new_page()
    page.goto(viewer_server.url, timeout=90_000)
    wait_for_dashboard(page)
    page.wait_for_function("() => document.querySelectorAll('.vega-embed svg').length >= 2")
    text = page.inner_text("body")
    assert "Harbourline Contact Services" in text
    assert "Summary" in text and "Needs consensus" in text
    assert "Traceback" not in text
    # Nothing to type into, tick or press: the engagement picker, the factor list, and report
    # downloads, which the browser receives and the server never writes.
    editable = page.evaluate(
        """() => Array.from(document.querySelectorAll(
            'textarea, input:not([type=hidden]), .widget-toggle-button, [contenteditable=true],'
            + ' .widget-button:not(.tf-download), button:not(.tf-download)'))
            .filter(e => !e.closest('.lm-AccordionPanel-title, .jupyter-widget-Collapse-header'))
            .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert editable == []
    assert page.locator("button.tf-download").count() == 4
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Report HTML").click()
    download = info.value
    assert download.suggested_filename == "harbourline-contact-services-2026-11-16.html"
    assert "Harbourline Contact Services" in Path(download.path()).read_text(encoding="utf-8")
    assert page.locator("select").count() == 1
    # Open every factor, as a curious stakeholder would.
    for title in page.locator(
        ".lm-AccordionPanel-title, .p-Accordion-title, .jupyter-widget-Collapse-header"
    ).all():
        title.click()
    assert snapshot(viewer_server.folder) == before
    assert offline.errors == []
    assert offline.unexpected_blocked == []


def test_viewer_shows_the_previous_assessment_of_the_client(
    offline: Any, viewer_server: Any, wait_for_dashboard: Any
) -> None:
    if not (viewer_server.folder / "harbourline-2026-05.json").exists():
        pytest.skip("the portfolio sample (harbourline-2026-05.json) is not in this checkout")
    page = offline.new_page()
    page.goto(viewer_server.url, timeout=90_000)
    wait_for_dashboard(page)
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.vega-embed svg [aria-label]'))
            .some(e => e.getAttribute('aria-label').includes('series: Previous (May 2026)'))""",
        timeout=30_000,
    )
    assert "Compared with the assessment of 14 May 2026" in page.inner_text("body")
