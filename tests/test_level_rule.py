"""One level rule on every surface: each shows the level a score has reached, floor(score).

Every surface that names a score's level is listed in ``SURFACES``: a name and a function that
takes the shared :class:`Case` and returns ``{factor id: level name}`` for the factors that
surface shows. One test checks each surface against :meth:`Framework.level_reached` for scores
on and between levels, including one that is a whole level only up to floating-point rounding.
To add a surface (a dashboard panel, say), append a ``(name, reader)`` pair.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
import pytest
from chart_data import records
from frames import number
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader
from soup import text_of

from toolkit import Engagement, Framework, load_framework, radar_chart, score_engagement
from toolkit.report import ReportContent, build_content
from toolkit.report.figures import Figures
from toolkit.report.html import render_html
from toolkit.report.pdf import render_pdf
from toolkit.report.pptx import render_pptx
from toolkit.report.xlsx import render_xlsx

#: One rater per factor, so each factor's score is the mean of these levels.
FINDINGS: dict[str, list[int]] = {
    "sponsorship": [1, 2],  # 1.5: between Ad hoc and Partial
    "main_metric": [2],  # 2.0, replaced below by 2 as a sum of six thirds
    "purpose": [2, 3],  # 2.5
    "originality": [0, 1],  # 0.5
    "connection": [3],  # 3.0: on a level
    "authority": [4],  # 4.0: the top of the scale
}
SIX_THIRDS = sum([1 / 3] * 6)  # 1.9999999999999998: really 2


@dataclass
class Case:
    """The engagement, its scores (one of them a float a hair under 2) and their report."""

    engagement: Engagement
    scores: pd.DataFrame
    framework: Framework

    @cached_property
    def content(self) -> ReportContent:
        return build_content(self.engagement, framework=self.framework, scores=self.scores)

    @cached_property
    def figures(self) -> Figures:
        return Figures(self.content)

    def factor_of_label(self) -> dict[str, str]:
        return {f.label: f.id for f in self.framework.factors}


@pytest.fixture(scope="module")
def case() -> Case:
    e = Engagement.new(client="Level Rule Ltd", lead="Ana Lima")
    for factor, levels in FINDINGS.items():
        for level in levels:
            e = e.add_finding(factor=factor, level=level, evidence="seen", rater="Ana Lima")
        e = e.set_target(factor, 4)
    scores = score_engagement(e)
    scores.loc["main_metric", ["score", "computed"]] = SIX_THIRDS
    scores["gap"] = scores["target"] - scores["score"]
    return Case(engagement=e, scores=scores, framework=load_framework())


# -- how each surface shows a factor's level -----------------------------------------------------

_SCORE_LINE = re.compile(r"(\d\.\d) of 4 \u2014 ([A-Za-z ]+?) \(basis")


def radar_tooltip(case: Case) -> dict[str, str]:
    spec = radar_chart(case.scores, framework=case.framework).to_dict()
    points = [r for r in records(spec) if r.get("series") == "Current" and "level_name" in r]
    return {r["factor"]: r["level_name"] for r in points}


def html_scores_table(case: Case) -> dict[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(render_html(case.content, case.figures), "html.parser")
    out = {}
    for tr in soup.select("table.scores tbody tr"):
        cells = tr.find_all("td")
        if "unscored" not in (tr.get("class") or []):
            out[str(tr["data-factor"])] = cells[2].get_text()  # group, score, level, ...
    return out


def html_factor_sections(case: Case) -> dict[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(render_html(case.content, case.figures), "html.parser")
    out = {}
    for article in soup.select("article.factor"):
        line = _SCORE_LINE.search(text_of(article, ".score-line"))
        now = article.select_one(".anchor.now h4")
        if line and now:
            name = line.group(2)
            assert now.get_text().endswith(f", {name}")  # "Now: level 1, Ad hoc"
            out[str(article["data-factor"])] = name
    return out


def pdf_factor_sections(case: Case) -> dict[str, str]:
    pages = PdfReader(io.BytesIO(render_pdf(case.content, case.figures))).pages
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pages)
    names = [m.group(2) for m in _SCORE_LINE.finditer(text)]
    scored = [s.factor for s in case.content.sections if s.score is not None]
    assert len(names) == len(scored)  # one score line per scored section, in section order
    return dict(zip(scored, names, strict=True))


def pptx_priority_slides(case: Case) -> dict[str, str]:
    prs = Presentation(io.BytesIO(render_pptx(case.content, case.figures)))
    by_label = case.factor_of_label()
    out = {}
    for slide in prs.slides:
        if not slide.shapes.title.text.startswith("Priority "):
            continue
        label = slide.shapes.title.text.split(": ", 1)[1]
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        line = _SCORE_LINE.search(text)
        assert line is not None
        assert f"Now \u2014 {line.group(2)}" in text
        out[by_label[label]] = line.group(2)
    return out


def xlsx_scores_sheet(case: Case) -> dict[str, str]:
    sheet = load_workbook(io.BytesIO(render_xlsx(case.content)))["Scores"]
    header = [c.value for c in sheet[1]]
    rows = sheet.iter_rows(min_row=2, values_only=True)
    factor, level = header.index("factor"), header.index("level")
    return {r[factor]: r[level] for r in rows if r[header.index("score")] is not None}


def assessment_factor_panels(case: Case) -> dict[str, str]:
    """The assessment's "This factor" title and present mode's panel, for each scored factor."""
    from toolkit.dashboard.assessment.text import factor_title_html, present_html

    fw = case.framework
    names = [lv.name for lv in fw.levels]
    out = {}
    for fid in case.scores.index[case.scores["score"].notna()]:
        title = re.search(r"\d\.\d \(([A-Za-z ]+)\)", factor_title_html(case.scores, fw, fid))
        assert title is not None
        name = title.group(1)
        anchor = fw.factor(fid).anchor(names.index(name))
        assert anchor.replace("'", "&#x27;") in present_html(case.scores, fw, fid)
        out[str(fid)] = name
    return out


def viewer_panels(case: Case) -> dict[str, str]:
    from bs4 import BeautifulSoup

    from toolkit.dashboard.viewer.text import panel_html

    out = {}
    for section in case.content.sections:
        soup = BeautifulSoup(panel_html(case.content, section, open=True, nonce=0), "html.parser")
        head = re.search(r" · (\d\.\d) ([A-Za-z ]+?) · ", text_of(soup, "summary"))
        now = soup.select_one(".tf-anchor b")
        if head and now:
            name = head.group(2)
            assert now.get_text() == f"Now, level {section.level} {name}, looks like:"
            out[section.factor] = name
    return out


def viewer_where_to_act_first(case: Case) -> dict[str, str]:
    from bs4 import BeautifulSoup

    from toolkit.dashboard.viewer.text import next_steps_html

    soup = BeautifulSoup(next_steps_html(case.content), "html.parser")
    return {str(li["data-factor"]): text_of(li, ".tf-term") for li in soup.select("li.tf-act")}


SURFACES: list[tuple[str, Callable[[Case], dict[str, str]]]] = [
    ("radar tooltip", radar_tooltip),
    ("HTML scores table", html_scores_table),
    ("HTML factor sections", html_factor_sections),
    ("PDF factor sections", pdf_factor_sections),
    ("PPTX priority slides", pptx_priority_slides),
    ("XLSX Scores sheet", xlsx_scores_sheet),
    ("assessment factor panels", assessment_factor_panels),
    ("viewer factor panels", viewer_panels),
    ("viewer: where to act first", viewer_where_to_act_first),
]


def test_the_case_covers_scores_on_and_between_levels(case: Case) -> None:
    fw = case.framework
    want = {f: fw.level_name(fw.level_reached(s)) for f, s in case.scores["score"].dropna().items()}
    assert want == {
        "sponsorship": "Ad hoc",  # 1.5
        "main_metric": "Partial",  # 1.9999999999999998
        "purpose": "Partial",  # 2.5
        "originality": "Absent",  # 0.5
        "connection": "Established",  # 3.0
        "authority": "Embedded",  # 4.0
    }
    assert number(case.scores, "main_metric", "score") < 2


#: Surfaces that render a whole document (seconds each): in the full run, not the quick one.
RENDERED = {
    "PDF factor sections",
    "PPTX priority slides",
    "HTML scores table",
    "HTML factor sections",
}


@pytest.mark.parametrize(
    ("surface", "read"),
    [
        pytest.param(name, read, marks=pytest.mark.slow) if name in RENDERED else (name, read)
        for name, read in SURFACES
    ],
    ids=[name for name, _ in SURFACES],
)
def test_every_surface_names_the_level_the_score_has_reached(
    case: Case, surface: str, read: Callable[[Case], dict[str, str]]
) -> None:
    fw = case.framework
    shown = read(case)
    assert len(shown) >= 5, f"{surface} shows too few factors to compare: {shown}"
    want = {f: fw.level_name(fw.level_reached(number(case.scores, f, "score"))) for f in shown}
    assert shown == want, surface
