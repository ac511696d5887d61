"""CSV and Excel: all-or-nothing imports that list every bad row, and exports safe to open."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from toolkit import (
    Engagement,
    ExportError,
    FindingsImportError,
    export_findings,
    import_findings,
    read_findings,
)
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


GOOD = [
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
    rows = [
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
