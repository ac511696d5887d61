"""Importing staff survey exports: the four tools' layouts against a table counted by hand,
identifying columns that never reach the engagement, and bad input named by file, row, column.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from survey_exports import (
    AUTHORITY_1,
    COMPOSURE,
    EXPECTED,
    GRID,
    LAYOUTS,
    RESPONDENTS,
    TEAM_QUESTION,
    as_csv,
    export,
    google_forms,
    limesurvey,
    microsoft_forms,
    qualtrics,
)

from toolkit import Engagement, load_engagement, save_engagement
from toolkit.cli import cli
from toolkit.errors import EngagementError, SurveyImportError
from toolkit.store import update_engagement
from toolkit.survey.importer import import_survey, survey_from_bytes
from toolkit.survey.layouts import read_export
from toolkit.survey.model import StaffSurvey

TOOLS = list(LAYOUTS)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("tool", TOOLS)
def test_each_tools_export_gives_the_hand_counted_table(tool: str, fmt: str) -> None:
    data, name = export(tool, fmt)
    found = survey_from_bytes(data, name, segment=TEAM_QUESTION)
    survey = found.survey
    assert found.tool == tool
    assert survey.tool == tool
    assert found.responses == survey.respondents == 10
    assert found.dropped == 1  # the one "don't know" (LimeSurvey's "No answer")
    assert found.previews == (1 if tool == "Qualtrics" else 0)
    assert set(found.matched) == {"composure.1", "composure.2", "composure.3", "authority.1"}
    for (factor, segment), figures in EXPECTED.items():
        group = survey.group(factor, segment)
        assert group is not None, (factor, segment)
        if figures is None:
            assert not group.shown and group.n is None and group.mean is None
            continue
        n, mean, favourable, sd, low, high = figures
        assert group.shown, (factor, segment, group.suppressed)
        assert group.n == n
        assert group.mean == pytest.approx(mean, abs=0.001)
        assert group.favourable == pytest.approx(favourable, abs=0.05)
        assert group.sd == pytest.approx(sd, abs=0.001)
        assert group.low == pytest.approx(low, abs=0.001)
        assert group.high == pytest.approx(high, abs=0.001)
    # The only authority segment with respondents goes with everyone, under k.
    assert [g.segment for g in survey.groups if g.factor == "authority"] == [None, "Billing"]
    # Ten respondents reach the comment threshold together; the teams of five do not, so the
    # comments are kept without their team.
    assert survey.comments and all(c.segment is None for c in survey.comments)
    assert {c.text for c in survey.comments} >= {"Too many targets", "Calm, mostly"}


def test_reverse_worded_statement_is_turned_round() -> None:
    """Agreeing strongly that "when my manager is stressed, the whole team feels it" is the
    worst answer: it counts 0, as strongly disagreeing with a healthy statement does."""
    data, name = export("Google Forms", "csv")
    normal = survey_from_bytes(data, name).survey.group("composure")
    rows = google_forms()
    for row in rows[1:]:
        row[4] = {"Strongly agree": "Strongly disagree", "Strongly disagree": "Strongly agree",
                  "Agree": "Disagree", "Disagree": "Agree"}.get(row[4], row[4])  # fmt: skip
    flipped = survey_from_bytes(as_csv(rows, "Google Forms"), name).survey.group("composure")
    assert normal is not None and flipped is not None
    assert normal.mean == pytest.approx(2.0)
    assert flipped.mean != pytest.approx(normal.mean)


@pytest.mark.parametrize("tool", TOOLS)
def test_no_identifying_value_reaches_the_engagement_file(tool: str, tmp_path: Path) -> None:
    data, name = export(tool, "csv")
    export_read = read_export(data, name)
    present = {
        str(v).strip()
        for c in export_read.columns
        if export_read.kind(c) == "identifying"
        for v in export_read.table[c.index]
        if len(str(v).strip()) >= 3 and not str(v).strip().isdigit()
    }
    assert present, "the made-up export has identifying columns"
    path = tmp_path / "acme.json"
    save_engagement(Engagement.new(client="Acme", lead="Morgan Blake"), path)
    found = survey_from_bytes(data, name, segment=TEAM_QUESTION)
    update_engagement(path, import_survey(found.survey, source=name))
    text = path.read_text(encoding="utf-8").casefold()
    for value in present:
        assert not re.search(rf"(?<!\w){re.escape(value.casefold())}(?!\w)", text), (tool, value)
        if "@" in value:
            continue  # an address is checked whole: its domain is the client's
        for word in re.findall(r"[^\W_]{3,}", value):  # each part of a name
            assert not re.search(rf"\b{re.escape(word.casefold())}\b", text), (tool, value)
    # A name the export holds, even only in an address (Google Forms collects no names), is
    # taken out of the comments too; LimeSurvey's export holds neither.
    if tool != "LimeSurvey":
        assert "tom reyes here" not in text and "(removed) (removed) here" in text
    # Only aggregates: no answer text, no timestamps of responses.
    assert "Strongly agree" not in text
    assert "09:01:02" not in text and "2026/11/2" not in text


def test_engagement_keeps_aggregates_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "acme.json"
    save_engagement(Engagement.new(client="Acme", lead="Ana Lima"), path)
    data, name = export("Microsoft Forms", "xlsx")
    found = survey_from_bytes(data, name, segment=TEAM_QUESTION, expected=12)
    update_engagement(path, import_survey(found.survey, source=name))
    back = load_engagement(path)
    assert back.survey == found.survey
    assert back.survey is not None and back.survey.response_rate == pytest.approx(100 * 10 / 12)
    data_json = json.loads(path.read_text(encoding="utf-8"))
    assert data_json["schema_version"] == 5
    assert data_json["changes"][-1]["kind"] == "survey"
    assert "mean" not in json.dumps(data_json["changes"])  # the log keeps no figure


def test_schema_4_file_reads_with_no_survey(tmp_path: Path) -> None:
    e = Engagement.new(client="Acme", lead="Ana Lima")
    data = {"schema_version": 4, **e.model_dump(mode="json")}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_engagement(path).survey is None


def test_file_edited_to_show_a_small_group_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "acme.json"
    save_engagement(Engagement.new(client="Acme", lead="Ana Lima"), path)
    data, name = export("Google Forms", "csv")
    update_engagement(path, import_survey(survey_from_bytes(data, name).survey, source=name))
    doc = json.loads(path.read_text(encoding="utf-8"))
    group = next(g for g in doc["survey"]["groups"] if g["factor"] == "authority")
    group.update(n=4, mean=2.5, favourable=50.0, sd=1.0, low=0.9, high=4.0, suppressed="")
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(EngagementError, match=r"authority.*4 respondents is fewer than k \(5\)"):
        load_engagement(path)


# -- bad input ---------------------------------------------------------------------------------


def test_unrecognised_export_lists_columns_seen_and_layouts_known() -> None:
    data = b"Respondent,When,Q1\r\n1,today,Agree\r\n"
    with pytest.raises(SurveyImportError) as caught:
        survey_from_bytes(data, "mystery.csv")
    message = str(caught.value)
    assert message.startswith("mystery.csv: not an export Tenfold recognises")
    assert "'Respondent', 'When', 'Q1'" in message
    for tool in ("Microsoft Forms", "Google Forms", "LimeSurvey", "Qualtrics"):
        assert tool in message
    assert "ID, Start time, Completion time, Email, Name" in message
    assert message.endswith("nothing was imported")


def test_statement_it_cannot_match_is_named_by_row_and_column() -> None:
    rows = google_forms()
    rows[0][4] = f"{GRID} [My manager never panics in front of anyone]"
    with pytest.raises(SurveyImportError) as caught:
        survey_from_bytes(as_csv(rows, "Google Forms"), "responses.csv")
    message = str(caught.value)
    assert 'responses.csv: row 1, column E ("How far do you agree' in message
    assert "matches no statement of the framework 'tenfold'" in message
    assert "--mapping" in message


def test_value_outside_the_scale_is_named_by_row_and_column() -> None:
    rows = microsoft_forms()
    rows[4][8] = "Sometimes"  # respondent 4, the second composure statement (column I)
    rows[7][8] = "7"
    with pytest.raises(SurveyImportError) as caught:
        survey_from_bytes(as_csv(rows, "Microsoft Forms"), "forms.csv")
    message = str(caught.value)
    assert "forms.csv: row 5, column I" in message
    assert "'Sometimes' is not an answer on the agreement scale" in message
    assert "(and 1 more rows)" in message


def test_qualtrics_tab_separated_utf16_with_question_text_over_lines() -> None:
    """Qualtrics' "TSV" download: UTF-16 with a byte-order mark, tabs, and the question text
    row as typed in the survey, a line break in the grid question's text."""
    rows = qualtrics()
    rows[1] = [t.replace(" about how", "\nabout how") for t in rows[1]]
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t", lineterminator="\r\n").writerows(rows)
    data = buf.getvalue().encode("utf-16")
    assert data.startswith((b"\xff\xfe", b"\xfe\xff"))
    found = survey_from_bytes(data, "qualtrics.tsv", segment="Q1")
    assert found.tool == "Qualtrics" and found.responses == 10 and found.previews == 1
    assert set(found.matched) == {"composure.1", "composure.2", "composure.3", "authority.1"}
    group = found.survey.group("composure", "Billing")
    assert group is not None and group.mean == pytest.approx(2.6)
    # Rows are still counted as a spreadsheet shows them: three header rows, then responses.
    rows[5][19] = "Often"
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t", lineterminator="\r\n").writerows(rows)
    with pytest.raises(SurveyImportError, match=r"qualtrics\.tsv: row 6, column T"):
        survey_from_bytes(buf.getvalue().encode("utf-16"), "qualtrics.tsv")


def test_qualtrics_rows_are_counted_after_its_three_header_rows() -> None:
    rows = qualtrics()
    rows[5][19] = "Often"  # the second response below the preview (row 6 of the sheet)
    with pytest.raises(SurveyImportError, match=r"qualtrics\.csv: row 6, column T"):
        survey_from_bytes(as_csv(rows, "Qualtrics"), "qualtrics.csv")


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"  \r\n"])
def test_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(SurveyImportError, match=r"empty\.csv: the file is empty"):
        survey_from_bytes(data, "empty.csv")


def test_header_without_responses_is_refused() -> None:
    rows = limesurvey()[:1]
    with pytest.raises(SurveyImportError, match=r"row 2: no responses below the header row"):
        survey_from_bytes(as_csv(rows, "LimeSurvey"), "lime.csv")


def test_nothing_is_stored_when_an_import_fails(tmp_path: Path) -> None:
    path = tmp_path / "acme.json"
    save_engagement(Engagement.new(client="Acme", lead="Ana Lima"), path)
    before = path.read_bytes()
    rows = microsoft_forms()
    rows[2][7] = "Maybe"
    (tmp_path / "forms.csv").write_bytes(as_csv(rows, "Microsoft Forms"))
    result = CliRunner().invoke(
        cli, ["survey", "import", str(path), str(tmp_path / "forms.csv")], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert "row 3, column H" in result.output
    assert path.read_bytes() == before


def test_segment_that_identifies_people_is_refused() -> None:
    data, name = export("Microsoft Forms", "xlsx")
    with pytest.raises(SurveyImportError, match=r"column D \(\"Email\"\): identifies respondents"):
        survey_from_bytes(data, name, segment="Email")


def test_k_below_three_is_refused() -> None:
    data, name = export("Google Forms", "csv")
    with pytest.raises(SurveyImportError, match="never fewer"):
        survey_from_bytes(data, name, k=2)


def test_more_responses_than_the_headcount_is_refused() -> None:
    data, name = export("Google Forms", "csv")
    with pytest.raises(SurveyImportError, match="10 responses, more than the expected headcount"):
        survey_from_bytes(data, name, expected=8)


def test_mapping_file_names_codes_and_answer_codes() -> None:
    """LimeSurvey exported with question codes and answer codes: the mapping says what is what."""
    rows = limesurvey()
    codes = {"Strongly disagree": "A1", "Disagree": "A2", "Neither agree nor disagree": "A3",
             "Agree": "A4", "Strongly agree": "A5", "No answer": "A6"}  # fmt: skip
    rows[0][10:14] = ["Q2[SQ001]", "Q2[SQ002]", "Q2[SQ003]", "Q3[SQ001]"]
    for row in rows[1:]:
        row[10:14] = [codes.get(v, v) for v in row[10:14]]
    data = as_csv(rows, "LimeSurvey")
    with pytest.raises(SurveyImportError, match=r"no column matches.*Q2\[SQ001\].*--mapping"):
        survey_from_bytes(data, "lime.csv")  # A1...A5 alone are not read as a scale
    mapping = "\n".join(
        [
            "[columns]",
            '"Q2[SQ001]" = "composure.1"',
            '"Q2[SQ002]" = "composure.2"',
            f'"Q2[SQ003]" = "{COMPOSURE[2]}"',
            f'"Q3[SQ001]" = "{AUTHORITY_1}"',
            "[answers]",
            "A1 = 1",
            "A2 = 2",
            "A3 = 3",
            "A4 = 4",
            "A5 = 5",
            'A6 = "don\'t know"',
        ]
    )
    found = survey_from_bytes(
        data, "lime.csv", segment="TEAM", mapping=mapping, mapping_source="lime.toml"
    )
    group = found.survey.group("composure", "Billing")
    assert group is not None and group.mean == pytest.approx(2.6)


def test_mapping_file_errors_name_the_entry() -> None:
    data, name = export("Google Forms", "csv")
    with pytest.raises(SurveyImportError, match=r"map\.toml: \[columns\] 'Q9': 'purpose\.9'"):
        survey_from_bytes(data, name, mapping='[columns]\n"Q9" = "purpose.9"\n',
                          mapping_source="map.toml")  # fmt: skip


def test_unquoted_quote_is_named() -> None:
    text = as_csv(google_forms(), "Google Forms").decode("utf-8")
    broken = text.replace("Too many targets", '"Too many targets', 1)
    with pytest.raises(SurveyImportError, match="never closed"):
        survey_from_bytes(broken.encode("utf-8"), "google.csv")


def _excel_csv(rows: list[list[object]], *, hint: bool = False) -> bytes:
    """The rows as Excel on a German or French Windows saves "CSV (Comma delimited)":
    Windows-1252, semicolons, no BOM, curly apostrophes; with ``hint``, a ``sep=;`` line first."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    text = ("sep=;\r\n" if hint else "") + buf.getvalue().replace("'", "\u2019")
    return text.encode("cp1252")


@pytest.mark.parametrize("hint", [False, True])
def test_excel_csv_in_windows_1252_with_semicolons_reads(hint: bool) -> None:
    rows = microsoft_forms()
    rows[3][4] = "Zoë Müller"  # a name Windows-1252 writes as single bytes
    data = _excel_csv(rows, hint=hint)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    found = survey_from_bytes(data, "forms.csv", segment=TEAM_QUESTION)
    assert found.tool == "Microsoft Forms" and found.responses == 10
    assert found.dropped == 1  # "Don\u2019t know" with Excel's curly apostrophe
    group = found.survey.group("composure")
    assert group is not None and group.mean == pytest.approx(2.0)
    # A bad value is named by the row a spreadsheet shows, the hint line counted.
    rows[5][7] = "Sometimes"
    with pytest.raises(SurveyImportError) as caught:
        survey_from_bytes(_excel_csv(rows, hint=hint), "forms.csv")
    assert f"forms.csv: row {6 + hint}, column H (" in str(caught.value)


def test_neither_utf8_nor_windows_1252_is_named() -> None:
    data = as_csv(google_forms(), "Google Forms").replace(b"Too many", b"Too m\x81ny")
    with pytest.raises(SurveyImportError, match=r"row \d+: neither UTF-8 nor Windows-1252 text"):
        survey_from_bytes(data, "google.csv")


def test_headers_broken_over_lines_are_matched() -> None:
    """A statement's heading typed with a line break in the form (quoted over two lines in the
    CSV), and a grid question with a description on a second line."""
    rows = google_forms()
    rows[0][3] = rows[0][3].replace(" about how", "\nabout how").replace(" [", "\n[", 1)
    words = COMPOSURE[1].split(" ")
    half = len(words) // 2
    rows[0][4] = rows[0][4].replace(COMPOSURE[1], " ".join(words[:half]) + "\n" + " ".join(
        words[half:]))  # fmt: skip
    data = as_csv(rows, "Google Forms")
    assert data.count(b"\n") > len(rows)
    found = survey_from_bytes(data, "google.csv", segment=TEAM_QUESTION)
    assert set(found.matched) == {"composure.1", "composure.2", "composure.3", "authority.1"}
    group = found.survey.group("composure")
    assert group is not None and group.mean == pytest.approx(2.0)


def test_semicolon_separated_limesurvey_export_reads() -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(
        limesurvey()
    )
    found = survey_from_bytes(("\ufeff" + buf.getvalue()).encode(), "lime.csv", segment="TEAM")
    assert found.survey.respondents == len(RESPONDENTS)


# -- the command ---------------------------------------------------------------------------------


def test_cli_imports_shows_and_opts_in(tmp_path: Path) -> None:
    path = tmp_path / "acme.json"
    save_engagement(Engagement.new(client="Acme", lead="Ana Lima"), path)
    data, name = export("Qualtrics", "xlsx")
    (tmp_path / name).write_bytes(data)
    runner = CliRunner()
    args = ["survey", "import", str(path), str(tmp_path / name), "--segment", "Q1"]
    result = runner.invoke(cli, [*args, "--expected", "20"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Qualtrics, 10 responses, 4 statements matched" in result.output
    assert "left out as previews, tests or spam: 1 response\n" in result.output
    assert "not counted as \u201cdon't know\u201d or N/A: 1 answer\n" in result.output
    assert 'not kept (they identify people): column D ("IPAddress")' in result.output
    shown = runner.invoke(cli, ["survey", "show", str(path)], catch_exceptions=False)
    assert "10 respondents, response rate 50%" in shown.output
    assert "not shown: fewer than 5 respondents in all" in shown.output
    on = runner.invoke(cli, ["survey", "count-as-rater", str(path), "--on"])
    assert on.exit_code == 0 and load_engagement(path).survey.count_as_rater  # type: ignore[union-attr]
    gone = runner.invoke(cli, ["survey", "remove", str(path)])
    assert gone.exit_code == 0 and load_engagement(path).survey is None


def test_cli_questionnaire_writes_list_csv_and_intro(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["survey", "questionnaire", "-o", str(tmp_path), "--k", "7", "--segment", "Team"]
    )
    assert result.exit_code == 0, result.output
    listing = (tmp_path / "questionnaire.txt").read_text(encoding="utf-8")
    table = (tmp_path / "questionnaire.csv").read_text(encoding="utf-8-sig")
    intro = (tmp_path / "intro.txt").read_text(encoding="utf-8")
    for text in COMPOSURE:
        assert text in listing and text in table
    assert table.splitlines()[0].startswith("code,question,type,grid,required,choice 1")
    assert "composure.2," in table and "Don't know" in table
    assert "at least 7 people" in intro and "at least 10 people" in intro
    assert "anonymous" in intro


def test_questionnaire_round_trips_through_an_import() -> None:
    """What the questionnaire asks is what an import matches: a Forms export headed by the
    questionnaire's own statements matches every one of them."""
    from toolkit.framework import load_framework
    from toolkit.survey.questionnaire import questionnaire

    fw = load_framework()
    statements = [q for q in questionnaire(fw) if q.kind == "statement"]
    header = ["ID", "Start time", "Completion time", "Email", "Name"]
    header += [q.text for q in statements]
    rows = [header] + [
        [i, "", "", "anonymous", "", *(["Agree"] * len(statements))] for i in range(6)
    ]
    found = survey_from_bytes(as_csv(rows, "Microsoft Forms"), "forms.csv")
    assert set(found.matched) == {q.code for q in statements}
    assert not found.not_asked
    assert isinstance(found.survey, StaffSurvey)
