"""The tenfold command: each subcommand, and bad input as one clear line with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit import load_engagement
from toolkit.cli import cli

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run() -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke


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
