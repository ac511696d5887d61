"""Anonymity that holds: no group of fewer than k respondents, and no group that subtraction
could reveal, can be read from anything Tenfold makes of a staff survey.

A reader (:func:`readable_groups`, :func:`assert_nothing_derivable`) takes what a surface
shows (each group's factor, segment and respondents, and the groups it says are hidden) and
tries every subtraction a curious reader could: everyone minus the segments shown. The
property tests feed it random surveys through the engagement file, a shared copy, the
analyst's DataFrame, the CSV export, the HTML report, the workbook, the deck and the PDF.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from examples import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from survey_exports import TEAM_QUESTION, export

from toolkit import Engagement, load_engagement, save_engagement
from toolkit.cli import cli
from toolkit.framework import load_framework
from toolkit.report import report_bytes
from toolkit.share import shared_copy
from toolkit.survey.aggregate import (
    REASON_COMPLEMENT,
    REASON_LAST,
    REASON_REST,
    REASON_SMALL,
    aggregate,
    suppressed_segments,
)
from toolkit.survey.compare import survey_frame
from toolkit.survey.importer import survey_from_bytes
from toolkit.survey.model import StaffSurvey, SurveyComment, SurveyGroup

FW = load_framework()
FACTORS = ("composure", "connection")
LABEL = {f.id: f.label for f in FW.factors}
BY_LABEL = {f.label: f.id for f in FW.factors}

Shown = dict[tuple[str, str | None], int]


def assert_nothing_derivable(shown: Shown, hidden: set[tuple[str, str | None]], k: int) -> None:
    """Fail if a group of fewer than ``k`` can be read or worked out from what is shown.

    ``shown`` maps (factor, segment or None for everyone) to respondents; ``hidden`` are the
    groups a surface says it does not show.
    """
    for (factor, segment), n in shown.items():
        assert n >= k, f"{factor}/{segment}: a group of {n} is shown (k={k})"
    for factor in {f for f, _ in [*shown, *hidden]}:
        parent = shown.get((factor, None))
        segments = {s: n for (f, s), n in shown.items() if f == factor and s is not None}
        hidden_segments = {s for f, s in hidden if f == factor and s is not None}
        if parent is None:
            assert not segments, f"{factor}: segments shown while everyone is hidden"
            continue
        rest = parent - sum(segments.values())
        assert rest >= 0
        # Everyone minus the segments shown is itself a group: none, or k and more.
        assert rest == 0 or rest >= k, f"{factor}: subtraction reveals a group of {rest}"
        if hidden_segments:
            assert rest >= k, f"{factor}: the hidden segments together are {rest}"
            assert len(segments) != 1, f"{factor}: one segment shown beside hidden ones"


def _from_survey(survey: StaffSurvey) -> tuple[Shown, set[tuple[str, str | None]]]:
    shown = {(g.factor, g.segment): g.n for g in survey.groups if g.shown and g.n is not None}
    hidden = {(g.factor, g.segment) for g in survey.groups if not g.shown}
    return shown, hidden


# -- the rules, one by one ---------------------------------------------------------------------


def test_small_segment_is_suppressed() -> None:
    # C and D are hidden; together they are 6, so subtracting A and B reveals no one.
    assert suppressed_segments(26, {"A": 10, "B": 10, "C": 2, "D": 4}, 5) == {
        "C": REASON_SMALL.format(k=5),
        "D": REASON_SMALL.format(k=5),
    }


def test_segment_close_to_everyone_is_suppressed_with_a_partner() -> None:
    # B has 16 of 19: the other 3 could be worked out by subtraction.
    out = suppressed_segments(19, {"A": 3, "B": 16}, 5)
    assert out["A"] == REASON_SMALL.format(k=5)
    assert out["B"] == REASON_REST.format(k=5)


def test_complementary_suppression_until_nothing_can_be_subtracted() -> None:
    # C (2) is hidden; everyone minus A and B would show it, so the smallest shown (B) goes too.
    out = suppressed_segments(27, {"A": 15, "B": 10, "C": 2}, 5)
    assert out == {"C": REASON_SMALL.format(k=5), "B": REASON_COMPLEMENT, "A": REASON_LAST}


def test_last_segment_shown_beside_hidden_ones_is_suppressed() -> None:
    out = suppressed_segments(30, {"A": 20, "B": 6, "C": 4}, 5)
    # C hidden; A, B shown leave 4 < 5: B (smaller) hidden; then A alone: hidden too.
    assert set(out) == {"A", "B", "C"}
    assert out["A"] == REASON_LAST


def test_segments_of_k_and_more_stay_shown() -> None:
    assert suppressed_segments(20, {"A": 10, "B": 5, "C": 5}, 5) == {}


def test_everyone_under_k_hides_every_segment() -> None:
    out = suppressed_segments(4, {"A": 2, "B": 2}, 5)
    assert set(out) == {"A", "B"}


def test_model_refuses_a_small_group() -> None:
    with pytest.raises(ValueError, match=r"3 respondents is fewer than k \(5\)"):
        StaffSurvey(
            tool="Google Forms",
            respondents=10,
            groups=(
                SurveyGroup(factor="purpose", n=3, mean=2, favourable=50, sd=1, low=0, high=4),
            ),
        )


def test_model_refuses_a_derivable_segment() -> None:
    def g(segment: str | None, n: int) -> SurveyGroup:
        return SurveyGroup(
            factor="purpose", segment=segment, n=n, mean=2, favourable=50, sd=1, low=1, high=3
        )

    hidden = SurveyGroup(factor="purpose", segment="C", suppressed="fewer than 5 respondents")
    with pytest.raises(ValueError, match="suppressed segments together have 2 respondents"):
        StaffSurvey(
            tool="Qualtrics",
            respondents=22,
            segment="Team",
            groups=(g(None, 22), g("A", 10), g("B", 10), hidden),
        )
    with pytest.raises(ValueError, match="the only one shown beside suppressed ones"):
        StaffSurvey(
            tool="Qualtrics",
            respondents=22,
            segment="Team",
            groups=(g(None, 22), g("A", 10), hidden),
        )


def test_model_refuses_comments_under_the_threshold() -> None:
    with pytest.raises(ValueError, match="comments: kept only with 10 respondents or more"):
        StaffSurvey(tool="Google Forms", respondents=8, comments=(SurveyComment(text="hi"),))
    group = SurveyGroup(factor="purpose", n=12, mean=2, favourable=50, sd=1, low=1, high=3)
    small = SurveyGroup(
        factor="purpose", segment="A", n=6, mean=2, favourable=50, sd=1, low=1, high=3
    )
    other = SurveyGroup(
        factor="purpose", segment="B", n=6, mean=2, favourable=50, sd=1, low=1, high=3
    )
    with pytest.raises(ValueError, match="segment 'A' does not"):
        StaffSurvey(
            tool="Google Forms",
            respondents=12,
            segment="Team",
            groups=(group, small, other),
            comments=(SurveyComment(text="hi", segment="A"),),
        )


def test_comments_go_with_segments_only_when_every_segment_reaches_the_threshold() -> None:
    values = np.full((25, 1), 2.0)
    comments = [[f"comment {i}"] for i in range(25)]
    even = aggregate(
        values, ["purpose"], tool="Google Forms", segments=["A"] * 12 + ["B"] * 13,
        segment_column="Team", comments=comments, k=5, comment_k=10,
    )  # fmt: skip
    assert {c.segment for c in even.comments} == {"A", "B"}
    uneven = aggregate(
        values, ["purpose"], tool="Google Forms", segments=["A"] * 18 + ["B"] * 7,
        segment_column="Team", comments=comments, k=5, comment_k=10,
    )  # fmt: skip
    assert {c.segment for c in uneven.comments} == {None}
    assert len(uneven.comments) == 25
    few = aggregate(
        values[:9], ["purpose"], tool="Google Forms", comments=comments[:9], k=5, comment_k=10
    )
    assert few.comments == ()


# -- random surveys ----------------------------------------------------------------------------


@st.composite
def surveys(draw: st.DrawFn) -> StaffSurvey:
    """A survey of 0-40 respondents in up to five teams of very different sizes, answering two
    factors' statements with gaps, at a random k."""
    k = draw(st.integers(3, 7))
    n = draw(st.integers(0, 40))
    teams = draw(st.lists(st.sampled_from(["Billing", "Claims", "Night", "Online", ""]),
                          min_size=n, max_size=n))  # fmt: skip
    answers = draw(
        st.lists(
            st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.0, 4.0, math.nan]), min_size=4, max_size=4),
            min_size=n,
            max_size=n,
        )
    )
    values = np.array(answers, dtype=float).reshape(n, 4)
    comments = [[f"note {i}"] if draw(st.booleans()) else [] for i in range(n)]
    return aggregate(
        values,
        ["composure", "composure", "connection", "connection"],
        tool="Google Forms",
        segments=teams,
        segment_column="Team",
        comments=comments,
        k=k,
        comment_k=max(k, draw(st.integers(5, 12))),
        factor_order=FW.factor_ids,
    )


def _engagement(survey: StaffSurvey) -> Engagement:
    e = Engagement.new(client="Acme", lead="Morgan Blake")
    e = e.add_finding(factor="composure", level=3, evidence="Calm on the floor")
    e = e.add_finding(factor="connection", level=1, evidence="No one-to-ones", rater="Ana Lima")
    return e.model_copy(update={"survey": survey})


@settings(max_examples=examples(200), deadline=None)
@given(survey=surveys())
def test_no_small_or_derivable_group_in_the_model(survey: StaffSurvey) -> None:
    assert_nothing_derivable(*_from_survey(survey), survey.k)


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(survey=surveys())
def test_no_small_or_derivable_group_in_the_file_or_a_share(
    survey: StaffSurvey, tmp_path: Path
) -> None:
    path = tmp_path / "acme.json"
    save_engagement(_engagement(survey), path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    from_file = StaffSurvey.model_validate(doc["survey"])
    assert_nothing_derivable(*_from_survey(from_file), survey.k)
    raw_groups = doc["survey"]["groups"]
    for g in raw_groups:  # a hidden group keeps no figure in the file, not even its size
        if g["suppressed"]:
            assert all(g[key] is None for key in ("n", "mean", "favourable", "sd", "low", "high"))
    copy = shared_copy(load_engagement(path), anonymise_raters=True)
    assert copy.survey is not None
    assert_nothing_derivable(*_from_survey(copy.survey), survey.k)
    assert len(copy.survey.comments) == len(survey.comments)
    bare = shared_copy(load_engagement(path), without_evidence=True)
    assert bare.survey is not None and bare.survey.comments == ()


@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(survey=surveys())
def test_no_small_or_derivable_group_in_the_table_or_the_csv(
    survey: StaffSurvey, tmp_path: Path
) -> None:
    """The analyst's DataFrame and ``tenfold survey export ... .csv`` show what the survey
    keeps and nothing more: a hidden group's figures are empty."""
    table = survey_frame(survey)
    shown: Shown = {}
    hidden: set[tuple[str, str | None]] = set()
    for row in table.to_dict("records"):
        key = (str(row["factor"]), None if pd.isna(row["segment"]) else str(row["segment"]))
        if row["suppressed"]:
            hidden.add(key)
            assert all(pd.isna(row[c]) for c in ("n", "mean", "favourable", "sd", "low", "high"))
        else:
            shown[key] = int(row["n"])
    _check_against(shown, hidden, survey)
    path, out = tmp_path / "acme.json", tmp_path / "staff.csv"
    save_engagement(_engagement(survey), path)
    result = CliRunner().invoke(cli, ["survey", "export", str(path), str(out)])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    shown, hidden = {}, set()
    for cell in written.to_dict("records"):
        key = (cell["factor"], None if cell["segment"] == "everyone" else cell["segment"])
        if cell["suppressed"]:
            hidden.add(key)
            assert cell["n"] == cell["mean"] == cell["favourable"] == cell["low"] == ""
        else:
            shown[key] = int(cell["n"])
    _check_against(shown, hidden, survey)


def test_a_rater_in_a_blind_rating_cannot_read_the_survey(tmp_path: Path) -> None:
    """During a blind rating the staff's view is not seen by a rater, whichever command asks."""
    data, name = export("Google Forms", "csv")
    survey = survey_from_bytes(data, name, segment=TEAM_QUESTION).survey
    path = tmp_path / "acme.json"
    blind = _engagement(survey).model_copy(update={"phase": "independent"})
    save_engagement(blind, path)
    runner = CliRunner()
    shown = runner.invoke(cli, ["survey", "show", str(path), "--rater", "Ana Lima"])
    assert shown.exit_code == 0 and "no staff survey" in shown.output
    assert "composure" not in shown.output.casefold()
    out = tmp_path / "staff.csv"
    written = runner.invoke(cli, ["survey", "export", str(path), str(out), "--rater", "Ana Lima"])
    assert written.exit_code == 2 and "no staff survey" in written.output
    assert not out.exists()
    nobody = runner.invoke(cli, ["survey", "show", str(path)])
    assert nobody.exit_code == 2 and "blind rating" in nobody.output
    lead = runner.invoke(cli, ["survey", "show", str(path), "--whole-panel"])
    assert lead.exit_code == 0 and "n=10" in lead.output


def test_csv_export_guards_segment_names_against_formulas(tmp_path: Path) -> None:
    values = np.full((12, 2), 3.0)
    survey = aggregate(
        values,
        ["composure", "composure"],
        tool="Google Forms",
        segments=['=HYPERLINK("http://x")'] * 6 + ["+Claims"] * 6,
        segment_column="Team",
        k=5,
        comment_k=10,
        factor_order=FW.factor_ids,
    )
    path, out = tmp_path / "acme.json", tmp_path / "staff.csv"
    save_engagement(_engagement(survey), path)
    result = CliRunner().invoke(cli, ["survey", "export", str(path), str(out)])
    assert result.exit_code == 0, result.output
    segments = set(pd.read_csv(out, dtype=str, keep_default_na=False)["segment"])
    assert segments == {"everyone", '\'=HYPERLINK("http://x")', "'+Claims"}


# -- the reports --------------------------------------------------------------------------------


def _html_groups(html: str) -> tuple[Shown, set[tuple[str, str | None]]]:
    soup = BeautifulSoup(html, "html.parser")
    shown: Shown = {}
    hidden: set[tuple[str, str | None]] = set()
    for row in soup.select("table.staff tbody tr, table.staff-segments tbody tr"):
        factor = str(row.get("data-factor"))
        raw = row.get("data-segment")
        segment = str(raw) if raw is not None else None
        n = str(row.get("data-staff-n") or "")
        cells = row.get_text(" ", strip=True)
        if n:
            shown[(factor, segment)] = int(n)
        else:
            hidden.add((factor, segment))
            assert "not shown" in cells
    return shown, hidden


def _xlsx_groups(data: bytes) -> tuple[Shown, set[tuple[str, str | None]]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    if "Staff survey" not in book.sheetnames:
        return {}, set()
    rows = list(book["Staff survey"].iter_rows(values_only=True))
    head = list(rows[0])
    shown: Shown = {}
    hidden: set[tuple[str, str | None]] = set()
    for row in rows[1:]:
        cell = dict(zip(head, row, strict=True))
        key = (str(cell["factor"]), None if cell["group"] == "everyone" else str(cell["group"]))
        if cell["respondents"] in (None, ""):
            hidden.add(key)
            assert cell["staff"] == "not shown"
            assert cell["favourable"] in (None, "") and cell["interval_95"] in (None, "")
        else:
            shown[key] = int(str(cell["respondents"]))
    return shown, hidden


def _check_against(shown: Shown, hidden: set[tuple[str, str | None]], survey: StaffSurvey) -> None:
    """What a surface shows is exactly what the survey keeps (and so nothing derivable)."""
    stored, stored_hidden = _from_survey(survey)
    surveyed = {key for key in [*stored, *stored_hidden]}
    assert {key: n for key, n in shown.items() if key in surveyed} == stored
    assert_nothing_derivable(shown, hidden, survey.k)


@pytest.mark.slow
@settings(
    max_examples=examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(survey=surveys())
def test_no_small_or_derivable_group_in_the_html_or_the_workbook(survey: StaffSurvey) -> None:
    e = _engagement(survey)
    html = report_bytes(e, "html").decode("utf-8")
    _check_against(*_html_groups(html), survey)
    _check_against(*_xlsx_groups(report_bytes(e, "xlsx")), survey)
    for c in survey.comments:
        if c.segment is not None:
            assert f"{c.segment}:" in html


def _text_lines(texts: Iterable[str]) -> list[str]:
    return [line for text in texts for line in text.splitlines()]


@pytest.mark.slow
@settings(max_examples=examples(3), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey=surveys())
def test_no_small_or_derivable_group_in_the_deck_or_the_pdf(survey: StaffSurvey) -> None:
    from pptx import Presentation
    from pypdf import PdfReader

    e = _engagement(survey)
    deck = Presentation(io.BytesIO(report_bytes(e, "pptx")))
    shown: Shown = {}
    hidden: set[tuple[str, str | None]] = set()
    for slide in deck.slides:
        for shape in slide.shapes:
            if not shape.has_table or shape.table.cell(0, 3).text != "Respondents":
                continue
            for row in list(shape.table.rows)[1:]:
                cells = [c.text for c in row.cells]
                factor = BY_LABEL[cells[0]]
                if cells[3]:
                    shown[(factor, None)] = int(cells[3])
                else:
                    hidden.add((factor, None))
                    assert cells[2].startswith("not shown")
    everyone, _ = _from_survey(survey)
    assert shown == {key: n for key, n in everyone.items() if key[1] is None}
    assert_nothing_derivable(shown, hidden, survey.k)

    pdf = PdfReader(io.BytesIO(report_bytes(e, "pdf")))
    lines = _text_lines(page.extract_text() for page in pdf.pages)
    # The section's heading, not its line in the contents on the cover.
    start = max(i for i, line in enumerate(lines) if line.strip() == "The staff's view")
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "Factor by factor")
    section = lines[start:end]
    for line in section:
        if "not shown" in line:
            # A hidden group's line carries its name and why, never a figure (k alone).
            numbers = set(re.findall(r"\d+(?:\.\d+)?", line.split("not shown", 1)[1]))
            assert numbers <= {str(survey.k)}, line
    hidden_count = sum(1 for g in survey.groups if not g.shown)
    assert sum(line.count("not shown") for line in section) == hidden_count
