"""The charts render in Voila with no internet: every request not to localhost is blocked.

This is the proof behind :func:`toolkit.chart_widget`: Altair's JupyterChart in offline mode
loads Vega from the kernel (vl-convert), not from a CDN, so a meeting room without internet
still sees the radar, its companions and their tooltips.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

NOTEBOOK = Path(__file__).parent / "notebooks" / "charts_offline.ipynb"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_charts_render_offline_with_tooltips(
    start_voila: Callable[..., Any],
    offline: Any,
    wait_for_dashboard: Callable[..., None],
    tmp_path: Path,
) -> None:
    server = start_voila(NOTEBOOK, tmp_path)
    page = offline.new_page()
    page.goto(server.url, wait_until="domcontentloaded", timeout=90_000)
    wait_for_dashboard(page)
    page.wait_for_function(
        "() => document.querySelectorAll('.vega-embed svg.marks').length >= 3", timeout=60_000
    )
    svgs = page.locator(".vega-embed svg.marks")
    assert svgs.count() == 3
    radar = svgs.nth(0)
    labels = radar.locator("text").all_text_contents()
    assert "Harbourline Contact Services" in labels  # the title: the engagement's client
    assert "Composure(not assessed)" in labels  # the unscored spoke is marked (two lines)
    assert {"Ad hoc", "Partial", "Established", "Embedded"} <= set(labels)
    ranked_labels = svgs.nth(1).locator("text").all_text_contents()
    assert "Factors from weakest to strongest" in ranked_labels
    # A tooltip on a radar point, drawn by vega-tooltip from the offline bundle.
    point = radar.locator("g.mark-symbol.role-mark path").first
    point.hover(force=True)
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=10_000)
    tooltip = page.locator("#vg-tooltip-element").inner_text()
    assert "Failure mode" in tooltip and "Factor" in tooltip
    # Nothing but Voila's Font Awesome CSS tried to leave the machine, and nothing broke.
    assert offline.unexpected_blocked == []
    assert offline.errors == []


def test_saved_html_renders_with_no_network(offline: Any, tmp_path: Path) -> None:
    from toolkit import load_engagement, radar_chart, save_chart, score_engagement

    root = Path(__file__).resolve().parents[2]
    scores = score_engagement(load_engagement(root / "engagements" / "harbourline-2026-11.json"))
    html = save_chart(radar_chart(scores, title="Offline"), tmp_path / "radar.html")
    page = offline.new_page()
    page.set_content(html.read_text(encoding="utf-8"), wait_until="load", timeout=60_000)
    page.wait_for_selector("svg.marks", timeout=60_000)
    labels = page.locator("svg.marks text").all_text_contents()
    assert "Offline" in labels and "Embedded" in labels
    assert offline.blocked == []  # not even a font or a stylesheet was asked for
    assert offline.errors == []
