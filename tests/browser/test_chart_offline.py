"""The charts render in Voila and JupyterLab with no internet, and so does a saved HTML chart.

Every request that is not to localhost is blocked. This is the proof behind
:func:`toolkit.chart_widget`: Altair's JupyterChart in offline mode loads Vega from the kernel
(vl-convert), not from a CDN, so a meeting room without internet still sees the radar, its
companions and their tooltips; and behind :func:`toolkit.save_chart`'s self-contained HTML.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from toolkit.testing import BackgroundServer, VoilaServer, free_port

NOTEBOOK = Path(__file__).parent / "notebooks" / "charts_offline.ipynb"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_charts_render_offline_with_tooltips(
    start_voila: Callable[..., VoilaServer],
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
    title = "Offline </script><script>document.title='hacked'</script> & <b>co</b>"
    html = save_chart(radar_chart(scores, title=title), tmp_path / "radar.html")
    page = offline.new_page()
    page.set_content(html.read_text(encoding="utf-8"), wait_until="load", timeout=60_000)
    page.wait_for_selector("svg.marks", timeout=60_000)
    labels = page.locator("svg.marks text").all_text_contents()
    assert title in labels and "Embedded" in labels  # the title is shown as typed, as text
    assert page.title() != "hacked"
    assert offline.blocked == []  # not even a font or a stylesheet was asked for
    assert offline.errors == []


@pytest.fixture
def jupyterlab(browser: Any, tmp_path: Path) -> Iterator[str]:
    """JupyterLab on a free localhost port, serving a copy of the charts notebook (started only
    where there is a browser to open it)."""
    root = tmp_path / "lab"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--allow-root",  # CI containers run as root; harmless otherwise
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",  # to run all cells with a command
        "--LabApp.extension_manager=readonly",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
    ]
    try:
        server = BackgroundServer.start(
            command,
            url=f"http://127.0.0.1:{port}/",
            log=tmp_path / "lab.log",
            env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")},
            cwd=root,
        )
    except RuntimeError as exc:
        pytest.fail(f"JupyterLab did not start: {exc}")
    with server:
        yield server.url


def test_charts_render_offline_in_jupyterlab(jupyterlab: str, offline: Any) -> None:
    page = offline.new_page()
    page.goto(jupyterlab + "lab/tree/" + NOTEBOOK.name, timeout=90_000)
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # The kernel has started and the notebook is the current panel (status bar: "... | Idle").
    page.wait_for_function("() => document.body.innerText.includes('| Idle')", timeout=60_000)
    # Not awaited: the command's promise settles only when every cell has run.
    page.evaluate(
        "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); return true; }"
    )
    page.wait_for_function(
        "() => document.querySelectorAll('.vega-embed svg.marks').length >= 3", timeout=90_000
    )
    labels = page.locator(".vega-embed svg.marks").nth(0).locator("text").all_text_contents()
    assert "Composure(not assessed)" in labels
    assert offline.unexpected_blocked == []
    assert offline.errors == []
