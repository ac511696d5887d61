"""A staff survey export dropped on the assessment dashboard, in Chromium, offline.

The lead drags a Microsoft Forms export (tests/browser/data, in the layout Forms writes: the
ID, Start time, Completion time, Email, Name columns, a byte-order mark) onto the staff survey's
drop zone, reads what was imported, and sees the staff series and a gap diamond on the radar
and the staff's line for the factor; a stakeholder's viewer then shows the series with a
caption that says what its marks are. A bad export chosen with the file chooser is refused
with its file, row and column, and nothing changes. One server per dashboard for the module.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from browser.screen import shoot

from toolkit import load_engagement
from toolkit.testing import VoilaServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAMPLE = "harbourline-2026-11.json"
DATA = Path(__file__).parent / "data"
PULSE = DATA / "harbourline-staff-pulse.csv"
BAD = DATA / "harbourline-staff-pulse-bad.csv"
ZONE = ".tf-survey-panel .tf-drop"
#: The radar's marks as Vega describes them for assistive technology (their aria-label).
MARKS = (
    "() => [...document.querySelectorAll('.vega-embed svg [aria-label]')]"
    ".map(e => e.getAttribute('aria-label'))"
)


def drag_and_drop(page: Any, path: Path) -> None:
    """Drag ``path`` over the drop zone and let go, as a file dragged from the desktop."""
    transfer = page.evaluate_handle(
        """([name, data]) => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: 'text/csv'}));
            return transfer;
        }""",
        [path.name, base64.b64encode(path.read_bytes()).decode()],
    )
    for event in ("dragenter", "dragover", "drop"):
        page.dispatch_event(ZONE, event, {"dataTransfer": transfer})


def marks(page: Any, *parts: str) -> list[str]:
    """The radar's marks whose description holds every one of ``parts``."""
    return [m for m in page.evaluate(MARKS) if all(p in m for p in parts)]


def open_page(offline: Any, url: str, wait: Any) -> Any:
    page = offline.new_page()
    page.goto(url, timeout=90_000)
    wait(page)
    return page


def test_a_bad_export_is_refused_with_its_row_and_column_and_nothing_changes(
    offline_at: Any, assessment_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    path = assessment_server.engagements / SAMPLE
    before = path.read_bytes()
    offline = offline_at(1280, 720)
    page = open_page(offline, f"{assessment_server.url}?engagement={SAMPLE}", wait_for_dashboard)
    page.get_by_label("Choose a staff survey export").set_input_files(str(BAD))
    refusal = page.locator(".tf-survey-result")
    refusal.get_by_text("not imported, nothing was changed").wait_for(timeout=30_000)
    text = refusal.inner_text()
    assert "harbourline-staff-pulse-bad.csv" in text
    assert "row 6, column K" in text and "'Sometimes' is not an answer" in text
    assert path.read_bytes() == before
    assert marks(page, "Staff survey") == []
    assert offline.errors == []


def test_the_lead_drops_an_export_and_the_staff_view_reaches_radar_panel_and_viewer(
    offline_at: Any,
    assessment_server: VoilaServer,
    viewer_server: VoilaServer,
    wait_for_dashboard: Any,
) -> None:
    offline = offline_at(1280, 720)
    query = f"?engagement={SAMPLE}&factor=authority"
    page = open_page(offline, f"{assessment_server.url}{query}", wait_for_dashboard)
    drag_and_drop(page, PULSE)
    result = page.locator(".tf-survey-result")
    result.get_by_text("Staff survey imported from harbourline-staff-pulse.csv").wait_for(
        timeout=30_000
    )
    said = result.inner_text()
    assert "(Microsoft Forms): 12 respondents" in said
    assert "9 of 32 statements matched" in said
    assert "3 of 4 groups shown, 1 suppressed for anonymity (fewer than k=5" in said
    survey = load_engagement(assessment_server.engagements / SAMPLE).survey
    assert survey is not None and survey.respondents == 12
    # The radar: the staff series, and a diamond where consultants and staff are far apart.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.vega-embed svg [aria-label]')]"
        ".some(e => e.getAttribute('aria-label').includes('Staff survey, n=12'))",
        timeout=30_000,
    )
    staff = marks(page, "series: Staff survey, n=12", "Factor: Earned authority;")
    mean = survey.rater_level("authority")
    assert mean is not None and staff and f"{mean:.2f}" in staff[0]
    assert marks(page, "Factor: Earned authority;", "Gap: Leaders see it better than staff do")
    assert marks(page, "series: Staff survey, n=12", "Factor: Executive sponsorship;") == []
    # The factor's staff line is its own widget: it may reach the page just after the radar.
    page.wait_for_function(
        "() => (document.querySelector('.tf-staff-figures')?.textContent || '')"
        ".includes('12 respondents')",
        timeout=15_000,
    )
    line = page.locator(".tf-staff-figures").inner_text()
    assert f"staff mean {mean:.1f}" in line and "12 respondents" in line
    assert "leaders see it better than staff do" in line
    shoot(page, "survey-assessment-1280x720")
    page.locator(".tf-staff-figures").scroll_into_view_if_needed()
    shoot(page, "survey-factor-line-1280x720")
    page.locator(".tf-survey-panel").scroll_into_view_if_needed()
    shoot(page, "survey-assessment-panel-1280x720")
    assert offline.errors == []

    # A stakeholder opens the viewer: the same series, and a caption that says what it is.
    viewer = offline_at(1024, 768)
    view = open_page(viewer, f"{viewer_server.url}?engagement={SAMPLE}", wait_for_dashboard)
    view.wait_for_function(
        "() => [...document.querySelectorAll('.vega-embed svg [aria-label]')]"
        ".some(e => e.getAttribute('aria-label').includes('Staff survey, n=12'))",
        timeout=60_000,
    )
    assert marks(view, "Factor: Earned authority;", "Gap: Leaders see it better than staff do")
    caption = view.locator(".tf-radar-caption").inner_text()
    assert "the staff survey (12 staff respondents" in caption
    assert "at least 5 answered" in caption and "black diamond" in caption
    view.locator(".tf-radar-caption").scroll_into_view_if_needed()
    shoot(view, "survey-viewer-1024x768")
    assert viewer.errors == []
