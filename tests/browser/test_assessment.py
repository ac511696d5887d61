"""The assessment dashboard in Chromium, offline: load, add a finding, reload, downloads, safety."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from frames import number

from toolkit import load_engagement, load_framework, score_engagement
from toolkit.dashboard.serve import dashboard_path
from toolkit.framework import format_score
from toolkit.testing import VoilaServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAMPLE = "harbourline-2026-11.json"


def open_dashboard(offline: Any, server: VoilaServer, wait: Any) -> Any:
    page = offline.new_page()
    page.goto(server.url, timeout=90_000)
    wait(page)
    return page


def choose_factor(page: Any, factor_id: str) -> None:
    f = load_framework().factor(factor_id)
    page.get_by_label("Factor", exact=True).select_option(label=f.label)


def add_finding(page: Any, factor_id: str, level: int, evidence: str) -> None:
    choose_factor(page, factor_id)
    name = load_framework().level_name(level)
    page.get_by_role("button", name=f"{level} {name}", exact=True).click()
    page.get_by_label("Evidence", exact=True).fill(evidence)
    page.get_by_role("button", name="Add finding").click()


def radar_point(page: Any, series: str, label: str, value: str, timeout: float = 30_000) -> None:
    """Wait until the radar draws ``label`` in ``series`` at ``value`` (from the marks' aria)."""
    page.wait_for_function(
        """([series, label, value]) => Array.from(
            document.querySelectorAll('.vega-embed svg [aria-label]')).some(e => {
                const a = e.getAttribute('aria-label');
                return a.includes('series: ' + series + '; Factor: ' + label + ';')
                    && a.includes(value);
            })""",
        arg=[series, label, value],
        timeout=timeout,
    )


def test_loads_offline_with_no_errors_and_shows_the_radar(
    offline: Any, assessment_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    page = open_dashboard(offline, assessment_server, wait_for_dashboard)
    text = page.inner_text("body")
    assert "Harbourline Contact Services" in text
    assert "Record a finding" in text
    assert "Traceback" not in text
    radar_point(page, "Current", "Executive sponsorship", "Score: 1.0;")
    assert offline.errors == []
    assert offline.unexpected_blocked == []


def test_a_finding_added_in_the_page_is_drawn_saved_and_there_after_reload(
    offline: Any, assessment_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    page = open_dashboard(offline, assessment_server, wait_for_dashboard)
    add_finding(page, "composure", 3, "Team leaders stayed calm through the outage on 12 Nov.")
    page.wait_for_selector("text=saved", timeout=30_000)
    radar_point(page, "Current", "Composure", "Score: 3.0;")
    on_disk = load_engagement(assessment_server.engagements / SAMPLE)
    assert [f.evidence for f in on_disk.findings if f.factor == "composure"] == [
        "Team leaders stayed calm through the outage on 12 Nov."
    ]
    page.reload()
    wait_for_dashboard(page)
    radar_point(page, "Current", "Composure", "Score: 3.0;")
    choose_factor(page, "composure")
    page.wait_for_selector("text=Team leaders stayed calm through the outage on 12 Nov.")
    assert offline.errors == []


def test_script_in_evidence_is_shown_as_text_and_does_not_run(
    offline: Any, assessment_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    page = open_dashboard(offline, assessment_server, wait_for_dashboard)
    evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    add_finding(page, "connection", 1, evil)
    page.wait_for_selector("text=saved", timeout=30_000)
    page.get_by_text(evil).first.wait_for(timeout=30_000)  # shown literally
    assert page.evaluate("() => window.__pwned") is None
    assert offline.errors == []


def test_empty_evidence_gets_an_inline_message(
    offline: Any, assessment_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    before = (assessment_server.engagements / SAMPLE).read_bytes()
    page = open_dashboard(offline, assessment_server, wait_for_dashboard)
    page.get_by_role("button", name="2 Partial", exact=True).click()
    page.get_by_role("button", name="Add finding").click()
    page.wait_for_selector("text=write the evidence", timeout=30_000)
    assert (assessment_server.engagements / SAMPLE).read_bytes() == before


def test_findings_csv_is_downloaded_by_the_browser(
    offline: Any, assessment_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    page = open_dashboard(offline, assessment_server, wait_for_dashboard)
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Findings CSV").click()
    download = info.value
    assert download.suggested_filename == "harbourline-contact-services-2026-11-16-findings.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("id,factor,level,evidence")
    assert len(text.splitlines()) >= 46


def test_killing_the_server_loses_nothing_shown_as_saved(
    offline: Any,
    start_voila: Callable[..., VoilaServer],
    engagements_copy: Path,
    wait_for_dashboard: Any,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / SAMPLE).write_bytes((engagements_copy / SAMPLE).read_bytes())
    server = start_voila(dashboard_path("assessment"), folder)
    page = open_dashboard(offline, server, wait_for_dashboard)
    add_finding(page, "purpose", 2, "Saved before the power cut")
    page.wait_for_selector("text=saved", timeout=30_000)
    server.stop(signal.SIGKILL)
    data = json.loads((folder / SAMPLE).read_text(encoding="utf-8"))
    assert "Saved before the power cut" in [f["evidence"] for f in data["findings"]]
    assert load_engagement(folder / SAMPLE).findings[-1].evidence == "Saved before the power cut"


def test_two_tabs_on_one_engagement_both_keep_their_findings(
    offline: Any, assessment_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    first = open_dashboard(offline, assessment_server, wait_for_dashboard)
    second = open_dashboard(offline, assessment_server, wait_for_dashboard)
    add_finding(first, "originality", 2, "Tab one: huddles now end with one idea to try")
    first.wait_for_selector("text=saved", timeout=30_000)
    add_finding(second, "originality", 1, "Tab two: suggestion box emptied monthly, unread")
    second.wait_for_selector("text=saved", timeout=30_000)
    saved = load_engagement(assessment_server.engagements / SAMPLE)
    evidence = {f.evidence for f in saved.findings}
    assert {
        "Tab one: huddles now end with one idea to try",
        "Tab two: suggestion box emptied monthly, unread",
    } <= evidence
    second.wait_for_selector("text=Tab one: huddles now end with one idea to try")


def test_choosing_a_level_previews_the_score_before_anything_is_saved(
    offline: Any, assessment_server: VoilaServer, wait_for_dashboard: Any
) -> None:
    path = assessment_server.engagements / SAMPLE
    page = open_dashboard(offline, assessment_server, wait_for_dashboard)
    before = path.read_bytes()
    engagement = load_engagement(path)
    label = load_framework().factor("leader_aptitude").label
    choose_factor(page, "leader_aptitude")
    for level in (0, 4):
        pending = engagement.add_finding(factor="leader_aptitude", level=level, evidence="x")
        score = number(score_engagement(pending), "leader_aptitude", "score")
        shown = format_score(score)  # as the tooltip prints it
        name = load_framework().level_name(level)
        page.get_by_role("button", name=f"{level} {name}", exact=True).click()
        radar_point(page, "Preview", label, f"Score: {shown};")
    assert path.read_bytes() == before
    assert offline.errors == []
