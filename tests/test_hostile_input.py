"""What a hostile file, a careless address or an empty engagement does to every surface: a message
in words (``tenfold`` exits 2 with one line naming the file and the field), never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import examples
import pytest
from cli_run import Run

from toolkit import Engagement, save_engagement
from toolkit.dashboard import AssessmentApp, ViewerApp

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"


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
    from toolkit.dashboard.widgets.download import DownloadButton

    assessment = AssessmentApp(empty_file.parent, open=empty_file.name)
    viewer = ViewerApp(empty_file.parent, open=empty_file.name)
    buttons: list[DownloadButton] = [*assessment.ui.downloads, *viewer.ui.downloads]
    for button in buttons:
        if button.description == "Report PDF":
            continue  # a whole-document render; the report tests render it
        name, data = button.payload()
        assert data, name
    assert "Something went wrong" not in assessment.message_text + viewer.message_text


# -- direction controls ------------------------------------------------------------------------

#: Every bidirectional embedding, override and isolate: refused wherever text comes in.
DIRECTION_CONTROLS = list(examples.DIRECTION_CONTROLS)


@pytest.mark.parametrize("char", DIRECTION_CONTROLS)
def test_a_direction_control_is_refused_in_every_name_and_text(char: str) -> None:
    from toolkit import EngagementError
    from toolkit import changes as log

    e = Engagement.new(client="Acme Care", lead="Ana Lima")
    code = re.escape(f"U+{ord(char):04X}")
    attempts: dict[str, Callable[[], object]] = {
        "client": lambda: Engagement.new(client=f"Acme{char} Care", lead="Ana"),
        "lead": lambda: Engagement.new(client="Acme", lead=f"Ana{char}"),
        "title": lambda: Engagement.new(client="Acme", lead="Ana", title=f"T{char}"),
        "evidence": lambda: e.add_finding(factor="purpose", level=1, evidence=f"a{char}b"),
        "rater": lambda: e.add_finding(factor="purpose", level=1, evidence="x", rater=f"T{char}"),
        "reason": lambda: e.set_override("purpose", 1, reason=f"r{char}", by="Ana"),
        "by": lambda: e.set_override("purpose", 1, reason="r", by=f"A{char}"),
        "notes": lambda: Engagement.model_validate({**e.model_dump(), "notes": f"n{char}"}),
    }
    for field, attempt in attempts.items():
        with pytest.raises((EngagementError, ValueError), match=code) as caught:
            attempt()
        assert field in str(caught.value), (field, str(caught.value))
    with pytest.raises(EngagementError, match=f"rater: contains a direction control.*{code}"):
        log.set_target("purpose", 2, by=f"Tom{char}")(e)


def test_a_direction_control_is_named_in_a_file_an_import_and_the_page(
    run: Run, tmp_path: Path, sample_path: Path
) -> None:
    data = json.loads(sample_path.read_text(encoding="utf-8"))
    data["findings"][2]["evidence"] = "reads \u202ebackwards"
    data["client"] = "Harbourline \u2067Contact"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    err = one_line(*run("validate", str(bad))[::2])
    assert "client: contains a direction control, right-to-left isolate (U+2067)" in err
    assert "findings.2.evidence: contains a direction control, right-to-left override" in err
    csv = tmp_path / "notes.csv"
    csv.write_text("factor,level,evidence\npurpose,1,ok\npurpose,2,x\u202dy\n", encoding="utf-8")
    err = one_line(*run("import", str(sample_path), str(csv))[::2])
    assert "row 3, evidence: contains a direction control, left-to-right override" in err
    app = AssessmentApp(sample_path.parent, open=sample_path.name)
    app.ui.form.handle(
        {
            "op": "submit",
            "seq": 1,
            "factor": "purpose",
            "level": 2,
            "evidence": "abc\u202edef",
            "source": "interview",
            "rater": "",
        }
    )
    assert "Not saved: evidence: contains a direction control" in app.message_text


def test_direction_marks_are_kept_for_right_to_left_text(run: Run, empty_file: Path) -> None:
    text = "\u05e9\u05dc\u05d5\u05dd 2026\u200f, \u0645\u0631\u062d\u0628\u0627\u061c and\u200e ok"
    code, _out, err = run(
        "add", str(empty_file), "--factor", "purpose", "--level", "2", "--evidence", text
    )
    assert code == 0, err
    from toolkit import load_engagement

    assert load_engagement(empty_file).findings[-1].evidence == text


def test_a_direction_control_in_a_framework_file_is_refused(tmp_path: Path) -> None:
    from toolkit import FrameworkError, load_framework

    bundled = ROOT / "toolkit" / "frameworks" / "tenfold.toml"
    text = bundled.read_text(encoding="utf-8").replace(
        'label = "Composure"', 'label = "Comp\u202eosure"', 1
    )
    assert "\u202e" in text
    custom = tmp_path / "custom.toml"
    custom.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"factor 'composure', field 'label': contains a dir"):
        load_framework(custom)
