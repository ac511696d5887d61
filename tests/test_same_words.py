"""The same words everywhere: the viewer and the HTML, PDF, PPTX and XLSX reports of one
engagement say the same sentences and list the same "Where to act first", in the same order.

Each surface is read back with its own reader (the viewer's widgets, BeautifulSoup, pypdf,
python-pptx, openpyxl) and compared with the one content model they are all made from.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
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


#: Surfaces read from a whole rendered document (seconds each): in the full run, not the quick
#: one. The viewer, the HTML report and the workbook are compared in both.
RENDERED = ("pdf", "pptx")


def each(*names: str) -> list[Any]:
    """``names`` as test parameters, the rendered documents marked slow."""
    return [pytest.param(n, marks=pytest.mark.slow) if n in RENDERED else n for n in names]


class Surfaces:
    """What each surface says, as plain text, for one engagement and its previous one.

    Each surface is built and read the first time a test asks for it.
    """

    def __init__(self, engagement: Engagement, previous: Engagement, folder: Path) -> None:
        from toolkit.store import save_engagement

        self.engagement, self.previous, self.folder = engagement, previous, folder
        for e, name in ((engagement, "now.json"), (previous, "before.json")):
            save_engagement(e, folder / name)

    def _bytes(self, fmt: str) -> bytes:
        return report_bytes(self.engagement, fmt, previous=self.previous)

    @cached_property
    def content(self) -> ReportContent:
        return build_content(self.engagement, previous=self.previous)

    @cached_property
    def _viewer(self) -> BeautifulSoup:
        app = ViewerApp(self.folder, open="now.json")
        return BeautifulSoup(app.ui.next_steps.value, "html.parser")

    @cached_property
    def _html(self) -> Tag:
        return one(BeautifulSoup(self._bytes("html"), "html.parser"), "#next-steps")

    @cached_property
    def _xlsx(self) -> Any:
        return load_workbook(io.BytesIO(self._bytes("xlsx")))

    @cached_property
    def viewer(self) -> str:
        return words(self._viewer.get_text(" "))

    @cached_property
    def viewer_items(self) -> list[str]:
        return [str(li["data-factor"]) for li in self._viewer.select("li.tf-act")]

    @cached_property
    def html(self) -> str:
        return words(self._html.get_text(" "))

    @cached_property
    def html_items(self) -> list[str]:
        return [str(li["data-factor"]) for li in self._html.select("ol.act-first li")]

    @cached_property
    def pdf(self) -> str:
        pdf = PdfReader(io.BytesIO(self._bytes("pdf")))
        text = " ".join(p.extract_text() or "" for p in pdf.pages)
        # A hyphenated word the layout broke at a line end ("Service-\nminded") reads whole.
        return words(re.sub(r"(?<=\w)-\s+(?=[a-z])", "-", text))

    @cached_property
    def pptx(self) -> str:
        deck = Presentation(io.BytesIO(self._bytes("pptx")))
        slide = next(s for s in deck.slides if s.shapes.title.text == "What to do next")
        return words(" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame))

    @cached_property
    def xlsx_items(self) -> list[str]:
        sheet = self._xlsx["Where to act first"]
        header = [c.value for c in sheet[1]]
        return [
            str(row[header.index("factor")]) for row in sheet.iter_rows(min_row=2, values_only=True)
        ]

    @cached_property
    def xlsx_sentences(self) -> list[str]:
        about = self._xlsx["About"].iter_rows(min_row=2, values_only=True)
        return [str(v) for k, v in about if str(k).startswith("in short")]


@pytest.fixture(scope="module")
def surfaces(tmp_path_factory: pytest.TempPathFactory) -> Surfaces:
    folder = tmp_path_factory.mktemp("engagements")
    return Surfaces(load_engagement(NOVEMBER), load_engagement(MAY), folder)


@pytest.mark.parametrize("surface", each("viewer", "html", "pdf", "pptx", "xlsx"))
def test_every_surface_says_the_headline_sentences(surfaces: Surfaces, surface: str) -> None:
    sentences = surfaces.content.next_steps.sentences
    assert len(sentences) == 3 and "14 May 2026" in sentences[2]
    if surface == "xlsx":
        assert surfaces.xlsx_sentences == list(sentences)
    else:
        said = getattr(surfaces, surface)
        assert [s for s in sentences if s not in said] == [], surface


@pytest.mark.parametrize("surface", each("viewer", "html", "pdf", "pptx", "xlsx"))
def test_every_surface_lists_where_to_act_first_in_the_same_order(
    surfaces: Surfaces, surface: str
) -> None:
    actions = surfaces.content.next_steps.actions
    order = [a.factor for a in actions]
    assert len(order) == 7
    if surface in ("viewer", "html", "xlsx"):
        assert getattr(surfaces, f"{surface}_items") == order
    if surface in ("viewer", "html", "pdf"):
        said = getattr(surfaces, surface)
        for a in actions:
            assert f"{a.label} {a.standing}" in said, (surface, a.factor)
            assert a.first_step in said, (surface, a.factor)
    if surface in ("viewer", "html"):
        assert all(a.change.mark in getattr(surfaces, surface) for a in actions)
    if surface == "pptx":
        for a in actions[:5]:  # the slide shows the top five, each with its change
            assert a.line in surfaces.pptx
    if surface == "pdf":
        positions = [surfaces.pdf.index(f"{a.label} {a.standing}") for a in actions]
        assert positions == sorted(positions)


@pytest.mark.parametrize("surface", each("viewer", "html", "pdf", "pptx"))
def test_the_weak_list_is_the_same_length_everywhere(surfaces: Surfaces, surface: str) -> None:
    weak = surfaces.content.summary.weakest
    first = surfaces.content.next_steps.sentences[0]
    assert first.startswith(f"{len(weak)} of the 8 assessed factors are ad hoc or worse")
    if surface == "html":
        html = BeautifulSoup(report_bytes(load_engagement(NOVEMBER), "html"), "html.parser")
        assert text_of(html, ".weakest").split(", ") == list(weak)
    assert first in getattr(surfaces, surface), surface


@pytest.mark.parametrize("surface", each("viewer", "html", "pptx"))
def test_one_rater_and_one_finding_read_in_the_singular(tmp_path: Path, surface: str) -> None:
    e = Engagement.new(client="Solo Ltd", lead="Ana Lima", date=dt.date(2026, 6, 1))
    e = e.add_finding(factor="purpose", level=1, evidence="Seen once", rater="Ana Lima")
    e = e.set_target("purpose", 3)
    before = Engagement.new(client="Solo Ltd", lead="Ana Lima", date=dt.date(2026, 1, 1))
    shown = Surfaces(e, before, tmp_path)
    assert shown.content.next_steps.actions[0].change.mark == "new"
    # Each surface also reads "what to do next" against the previous, empty assessment.
    if surface == "viewer":
        assert shown.viewer_items == ["purpose"]
        said = words(ViewerApp(tmp_path, open="now.json").ui.coverage.value)
    elif surface == "html":
        assert shown.html_items == shown.xlsx_items == ["purpose"]
        said = words(BeautifulSoup(report_bytes(e, "html"), "html.parser").get_text(" "))
    else:
        assert "1 finding from 1 rater" in shown.pdf  # the PDF's summary, rendered too
        assert "on one rater's findings" not in shown.pdf  # one rater is all the evidence
        assert shown.pptx
        deck = Presentation(io.BytesIO(report_bytes(e, "pptx")))
        said = " ".join(
            s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame
        )
        assert "Confidence low; 1 rater" in said  # the factor's slide
    assert "1 finding from 1 rater" in said
    assert not re.search(r"\b1 (raters|findings|factors)\b", said), said
