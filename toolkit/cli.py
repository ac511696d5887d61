"""The ``tenfold`` command.

Bad input never produces a traceback: the command prints ``tenfold: error: ...`` on stderr,
naming the file and what is wrong, exits with status 2, and leaves every file untouched.

Here are the group and the commands that read and change an engagement (factors, new, add,
import, export, score, validate). Commands defined in other modules (share, report, chart and
dashboard, in :mod:`toolkit.cli_outputs`) are registered by name in :data:`COMMANDS` and loaded
only when one of them runs or ``tenfold --help`` lists them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import click
import pandas as pd

from toolkit import changes
from toolkit.cli_context import EXIT_BAD_INPUT, framework_of, read_as, reader_options
from toolkit.cli_store import change_named, load_named, opened, uses_store
from toolkit.errors import TenfoldError
from toolkit.explain import explain_factor, resolve_factor
from toolkit.findings import SOURCES, Engagement
from toolkit.framework import Framework, load_framework
from toolkit.scoring import score_engagement, score_findings, summarize
from toolkit.spreadsheets import export_findings, read_findings
from toolkit.store import save_engagement

__all__ = ["COMMANDS", "EXIT_BAD_INPUT", "cli", "framework_of", "main"]

#: Commands defined in other modules, by name: ``"module:attribute"``, a click command or group.
#: A new module of commands (a group such as ``tenfold store``) is one line here; it imports
#: :mod:`toolkit.cli_context`, never this module.
COMMANDS: dict[str, str] = {
    "chart": "toolkit.cli_outputs:chart",
    "dashboard": "toolkit.cli_outputs:dashboard",
    "report": "toolkit.cli_outputs:report",
    "share": "toolkit.cli_outputs:share",
    "store": "toolkit.cli_store:store",
    "survey": "toolkit.cli_survey:survey",
}


def registered_command(name: str) -> click.Command:
    """The command :data:`COMMANDS` registers as ``name``, imported now."""
    module, _, attribute = COMMANDS[name].partition(":")
    command = getattr(importlib.import_module(module), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"COMMANDS[{name!r}]: {COMMANDS[name]} is not a click command")
    return command


class _Group(click.Group):
    """Turns every TenfoldError and OSError into a one-line message and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TenfoldError as exc:
            click.echo(f"tenfold: error: {exc}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"tenfold: error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(EXIT_BAD_INPUT)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            return registered_command(cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--framework",
    "framework_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A custom framework TOML file (default: the bundled Tenfold framework).",
)
@click.option(
    "--store",
    "store_url",
    envvar="TENFOLD_STORE",
    default=None,
    help="Where engagements are kept: a database URL (postgresql+psycopg://..., sqlite:///FILE) "
    "or a folder; then ENGAGEMENT is an id (or a file name in the folder). Default: file paths.",
)
@click.version_option(package_name="tenfold")
@click.pass_context
def cli(ctx: click.Context, framework_path: Path | None, store_url: str | None) -> None:
    """Tenfold: diagnose why a customer-service organisation fails, across ten factors."""
    ctx.ensure_object(dict)
    ctx.obj["store_url"] = store_url or None
    try:
        ctx.obj["framework"] = load_framework(framework_path)
    except TenfoldError as exc:
        click.echo(f"tenfold: error: {exc}", err=True)
        ctx.exit(EXIT_BAD_INPUT)


@cli.command()
@click.pass_context
def factors(ctx: click.Context) -> None:
    """List the framework's factors: id, group, label and failure mode."""
    fw = framework_of(ctx)
    click.echo(f"{fw.name} (id {fw.id}, version {fw.version})")
    for i, f in enumerate(fw.factors, start=1):
        click.echo(f"{i:>2}  {f.id:<16} {f.group:<13} {f.label:<23} {f.failure_mode}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--client", required=True, help="The client's name.")
@click.option("--lead", required=True, help="The engagement lead (default rater of findings).")
@click.option("--title", default="Service management diagnostic", show_default=True)
@click.option("--date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="YYYY-MM-DD")
@click.pass_context
def new(
    ctx: click.Context,
    file: Path | None,
    client: str,
    lead: str,
    title: str,
    date: dt.datetime | None,
) -> None:
    """Create a new, empty engagement file (in a --store: FILE is optional; prints the id)."""
    if file is None and not uses_store(ctx):
        raise click.UsageError("give the engagement file to create: tenfold new FILE ...")
    if file is not None and not uses_store(ctx) and file.exists():
        raise TenfoldError(f"{file}: already exists; choose another name")
    engagement = Engagement.new(
        client=client,
        lead=lead,
        title=title,
        date=date.date() if date else None,
        framework=framework_of(ctx),
    )
    if uses_store(ctx):
        made = opened(ctx).create(engagement, name=file.name if file else None)
        click.echo(f"created {made.ref} (id {made.id})")
        return
    assert file is not None
    save_engagement(engagement, file, exclusive=True)  # of several at once, one creates it
    click.echo(f"created {file}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--factor", required=True, help="Factor id or label.")
@click.option("--level", required=True, type=int, help="0 absent ... 4 embedded.")
@click.option("--evidence", required=True, help="What was seen or heard.")
@click.option("--source", type=click.Choice(SOURCES), default="interview", show_default=True)
@click.option("--rater", default=None, help="Who recorded it (default: the engagement lead).")
@click.pass_context
def add(
    ctx: click.Context,
    file: Path,
    factor: str,
    level: int,
    evidence: str,
    source: str,
    rater: str | None,
) -> None:
    """Add one finding to an engagement."""
    fw = framework_of(ctx)
    fid = fw.resolve_factor(factor)
    if fid is None:
        guess = fw.suggest_factor(factor)
        hint = f"did you mean {guess!r}? " if guess else ""
        raise TenfoldError(f"--factor: unknown factor {factor!r}; {hint}see `tenfold factors`")
    if not evidence.strip():
        raise TenfoldError("--evidence: is empty")
    finding_id, change = changes.add_finding(
        factor=fid, level=level, evidence=evidence, source=source, rater=rater, framework=fw
    )
    saved = change_named(ctx, file, change, fw)
    click.echo(f"added finding {finding_id} to {file} ({len(saved.findings)} findings)")


@cli.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("findings", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_(ctx: click.Context, file: Path, findings: Path) -> None:
    """Import findings from a CSV or XLSX file: all rows, or none."""
    fw = framework_of(ctx)
    lead = load_named(ctx, file, fw).lead
    new = read_findings(findings, framework=fw, default_rater=lead)
    change_named(ctx, file, changes.add_findings(new, source=findings.name), fw)
    click.echo(f"imported {len(new)} findings into {file}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="OUT.csv or OUT.xlsx (the same as giving OUT after FILE, as report and chart take it).",
)
@reader_options
@click.pass_context
def export(
    ctx: click.Context,
    file: Path,
    out: Path | None,
    output: Path | None,
    rater: str | None,
    whole_panel: bool,
) -> None:
    """Export an engagement's findings to CSV or XLSX: FILE OUT, or FILE -o OUT."""
    if out is not None and output is not None and out != output:
        raise click.UsageError("give the output file once: as OUT or as -o OUT")
    target = out or output
    if target is None:
        raise click.UsageError("give the output file: tenfold export FILE -o OUT.csv (or .xlsx)")
    engagement = load_named(ctx, file, framework_of(ctx))
    engagement = read_as(engagement, file, rater=rater, whole_panel=whole_panel)
    export_findings(engagement, target)
    click.echo(f"wrote {len(engagement.findings)} findings to {target}")


def _scores_for(ctx: click.Context, path: Path, fw: Framework, **reader: Any) -> pd.DataFrame:
    if path.suffix.lower() in (".csv", ".xlsx"):
        findings = read_findings(path, framework=fw, default_rater="(unnamed)")
        frame = pd.DataFrame([f.model_dump() for f in findings])
        return score_findings(frame, framework=fw)
    engagement = read_as(load_named(ctx, path, fw), path, **reader)
    return score_engagement(engagement, framework=fw)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--explain",
    metavar="FACTOR",
    default=None,
    help="Show how one factor's score was reached (its id or label).",
)
@reader_options
@click.pass_context
def score(
    ctx: click.Context,
    file: Path,
    fmt: str,
    explain: str | None,
    rater: str | None,
    whole_panel: bool,
) -> None:
    """Score an engagement file or a findings CSV/XLSX."""
    fw = framework_of(ctx)
    if explain is not None:
        try:
            resolve_factor(explain, fw)
        except TenfoldError as exc:
            raise TenfoldError(f"--explain: {exc} (`tenfold factors` lists them all)") from None
        if file.suffix.lower() in (".csv", ".xlsx"):
            found = read_findings(file, framework=fw, default_rater="(unnamed)")
            engagement = Engagement.new(client=file.name, lead="(unnamed)", framework=fw)
            engagement = engagement.with_findings(found)
        else:
            engagement = load_named(ctx, file, fw)
            engagement = read_as(engagement, file, rater=rater, whole_panel=whole_panel)
        click.echo(explain_factor(engagement, explain, framework=fw))
        return
    scores = _scores_for(ctx, file, fw, rater=rater, whole_panel=whole_panel)
    if fmt == "csv":
        click.echo(scores.to_csv(float_format="%.3g"), nl=False)
    elif fmt == "json":
        records = json.loads(scores.reset_index().to_json(orient="records", double_precision=6))
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        show = scores[
            ["label", "score", "basis", "n_findings", "n_raters", "spread", "r_wg", "confidence"]
        ]
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            click.echo(show.to_string(float_format=lambda v: f"{v:.2f}", na_rep="-"))
        s = summarize(scores, framework=fw)
        mean = "-" if pd.isna(s.mean_score) else f"{s.mean_score:.2f}"
        click.echo(
            f"\nassessed {s.assessed}/{s.n_factors}, weighted mean {mean}, "
            f"needing consensus {s.needs_consensus}, "
            f"raters disagree (r_wg < 0.70): {', '.join(s.raters_disagree) or '-'}, "
            f"priorities: {', '.join(s.priorities[:5]) or '-'}"
        )
        click.echo("explain a score: tenfold score FILE --explain FACTOR")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def validate(ctx: click.Context, file: Path) -> None:
    """Check an engagement file against the framework; exit 2 with the problem if it fails."""
    engagement = load_named(ctx, file, framework_of(ctx))
    click.echo(
        f"{file}: ok ({engagement.client}, {len(engagement.findings)} findings, "
        f"framework {engagement.framework.id} {engagement.framework.version})"
    )


def main() -> None:
    """Entry point of the ``tenfold`` console script."""
    sys.exit(cli.main(prog_name="tenfold"))
