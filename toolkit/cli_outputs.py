"""The ``tenfold`` commands that make something for other people: a copy of an engagement to
send (share), the client report (report), a chart for a slide (chart), and the live dashboard
or the stakeholders' viewer (dashboard).

The group of :mod:`toolkit.cli` registers them by name (``toolkit.cli.COMMANDS``) and imports
this module only when one of them runs or ``tenfold --help`` lists them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import click

from toolkit.cli_context import framework_of
from toolkit.errors import ExportError, MissingExtraError, TenfoldError
from toolkit.report import build_report, report_filename
from toolkit.report.formats import REPORT_FORMATS
from toolkit.scoring import score_engagement
from toolkit.share import shared_copy
from toolkit.store import load_engagement, save_engagement

__all__ = ["chart", "dashboard", "report", "share"]


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--anonymise-raters", is_flag=True, help='Raters read "Rater A", "Rater B"...')
@click.option("--without-evidence", is_flag=True, help="Leave the evidence text out.")
@click.pass_context
def share(
    ctx: click.Context, file: Path, output: Path, anonymise_raters: bool, without_evidence: bool
) -> None:
    """Write the copy of an engagement to send to the client (a valid engagement file)."""
    if output.suffix.lower() != ".json":
        raise TenfoldError(f"{output}: a shared engagement is a .json file; end the name in .json")
    if output.exists() and output.resolve() == file.resolve():
        raise TenfoldError(f"{output}: is the engagement itself; write the copy to another file")
    engagement = load_engagement(file, framework=framework_of(ctx))
    copy = shared_copy(
        engagement, anonymise_raters=anonymise_raters, without_evidence=without_evidence
    )
    save_engagement(copy, output)
    kept = ", ".join(copy.withheld) or "nothing: add --anonymise-raters or --without-evidence"
    click.echo(f"wrote {output} ({len(copy.findings)} findings; withheld: {kept})")


@click.command()
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
    try:  # the dashboard extra: its message, not a traceback, when it is not installed
        from toolkit.dashboard.serve import serve
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.startswith("toolkit"):
            raise
        raise MissingExtraError("dashboard", "tenfold dashboard", exc.name) from None
    if importlib.util.find_spec("voila") is None:  # the server runs in a process of its own
        raise MissingExtraError("dashboard", "tenfold dashboard", "voila")

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


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"OUT.{', .'.join(REPORT_FORMATS)} (default: an HTML file named after the client).",
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
    fw = framework_of(ctx)
    engagement = load_engagement(file, framework=fw)
    previous = load_engagement(compare, framework=fw) if compare is not None else None
    out = output or Path(report_filename(engagement, "html"))
    build_report(engagement, out, framework=fw, previous=previous)
    click.echo(f"wrote {out} ({out.stat().st_size / 1024:.0f} KB)")


@click.command()
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
    # Altair loads when a chart is drawn, not for `tenfold --help`.
    from toolkit.charts import heatmap_chart, radar_chart, ranked_chart, save_chart

    fw = framework_of(ctx)
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
