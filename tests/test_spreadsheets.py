"""CSV and Excel: all-or-nothing imports that list every bad row, and exports safe to open."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from examples import REFUSED_CHARACTERS, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from toolkit import (
    Engagement,
    ExportError,
    FindingsImportError,
    export_findings,
    import_findings,
    limits,
    read_findings,
)
from toolkit.findings import Finding
from toolkit.spreadsheets import neutralize

HEADER = ["factor", "level", "evidence", "source", "rater", "recorded_at"]


def write_csv(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


GOOD: list[list[object]] = [
    ["sponsorship", 1, "Budget cut twice", "document", "Ana", "2026-11-02T10:00:00Z"],
    ["Clear main metric", "2", "37 KPIs, no headline", "", "", ""],
]


def test_good_csv_imports_with_defaults(tmp_path: Path, empty: Engagement) -> None:
    result = import_findings(empty, write_csv(tmp_path / "f.csv", GOOD))
    first, second = result.findings
    assert (first.factor, first.level, first.source, first.rater) == (
        "sponsorship",
        1,
        "document",
        "Ana",
    )
    assert first.recorded_at.isoformat() == "2026-11-02T10:00:00+00:00"
    # Label accepted for factor; source defaults to interview, rater to the lead.
    assert (second.factor, second.source, second.rater) == ("main_metric", "interview", "Ana Lima")
    assert first.id != second.id


def test_good_xlsx_imports(tmp_path: Path, empty: Engagement) -> None:
    result = import_findings(empty, write_xlsx(tmp_path / "f.xlsx", GOOD))
    assert [f.level for f in result.findings] == [1, 2]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_every_bad_row_is_reported_and_nothing_imported(
    tmp_path: Path, empty: Engagement, writer: Callable[[Path, list[list[object]]], Path]
) -> None:
    rows: list[list[object]] = [
        GOOD[0],
        ["morale", 2, "x", "", "", ""],  # row 3: unknown factor
        ["purpose", 5, "x", "", "", ""],  # row 4: level out of range
        ["purpose", 2, "   ", "", "", ""],  # row 5: empty evidence
        ["purpose", "2.5", "x", "", "", ""],  # row 6: not whole
        ["purpose", 2, "x", "gossip", "", ""],  # row 7: unknown source
        ["purpose", 2, "x", "", "", "yesterday"],  # row 8: bad timestamp
    ]
    suffix = ".csv" if writer is write_csv else ".xlsx"
    path = writer(tmp_path / f"bad{suffix}", rows)
    with pytest.raises(FindingsImportError) as err:
        import_findings(empty, path)
    problems = err.value.problems
    assert problems[0] == "row 3, factor: unknown factor 'morale'"
    assert "row 4, level: 5 is outside 0-4" in problems
    assert "row 5, evidence: is empty" in problems
    assert any(p.startswith("row 6, level:") and "whole number" in p for p in problems)
    assert any(p.startswith("row 7, source: 'gossip' is not one of") for p in problems)
    assert any(p.startswith("row 8, recorded_at:") for p in problems)
    assert len(problems) == 6
    assert str(path) in str(err.value) and "nothing was imported" in str(err.value)


def test_wrong_columns_are_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", [["purpose", 2, "x"]], header=["factor", "score", "text"])
    with pytest.raises(FindingsImportError) as err:
        read_findings(path)
    assert err.value.problems[0] == "missing column(s): level, evidence"
    assert "unexpected column(s): 'score', 'text'" in err.value.problems[1]


def test_empty_and_unreadable_files(tmp_path: Path) -> None:
    empty_file = tmp_path / "e.csv"
    empty_file.write_text("")
    with pytest.raises(FindingsImportError, match="empty"):
        read_findings(empty_file)
    header_only = write_csv(tmp_path / "h.csv", [])
    with pytest.raises(FindingsImportError, match="no findings below the header"):
        read_findings(header_only)
    not_xlsx = tmp_path / "n.xlsx"
    not_xlsx.write_text("this is not a workbook")
    with pytest.raises(FindingsImportError, match="not a readable XLSX"):
        read_findings(not_xlsx)
    latin1 = tmp_path / "l.csv"
    latin1.write_bytes("factor,level,evidence\npurpose,2,caf\xe9\n".encode("latin-1"))
    with pytest.raises(FindingsImportError, match="not UTF-8"):
        read_findings(latin1)
    with pytest.raises(FindingsImportError, match=r"unsupported file type '\.txt'"):
        read_findings(tmp_path / "f.txt")


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx"])
def test_formula_like_text_is_neutralised(text: str) -> None:
    assert neutralize(text) == "'" + text
    assert neutralize("plain text") == "plain text"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_neutralises_and_round_trips(tmp_path: Path, empty: Engagement, suffix: str) -> None:
    evidence = ['=cmd|" /C calc"!A0', "-12% budget", "@ops lead said", 'Quote "x", comma']
    engagement = empty
    for text in evidence:
        engagement = engagement.add_finding(factor="purpose", level=2, evidence=text)
    engagement = engagement.add_finding(factor="purpose", level=1, evidence="x", rater="=evil()")
    out = export_findings(engagement, tmp_path / f"out{suffix}")
    if suffix == ".xlsx":
        ws = load_workbook(out)["Findings"]
        cells = [c.value for c in ws["D"][1:]]
        assert all(c.data_type == "s" for c in ws["D"][1:])  # text, never a formula
        assert cells[0] == "'" + evidence[0]
        assert ws.freeze_panes == "A2"
    else:
        raw = out.read_text(encoding="utf-8")
        assert "'=cmd" in raw and "'-12%" in raw and "'@ops" in raw and "'=evil()" in raw
    back = import_findings(Engagement.new(client="c", lead="l"), out)
    assert [f.evidence for f in back.findings] == [*evidence, "x"]
    assert back.findings[-1].rater == "=evil()"


def test_export_refuses_unknown_format(tmp_path: Path, sample: Engagement) -> None:
    with pytest.raises(ExportError, match=r"unsupported file type '\.ods'"):
        export_findings(sample, tmp_path / "f.ods")


# -- long evidence, control characters ----------------------------------------------------------


def _xlsx_cells(path: Path) -> list[list[object]]:
    ws = load_workbook(path)["Findings"]
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_evidence_longer_than_a_cell_continues_and_comes_back_whole(
    tmp_path: Path, empty: Engagement
) -> None:
    long_a = "".join(f"word{i} " for i in range(9000)).strip()  # ~80,000 characters
    long_b = "=start " + "é" * 40_000 + " end"
    e = empty.add_finding(factor="purpose", level=2, evidence=long_a)
    e = e.add_finding(factor="purpose", level=1, evidence=long_b)
    e = e.add_finding(factor="purpose", level=3, evidence="short")
    out = export_findings(e, tmp_path / "f.xlsx")
    rows = _xlsx_cells(out)
    assert rows[0][:5] == ["id", "factor", "level", "evidence", "evidence_2"]
    assert all(len(str(v)) <= 32_767 for row in rows for v in row if v is not None)
    back = import_findings(Engagement.new(client="c", lead="l"), out)
    assert [f.evidence for f in back.findings] == [long_a, long_b, "short"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_evidence_of_200000_characters_comes_back_whole_from_both_formats(
    tmp_path: Path, empty: Engagement, suffix: str
) -> None:
    # Past the csv module's default field limit (131,072), with what CSV quoting must carry.
    long = '=said "no", twice;\n' + "".join(f'line {i}, a "quote"\n' for i in range(12_000))
    long = long[:200_000]
    assert len(long) == 200_000
    e = empty.add_finding(factor="purpose", level=2, evidence=long)
    e = e.add_finding(factor="purpose", level=1, evidence="short")
    out = export_findings(e, tmp_path / f"f{suffix}")
    back = import_findings(Engagement.new(client="c", lead="l"), out)
    assert [f.evidence for f in back.findings] == [long, "short"]


def test_report_workbook_keeps_long_evidence_whole(empty: Engagement) -> None:
    from toolkit import report_bytes

    long_text = "x" * 50_000 + " the end"
    data = report_bytes(empty.add_finding(factor="purpose", level=2, evidence=long_text), "xlsx")
    ws = load_workbook(io.BytesIO(data))["Findings"]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    parts = [row[i] for i, name in enumerate(header) if str(name).startswith("evidence")]
    assert "".join(str(p) for p in parts if p) == long_text
    assert all(len(str(v)) <= 32_767 for v in row if v is not None)


def test_export_of_a_table_with_control_characters_is_an_error_not_a_crash(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"factor": ["purpose"], "level": [2], "evidence": ["ring \x07 bell"], "rater": ["Ana"]}
    )
    with pytest.raises(ExportError, match=r"row 2, evidence: contains a control character"):
        export_findings(frame, tmp_path / "f.xlsx")
    assert not (tmp_path / "f.xlsx").exists()


# -- CSV dialects, quotes, columns ---------------------------------------------------------------


def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        'factor,level,evidence\npurpose,2,"37 KPIs, no headline\npurpose,3,ok\npurpose,1,fine\n',
        encoding="utf-8",
    )
    with pytest.raises(FindingsImportError) as err:
        read_findings(path)
    assert err.value.problems == [
        'row 2: a quote opened here is never closed; close it, or double it ("") to keep it'
    ]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_import(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "f.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(["factor", "level", "evidence", "rater"])
        writer.writerow(["purpose", "2", "3,5 % of calls; escalated", "Ana"])
        writer.writerow(["Clear main metric", "1", "no headline number", "Ben"])
    findings = read_findings(path)
    assert [(f.factor, f.level, f.evidence) for f in findings] == [
        ("purpose", 2, "3,5 % of calls; escalated"),
        ("main_metric", 1, "no headline number"),
    ]


def test_empty_unnamed_columns_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("factor,level,evidence,\npurpose,2,fine,\npurpose,3,ok\n", encoding="utf-8")
    assert [f.level for f in read_findings(path, default_rater="Ana")] == [2, 3]
    wb = Workbook()
    ws = wb.active
    ws.append(["factor", "level", "evidence"])
    ws.append(["purpose", 2, "fine"])
    for row in range(1, 4):  # a styled, empty column right of the data
        ws.cell(row=row, column=5).font = Font(bold=True)
        ws.cell(row=row, column=5).value = None
    ws.cell(row=1, column=4).value = ""
    styled = tmp_path / "styled.xlsx"
    wb.save(styled)
    assert [f.level for f in read_findings(styled, default_rater="Ana")] == [2]


def test_an_unnamed_column_with_values_is_named_by_its_letter(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("factor,level,evidence,\npurpose,2,fine,stray\n", encoding="utf-8")
    with pytest.raises(FindingsImportError) as err:
        read_findings(path)
    assert err.value.problems == [
        "column D has values but no name in the header row; name it or delete it"
    ]


def test_a_header_with_thousands_of_columns_gives_a_short_message(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["factor", "level", "evidence", *[f"junk column {i}" for i in range(16_381)]])
    ws.append(["purpose", 2, "x"])
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    with pytest.raises(FindingsImportError) as err:
        read_findings(path)
    message = str(err.value)
    assert len(message) < 1000
    assert "'junk column 0'" in message and "16,376 more" in message


# -- limits and hostile files --------------------------------------------------------------------


def _workbook_with_sheet_xml(path: Path, sheet_xml: bytes) -> Path:
    good = write_xlsx(path.with_name("good.xlsx"), GOOD)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else src.read(item)
            dst.writestr(item.filename, data)
    return path


def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_IMPORT_UNPACKED_BYTES", 1_000_000)
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    bomb = _workbook_with_sheet_xml(
        tmp_path / "bomb.xlsx", head + b" " * 5_000_000 + b"<sheetData/></worksheet>"
    )
    assert bomb.stat().st_size < 100_000
    with pytest.raises(FindingsImportError, match=r"unpacks to 5\.0 MB.*at most 1\.0 MB"):
        read_findings(bomb)


def test_files_over_the_size_and_row_limits_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["purpose", 2, f"note {i}", "", "", ""] for i in range(5)]
    csv_path, xlsx_path = write_csv(tmp_path / "f.csv", rows), write_xlsx(tmp_path / "f.xlsx", rows)
    monkeypatch.setattr(limits, "MAX_IMPORT_ROWS", 3)
    for path in (csv_path, xlsx_path):
        with pytest.raises(FindingsImportError, match=r"more than 3 rows of findings"):
            read_findings(path)
    monkeypatch.setattr(limits, "MAX_IMPORT_BYTES", 100)
    with pytest.raises(FindingsImportError, match=r"the file is \d+ bytes; .* up to 100 bytes"):
        read_findings(csv_path)


def test_xml_entities_are_not_expanded(tmp_path: Path) -> None:
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row></sheetData></worksheet>'
    )
    path = _workbook_with_sheet_xml(tmp_path / "lol.xlsx", lol)
    with pytest.raises(FindingsImportError, match=r"(?s)lol\.xlsx: .*not a readable XLSX file"):
        read_findings(path)


def test_malformed_sheet_xml_is_a_clear_error(tmp_path: Path) -> None:
    path = _workbook_with_sheet_xml(tmp_path / "broken.xlsx", b"<worksheet><sheetData><row><c")
    with pytest.raises(FindingsImportError, match=r"(?s)broken\.xlsx: .*not a readable XLSX file"):
        read_findings(path)


# -- dates -----------------------------------------------------------------------------------------


def test_numeric_dates_are_refused_and_real_date_cells_accepted(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["purpose", 2, "a", "", "Ana", dt.datetime(2026, 11, 2, 10, 30)],
        ["purpose", 2, "b", "", "Ana", 45000],
        ["purpose", 2, "c", "", "Ana", 0],
    ]
    path = write_xlsx(tmp_path / "dates.xlsx", rows)
    with pytest.raises(FindingsImportError) as err:
        read_findings(path)
    assert [p.split(" is a number")[0] for p in err.value.problems] == [
        "row 3, recorded_at: 45000",
        "row 4, recorded_at: 0",
    ]
    good = read_findings(write_xlsx(tmp_path / "good.xlsx", rows[:1]))
    assert good[0].recorded_at == dt.datetime(2026, 11, 2, 10, 30, tzinfo=dt.UTC)
    text = write_csv(tmp_path / "dates.csv", [["purpose", 2, "b", "", "Ana", "45000"]])
    with pytest.raises(FindingsImportError, match=r"row 2, recorded_at: 45000 is a number"):
        read_findings(text)


# -- round trip ------------------------------------------------------------------------------------

TEXT = (
    st.lists(
        st.text(
            alphabet=st.characters(
                blacklist_categories=("Cs", "Cc"), blacklist_characters=REFUSED_CHARACTERS
            ),
            max_size=8,
        )
        | st.sampled_from(["\t", "\n", "\r\n", "'", "=", "+", "-", "@", "_x000D_", '"', ",", ";"]),
        min_size=1,
        max_size=8,
    )
    .map("".join)
    .filter(lambda s: s.strip())
)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(evidence=st.lists(TEXT, min_size=1, max_size=4), rater=TEXT)
def test_export_then_import_gives_identical_findings(
    tmp_path: Path, suffix: str, evidence: list[str], rater: str
) -> None:
    e = Engagement.new(client="c", lead="l")
    for i, text in enumerate(evidence):
        e = e.add_finding(factor="purpose", level=i % 5, evidence=text, rater=rater)
    out = export_findings(e, tmp_path / f"round{suffix}")
    back = import_findings(Engagement.new(client="c", lead="l"), out)

    def key(f: Finding) -> tuple[object, ...]:
        return (f.factor, f.level, f.evidence, f.source, f.rater, f.recorded_at)

    assert [key(f) for f in back.findings] == [key(f) for f in e.findings]


@pytest.mark.parametrize("text", ["'=1+1", "'+x", "'-3", "'@ops", "''quoted", "'plain", "=x"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_leading_apostrophe_survives_the_round_trip(
    tmp_path: Path, empty: Engagement, text: str, suffix: str
) -> None:
    e = empty.add_finding(factor="purpose", level=2, evidence=text)
    back = import_findings(empty, export_findings(e, tmp_path / f"f{suffix}"))
    assert back.findings[0].evidence == text


def test_control_characters_in_an_import_are_refused_with_their_row(tmp_path: Path) -> None:
    bell = tmp_path / "bell.csv"
    bell.write_text("factor,level,evidence,rater\npurpose,2,ring \x07 bell,Ana\n", encoding="utf-8")
    with pytest.raises(FindingsImportError) as err:
        read_findings(bell)
    assert err.value.problems[0].startswith(
        "row 2, evidence: contains a control character (U+0007) at character 6"
    )
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"factor,level,evidence,rater\npurpose,2,ok,Ana\npurpose,2,nul \x00 here,Ana\n")
    with pytest.raises(FindingsImportError) as err:
        read_findings(nul)
    assert err.value.problems == [
        "row 3, evidence: contains a control character (U+0000) at character 5; remove it "
        "(only tabs and line breaks are allowed in text)"
    ]
