"""Client reports: each format is opened with its own reader and checked for content.

HTML with BeautifulSoup, PDF with pypdf, PPTX with python-pptx, XLSX with openpyxl. Each format
of each engagement is built once per module, when a test first asks for it. The PDF and PPTX
tests render whole documents (seconds each): they are marked slow, and run in ``make test``,
not in ``make quick``.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from openpyxl import load_workbook
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from soup import attr, classes, one, text_of

from toolkit import (
    Engagement,
    ExportError,
    build_report,
    load_engagement,
    load_framework,
    report_bytes,
    score_engagement,
    summarize,
)
from toolkit.cli import cli
from toolkit.provenance import provenance as tf_provenance
from toolkit.report import build_content, report_filename

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"

HOSTILE_CLIENT = 'Café "Ünïcode" 🚀 مرحبا'
HOSTILE_LEAD = "Zoë O'Brien & <Partners>"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://example.invalid","click")'
RTL_EVIDENCE = "قال المدير إن الخدمة ليست أولوية"


def _hostile() -> Engagement:
    """Quotes, accents, emoji and Arabic in the client; markup and a formula in the evidence.

    ``main_metric`` has seven findings, more than a slide shows; ``composure`` has none.
    """
    e = Engagement.new(
        client=HOSTILE_CLIENT,
        lead=HOSTILE_LEAD,
        title="Diagnostic <draft> & notes",
        date=dt.date(2026, 11, 20),
    )
    e = e.add_finding(factor="sponsorship", level=1, evidence=SCRIPT, rater="Ana")
    e = e.add_finding(factor="sponsorship", level=0, evidence=FORMULA, rater="Ben")
    e = e.add_finding(factor="purpose", level=2, evidence=RTL_EVIDENCE, rater="سارة")
    for i in range(7):
        e = e.add_finding(
            factor="main_metric",
            level=i % 2,
            evidence=f"Observation {i + 1}: agents chase handle time over resolution.",
            source="observation",
            rater="Ana" if i % 2 else "Ben",
        )
    for fid in ("sponsorship", "main_metric", "purpose", "composure"):
        e = e.set_target(fid, 3)
    return e


@pytest.fixture(scope="module")
def sample() -> Engagement:
    return load_engagement(SAMPLE)


@pytest.fixture(scope="module")
def hostile() -> Engagement:
    return _hostile()


class Reports:
    """The reports of one engagement, each format written by build_report the first time a test
    asks for it (the quick run asks for HTML and XLSX only)."""

    def __init__(self, engagement: Engagement, folder: Path, stem: str) -> None:
        self.engagement, self.folder, self.stem = engagement, folder, stem
        self._built: dict[str, Path] = {}

    def __getitem__(self, fmt: str) -> Path:
        if fmt not in self._built:
            self._built[fmt] = build_report(self.engagement, self.folder / f"{self.stem}.{fmt}")
        return self._built[fmt]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample: Engagement) -> Reports:
    """The sample's report in every format, written by build_report."""
    return Reports(sample, tmp_path_factory.mktemp("reports"), "harbourline")


@pytest.fixture(scope="module")
def hostile_built(tmp_path_factory: pytest.TempPathFactory, hostile: Engagement) -> Reports:
    return Reports(hostile, tmp_path_factory.mktemp("hostile"), "hostile")


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def _pdf_dict(value: Any) -> DictionaryObject:
    """A dictionary of a PDF, read through the indirect reference that may point at it."""
    found = value.get_object()
    assert isinstance(found, DictionaryObject), found
    return found


def _slide_texts(slide: Any) -> list[str]:
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(shape.text_frame.text)
        if shape.has_table:
            texts += [c.text for row in shape.table.rows for c in row.cells]
    return texts


# -- the content model -------------------------------------------------------------------------


def test_sections_come_in_priority_order_then_the_rest(sample: Engagement) -> None:
    content = build_content(sample)
    priorities = summarize(score_engagement(sample)).priorities
    order = [s.factor for s in content.sections]
    assert order[: len(priorities)] == list(priorities)
    # then the assessed factor meeting its target, then not assessed, then not applicable
    assert order[len(priorities) :] == ["authority", "composure", "cx_executive"]
    assert [s.priority for s in content.sections[:3]] == [1, 2, 3]


def test_fractional_score_reaches_the_lower_level(sample: Engagement) -> None:
    section = {s.factor: s for s in build_content(sample).sections}["main_metric"]
    assert section.score == 1.5
    assert (section.level, section.level_name) == (1, "Ad hoc")
    assert section.level_anchor == load_framework().factor("main_metric").anchor(1)
    assert section.target_anchor == load_framework().factor("main_metric").anchor(3)


def test_engagement_without_findings_reports_nothing_assessed() -> None:
    empty = Engagement.new(client="Acme Care", lead="Ana Lima", date=dt.date(2026, 1, 5))
    content = build_content(empty)
    assert content.summary.assessed == 0
    assert content.summary.mean_text == ""
    assert content.summary.priorities == ()
    assert {s.status for s in content.sections} == {"not assessed"}
    assert all(r.score is None and r.score_text == "not assessed" for r in content.summary.rows)


# -- HTML --------------------------------------------------------------------------------------


def test_html_cover_names_client_title_lead_date_and_framework(built: Reports) -> None:
    cover = one(_soup(built["html"]), "header.cover")
    assert cover is not None
    assert text_of(cover, ".client") == "Harbourline Contact Services"
    text = cover.get_text(" ")
    assert "Maya Okafor" in text
    assert "2026-11-16" in text
    assert "tenfold version 1.0.0" in text


def test_html_factor_sections_follow_priority_order(built: Reports, sample: Engagement) -> None:
    priorities = summarize(score_engagement(sample)).priorities
    articles = _soup(built["html"]).select("article.factor")
    assert len(articles) == 10
    assert [a["data-factor"] for a in articles[: len(priorities)]] == list(priorities)
    assert text_of(articles[0], "h3") == "Priority 1: Executive sponsorship"


def test_html_unscored_factors_say_why_and_never_zero(built: Reports) -> None:
    soup = _soup(built["html"])
    row = one(soup, 'table.scores tr[data-factor="composure"]')
    assert text_of(row, "td.score") == "not assessed"
    assert "0.0" not in row.get_text()
    composure = one(soup, "#factor-composure")
    assert text_of(composure, "h3") == "Composure (not assessed)"
    assert "It is not counted as zero" in composure.get_text()
    na = one(soup, "#factor-cx_executive")
    assert text_of(na, "h3") == "Service executive (not applicable)"
    assert text_of(soup, 'table.scores tr[data-factor="cx_executive"] td.score') == (
        "not applicable"
    )


def test_html_sections_show_anchors_findings_and_remedies(
    built: Reports, sample: Engagement
) -> None:
    fw = load_framework()
    article = one(_soup(built["html"]), "#factor-sponsorship")
    anchors = [p.get_text() for p in article.select(".anchor p")]
    assert anchors == [fw.factor("sponsorship").anchor(1), fw.factor("sponsorship").anchor(3)]
    rows = article.select("table.evidence tbody tr")
    mine = [f for f in sample.findings if f.factor == "sponsorship"]
    assert len(rows) == len(mine) == 6
    cells = [td.get_text() for td in rows[0].select("td")]
    first = min(mine, key=lambda f: f.recorded_at)
    assert cells[:4] == [str(first.level), first.evidence, first.source, first.rater]
    remedies = [li.get_text() for li in article.select(".remedies li")]
    assert remedies == list(fw.factor("sponsorship").remedies)


def test_html_shows_consensus_reason_and_disagreement(built: Reports) -> None:
    soup = _soup(built["html"])
    consensus = text_of(soup, "#factor-accountability .callout.consensus")
    assert "Consensus level 1 (Ad hoc)" in consensus
    assert "team calibration session" in consensus
    assert "Raters disagree by 2.0 levels" in text_of(soup, "#factor-authority")


def test_html_summary_lists_weakest_consensus_and_coverage(built: Reports) -> None:
    summary = one(_soup(built["html"]), "#summary")
    # Ad hoc or worse by the level rule: the three factors at 1.5 have reached Ad hoc too.
    assert text_of(summary, ".weakest") == (
        "Executive sponsorship, Clear main metric, Shared purpose, Energising the team, "
        "Owning failures"
    )
    assert text_of(summary, ".needs-consensus") == "Earned authority"
    coverage = text_of(summary, ".coverage")
    assert coverage.startswith("8 of 10 factors assessed (1 not assessed, 1 not applicable)")
    assert "high 8" in text_of(summary, ".confidence")


def test_html_is_self_contained_with_inline_vector_charts(built: Reports) -> None:
    raw = built["html"].read_text(encoding="utf-8")
    soup = BeautifulSoup(raw, "html.parser")
    assert soup.find_all("script") == []
    assert soup.find_all("link") == []
    for tag in soup.find_all(src=True):
        assert attr(tag, "src").startswith("data:"), attr(tag, "src")[:60]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", raw)
    assert "@import" not in raw and "url(http" not in raw
    images = soup.select("figure.chart img")
    assert [classes(img.parent)[-1] for img in images] == ["radar", "ranked"]
    for img in images:
        prefix = "data:image/svg+xml;base64,"
        assert attr(img, "src").startswith(prefix)
        svg = ET.fromstring(base64.b64decode(attr(img, "src")[len(prefix) :]))
        assert svg.tag.endswith("svg")
        assert img["alt"]


def test_html_has_print_css_with_page_numbers(built: Reports) -> None:
    style = text_of(_soup(built["html"]), "style")
    assert "@media print" in style
    assert "counter(page)" in style
    assert "break-before: page" in style


def test_html_escapes_engagement_text(hostile_built: Reports) -> None:
    raw = hostile_built["html"].read_text(encoding="utf-8")
    assert SCRIPT not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    soup = BeautifulSoup(raw, "html.parser")
    assert soup.find_all("script") == []
    assert text_of(soup, ".client") == HOSTILE_CLIENT
    assert text_of(soup, "title") == f"Diagnostic <draft> & notes — {HOSTILE_CLIENT}"
    assert attr(one(soup, 'meta[name="author"]'), "content") == HOSTILE_LEAD
    evidence = [td.get_text() for td in soup.select("#factor-sponsorship td.evidence-text")]
    assert evidence == [SCRIPT, FORMULA]
    assert RTL_EVIDENCE in [td.get_text() for td in soup.select("td.evidence-text")]
    assert attr(one(soup, ".client"), "dir") == "auto"


# -- PDF ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_has_every_part_in_order(built: Reports, sample: Engagement) -> None:
    pages = _pdf_pages(built["pdf"])
    assert 6 <= len(pages) <= 20
    text = "\n".join(pages)
    assert "Harbourline Contact Services" in pages[0]
    heads = ["Summary", "The picture: radar and ranking", "Factor by factor"]
    heads += [
        f"Priority {i}: {load_framework().factor(f).label}"
        for i, f in enumerate(summarize(score_engagement(sample)).priorities, start=1)
    ]
    heads += ["Composure (not assessed)", "Service executive (not applicable)", "Appendix"]
    positions = [text.find(h) for h in heads]
    assert -1 not in positions, dict(zip(heads, positions, strict=True))
    assert positions == sorted(positions)
    assert f"Page 2 of {len(pages)}" in pages[1]


@pytest.mark.slow
def test_pdf_charts_are_vector_graphics(built: Reports) -> None:
    reader = PdfReader(built["pdf"])
    assert all(len(page.images) == 0 for page in reader.pages)
    chart_page = next(
        p for p in reader.pages if "Current scores against targets" in (p.extract_text() or "")
    )
    # The radar's ring labels are text in the PDF, so the chart was drawn, not pasted in.
    assert "Established" in (chart_page.extract_text() or "")


def _pdftotext(path: Path) -> str:
    """Poppler's text of a PDF (``make system-deps`` installs it).

    pypdf cannot decode the custom font encoding WeasyPrint writes once Arabic glyphs are on a
    page (py-pdf/pypdf#621), so the text of the awkward-text report is read with poppler.
    """
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) is missing; run `make system-deps`")
    done = subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@pytest.mark.slow
def test_pdf_draws_text_with_text_fonts(built: Reports) -> None:
    # An emoji font named in the CSS made Pango draw every digit with its keycap glyphs.
    fonts = set()
    for page in PdfReader(built["pdf"]).pages:
        for font in _pdf_dict(_pdf_dict(page["/Resources"])["/Font"]).values():
            fonts.add(str(_pdf_dict(font)["/BaseFont"]).split("+")[-1])
    assert any(f.startswith("DejaVu-Sans") for f in fonts)
    assert not [f for f in fonts if "Emoji" in f]


@pytest.mark.slow
def test_pdf_escapes_engagement_text(hostile_built: Reports) -> None:
    text = _pdftotext(hostile_built["pdf"])
    assert SCRIPT in text  # shown as text, not swallowed as markup
    assert 'Café "Ünïcode" 🚀' in text
    assert "مرحبا" in text
    assert RTL_EVIDENCE in text
    reader = PdfReader(hostile_built["pdf"])
    assert reader.metadata is not None
    assert reader.metadata.title == f"Diagnostic <draft> & notes — {HOSTILE_CLIENT}"


# -- PPTX --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_pptx_has_title_summary_charts_and_top_five_priorities(
    built: Reports, sample: Engagement
) -> None:
    prs = Presentation(str(built["pptx"]))
    priorities = summarize(score_engagement(sample)).priorities
    assert len(priorities) == 7
    slides = list(prs.slides)
    assert len(slides) == 5 + 5
    assert (prs.slide_width, prs.slide_height) == (Emu(12_192_000), Emu(6_858_000))
    titles = [s.shapes.title.text for s in slides]
    assert titles[0] == sample.title
    assert "Harbourline Contact Services" in _slide_texts(slides[0])[1]
    assert titles[1:3] == ["What to do next", "Summary"]
    labels = [load_framework().factor(f).label for f in priorities[:5]]
    assert titles[5:] == [f"Priority {i}: {label}" for i, label in enumerate(labels, start=1)]
    for slide in slides[3:5]:
        pictures = [s for s in slide.shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        assert len(pictures) == 1
        assert pictures[0].image.content_type == "image/png"


@pytest.mark.slow
def test_pptx_summary_marks_unscored_factors(built: Reports) -> None:
    texts = _slide_texts(Presentation(str(built["pptx"])).slides[2])
    assert "not assessed" in texts
    assert "not applicable" in texts
    assert "0.0" not in texts


@pytest.mark.slow
def test_pptx_shapes_stay_on_the_slide(built: Reports) -> None:
    prs = Presentation(str(built["pptx"]))
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= prs.slide_width, (number, shape.name)
            assert shape.top + shape.height <= prs.slide_height, (number, shape.name)


def _long_winded() -> Engagement:
    """Long titles, names, evidence and reasons everywhere: what a slide must cut to fit."""
    e = Engagement.new(
        client="Very Long Client Name Holdings International Customer Care Division " * 3,
        lead="Maximilian Alexander von Hohenzollern-Sigmaringen " * 2,
        title="A very long diagnostic title that goes on about service management " * 2,
        date=dt.date(2026, 1, 1),
    )
    evidence = "Evidence with many words that keeps going well beyond one line of a slide " * 6
    for fid in ("sponsorship", "main_metric", "purpose", "authority", "connection"):
        for i in range(8):
            e = e.add_finding(
                factor=fid, level=i % 5, evidence=evidence, rater=f"Rater With A Long Name {i % 3}"
            )
        e = e.set_target(fid, 4)
    return e.set_override("connection", 0, reason="A long consensus reason " * 20, by="Ana")


def _text_height(frame: Any, width: int) -> float:
    """Estimated height (EMU) of a text frame's wrapped text, measured in Liberation Sans.

    Liberation Sans is wider than the template's Calibri, so the estimate errs on the safe side.
    """
    from PIL import ImageFont

    font_file = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf")
    if not font_file.exists():
        pytest.skip("Liberation Sans (fonts-liberation) is missing")
    emu_per_pt = 12700
    inner = width - 2 * 91440  # default left and right insets of 0.1 in
    height = 2 * 45720.0  # default top and bottom insets of 0.05 in
    for p in frame.paragraphs:
        size = p.runs[0].font.size.pt if p.runs and p.runs[0].font.size else 18
        font = ImageFont.truetype(str(font_file), 100)  # bold: the wider face, for all text
        lines, line = 1, ""
        for word in p.text.split(" "):
            trial = f"{line} {word}".strip()
            if font.getlength(trial) * size / 100 * emu_per_pt > inner and line:
                lines, line = lines + 1, word
            else:
                line = trial
        height += (p.space_before.pt if p.space_before is not None else 0) * emu_per_pt
        height += lines * size * 1.2 * emu_per_pt
    return height


@pytest.mark.slow
def test_pptx_text_fits_its_boxes(tmp_path: Path, built: Reports) -> None:
    decks = [built["pptx"], build_report(_long_winded(), tmp_path / "long.pptx")]
    for deck in decks:
        for number, slide in enumerate(Presentation(str(deck)).slides, start=1):
            for shape in slide.shapes:
                if shape.has_text_frame and shape.text_frame.text:
                    needed = _text_height(shape.text_frame, shape.width)
                    assert needed <= shape.height, (deck.name, number, shape.name)
                if shape.has_table:
                    table = shape.table
                    for row in table.rows:
                        for i, cell in enumerate(row.cells):
                            needed = _text_height(cell.text_frame, table.columns[i].width)
                            assert needed <= row.height, (deck.name, number, cell.text)


@pytest.mark.slow
def test_pptx_cuts_long_evidence_lists(hostile_built: Reports) -> None:
    prs = Presentation(str(hostile_built["pptx"]))
    slide = next(s for s in prs.slides if s.shapes.title.text.endswith("Clear main metric"))
    text = "\n".join(_slide_texts(slide))
    assert text.count("Observation ") == 4
    assert "and 3 more findings" in text


@pytest.mark.slow
def test_pptx_keeps_engagement_text_literal(hostile_built: Reports) -> None:
    prs = Presentation(str(hostile_built["pptx"]))
    slides = list(prs.slides)
    assert slides[0].shapes.title.text == "Diagnostic <draft> & notes"
    assert _slide_texts(slides[0])[1].splitlines()[0] == HOSTILE_CLIENT
    everything = "\n".join(t for s in slides for t in _slide_texts(s))
    assert SCRIPT in everything
    assert FORMULA in everything


# -- XLSX --------------------------------------------------------------------------------------


def test_xlsx_has_four_sheets_with_frozen_headers_and_widths(built: Reports) -> None:
    wb = load_workbook(built["xlsx"])
    assert wb.sheetnames == ["Where to act first", "Scores", "Findings", "Framework", "About"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws["A1"].font.bold
    findings = wb["Findings"]
    header = [c.value for c in findings[1]]
    evidence_col = findings.cell(row=1, column=header.index("evidence") + 1).column_letter
    assert findings.column_dimensions[evidence_col].width > 40
    assert findings.max_row == 1 + 45


def test_xlsx_scores_leave_unscored_factors_empty_not_zero(built: Reports) -> None:
    ws = load_workbook(built["xlsx"])["Scores"]
    header = [c.value for c in ws[1]]
    rows = {r[header.index("factor")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 10
    composure = rows["composure"]
    assert composure[header.index("score")] is None
    assert composure[header.index("level")] == "not assessed"
    assert rows["cx_executive"][header.index("level")] == "not applicable"
    assert rows["main_metric"][header.index("score")] == 1.5
    assert rows["sponsorship"][header.index("priority")] == 1
    assert rows["authority"][header.index("priority")] is None


def test_xlsx_neutralises_formulas_and_keeps_text(hostile_built: Reports) -> None:
    wb = load_workbook(hostile_built["xlsx"])
    ws = wb["Findings"]
    header = [c.value for c in ws[1]]
    col = header.index("evidence")
    cells = [row[col] for row in ws.iter_rows(min_row=2)]
    formula = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert formula.value == "'" + FORMULA
    assert formula.data_type == "s"
    values = [c.value for c in cells]
    assert SCRIPT in values and RTL_EVIDENCE in values
    assert wb.properties.title == f"Diagnostic <draft> & notes — {HOSTILE_CLIENT}"
    assert wb.properties.creator == HOSTILE_LEAD


# -- build_report, report_bytes, report_filename -----------------------------------------------


def test_report_filename_is_a_safe_ascii_slug(sample: Engagement, hostile: Engagement) -> None:
    assert report_filename(sample, "pdf") == "harbourline-contact-services-2026-11-16.pdf"
    assert report_filename(hostile, "xlsx") == "cafe-unicode-2026-11-20.xlsx"
    arabic = Engagement.new(client="مرحبا", lead="x", date=dt.date(2026, 1, 2))
    assert report_filename(arabic, "html") == "report-2026-01-02.html"


def test_report_bytes_match_the_requested_format(sample: Engagement) -> None:
    html = report_bytes(sample, "html")
    assert html.startswith(b"<!DOCTYPE html>")
    xlsx = report_bytes(sample, "xlsx")
    assert xlsx[:2] == b"PK"
    assert load_workbook(io.BytesIO(xlsx)).sheetnames == [
        "Where to act first",
        "Scores",
        "Findings",
        "Framework",
        "About",
    ]
    with pytest.raises(ExportError, match="unsupported report format 'docx'"):
        report_bytes(sample, "docx")


def test_build_report_rejects_an_unknown_suffix(tmp_path: Path, sample: Engagement) -> None:
    out = tmp_path / "report.docx"
    with pytest.raises(ExportError, match=r"report\.docx: unsupported report format '\.docx'"):
        build_report(sample, out)
    assert not out.exists()


def test_build_report_format_overrides_the_suffix(tmp_path: Path, sample: Engagement) -> None:
    out = build_report(sample, tmp_path / "report.txt", format="html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_build_report_names_a_missing_folder(tmp_path: Path, sample: Engagement) -> None:
    out = tmp_path / "nowhere" / "report.xlsx"
    with pytest.raises(ExportError, match=r"nowhere.*does not exist"):
        build_report(sample, out)


def test_failed_build_leaves_the_previous_report_untouched(
    tmp_path: Path, sample: Engagement, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.xlsx"
    out.write_bytes(b"previous report")

    def broken(content: object) -> bytes:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("toolkit.report.xlsx.render_xlsx", broken)
    with pytest.raises(ExportError, match=r"report\.xlsx: XLSX report .* disk on fire"):
        build_report(sample, out)
    assert out.read_bytes() == b"previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


# -- tenfold report ----------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_report_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "deck.pptx"
    result = CliRunner().invoke(cli, ["report", str(SAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    assert len(Presentation(str(out)).slides) == 10


def test_cli_report_defaults_to_an_html_file_named_after_the_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["report", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "harbourline-contact-services-2026-11-16.html").is_file()


def test_cli_report_bad_suffix_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", str(SAMPLE), "-o", str(tmp_path / "r.doc")])
    assert result.exit_code == 2
    assert "tenfold: error:" in result.output
    assert "unsupported report format '.doc'" in result.output
    assert "Traceback" not in result.output


# -- long evidence in the PDF ------------------------------------------------------------------


LONG_URL = "https://intranet.example.invalid/reports/contact-centre/" + "q" * 160 + "/weekly.pdf"
LONG_WORDS = [f"w{i:04d}" for i in range(2000)]


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    e = Engagement.new(client="Longform Care", lead="Ana Lima", date=dt.date(2026, 11, 20))
    e = e.add_finding(
        factor="purpose", level=1, evidence=f"See {LONG_URL} for the numbers", rater="Rater Url"
    )
    e = e.add_finding(factor="purpose", level=2, evidence=" ".join(LONG_WORDS), rater="Rater Long")
    e = e.add_finding(factor="purpose", level=3, evidence="A short note", rater="Rater Short")
    return build_report(e, tmp_path_factory.mktemp("long") / "long.pdf")


def _pdf_words(path: Path) -> list[tuple[str, float, float]]:
    """Each word pdftotext finds, with its right edge and its page's width."""
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) is missing; run `make system-deps`")
    done = subprocess.run(
        [exe, "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    words = []
    for block in re.finditer(rb'<page width="([\d.]+)"(.*?)</page>', done.stdout, re.S):
        width = float(block.group(1))
        for m in re.finditer(
            rb'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*?)</word>', block.group(2)
        ):
            words.append((m.group(2).decode("utf-8"), float(m.group(1)), width))
    return words


@pytest.mark.slow
def test_pdf_keeps_every_word_of_long_evidence(long_pdf: Path) -> None:
    words = _pdf_words(long_pdf)
    found = {w for w, _, _ in words}
    missing = [w for w in LONG_WORDS if w not in found]
    assert missing == [], f"{len(missing)} of {len(LONG_WORDS)} words missing, from {missing[0]}"
    assert {"Rater", "Url", "Long", "Short"} <= found


@pytest.mark.slow
def test_pdf_breaks_a_long_url_and_keeps_every_column_on_the_page(long_pdf: Path) -> None:
    words = _pdf_words(long_pdf)
    assert all(right <= width for _, right, width in words), [
        w for w, right, width in words if right > width
    ][:5]
    text = "".join(w for w, _, _ in words)
    assert LONG_URL in text  # broken across lines, but every character is there, in order


# -- rater agreement, unsettled priorities and provenance, in every format ----------------------


def test_content_lists_disagreement_unsettled_priorities_and_provenance(sample: Engagement) -> None:
    content = build_content(sample)
    summary = content.summary
    assert summary.raters_disagree == (
        "Earned authority (r_wg 0.33)",
        "Owning failures (r_wg 0.00)",
    )
    assert summary.unsettled_priorities[0] == "Executive sponsorship"
    assert "Owning failures" not in summary.unsettled_priorities  # its consensus level holds it
    sections = {s.factor: s for s in content.sections}
    assert sections["sponsorship"].priority_note == (
        "Rank depends on one rater: priority 2 without Maya Okafor's findings, "
        "priority 3 without Tomás Herrera's findings."
    )
    assert sections["accountability"].priority_note == ""
    assert sections["authority"].agreement_line == "r_wg 0.33: the raters disagree (below 0.70)"
    assert sections["composure"].agreement_line == ""  # no raters, no figure
    assert content.provenance == tf_provenance(sample)


def test_html_shows_agreement_unsettled_ranks_and_provenance(
    built: Reports, sample: Engagement
) -> None:
    soup = _soup(built["html"])
    mark = tf_provenance(sample).text
    assert attr(one(soup, 'meta[name="tenfold-provenance"]'), "content") == mark
    assert text_of(soup, ".cover-facts .provenance") == mark
    assert mark in text_of(soup, "footer.colophon")
    summary = one(soup, "#summary")
    assert "Earned authority (r_wg 0.33)" in text_of(summary, ".raters-disagree")
    assert "Executive sponsorship" in text_of(summary, ".unsettled-priorities")
    assert text_of(summary, ".panel-alpha").startswith("Krippendorff's alpha 0.00")
    row = text_of(summary, 'tr[data-factor="authority"]')
    assert "needs consensus" in row and "raters disagree" in row
    note = text_of(soup, "#factor-sponsorship .callout.unsettled")
    assert note.startswith("Rank depends on one rater")
    assert soup.select_one("#factor-accountability .callout.unsettled") is None
    agreement = text_of(soup, "#factor-accountability .agreement-line")
    assert agreement == "r_wg 0.00: the raters disagree (below 0.70)"


@pytest.mark.slow
def test_pdf_carries_provenance_on_every_page_and_the_marks(
    built: Reports, sample: Engagement
) -> None:
    pages = _pdf_pages(built["pdf"])
    data = f"data {tf_provenance(sample).data_hash}"
    assert all(data in page for page in pages)
    everything = " ".join(" ".join(p.split()) for p in pages)
    assert "Rank depends on one rater: priority 2 without Maya Okafor" in everything
    assert "Raters disagree Earned authority (r_wg 0.33), Owning failures (r_wg 0.00)" in everything
    metadata = PdfReader(built["pdf"]).metadata
    assert metadata is not None and metadata.subject == tf_provenance(sample).text


@pytest.mark.slow
def test_pptx_carries_provenance_and_the_marks(built: Reports, sample: Engagement) -> None:
    prs = Presentation(str(built["pptx"]))
    slides = list(prs.slides)
    assert tf_provenance(sample).text in _slide_texts(slides[0])[1]
    assert prs.core_properties.comments == tf_provenance(sample).text
    assert "Earned authority (r_wg 0.33), Owning failures (r_wg 0.00)" in _slide_texts(slides[2])[1]
    first = "\n".join(_slide_texts(slides[5]))
    assert slides[5].shapes.title.text == "Priority 1: Executive sponsorship"
    assert "Rank depends on one rater: priority 2 without Maya Okafor" in first
    third = "\n".join(_slide_texts(slides[7]))
    assert "r_wg 0.00: the raters disagree (below 0.70)" in third


def test_xlsx_carries_agreement_and_provenance(built: Reports, sample: Engagement) -> None:
    wb = load_workbook(built["xlsx"])
    about = {row[0]: row[1] for row in wb["About"].iter_rows(min_row=2, values_only=True)}
    mark = tf_provenance(sample)
    assert (about["tenfold_version"], about["scoring_rule"]) == (mark.tenfold_version, "1")
    assert about["data_hash"] == mark.data_hash
    assert wb.properties.description == mark.text
    sheet = wb["Scores"]
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("factor")]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    authority = rows["authority"]
    assert authority[header.index("r_wg")] == pytest.approx(0.333, abs=1e-3)
    assert authority[header.index("raters_disagree")] == "yes"
    assert rows["sponsorship"][header.index("rank_note")].startswith("Rank depends on one rater")
    assert rows["composure"][header.index("r_wg")] is None  # no raters: empty, never 0
