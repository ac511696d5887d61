"""The tenfold command: each subcommand, and bad input as one clear line with exit status 2."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cli_run import Run
from openpyxl import Workbook

from toolkit import load_engagement


def test_factors_lists_the_ten(run: Run) -> None:
    code, out, _ = run("factors")
    assert code == 0
    assert "sponsorship" in out and "accountability" in out
    assert len([ln for ln in out.splitlines() if ln[:2].strip().isdigit()]) == 10


def test_new_add_score_validate_export_import(run: Run, tmp_path: Path) -> None:
    eng = tmp_path / "acme.json"
    assert run("new", str(eng), "--client", "Acme", "--lead", "Ana", "--date", "2026-11-01")[0] == 0
    code, out, _ = run(
        "add", str(eng), "--factor", "Shared purpose", "--level", "1", "--evidence", "No map"
    )
    assert code == 0 and "1 findings" in out
    run(
        "add", str(eng), "--factor", "purpose", "--level", "3", "--evidence", "Map", "--rater", "Bo"
    )
    code, out, _ = run("score", str(eng), "--format", "json")
    rows = {r["factor"]: r for r in json.loads(out)}
    assert rows["purpose"]["score"] == 2.0 and rows["purpose"]["n_raters"] == 2
    assert rows["composure"]["score"] is None and rows["composure"]["basis"] == "not assessed"
    code, out, _ = run("score", str(eng))
    assert "not assessed" in out and "assessed 1/10" in out
    assert run("validate", str(eng))[0] == 0
    csv_out = tmp_path / "f.csv"
    assert run("export", str(eng), str(csv_out))[0] == 0
    code, out, _ = run("import", str(eng), str(csv_out))
    assert code == 0 and "imported 2 findings" in out
    assert len(load_engagement(eng).findings) == 4
    code, out, _ = run("score", str(csv_out), "--format", "csv")
    assert out.splitlines()[0].startswith("factor,label,group,score,basis")


def test_add_and_import_are_written_into_the_change_log(run: Run, tmp_path: Path) -> None:
    eng = tmp_path / "acme.json"
    run("new", str(eng), "--client", "Acme", "--lead", "Ana", "--date", "2026-11-01")
    run("add", str(eng), "--factor", "purpose", "--level", "1", "--evidence", "No map")
    run(
        "add", str(eng), "--factor", "purpose", "--level", "3", "--evidence", "Map", "--rater", "Bo"
    )
    csv_out = tmp_path / "f.csv"
    run("export", str(eng), "-o", str(csv_out))
    run("import", str(eng), str(csv_out))
    log = load_engagement(eng).changes
    assert [(c.kind, c.by) for c in log] == [
        ("finding added", "Ana"),  # no rater: the lead
        ("finding added", "Bo"),
        ("findings imported", "Ana"),
    ]
    assert log[-1].summary == "2 findings imported from f.csv"
    assert log[-1].after == {
        "ids": [f.id for f in load_engagement(eng).findings[2:]],
        "per_factor": {"purpose": 2},
    }


def test_bad_level_exits_2_and_leaves_file_untouched(run: Run, sample_path: Path) -> None:
    before = sample_path.read_bytes()
    code, _, err = run(
        "add", str(sample_path), "--factor", "purpose", "--level", "7", "--evidence", "x"
    )
    assert code == 2
    assert err.startswith("tenfold: error:") and "7 is outside 0-4" in err
    assert sample_path.read_bytes() == before


def test_bad_import_lists_rows_and_changes_nothing(
    run: Run, sample_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("factor,level,evidence\npurpose,2,fine\npurpose,9,too high\nmorale,2,x\n")
    before = sample_path.read_bytes()
    code, _, err = run("import", str(sample_path), str(bad))
    assert code == 2
    assert "row 3, level: 9 is outside 0-4" in err and "row 4, factor: unknown factor" in err
    assert sample_path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"client": "x", ', "not valid JSON"),
        ('{"schema_version": 99}', "schema version 99"),
        ("[]", "expected a JSON object"),
    ],
)
def test_validate_reports_broken_files(
    run: Run, tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "e.json"
    path.write_text(content)
    code, _, err = run("validate", str(path))
    assert code == 2 and str(path) in err and expected in err


def test_missing_file_and_existing_target(run: Run, tmp_path: Path, sample_path: Path) -> None:
    code, _, err = run("score", str(tmp_path / "nope.json"))
    assert code == 2 and "no such engagement file" in err
    code, _, err = run("new", str(sample_path), "--client", "x", "--lead", "y")
    assert code == 2 and "already exists" in err


def test_custom_framework_option(run: Run, tmp_path: Path) -> None:
    broken = tmp_path / "fw.toml"
    broken.write_text("[framework]\nid = 'x'\n")
    code, _, err = run("--framework", str(broken), "factors")
    assert code == 2 and "fw.toml" in err


def test_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "e.json"
    bad.write_text("{")
    tenfold = Path(sys.executable).with_name("tenfold")
    proc = subprocess.run(
        [str(tenfold), "validate", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "not valid JSON" in proc.stderr


# -- bad input: one line, exit 2 -----------------------------------------------------------------


def _one_error_line(code: int, err: str) -> str:
    assert code == 2, err
    assert err.startswith("tenfold: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "Exception ignored" not in err
    return err


def test_malformed_workbook_is_one_line(run: Run, sample_path: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    Workbook().save(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            broken = item.filename == "xl/worksheets/sheet1.xml"
            dst.writestr(item.filename, b"<worksheet><sheetData><row" if broken else src.read(item))
    err = _one_error_line(*run("import", str(sample_path), str(bad))[::2])
    assert "bad.xlsx: not a readable XLSX file" in err and "nothing was imported" in err


def test_deeply_nested_json_is_one_line(run: Run, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    err = _one_error_line(*run("validate", str(deep))[::2])
    assert "deep.json: nested too deeply" in err


def test_schema_1_with_malformed_factors_is_one_line(run: Run, tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(
        json.dumps(
            {"schema_version": 1, "client": "x", "title": "t", "lead": "l", "factors": ["purpose"]}
        )
    )
    err = _one_error_line(*run("validate", str(old))[::2])
    assert "old.json: cannot read this schema 1 file: factors: expected a table" in err


def test_full_disk_during_xlsx_export_is_one_line_and_leaves_nothing(
    run: Run, sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    out = tmp_path / "out" / "f.xlsx"
    out.parent.mkdir()
    err = _one_error_line(*run("export", str(sample_path), str(out))[::2])
    assert "f.xlsx: could not save (No space left on device)" in err
    assert list(out.parent.iterdir()) == []


def test_duplicate_ids_are_named_by_validate(run: Run, sample_path: Path) -> None:
    data = json.loads(sample_path.read_text())
    data["findings"][1]["id"] = data["findings"][0]["id"]
    sample_path.write_text(json.dumps(data))
    err = _one_error_line(*run("validate", str(sample_path))[::2])
    assert f"{sample_path}: findings 1 and 2 share the id {data['findings'][0]['id']!r}" in err


@pytest.mark.timeout(30)
def test_a_fifo_is_refused_by_validate_and_add(run: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "e.json"
    os.mkfifo(fifo)
    for args in (("validate",), ("add", "--factor", "purpose", "--level", "2", "--evidence", "x")):
        code, _, err = run(args[0], str(fifo), *args[1:])
        assert "is a FIFO (named pipe), not a regular file" in _one_error_line(code, err)


def test_add_to_a_missing_file_leaves_no_lock_file(run: Run, tmp_path: Path) -> None:
    code, _, err = run(
        "add",
        str(tmp_path / "missing.json"),
        "--factor",
        "purpose",
        "--level",
        "2",
        "--evidence",
        "x",
    )
    assert "no such engagement file" in _one_error_line(code, err)
    assert list(tmp_path.iterdir()) == []


def test_a_mistyped_factor_suggests_the_closest(run: Run, sample_path: Path) -> None:
    code, _, err = run(
        "add", str(sample_path), "--factor", "purpse", "--level", "2", "--evidence", "x"
    )
    assert "unknown factor 'purpse'; did you mean 'purpose'?" in _one_error_line(code, err)


# -- destinations ----------------------------------------------------------------------------------


def test_export_takes_the_output_as_an_option_too(
    run: Run, sample_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "f.csv"
    code, _, err = run("export", str(sample_path), "-o", str(out))
    assert code == 0, err
    assert out.read_text(encoding="utf-8").startswith("id,factor,level,evidence")
    code, _, err = run("export", str(sample_path), "--output", str(tmp_path / "g.xlsx"))
    assert code == 0 and (tmp_path / "g.xlsx").is_file()
    code, _, err = run("export", str(sample_path))
    assert code == 2 and "give the output file" in err


def test_report_into_a_missing_folder_fails_before_rendering(
    run: Run, sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_rendering(*args: object, **kwargs: object) -> object:
        raise AssertionError("rendered a report that cannot be written")

    monkeypatch.setattr("toolkit.report.report_bytes", no_rendering)
    code, _, err = run("report", str(sample_path), "-o", str(tmp_path / "nowhere" / "r.pdf"))
    assert "nowhere' does not exist" in _one_error_line(code, err)


def test_chart_into_a_missing_folder_fails_before_rendering(
    run: Run, sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_rendering(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("rendered a chart that cannot be written")

    monkeypatch.setattr("toolkit.charts.export.render_chart", no_rendering)
    code, _, err = run("chart", str(sample_path), "-o", str(tmp_path / "nowhere" / "r.png"))
    assert "nowhere' does not exist" in _one_error_line(code, err)
