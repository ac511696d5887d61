"""Charts out of Python: offline display in Jupyter and Voila, and files on disk.

Nothing here reaches the network. :func:`chart_widget` uses Altair's ``JupyterChart`` in
offline mode (its JavaScript comes from vl-convert, inside the kernel), which renders in
JupyterLab and Voila with no internet access; the default and mimetype renderers load Vega from
a CDN and do not. :func:`save_chart` renders with vl-convert, also offline.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path
from typing import Any, Literal

import altair as alt

from toolkit._files import resolve, write_atomic
from toolkit.charts._agreement import PROVENANCE_ATTRIBUTE
from toolkit.charts._style import MUTED
from toolkit.errors import ExportError, MissingExtraError
from toolkit.provenance import Provenance

__all__ = ["FORMATS", "chart_widget", "save_chart"]

ChartFormat = Literal["png", "svg", "pdf", "html"]
FORMATS: tuple[str, ...] = ("png", "svg", "pdf", "html")
_REMOTE_SCRIPT = re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']?\s*(https?:)?//", re.IGNORECASE)
_offline_enabled = False


def _vl_convert() -> Any:
    """vl-convert, which draws charts offline; a clear message naming the extra when missing."""
    try:
        import vl_convert
    except ModuleNotFoundError as exc:
        raise MissingExtraError("charts", "drawing a chart to a file", exc.name) from None
    return vl_convert


def _vl_version() -> str | None:
    """The Vega-Lite version Altair writes, in vl-convert's spelling (``"6.4"``)."""
    vlc = _vl_convert()
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vlc.get_vegalite_versions() else None


def _escape_embedded_spec(html: str, spec: dict[str, Any]) -> str:
    """``html`` with the spec it embeds in a ``<script>`` written so text cannot end the script.

    vl-convert writes the spec as compact JSON inside a script element, so a title such as a
    client name containing ``</script>`` would end the script early and let the rest run as
    markup. In JSON, ``<``, ``>`` and ``&`` occur only inside strings, where the escapes
    ``\\u003c``, ``\\u003e`` and ``\\u0026`` mean the same characters, so the chart shows the
    text exactly as typed.
    """
    embedded = json.dumps(spec, separators=(",", ":"), ensure_ascii=False)
    if not any(ch in embedded for ch in "<>&"):
        return html
    if embedded not in html:
        raise ValueError("cannot find the chart's spec in the HTML to escape its text")
    safe = embedded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return html.replace(embedded, safe, 1)


def _spec(chart: Any) -> dict[str, Any]:
    if isinstance(chart, dict):
        return chart
    to_dict = getattr(chart, "to_dict", None)
    if to_dict is None:
        raise TypeError(f"expected an Altair chart or a Vega-Lite dict, got {type(chart).__name__}")
    spec: dict[str, Any] = to_dict()
    return spec


#: Properties that only a top-level Vega-Lite spec may have; they stay outside the footer's wrap.
_TOP_LEVEL = ("$schema", "config", "datasets", "background", "padding", "autosize", "usermeta")


def _provenance_text(chart: Any, provenance: Provenance | str | None) -> str | None:
    """The footer line: ``provenance`` if given, else the one the chart carries, else none."""
    if isinstance(provenance, Provenance):
        return provenance.text
    if provenance is not None:
        return str(provenance)
    mark = getattr(chart, PROVENANCE_ATTRIBUTE, None) if not isinstance(chart, dict) else None
    if not isinstance(mark, dict):
        return None
    try:
        return Provenance(
            tenfold_version=str(mark["tenfold_version"]),
            rule_version=str(mark["rule_version"]),
            data_hash=str(mark["data_hash"]),
        ).text
    except KeyError:
        return None


def with_footer(spec: dict[str, Any], text: str) -> dict[str, Any]:
    """``spec`` with ``text`` in small grey type under its bottom-right corner.

    The chart is wrapped, unchanged, in a one-chart column whose title sits at the bottom, so
    any chart (a layer, a concatenation) gets the footer without its own title moving.
    """
    outer = {k: spec[k] for k in _TOP_LEVEL if k in spec}
    inner = {k: v for k, v in spec.items() if k not in _TOP_LEVEL}
    footer = {
        "text": text,
        "orient": "bottom",
        "anchor": "end",
        "fontSize": 9,
        "fontWeight": "normal",
        "color": MUTED,
        "offset": 10,
    }
    return {**outer, "vconcat": [inner], "title": footer}


def render_chart(chart: Any, format: ChartFormat, *, scale: float = 2.0) -> bytes:
    """The chart rendered offline by vl-convert, as the bytes of a PNG, SVG, PDF or HTML file.

    HTML is self-contained: Vega, Vega-Lite and vega-embed are inlined, no script is fetched.
    """
    vlc = _vl_convert()
    spec = _spec(chart)
    version = _vl_version()
    if format == "png":
        return bytes(vlc.vegalite_to_png(spec, vl_version=version, scale=scale))
    if format == "svg":
        return str(vlc.vegalite_to_svg(spec, vl_version=version)).encode("utf-8")
    if format == "pdf":
        return bytes(vlc.vegalite_to_pdf(spec, vl_version=version))
    if format == "html":
        html = _escape_embedded_spec(
            str(vlc.vegalite_to_html(spec, vl_version=version, bundle=True)), spec
        )
        if _REMOTE_SCRIPT.search(html):
            raise ValueError("the HTML loads a script from the network")
        return html.encode("utf-8")
    raise ValueError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")


def save_chart(
    chart: Any,
    path: str | os.PathLike[str],
    *,
    format: ChartFormat | None = None,
    scale: float = 2.0,
    provenance: Provenance | str | None = None,
) -> Path:
    """Write a chart to a PNG, SVG, PDF or self-contained HTML file, with no network access.

    Parameters
    ----------
    chart
        An Altair chart (or a Vega-Lite spec as a dict).
    path
        Where to write. The file appears complete or not at all: it is written to a temporary
        file in the same folder and renamed into place. An existing file keeps its
        permissions; a read-only one is refused.
    format
        ``"png"``, ``"svg"``, ``"pdf"`` or ``"html"``; by default taken from the file suffix.
    scale
        Pixel density of PNG output; 2 gives crisp images on slides (SVG, PDF and HTML
        are vector and ignore it).
    provenance
        The line printed in small grey type under the chart, such as ``"Tenfold 0.1.0 ·
        scoring rule 1 · data 3f9a1c0b7e21"`` (a :class:`~toolkit.Provenance` or text). By
        default, the provenance the chart carries: the radar and the ranked chart drawn from
        :func:`~toolkit.score_engagement`'s table carry their engagement's (a copy made with
        ``.properties()`` or a composition does not: pass it here). A chart without one (a
        heatmap, a plain spec) is written as it is.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ExportError
        The format is unknown, the chart cannot be rendered, or the file cannot be written;
        the message names the path and the reason.
    """
    out = Path(path)
    fmt = (format or out.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        shown = f"format {format!r}" if format else f"suffix {out.suffix or '(none)'!r}"
        raise ExportError(f"{out}: cannot save a chart with {shown}; use .png, .svg, .pdf or .html")
    if not resolve(out).parent.is_dir():  # checked first: rendering takes a second
        raise ExportError(f"{out}: the folder {str(out.parent)!r} does not exist")
    try:
        spec = _spec(chart)
        footer = _provenance_text(chart, provenance)
        if footer:
            spec = with_footer(spec, footer)
        data = render_chart(spec, fmt, scale=scale)  # type: ignore[arg-type]
    except (ExportError, MissingExtraError):
        raise
    except Exception as exc:  # vl-convert raises plain ValueErrors with Vega's message
        raise ExportError(f"{out}: could not render the chart as {fmt} ({exc})") from exc
    write_atomic(out, data)
    return out


def chart_widget(
    chart: alt.TopLevelMixin, *, renderer: Literal["svg", "canvas"] = "svg"
) -> alt.JupyterChart:
    """A widget that shows ``chart`` in JupyterLab or Voila with no network access.

    Offline mode is switched on once per kernel (the Vega bundle is served from vl-convert, in
    the kernel, instead of a CDN). Update the widget in place with ``widget.chart = new_chart``.
    Charts are drawn as SVG by default: crisp at any zoom, and their text can be selected and
    found by browser tests; tooltips work with either renderer.
    """
    global _offline_enabled
    if importlib.util.find_spec("anywidget") is None:
        raise MissingExtraError("lab", "a chart widget", "anywidget")
    if not _offline_enabled:
        _vl_convert()  # Vega's bundle comes from vl-convert, in the kernel
        alt.JupyterChart.enable_offline()
        _offline_enabled = True
    spec: Any = chart
    return alt.JupyterChart(spec, embed_options={"renderer": renderer, "actions": False})
