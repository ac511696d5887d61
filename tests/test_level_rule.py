"""One level rule on every surface: each shows the level a score has reached, floor(score),
and a number that agrees with it.

Every surface that names a score's level is listed in ``SURFACES``: a name and a function that
takes the shared :class:`Case` and returns ``{factor id: (number shown, level name)}`` for the
factors that surface shows. One test checks each surface's level names against
:meth:`Framework.level_reached` for scores on and between levels, including one that is a whole
level only up to floating-point rounding; another checks that each number shown is the one
:func:`toolkit.framework.format_score` gives, so 0.75 (Absent) never reads as 0.8 and 0.996
(Absent) never as 1.0. To add a surface (a dashboard panel, say), append a ``(name, reader)``.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import pytest
from chart_data import records
from frames import number
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader
from soup import text_of

from toolkit import Engagement, Framework, load_framework, radar_chart, score_engagement
from toolkit.framework import score_number
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
    "accountability": [0, 1, 1, 1],  # 0.75: Absent, which one decimal would show as 0.8
}
SIX_THIRDS = sum([1 / 3] * 6)  # 1.9999999999999998: really 2
JUST_UNDER = 0.996  # Absent: one or two decimals rounded to the nearest would show 1.0
#: composure: 249 findings at level 1 and one at 0 from one rater, a mean of 0.996.
JUST_UNDER_LEVELS = [0] + [1] * 249


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
    for factor, levels in {**FINDINGS, "composure": JUST_UNDER_LEVELS}.items():
        for level in levels:
            e = e.add_finding(factor=factor, level=level, evidence="seen", rater="Ana Lima")
        e = e.set_target(factor, 4)
    scores = score_engagement(e)
    scores.loc["main_metric", ["score", "computed"]] = SIX_THIRDS
    scores["gap"] = scores["target"] - scores["score"]
    return Case(engagement=e, scores=scores, framework=load_framework())


# -- how each surface shows a factor's level -----------------------------------------------------

_NUMBER = r"(\d\.\d\d?)"
_SCORE_LINE = re.compile(_NUMBER + r" of 4 \u2014 ([A-Za-z ]+?) \(basis")
Shown = dict[str, tuple[str, str]]


def radar_tooltip(case: Case) -> Shown:
    spec = radar_chart(case.scores, framework=case.framework).to_dict()
    points = [r for r in records(spec) if r.get("series") == "Current" and "level_name" in r]
    return {r["factor"]: (r["score_text"], r["level_name"]) for r in points}


def ranked_tooltip(case: Case) -> Shown:
    from toolkit import ranked_chart

    spec = ranked_chart(case.scores, framework=case.framework).to_dict()
    fw = case.framework
    rows = [r for r in records(spec) if r.get("score_text")]
    return {
        r["factor"]: (r["score_text"], fw.level_name(fw.level_reached(r["score"]))) for r in rows
    }


def html_scores_table(case: Case) -> Shown:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(render_html(case.content, case.figures), "html.parser")
    out = {}
    for tr in soup.select("table.scores tbody tr"):
        cells = tr.find_all("td")
        if "unscored" not in (tr.get("class") or []):
            out[str(tr["data-factor"])] = (cells[1].get_text(), cells[2].get_text())
    return out


def html_factor_sections(case: Case) -> Shown:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(render_html(case.content, case.figures), "html.parser")
    out = {}
    for article in soup.select("article.factor"):
        line = _SCORE_LINE.search(text_of(article, ".score-line"))
        now = article.select_one(".anchor.now h4")
        if line and now:
            name = line.group(2)
            assert now.get_text().endswith(f", {name}")  # "Now: level 1, Ad hoc"
            out[str(article["data-factor"])] = (line.group(1), name)
    return out


def pdf_factor_sections(case: Case) -> Shown:
    pages = PdfReader(io.BytesIO(render_pdf(case.content, case.figures))).pages
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pages)
    names = [(m.group(1), m.group(2)) for m in _SCORE_LINE.finditer(text)]
    scored = [s.factor for s in case.content.sections if s.score is not None]
    assert len(names) == len(scored)  # one score line per scored section, in section order
    return dict(zip(scored, names, strict=True))


def pptx_priority_slides(case: Case) -> Shown:
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
        out[by_label[label]] = (line.group(1), line.group(2))
    return out


def xlsx_scores_sheet(case: Case) -> Shown:
    sheet = load_workbook(io.BytesIO(render_xlsx(case.content)))["Scores"]
    header = [c.value for c in sheet[1]]
    rows = sheet.iter_rows(min_row=2, values_only=True)
    factor, score, level = (header.index(k) for k in ("factor", "score", "level"))
    return {r[factor]: (str(r[score]), r[level]) for r in rows if r[score] is not None}


def cli_score_table(case: Case) -> Shown:
    """``tenfold score``'s table: a factor's label, then its score (the level is not named)."""
    from click.testing import CliRunner

    from toolkit.cli import cli as main
    from toolkit.store import save_engagement

    fw = case.framework
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "e.json"
        save_engagement(case.engagement, path)
        out = CliRunner().invoke(main, ["score", str(path)]).output
    found = {}
    for f in fw.factors:
        line = next((x for x in out.splitlines() if x.startswith(f.id + " ")), None)
        got = re.search(r"\s" + _NUMBER + r"\s", line or "")
        if got is not None:
            found[f.id] = (got.group(1), fw.level_name(fw.level_reached(float(got.group(1)))))
    return found


def assessment_factor_panels(case: Case) -> Shown:
    """The assessment's "This factor" title and present mode's panel, for each scored factor."""
    from toolkit.dashboard.assessment.text import factor_title_html, present_html

    fw = case.framework
    names = [lv.name for lv in fw.levels]
    out = {}
    for fid in case.scores.index[case.scores["score"].notna()]:
        title = re.search(_NUMBER + r" \(([A-Za-z ]+)\)", factor_title_html(case.scores, fw, fid))
        assert title is not None
        name = title.group(2)
        anchor = fw.factor(fid).anchor(names.index(name))
        assert anchor.replace("'", "&#x27;") in present_html(case.scores, fw, fid)
        out[str(fid)] = (title.group(1), name)
    return out


def viewer_panels(case: Case) -> Shown:
    from bs4 import BeautifulSoup

    from toolkit.dashboard.viewer.text import panel_html

    out = {}
    for section in case.content.sections:
        soup = BeautifulSoup(panel_html(case.content, section, open=True, nonce=0), "html.parser")
        head = re.search(r" · " + _NUMBER + r" ([A-Za-z ]+?) · ", text_of(soup, "summary"))
        now = soup.select_one(".tf-anchor b")
        if head and now:
            name = head.group(2)
            assert now.get_text() == f"Now, level {section.level} {name}, looks like:"
            out[section.factor] = (head.group(1), name)
    return out


def viewer_where_to_act_first(case: Case) -> Shown:
    from bs4 import BeautifulSoup

    from toolkit.dashboard.viewer.text import next_steps_html

    soup = BeautifulSoup(next_steps_html(case.content), "html.parser")
    return {
        str(li["data-factor"]): (text_of(li, ".tf-act-score"), text_of(li, ".tf-term"))
        for li in soup.select("li.tf-act")
    }


SURFACES: list[tuple[str, Callable[[Case], Shown]]] = [
    ("radar tooltip", radar_tooltip),
    ("ranked chart tooltip", ranked_tooltip),
    ("tenfold score", cli_score_table),
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
        "accountability": "Absent",  # 0.75
        "composure": "Absent",  # 0.996
    }
    assert number(case.scores, "main_metric", "score") < 2


#: Surfaces that render a whole document (seconds each): in the full run, not the quick one.
RENDERED = {
    "PDF factor sections",
    "PPTX priority slides",
    "HTML scores table",
    "HTML factor sections",
    "tenfold score",
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
    case: Case, surface: str, read: Callable[[Case], Shown]
) -> None:
    fw = case.framework
    shown = {f: name for f, (_, name) in read(case).items()}
    assert len(shown) >= 5, f"{surface} shows too few factors to compare: {shown}"
    want = {f: fw.level_name(fw.level_reached(number(case.scores, f, "score"))) for f in shown}
    assert shown == want, surface


@pytest.mark.parametrize(
    ("surface", "read"),
    [
        pytest.param(name, read, marks=pytest.mark.slow) if name in RENDERED else (name, read)
        for name, read in SURFACES
    ],
    ids=[name for name, _ in SURFACES],
)
def test_every_surface_shows_a_number_that_agrees_with_its_level(
    case: Case, surface: str, read: Callable[[Case], Shown]
) -> None:
    fw = case.framework
    shown = read(case)
    assert {"accountability", "composure"} <= set(shown), f"{surface} misses the boundary cases"
    for factor, (text, name) in shown.items():
        score = number(case.scores, factor, "score")
        assert float(text) == score_number(score), (surface, factor, text, score)
        assert fw.level_name(fw.level_reached(float(text))) == name, (surface, factor, text)
    assert float(shown["accountability"][0]) == 0.75
    assert float(shown["composure"][0]) == 0.99
