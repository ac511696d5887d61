"""The same words everywhere: the viewer and the HTML, PDF, PPTX and XLSX reports of one
engagement say the same sentences and list the same "Where to act first", in the same order.

Each surface is read back with its own reader (the viewer's widgets, BeautifulSoup, pypdf,
python-pptx, openpyxl) and compared with the one content model they are all made from.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader
from soup import one, text_of

from toolkit import Engagement, load_engagement
from toolkit.dashboard import ViewerApp
from toolkit.report import build_content, report_bytes
from toolkit.report.content import ReportContent

ROOT = Path(__file__).resolve().parents[1]
NOVEMBER = ROOT / "engagements" / "harbourline-2026-11.json"
MAY = ROOT / "engagements" / "harbourline-2026-05.json"


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Surfaces:
    """What each surface says, as plain text, for one engagement and its previous one."""

    content: ReportContent
    viewer: str
    viewer_items: list[str]
    html: str
    html_items: list[str]
    pdf: str
    pptx: str
    xlsx_items: list[str]
    xlsx_sentences: list[str]


def _surfaces(engagement: Engagement, previous: Engagement, folder: Path) -> Surfaces:
    content = build_content(engagement, previous=previous)
    for e, name in ((engagement, "now.json"), (previous, "before.json")):
        from toolkit.store import save_engagement

        save_engagement(e, folder / name)
    app = ViewerApp(folder, open="now.json")
    viewer_soup = BeautifulSoup(app.ui.next_steps.value, "html.parser")
    html = BeautifulSoup(report_bytes(engagement, "html", previous=previous), "html.parser")
    section = one(html, "#next-steps")
    pdf = PdfReader(io.BytesIO(report_bytes(engagement, "pdf", previous=previous)))
    deck = Presentation(io.BytesIO(report_bytes(engagement, "pptx", previous=previous)))
    slide = next(s for s in deck.slides if s.shapes.title.text == "What to do next")
    book = load_workbook(io.BytesIO(report_bytes(engagement, "xlsx", previous=previous)))
    sheet = book["Where to act first"]
    header = [c.value for c in sheet[1]]
    about = book["About"].iter_rows(min_row=2, values_only=True)
    return Surfaces(
        content=content,
        viewer=words(viewer_soup.get_text(" ")),
        viewer_items=[str(li["data-factor"]) for li in viewer_soup.select("li.tf-act")],
        html=words(section.get_text(" ")),
        html_items=[str(li["data-factor"]) for li in section.select("ol.act-first li")],
        pdf=words(" ".join(p.extract_text() or "" for p in pdf.pages[:3])),
        pptx=words(" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)),
        xlsx_items=[
            str(row[header.index("factor")]) for row in sheet.iter_rows(min_row=2, values_only=True)
        ],
        xlsx_sentences=[str(v) for k, v in about if str(k).startswith("in short")],
    )


@pytest.fixture(scope="module")
def surfaces(tmp_path_factory: pytest.TempPathFactory) -> Surfaces:
    folder = tmp_path_factory.mktemp("engagements")
    return _surfaces(load_engagement(NOVEMBER), load_engagement(MAY), folder)


def test_every_surface_says_the_headline_sentences(surfaces: Surfaces) -> None:
    sentences = surfaces.content.next_steps.sentences
    assert len(sentences) == 3 and "14 May 2026" in sentences[2]
    for name in ("viewer", "html", "pdf"):
        said = getattr(surfaces, name)
        assert [s for s in sentences if s not in said] == [], name
    assert surfaces.xlsx_sentences == list(sentences)
    assert [s for s in sentences if s not in surfaces.pptx] == []


def test_every_surface_lists_where_to_act_first_in_the_same_order(surfaces: Surfaces) -> None:
    actions = surfaces.content.next_steps.actions
    order = [a.factor for a in actions]
    assert len(order) == 7
    assert surfaces.viewer_items == surfaces.html_items == surfaces.xlsx_items == order
    for a in actions:
        line = f"{a.label} {a.standing}"
        for name in ("viewer", "html", "pdf"):
            assert line in getattr(surfaces, name), (name, line)
            assert a.first_step in getattr(surfaces, name), (name, a.factor)
        assert a.change.mark in surfaces.viewer and a.change.mark in surfaces.html
    for a in actions[:5]:  # the slide shows the top five, each with its change
        assert a.line in surfaces.pptx
    pdf_positions = [surfaces.pdf.index(f"{a.label} {a.standing}") for a in actions]
    assert pdf_positions == sorted(pdf_positions)


def test_the_weak_list_is_the_same_length_everywhere(surfaces: Surfaces) -> None:
    weak = surfaces.content.summary.weakest
    first = surfaces.content.next_steps.sentences[0]
    assert first.startswith(f"{len(weak)} of the 8 assessed factors are ad hoc or worse")
    html = BeautifulSoup(report_bytes(load_engagement(NOVEMBER), "html"), "html.parser")
    assert text_of(html, ".weakest").split(", ") == list(weak)
    for name in ("viewer", "html", "pdf", "pptx"):
        assert first in getattr(surfaces, name), name


def test_one_rater_and_one_finding_read_in_the_singular(tmp_path: Path) -> None:
    e = Engagement.new(client="Solo Ltd", lead="Ana Lima", date=dt.date(2026, 6, 1))
    e = e.add_finding(factor="purpose", level=1, evidence="Seen once", rater="Ana Lima")
    e = e.set_target("purpose", 3)
    before = Engagement.new(client="Solo Ltd", lead="Ana Lima", date=dt.date(2026, 1, 1))
    shown = _surfaces(e, before, tmp_path)
    app_text = words(ViewerApp(tmp_path, open="now.json").ui.coverage.value)
    deck = Presentation(io.BytesIO(report_bytes(e, "pptx")))
    every = " ".join(
        s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame
    )
    html = words(BeautifulSoup(report_bytes(e, "html"), "html.parser").get_text(" "))
    for said in (app_text, every, html):
        assert "1 finding from 1 rater" in said
        assert not re.search(r"\b1 (raters|findings|factors)\b", said), said
    assert "Confidence low; 1 rater" in every  # the factor's slide
    assert shown.content.next_steps.actions[0].change.mark == "new"
