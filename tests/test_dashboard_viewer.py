"""The stakeholders' viewer: shows everything, writes nothing, shows text as text."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest
from chart_data import records

from toolkit import load_engagement, save_engagement
from toolkit.dashboard import DownloadButton, ViewerApp
from toolkit.dashboard.bridge import PageBridge
from toolkit.dashboard.viewer import BINDER_NOTICE

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"
EARLIER = ROOT / "engagements" / "harbourline-2026-05.json"

#: Widgets that only show or choose what is shown. A DownloadButton hands the browser a report
#: built in memory and writes nothing on the server (pinned below).
READ_ONLY = (
    widgets.HTML,
    widgets.Dropdown,
    widgets.Box,
    widgets.Accordion,
    PageBridge,
    DownloadButton,
)
#: Widgets that could change something (typing, ticking, clicking a command).
WRITING = (
    widgets.Button,
    widgets.Text,
    widgets.Textarea,
    widgets.Checkbox,
    widgets.ToggleButton,
    widgets.ToggleButtons,
    widgets.IntText,
    widgets.FileUpload,
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(SAMPLE, tmp_path / SAMPLE.name)
    if EARLIER.exists():
        shutil.copy(EARLIER, tmp_path / EARLIER.name)
    return tmp_path


def walk(widget: Any) -> list[Any]:
    out = [widget]
    for child in getattr(widget, "children", ()):
        out += walk(child)
    return out


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_shows_the_sample_engagement(folder: Path) -> None:
    app = ViewerApp(folder, open=SAMPLE.name)
    assert app.engagement.client == "Harbourline Contact Services"
    assert "Harbourline Contact Services" in app.header.value
    assert len(app.factors.children) == 10
    titles = dict(zip(app.scores.index, app.factors.titles, strict=True))
    assert "not assessed" in titles["composure"]
    assert "not applicable" in titles["cx_executive"]
    assert "0.0" not in titles["composure"]
    assert "Earned authority" in app.summary.value  # needs consensus
    assert "Composure" in app.summary.value  # not assessed, listed as such


@pytest.mark.skipif(not EARLIER.exists(), reason="the portfolio sample is not in this checkout")
def test_radar_shows_the_previous_assessment_of_the_same_client(folder: Path) -> None:
    app = ViewerApp(folder, open=SAMPLE.name)
    assert app.previous is not None and app.previous.path.name == EARLIER.name
    series = {r.get("series") for r in records(app.radar.chart.to_dict())}
    assert {"Current", "Target", "Previous (May 2026)"} <= series
    earlier = ViewerApp(folder, open=EARLIER.name)
    assert earlier.previous is None  # nothing before May


def test_each_factor_shows_its_findings_and_remedies(folder: Path) -> None:
    app = ViewerApp(folder, open=SAMPLE.name)
    engagement = load_engagement(folder / SAMPLE.name)
    index = list(app.scores.index).index("sponsorship")
    body = app.factors.children[index].value
    sponsorship = [f for f in engagement.findings if f.factor == "sponsorship"]
    assert body.count("<tr>") == len(sponsorship) + 1  # header row + one per finding
    remedy = app.framework.factor("sponsorship").remedies[0]
    assert remedy.replace("'", "&#x27;") in body


def test_has_no_control_that_writes(folder: Path) -> None:
    app = ViewerApp(folder)
    tree = walk(app.view)
    assert not [w for w in tree if isinstance(w, WRITING)]
    unknown = [
        type(w).__name__
        for w in tree
        if not isinstance(w, READ_ONLY) and type(w).__name__ != "JupyterChart"
    ]
    assert unknown == []


def test_using_the_viewer_leaves_the_folder_byte_identical(folder: Path) -> None:
    before = snapshot(folder)
    app = ViewerApp(folder)
    for _label, value in app.picker.options:
        app.picker.value = value
        for i in range(len(app.factors.children)):
            app.factors.selected_index = i
    for button in app.report_buttons:
        assert button.click()
    assert snapshot(folder) == before


def test_report_buttons_download_the_shown_engagements_report(folder: Path) -> None:
    app = ViewerApp(folder, open=SAMPLE.name)
    assert [b.description for b in app.report_buttons] == [
        "Report PDF",
        "Slides PPTX",
        "Report HTML",
        "Workbook XLSX",
    ]
    name, data = app.report_buttons[0].payload()
    assert name == "harbourline-contact-services-2026-11-16.pdf"
    assert data.startswith(b"%PDF")
    name, data = app.report_buttons[2].payload()
    assert name.endswith(".html") and b"Harbourline Contact Services" in data


def test_script_in_evidence_is_shown_as_text(folder: Path) -> None:
    path = folder / SAMPLE.name
    e = load_engagement(path)
    e = e.add_finding(
        factor="composure", level=1, evidence='<script>alert("x")</script><img src=x onerror=1>'
    )
    save_engagement(e.model_copy(update={"client": "<b>Bold</b> & Co"}), path)
    app = ViewerApp(folder, open=SAMPLE.name)
    shown = app.header.value + "".join(c.value for c in app.factors.children)
    assert "<script>" not in shown and "<img" not in shown and "<b>Bold" not in shown
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in shown
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in app.header.value


def test_unreadable_file_is_named_and_not_shown(folder: Path) -> None:
    for p in folder.iterdir():
        p.unlink()
    (folder / "broken.json").write_text("[1, 2", encoding="utf-8")
    app = ViewerApp(folder)
    assert "broken.json" in app.message.value and "Cannot show" in app.message.value
    assert app.body.layout.display == "none"


def test_binder_notice_only_when_asked(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TENFOLD_BINDER", raising=False)
    assert ViewerApp(folder).notice.value == ""
    monkeypatch.setenv("TENFOLD_BINDER", "1")
    assert "temporary Binder session" in ViewerApp(folder).notice.value
    assert BINDER_NOTICE.split(":")[0] in ViewerApp(folder).notice.value


def test_folder_from_the_environment(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENFOLD_ENGAGEMENTS", str(folder))
    assert ViewerApp().folder == folder


def test_opening_the_page_shows_the_folder_as_it_is_now(folder: Path) -> None:
    app = ViewerApp(folder, open=SAMPLE.name)
    path = folder / SAMPLE.name
    save_engagement(
        load_engagement(path).add_finding(factor="composure", level=2, evidence="Late news"), path
    )
    app.opened.handle({"event": "opened", "search": ""})
    assert app.engagement is not None and len(app.engagement.findings) == 46
    assert "not assessed" not in app.factors.titles[list(app.scores.index).index("composure")]
