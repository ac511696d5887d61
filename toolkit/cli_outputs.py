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

from toolkit.cli_context import framework_of, read_as, reader_options
from toolkit.cli_store import load_named, store_url, uses_store
from toolkit.errors import ExportError, MissingExtraError, TenfoldError
from toolkit.report import build_report, report_filename
from toolkit.report.formats import REPORT_FORMATS
from toolkit.scoring import score_engagement
from toolkit.share import names_left, shared_copy
from toolkit.store import save_engagement
from toolkit.stores import DEFAULT_FOLDER

__all__ = ["chart", "dashboard", "report", "share"]


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--anonymise-raters",
    is_flag=True,
    help='Every person the engagement names reads "Rater A", "Rater B"... (the lead, in their '
    'role, "Engagement lead"), in every form and in all text.',
)
@click.option("--without-evidence", is_flag=True, help="Leave the evidence text out.")
@click.option(
    "--yes",
    is_flag=True,
    help="Write the anonymised copy even though its text holds capitalised words that may "
    "name people the engagement does not know (listed without --yes).",
)
@reader_options
@click.pass_context
def share(
    ctx: click.Context,
    file: Path,
    output: Path,
    anonymise_raters: bool,
    without_evidence: bool,
    yes: bool,
    rater: str | None,
    whole_panel: bool,
) -> None:
    """Write the copy of an engagement to send to the client (a valid engagement file)."""
    if output.suffix.lower() != ".json":
        raise TenfoldError(f"{output}: a shared engagement is a .json file; end the name in .json")
    if not uses_store(ctx) and output.exists() and output.resolve() == file.resolve():
        raise TenfoldError(f"{output}: is the engagement itself; write the copy to another file")
    engagement = load_named(ctx, file, framework_of(ctx))
    engagement = read_as(
        engagement, file, rater=rater, whole_panel=whole_panel, whole="a copy to send"
    )
    copy = shared_copy(
        engagement, anonymise_raters=anonymise_raters, without_evidence=without_evidence
    )
    left = names_left(copy, framework_of(ctx)) if anonymise_raters else {}
    if left and not yes:
        click.echo(
            f"{file}: capitalised words left in the copy's text that may name someone the "
            "engagement does not know (its raters, lead and consensus authors are replaced):",
            err=True,
        )
        for word, places in left.items():
            more = f" and {len(places) - 3} more" if len(places) > 3 else ""
            click.echo(f"  {word}: {', '.join(places[:3])}{more}", err=True)
        raise TenfoldError(
            f"{output}: not written; read the {len(left)} word(s) above, remove any name from "
            "the engagement (or send it --without-evidence), or add --yes to write the copy as "
            "it is"
        )
    save_engagement(copy, output)
    kept = ", ".join(copy.withheld) or "nothing: add --anonymise-raters or --without-evidence"
    click.echo(f"wrote {output} ({len(copy.findings)} findings; withheld: {kept})")


@click.command()
@click.option(
    "--engagements",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder of engagement files the dashboard opens and saves (default: the --store, "
    "else ./engagements).",
)
@click.option("--viewer", is_flag=True, help="Serve the stakeholders' read-only viewer instead.")
@click.option(
    "--engagement",
    default=None,
    help="The engagement to open (a file of the folder, an id of the database); the viewer "
    "shows it and no other.",
)
@click.option(
    "--portfolio",
    is_flag=True,
    help="Viewer: list every engagement of the store, clients side by side (internal teams).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Default: 8866 or free.")
@click.option(
    "--ip",
    "host",
    default="127.0.0.1",
    show_default=True,
    help="The address to serve on: 0.0.0.0 lets colleagues on the network open it.",
)
@click.option("--no-browser", is_flag=True, help="Do not open a browser tab.")
@click.pass_context
def dashboard(
    ctx: click.Context,
    engagements: Path | None,
    viewer: bool,
    engagement: str | None,
    portfolio: bool,
    port: int | None,
    host: str,
    no_browser: bool,
) -> None:
    """Serve the assessment dashboard (or --viewer) with Voila and print its URL.

    The engagements come from --store (a database the team shares: each colleague's save shows
    on every dashboard of it, on any server) or a folder; --ip 0.0.0.0 serves the network.
    """
    try:  # the dashboard extra: its message, not a traceback, when it is not installed
        from toolkit.dashboard.serve import serve
    except MissingExtraError as exc:
        raise MissingExtraError("dashboard", "tenfold dashboard", exc.name) from None
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.startswith("toolkit"):
            raise
        raise MissingExtraError("dashboard", "tenfold dashboard", exc.name) from None
    if importlib.util.find_spec("voila") is None:  # the server runs in a process of its own
        raise MissingExtraError("dashboard", "tenfold dashboard", "voila")

    if portfolio and not viewer:
        raise click.UsageError("--portfolio applies to --viewer only")
    url = store_url(ctx)
    if engagements is not None and url is not None:
        raise click.UsageError("give --store or --engagements, not both")
    status = serve(
        engagements if engagements is not None else url or DEFAULT_FOLDER,
        which="viewer" if viewer else "assessment",
        framework=ctx.find_root().params.get("framework_path"),
        port=port,
        host=host,
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
@reader_options
@click.pass_context
def report(
    ctx: click.Context,
    file: Path,
    output: Path | None,
    compare: Path | None,
    rater: str | None,
    whole_panel: bool,
) -> None:
    """Write the client report of an engagement: HTML, PDF, PPTX deck or XLSX workbook."""
    fw = framework_of(ctx)
    reader: dict[str, Any] = {"rater": rater, "whole_panel": whole_panel}
    reader["whole"] = "the client report"
    engagement = read_as(load_named(ctx, file, fw), file, **reader)
    previous = None
    if compare is not None:
        previous = read_as(load_named(ctx, compare, fw), compare, **reader)
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
@reader_options
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
    rater: str | None,
    whole_panel: bool,
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
    reader: dict[str, Any] = {"rater": rater, "whole_panel": whole_panel}
    engagement = read_as(load_named(ctx, file, fw), file, **reader)
    scores = score_engagement(engagement, framework=fw)
    heading = title if title is not None else engagement.client
    if kind == "radar":
        previous = previous_label = None
        if compare is not None:
            other = read_as(load_named(ctx, compare, fw), compare, **reader)
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
