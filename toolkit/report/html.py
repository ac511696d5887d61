"""The report as one self-contained HTML file: charts inline, no external requests, print CSS.

The page is rendered by Jinja2 with autoescaping on, so every piece of engagement text (client,
evidence, reasons) is shown as text, never run as markup. The charts are SVG inlined as data
URIs: vector, offline, and free of id clashes between the two drawings.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from toolkit.agreement import TOP_PRIORITIES
from toolkit.errors import MissingExtraError

try:
    import jinja2
    from markupsafe import Markup
except ModuleNotFoundError as exc:
    raise MissingExtraError("report", "the HTML and PDF reports", exc.name) from None

from toolkit.report.content import ReportContent
from toolkit.report.figures import Figures
from toolkit.report.model import MOVE_RULE
from toolkit.report.wording import format_score, plural

__all__ = ["render_html"]


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    templates = resources.files("toolkit.report") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (templates / name).read_text(encoding="utf-8")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def stylesheet() -> str:
    """The report's CSS (screen, print and PDF)."""
    return (resources.files("toolkit.report") / "templates" / "report.css").read_text("utf-8")


def render_html(content: ReportContent, figures: Figures | None = None) -> str:
    """The report as a complete HTML document.

    Parameters
    ----------
    content
        The report content (see :func:`toolkit.report.content.build_content`).
    figures
        Its charts; made from ``content`` when not given.

    Returns
    -------
    str
        One HTML document with its CSS and both charts inline; it makes no network request.
    """
    figs = figures or Figures(content)
    template = _environment().get_template("report.html.j2")
    return template.render(
        cover=content.cover,
        summary=content.summary,
        sections=content.sections,
        appendix=content.appendix,
        notes=content.notes,
        css=Markup(stylesheet()),  # our own file, not user text
        radar_src=figs.svg_data_uri("radar"),
        ranked_src=figs.svg_data_uri("ranked"),
        fmt=format_score,
        top_priorities=TOP_PRIORITIES,
        plural=plural,
        next=content.next_steps,
        staff=content.staff,
        comparison=content.comparison,
        trend=content.trend,
        plan=content.plan,
        move_rule=MOVE_RULE,
        toolkit_version=content.provenance.tenfold_version,
        provenance=content.provenance,
    )
