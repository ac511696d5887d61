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

from toolkit import access, changes
from toolkit import store as files
from toolkit.cli_context import EXIT_BAD_INPUT, framework_of, read_as, reader_options
from toolkit.cli_store import change_named, load_named, opened, signed_in, uses_store
from toolkit.cycles import next_cycle
from toolkit.errors import TenfoldError
from toolkit.explain import explain_factor, resolve_factor
from toolkit.findings import SOURCES, Engagement
from toolkit.framework import Framework, format_score, load_framework
from toolkit.scoring import score_engagement, score_findings, summarize
from toolkit.spreadsheets import export_findings, read_findings
from toolkit.store import save_engagement

__all__ = ["COMMANDS", "EXIT_BAD_INPUT", "cli", "framework_of", "main"]

#: Commands defined in other modules, by name: ``"module:attribute"``, a click command or group.
#: A new module of commands (a group such as ``tenfold store``) is one line here; it imports
#: :mod:`toolkit.cli_context`, never this module.
COMMANDS: dict[str, str] = {
    "action": "toolkit.cli_actions:action",
    "chart": "toolkit.cli_outputs:chart",
    "dashboard": "toolkit.cli_outputs:dashboard",
    "report": "toolkit.cli_outputs:report",
    "share": "toolkit.cli_outputs:share",
    "store": "toolkit.cli_store:store",
    "access": "toolkit.cli_access:access",
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
@click.option("--client", default=None, help="The client's name (with --from: theirs).")
@click.option(
    "--lead",
    default=None,
    help="The engagement lead, default rater of findings (with --from: "
    "the previous lead unless given).",
)
@click.option(
    "--title",
    default=None,
    help="Default: 'Service management diagnostic' (with --from: the previous title).",
)
@click.option("--date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="YYYY-MM-DD")
@click.option(
    "--from",
    "previous",
    default=None,
    metavar="PREVIOUS",
    help="Start the next assessment of a client from their last one (a file, or an id in a "
    "--store): targets, not-applicable factors, the team and open actions carry over, linked "
    "to it by id; findings and consensus do not.",
)
@click.option(
    "--team",
    multiple=True,
    metavar="NAME",
    help="With --from: the team of the new cycle, one --team per person (default: the lead, the "
    "previous team and everyone who rated).",
)
@click.option("--by", default=None, help="With --from: who starts the cycle (default: the lead).")
@click.pass_context
def new(
    ctx: click.Context,
    file: Path | None,
    client: str | None,
    lead: str | None,
    title: str | None,
    date: dt.datetime | None,
    previous: str | None,
    team: tuple[str, ...],
    by: str | None,
) -> None:
    """Create a new, empty engagement file (in a --store: FILE is optional; prints the id).

    With --from PREVIOUS it is the client's next assessment, started from PREVIOUS.
    """
    if file is None and not uses_store(ctx):
        raise click.UsageError("give the engagement file to create: tenfold new FILE ...")
    if file is not None and not uses_store(ctx) and file.exists():
        raise TenfoldError(f"{file}: already exists; choose another name")
    fw = framework_of(ctx)
    if previous is not None:
        engagement = _next_cycle(ctx, previous, client, lead, title, date, team, by, fw)
    else:
        if team or by:
            raise click.UsageError("--team and --by go with --from PREVIOUS")
        if client is None or lead is None:
            missing = "--client" if client is None else "--lead"
            raise click.UsageError(f"Missing option '{missing}' (or start from --from PREVIOUS)")
        engagement = Engagement.new(
            client=client,
            lead=lead,
            title=title or "Service management diagnostic",
            date=date.date() if date else None,
            framework=fw,
        )
    if uses_store(ctx):
        made = opened(ctx).create(engagement, name=file.name if file else None)
        click.echo(f"created {made.ref} (id {made.id}){_carried(engagement)}")
        return
    assert file is not None
    save_engagement(engagement, file, exclusive=True)  # of several at once, one creates it
    click.echo(f"created {file} (id {engagement.id}){_carried(engagement)}")


def _next_cycle(
    ctx: click.Context,
    previous: str,
    client: str | None,
    lead: str | None,
    title: str | None,
    date: dt.datetime | None,
    team: tuple[str, ...],
    by: str | None,
    fw: Framework,
) -> Engagement:
    """The next assessment started from ``previous`` (see :func:`toolkit.cycles.next_cycle`)."""
    try:
        # Read without checking the framework: next_cycle says plainly when it differs.
        last = (
            opened(ctx).load(previous).engagement
            if uses_store(ctx)
            else files.load_engagement(previous)
        )
    except TenfoldError as exc:
        raise TenfoldError(f"--from: {exc}") from None
    if client is not None and " ".join(client.casefold().split()) != " ".join(
        last.client.casefold().split()
    ):
        raise TenfoldError(
            f"--client: {previous} is an assessment of {last.client}, not {client}; the next "
            "cycle is of the same client (leave --client out)"
        )
    try:
        return next_cycle(
            last,
            framework=fw,
            date=date.date() if date else None,
            lead=lead,
            title=title,
            team=list(team) if team else None,
            by=by,
        )
    except TenfoldError as exc:
        raise TenfoldError(f"--from {previous}: {exc}") from None


def _carried(e: Engagement) -> str:
    if not e.previous:
        return ""
    open_actions = sum(1 for a in e.actions if a.open)
    return (
        f"; next cycle after {e.previous}: {len(e.targets)} targets, "
        f"{len(e.not_applicable)} not applicable, team {', '.join(e.team)}, "
        f"{open_actions} open actions carried"
    )


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--factor", required=True, help="Factor id or label.")
@click.option("--level", required=True, type=int, help="0 absent ... 4 embedded.")
@click.option("--evidence", required=True, help="What was seen or heard.")
@click.option("--source", type=click.Choice(SOURCES), default="interview", show_default=True)
@click.option(
    "--rater",
    default=None,
    help="Who recorded it (default: the engagement lead; signed in to a store, yourself).",
)
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
    by = None
    signed = signed_in(ctx, file)
    if signed is not None:  # the finding is credited to whoever signed in, unless the lead says
        by = signed.who
        rater = rater.strip() if rater and rater.strip() else signed.who
        action: access.Action = "add own finding" if rater == by else "credit another rater"
        access.check(signed, action, where=f"engagement {file}")
    finding_id, change = changes.add_finding(
        factor=fid, level=level, evidence=evidence, source=source, rater=rater, by=by, framework=fw
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
    signed = signed_in(ctx, file)
    default_rater = signed.who if signed is not None else load_named(ctx, file, fw).lead
    new = read_findings(findings, framework=fw, default_rater=default_rater)
    if signed is not None:
        others = any(f.rater != signed.who for f in new)
        action: access.Action = "credit another rater" if others else "add own finding"
        access.check(signed, action, where=f"engagement {file}")
    by = signed.who if signed is not None else None
    change_named(ctx, file, changes.add_findings(new, source=findings.name, by=by), fw)
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
            click.echo(
                show.to_string(
                    float_format=lambda v: f"{v:.2f}",
                    formatters={"score": lambda v: format_score(v) or "-"},
                    na_rep="-",
                )
            )
        s = summarize(scores, framework=fw)
        mean = format_score(s.mean_score) or "-"
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
