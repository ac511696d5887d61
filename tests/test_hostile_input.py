"""What a hostile file, a careless address or an empty engagement does to every surface: a message
in words (``tenfold`` exits 2 with one line naming the file and the field), never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit import Engagement, save_engagement
from toolkit.cli import cli
from toolkit.dashboard import AssessmentApp, ViewerApp

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run() -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, list(args), catch_exceptions=False)  # a traceback raises
        return result.exit_code, result.stdout, result.stderr

    return invoke


def one_line(code: int, err: str) -> str:
    assert code == 2, err
    assert err.startswith("tenfold: error: ") and err.count("\n") == 1, err
    return err


# -- a FIFO where a findings file should be ----------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_fifo_given_to_import_or_score_is_named(
    run: Run, tmp_path: Path, sample_path: Path, suffix: str
) -> None:
    fifo = tmp_path / f"notes{suffix}"
    os.mkfifo(fifo)
    before = sample_path.read_bytes()
    for args in (("import", str(sample_path), str(fifo)), ("score", str(fifo))):
        err = one_line(*run(*args)[::2])
        assert f"{fifo}: is a FIFO (named pipe), not a regular file" in err
    assert sample_path.read_bytes() == before


# -- a number of 5,000 digits --------------------------------------------------------------------


def _with_long_number(path: Path, where: str) -> Path:
    """The sample with a 5,000-digit number as a finding's level or a target."""
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    if where == "level":
        data["findings"][0]["level"] = 7
        marker = '"level": 7'
    else:
        data["targets"]["purpose"] = 7
        marker = '"purpose": 7'
    text = json.dumps(data, indent=2).replace(marker, marker[:-1] + "9" * 5000, 1)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("where", "field"), [("level", "findings.0.level"), ("target", "targets.purpose")]
)
def test_a_number_of_5000_digits_is_named_by_every_command(
    run: Run, tmp_path: Path, where: str, field: str
) -> None:
    path = _with_long_number(tmp_path / "long.json", where)
    before = path.read_bytes()
    for args in (
        ("validate", str(path)),
        ("score", str(path)),
        ("add", str(path), "--factor", "purpose", "--level", "2", "--evidence", "x"),
        ("report", str(path), "-o", str(tmp_path / "r.html")),
        ("export", str(path), str(tmp_path / "f.csv")),
    ):
        err = one_line(*run(*args)[::2])
        assert f"{path}: {field}: a number of 5,000 digits is not a value Tenfold reads" in err
    assert path.read_bytes() == before and not (tmp_path / "r.html").exists()


def test_the_viewer_says_in_words_what_is_wrong_with_a_5000_digit_file(tmp_path: Path) -> None:
    data = _with_long_number(tmp_path / "long.json", "level").read_bytes()
    shutil.copy(SAMPLE, tmp_path / SAMPLE.name)
    app = ViewerApp(tmp_path, open=SAMPLE.name)
    app.ui.drop.handle(
        {"event": "start", "upload": "u", "files": [{"name": "mine.json", "size": len(data)}]}
    )
    app.ui.drop.handle({"event": "chunk", "upload": "u", "file": 0}, [memoryview(data)])
    app.ui.drop.handle({"event": "end", "upload": "u"})
    assert app.message_text.startswith(
        "Not opened: mine.json: findings.0.level: a number of 5,000 digits"
    )
    assert "Something went wrong" not in app.message_text
    app = ViewerApp(tmp_path, open="long.json")
    assert "long.json: findings.0.level: a number of 5,000 digits" in app.message_text


# -- an address naming a file with a NUL ---------------------------------------------------------


def test_an_address_with_a_nul_in_the_file_name_gets_a_message(folder: Path) -> None:
    wanted = {"engagement": "x.json\x00.json"}  # ?engagement=x.json%00.json
    viewer = ViewerApp(folder)
    viewer.ui.bridge.handle({"event": "opened", "search": "?engagement=x.json%00.json"})
    assert "not an engagement file name (it holds a control character)" in viewer.message_text
    assert "Something went wrong" not in viewer.message_text
    assessment = AssessmentApp(folder)
    assessment.page_opened(wanted)
    assert "not an engagement file name" in assessment.message_text
    assert "Something went wrong" not in assessment.message_text


# -- an engagement with no findings, on every surface ---------------------------------------------


@pytest.fixture
def empty_file(tmp_path: Path) -> Path:
    return save_engagement(Engagement.new(client="Acme Care", lead="Ana Lima"), tmp_path / "e.json")


@pytest.mark.parametrize(
    "args",
    [
        ("export", "{out}.csv"),
        ("export", "{out}.xlsx"),
        ("report", "-o", "{out}.html"),
        ("chart", "-o", "{out}.svg"),
        ("chart", "-o", "{out}.svg", "--kind", "ranked"),
        ("chart", "-o", "{out}.svg", "--kind", "heatmap"),
        ("share", "-o", "{out}.json", "--anonymise-raters", "--without-evidence"),
        ("score",),
        ("score", "--explain", "purpose"),
        pytest.param(("report", "-o", "{out}.pdf"), marks=pytest.mark.slow),
        pytest.param(("report", "-o", "{out}.pptx"), marks=pytest.mark.slow),
        pytest.param(("report", "-o", "{out}.xlsx"), marks=pytest.mark.slow),
        pytest.param(("chart", "-o", "{out}.png"), marks=pytest.mark.slow),
    ],
)
def test_an_engagement_with_no_findings_works_on_every_command(
    run: Run, empty_file: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    out = str(tmp_path / "out")
    command, *rest = (a.format(out=out) for a in args)
    code, _out, err = run(command, str(empty_file), *rest)
    assert code == 0, err
    written = [Path(a) for a in rest if a.startswith(out)]
    assert all(p.exists() and p.stat().st_size > 0 for p in written)


def test_an_empty_engagement_exports_to_xlsx_and_csv_and_says_so_on_import(
    run: Run, empty_file: Path, tmp_path: Path
) -> None:
    for suffix in (".xlsx", ".csv"):
        out = tmp_path / f"f{suffix}"
        assert run("export", str(empty_file), str(out))[0] == 0
        err = one_line(*run("import", str(empty_file), str(out))[::2])
        assert "no findings below the header row; nothing was imported" in err


def test_every_download_of_both_dashboards_works_with_no_findings(
    empty_file: Path,
) -> None:
    from toolkit.dashboard.download import DownloadButton

    assessment = AssessmentApp(empty_file.parent, open=empty_file.name)
    viewer = ViewerApp(empty_file.parent, open=empty_file.name)
    buttons: list[DownloadButton] = [*assessment.ui.downloads, *viewer.ui.downloads]
    for button in buttons:
        if button.description == "Report PDF":
            continue  # a whole-document render; the report tests render it
        name, data = button.payload()
        assert data, name
    assert "Something went wrong" not in assessment.message_text + viewer.message_text
