"""The ``tenfold`` command.

Bad input never produces a traceback: the command prints ``tenfold: error: ...`` on stderr,
naming the file and what is wrong, exits with status 2, and leaves every file untouched.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click
import pandas as pd

from toolkit import changes
from toolkit.errors import TenfoldError
from toolkit.findings import SOURCES, Engagement
from toolkit.framework import Framework, load_framework
from toolkit.scoring import score_engagement, score_findings, summarize
from toolkit.spreadsheets import export_findings, read_findings
from toolkit.store import load_engagement, save_engagement, update_engagement

EXIT_BAD_INPUT = 2


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


def _framework(ctx: click.Context) -> Framework:
    fw: Framework = ctx.obj["framework"]
    return fw


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--framework",
    "framework_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A custom framework TOML file (default: the bundled Tenfold framework).",
)
@click.version_option(package_name="tenfold")
@click.pass_context
def cli(ctx: click.Context, framework_path: Path | None) -> None:
    """Tenfold: diagnose why a customer-service organisation fails, across ten factors."""
    ctx.ensure_object(dict)
    try:
        ctx.obj["framework"] = load_framework(framework_path)
    except TenfoldError as exc:
        click.echo(f"tenfold: error: {exc}", err=True)
        ctx.exit(EXIT_BAD_INPUT)


@cli.command()
@click.pass_context
def factors(ctx: click.Context) -> None:
    """List the framework's factors: id, group, label and failure mode."""
    fw = _framework(ctx)
    click.echo(f"{fw.name} (id {fw.id}, version {fw.version})")
    for i, f in enumerate(fw.factors, start=1):
        click.echo(f"{i:>2}  {f.id:<16} {f.group:<13} {f.label:<23} {f.failure_mode}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--client", required=True, help="The client's name.")
@click.option("--lead", required=True, help="The engagement lead (default rater of findings).")
@click.option("--title", default="Service management diagnostic", show_default=True)
@click.option("--date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="YYYY-MM-DD")
@click.pass_context
def new(
    ctx: click.Context, file: Path, client: str, lead: str, title: str, date: dt.datetime | None
) -> None:
    """Create a new, empty engagement file."""
    if file.exists():
        raise TenfoldError(f"{file}: already exists; choose another name")
    engagement = Engagement.new(
        client=client,
        lead=lead,
        title=title,
        date=date.date() if date else None,
        framework=_framework(ctx),
    )
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
    fw = _framework(ctx)
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
    saved = update_engagement(file, change, framework=fw)
    click.echo(f"added finding {finding_id} to {file} ({len(saved.findings)} findings)")


@cli.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("findings", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_(ctx: click.Context, file: Path, findings: Path) -> None:
    """Import findings from a CSV or XLSX file: all rows, or none."""
    fw = _framework(ctx)
    lead = load_engagement(file, framework=fw).lead
    new = read_findings(findings, framework=fw, default_rater=lead)
    update_engagement(file, changes.add_findings(new, source=findings.name), framework=fw)
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
@click.pass_context
def export(ctx: click.Context, file: Path, out: Path | None, output: Path | None) -> None:
    """Export an engagement's findings to CSV or XLSX: FILE OUT, or FILE -o OUT."""
    if out is not None and output is not None and out != output:
        raise click.UsageError("give the output file once: as OUT or as -o OUT")
    target = out or output
    if target is None:
        raise click.UsageError("give the output file: tenfold export FILE -o OUT.csv (or .xlsx)")
    engagement = load_engagement(file, framework=_framework(ctx))
    export_findings(engagement, target)
    click.echo(f"wrote {len(engagement.findings)} findings to {target}")


def _scores_for(path: Path, fw: Framework) -> pd.DataFrame:
    if path.suffix.lower() in (".csv", ".xlsx"):
        findings = read_findings(path, framework=fw, default_rater="(unnamed)")
        frame = pd.DataFrame([f.model_dump() for f in findings])
        return score_findings(frame, framework=fw)
    return score_engagement(load_engagement(path, framework=fw), framework=fw)


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
@click.pass_context
def score(ctx: click.Context, file: Path, fmt: str, explain: str | None) -> None:
    """Score an engagement file or a findings CSV/XLSX."""
    fw = _framework(ctx)
    if explain is not None:
        from toolkit.explain import explain_factor, resolve_factor

        try:
            resolve_factor(explain, fw)
        except TenfoldError as exc:
            raise TenfoldError(f"--explain: {exc} (`tenfold factors` lists them all)") from None
        if file.suffix.lower() in (".csv", ".xlsx"):
            found = read_findings(file, framework=fw, default_rater="(unnamed)")
            engagement = Engagement.new(client=file.name, lead="(unnamed)", framework=fw)
            engagement = engagement.with_findings(found)
        else:
            engagement = load_engagement(file, framework=fw)
        click.echo(explain_factor(engagement, explain, framework=fw))
        return
    scores = _scores_for(file, fw)
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
    engagement = load_engagement(file, framework=_framework(ctx))
    click.echo(
        f"{file}: ok ({engagement.client}, {len(engagement.findings)} findings, "
        f"framework {engagement.framework.id} {engagement.framework.version})"
    )


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--anonymise-raters", is_flag=True, help='Raters read "Rater A", "Rater B"...')
@click.option("--without-evidence", is_flag=True, help="Leave the evidence text out.")
@click.pass_context
def share(
    ctx: click.Context, file: Path, output: Path, anonymise_raters: bool, without_evidence: bool
) -> None:
    """Write the copy of an engagement to send to the client (a valid engagement file)."""
    from toolkit.share import shared_copy

    if output.suffix.lower() != ".json":
        raise TenfoldError(f"{output}: a shared engagement is a .json file; end the name in .json")
    if output.exists() and output.resolve() == file.resolve():
        raise TenfoldError(f"{output}: is the engagement itself; write the copy to another file")
    engagement = load_engagement(file, framework=_framework(ctx))
    copy = shared_copy(
        engagement, anonymise_raters=anonymise_raters, without_evidence=without_evidence
    )
    save_engagement(copy, output)
    kept = ", ".join(copy.withheld) or "nothing: add --anonymise-raters or --without-evidence"
    click.echo(f"wrote {output} ({len(copy.findings)} findings; withheld: {kept})")


@cli.command()
@click.option(
    "--engagements",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("engagements"),
    show_default=True,
    help="The folder of engagement files the dashboard opens and saves.",
)
@click.option("--viewer", is_flag=True, help="Serve the stakeholders' read-only viewer instead.")
@click.option(
    "--engagement",
    default=None,
    help="The engagement file to open (in --engagements); the viewer shows it and no other.",
)
@click.option(
    "--portfolio",
    is_flag=True,
    help="Viewer: list every engagement of the folder, clients side by side (internal teams).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Default: 8866 or free.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser tab.")
@click.pass_context
def dashboard(
    ctx: click.Context,
    engagements: Path,
    viewer: bool,
    engagement: str | None,
    portfolio: bool,
    port: int | None,
    no_browser: bool,
) -> None:
    """Serve the assessment dashboard (or --viewer) with Voila on 127.0.0.1 and print its URL."""
    from toolkit.dashboard.serve import serve

    if portfolio and not viewer:
        raise click.UsageError("--portfolio applies to --viewer only")
    status = serve(
        engagements,
        which="viewer" if viewer else "assessment",
        framework=ctx.find_root().params.get("framework_path"),
        port=port,
        open_browser=not no_browser,
        echo=click.echo,
        engagement=engagement,
        portfolio=portfolio,
    )
    if status:
        raise click.exceptions.Exit(status)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="OUT.html, .pdf, .pptx or .xlsx (default: an HTML file named after the client).",
)
@click.option(
    "--compare",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The client's previous assessment: the report says what moved since.",
)
@click.pass_context
def report(ctx: click.Context, file: Path, output: Path | None, compare: Path | None) -> None:
    """Write the client report of an engagement: HTML, PDF, PPTX deck or XLSX workbook."""
    from toolkit.report import build_report, report_filename

    fw = _framework(ctx)
    engagement = load_engagement(file, framework=fw)
    previous = load_engagement(compare, framework=fw) if compare is not None else None
    out = output or Path(report_filename(engagement, "html"))
    build_report(engagement, out, framework=fw, previous=previous)
    click.echo(f"wrote {out} ({out.stat().st_size / 1024:.0f} KB)")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="OUT.png, .svg, .pdf or .html (self-contained); the suffix picks the format.",
)
@click.option(
    "--kind",
    type=click.Choice(["radar", "ranked", "heatmap"]),
    default="radar",
    show_default=True,
    help="The radar, the ranked dot chart, or the evidence heatmap.",
)
@click.option("--target", is_flag=True, help="Radar: draw the engagement's target levels.")
@click.option(
    "--compare",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Radar: another engagement file (e.g. the previous assessment) drawn as an overlay.",
)
@click.option(
    "--by",
    type=click.Choice(["source", "rater"]),
    default="source",
    show_default=True,
    help="Heatmap: columns by source or by rater.",
)
@click.option(
    "--value",
    type=click.Choice(["count", "mean"]),
    default="count",
    show_default=True,
    help="Heatmap: number of findings or their mean level.",
)
@click.option("--title", default=None, help="Chart title (default: the client's name).")
@click.option(
    "--scale", type=click.FloatRange(0.5, 8), default=2.0, show_default=True, help="PNG density."
)
@click.pass_context
def chart(
    ctx: click.Context,
    file: Path,
    output: Path,
    kind: str,
    target: bool,
    compare: Path | None,
    by: str,
    value: str,
    title: str | None,
    scale: float,
) -> None:
    """Draw an engagement's radar, ranked chart or evidence heatmap to PNG, SVG, PDF or HTML."""
    from toolkit.charts import heatmap_chart, radar_chart, ranked_chart, save_chart
    from toolkit.errors import ExportError

    fw = _framework(ctx)
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in ("png", "svg", "pdf", "html"):
        raise ExportError(
            f"{output}: cannot tell the format; end the name in .png, .svg, .pdf or .html"
        )
    if kind != "radar" and (target or compare is not None):
        raise click.UsageError("--target and --compare apply to --kind radar only")
    engagement = load_engagement(file, framework=fw)
    scores = score_engagement(engagement, framework=fw)
    heading = title if title is not None else engagement.client
    if kind == "radar":
        previous = previous_label = None
        if compare is not None:
            other = load_engagement(compare, framework=fw)
            previous = score_engagement(other, framework=fw)
            previous_label = f"{other.date:%b %Y}" if other.date else compare.stem
        drawing: Any = radar_chart(
            scores,
            target=target,
            previous=previous,
            previous_label=previous_label or "Previous",
            framework=fw,
            title=heading,
        )
    elif kind == "ranked":
        drawing = ranked_chart(scores, framework=fw, title=heading)
    else:
        drawing = heatmap_chart(
            engagement.findings_frame(),
            by=by,  # type: ignore[arg-type]
            value=value,  # type: ignore[arg-type]
            framework=fw,
        )
    save_chart(drawing, output, scale=scale)
    click.echo(f"wrote {output} ({kind}, {output.stat().st_size / 1024:.0f} KB)")


def main() -> None:
    """Entry point of the ``tenfold`` console script."""
    sys.exit(cli.main(prog_name="tenfold"))
