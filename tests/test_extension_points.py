"""Where the next format, command or extra plugs in: one table each, read by every entry point.

- a report format: one line in ``toolkit.report.formats.REPORT_FORMATS`` (name -> media type and
  renderer); ``report_bytes``, ``build_report``, ``report_filename`` and the dashboards' download
  buttons all read it;
- a command module: one line in ``toolkit.cli.COMMANDS`` (name -> ``"module:attribute"``);
- a missing extra: a :class:`toolkit.MissingExtraError` naming it, one line from ``tenfold``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import toolkit as tf
import toolkit.report
from toolkit.cli import COMMANDS, cli, registered_command
from toolkit.cli_context import framework_of
from toolkit.errors import TenfoldError
from toolkit.report import REPORT_FORMATS, ReportWriter, report_bytes
from toolkit.report.content import ReportContent

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"


# -- report formats ------------------------------------------------------------------------------


def test_the_table_lists_the_four_formats_with_their_media_types() -> None:
    assert {name: writer.media_type for name, writer in REPORT_FORMATS.items()} == {
        "html": "text/html",
        "pdf": "application/pdf",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    media, render = REPORT_FORMATS["html"]  # (media type, renderer), as a tuple too
    assert media == "text/html" and callable(render)


def test_a_format_added_to_the_table_is_written_by_every_entry_point(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def render_text(content: ReportContent) -> bytes:
        return f"{content.cover.client}\n{content.provenance.text}\n".encode()

    monkeypatch.setattr(
        toolkit.report,
        "REPORT_FORMATS",
        {**REPORT_FORMATS, "txt": ReportWriter("text/plain", render_text)},
    )
    engagement = tf.load_engagement(SAMPLE)
    assert report_bytes(engagement, "txt").startswith(b"Harbourline Contact Services\nTenfold ")
    assert toolkit.report.report_filename(engagement, "txt").endswith("-2026-11-16.txt")
    written = toolkit.report.build_report(engagement, tmp_path / "notes.TXT")
    assert written.read_bytes() == report_bytes(engagement, "txt")
    with pytest.raises(tf.ExportError, match=r"use one of \.html, \.pdf, \.pptx, \.xlsx, \.txt"):
        report_bytes(engagement, "docx")


def test_a_report_whose_library_is_missing_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(sys.modules, "toolkit.report.pptx", raising=False)
    monkeypatch.setitem(sys.modules, "pptx", None)  # as if python-pptx were not installed
    with pytest.raises(tf.MissingExtraError) as info:
        report_bytes(tf.load_engagement(SAMPLE), "pptx")
    assert str(info.value) == (
        "the PPTX report needs pptx, which is not installed: pip install 'tenfold[report]'"
    )
    assert info.value.extra == "report" and isinstance(info.value, ImportError)


# -- commands ------------------------------------------------------------------------------------


def test_every_registered_command_loads_under_its_name() -> None:
    assert set(COMMANDS) == {
        "access",
        "action",
        "chart",
        "dashboard",
        "report",
        "share",
        "store",
        "survey",
    }
    for name in COMMANDS:
        command = registered_command(name)
        assert command.name == name
        assert cli.get_command(click.Context(cli), name) is command
    listed = CliRunner().invoke(cli, ["--help"]).output
    for name in (*COMMANDS, "score", "validate"):
        assert f"\n  {name} " in listed


@click.group()
def tally() -> None:
    """Count things in an engagement (a command module registered by one line)."""


@tally.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def findings(ctx: click.Context, file: Path) -> None:
    """How many findings FILE holds."""
    engagement = tf.load_engagement(file, framework=framework_of(ctx))
    click.echo(f"{len(engagement.findings)} findings ({framework_of(ctx).id})")


def test_a_command_module_registered_by_one_line_runs_with_the_groups_rules(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(COMMANDS, "tally", f"{__name__}:tally")
    runner = CliRunner()
    done = runner.invoke(cli, ["tally", "findings", str(SAMPLE)])
    assert (done.exit_code, done.output) == (0, "45 findings (tenfold)\n")
    assert "tally " in runner.invoke(cli, ["--help"]).output
    missing = runner.invoke(cli, ["tally", "findings", str(tmp_path / "none.json")])
    assert missing.exit_code == 2
    assert missing.output.strip().endswith("none.json: no such engagement file")
    assert missing.output.startswith("tenfold: error: ")


def test_a_registration_that_is_not_a_command_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(COMMANDS, "broken", "toolkit.scoring:SCORE_COLUMNS")
    with pytest.raises(TypeError, match=r"toolkit\.scoring:SCORE_COLUMNS is not a click command"):
        registered_command("broken")


# -- missing extras, as the terminal shows them --------------------------------------------------


def test_a_chart_file_without_the_charts_extra_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "vl_convert", None)
    done = CliRunner().invoke(cli, ["chart", str(SAMPLE), "-o", str(tmp_path / "radar.png")])
    assert done.exit_code == 2
    assert done.output == (
        "tenfold: error: drawing a chart to a file needs vl_convert, which is not installed: "
        "pip install 'tenfold[charts]'\n"
    )
    assert not (tmp_path / "radar.png").exists()


def test_the_dashboard_without_its_extra_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m.startswith("toolkit.dashboard")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    done = CliRunner().invoke(cli, ["dashboard", "--no-browser"])
    assert done.exit_code == 2
    assert done.output == (
        "tenfold: error: tenfold dashboard needs ipywidgets, which is not installed: "
        "pip install 'tenfold[dashboard]'\n"
    )


def test_every_extra_a_message_names_is_declared() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    named = {
        extra
        for path in (ROOT / "toolkit").rglob("*.py")
        for extra in re.findall(r'MissingExtraError\(\s*"(\w+)"', path.read_text(encoding="utf-8"))
    }
    assert named == {"charts", "dashboard", "lab", "report"}
    assert named <= set(declared)
    assert issubclass(tf.MissingExtraError, TenfoldError)


def test_importing_the_dashboards_without_their_extra_says_what_to_install() -> None:
    """A fresh interpreter where ipywidgets is missing: the import itself names the extra."""
    probe = (
        "import sys\n"
        "sys.modules['ipywidgets'] = None  # as if the dashboard extra were not installed\n"
        "try:\n"
        "    import toolkit.dashboard\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc, sep=': ')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout == (
        "MissingExtraError: the dashboards (toolkit.dashboard) needs ipywidgets, which is not "
        "installed: pip install 'tenfold[dashboard]'\n"
    )
