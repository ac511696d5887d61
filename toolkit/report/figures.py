"""The report's two charts, the radar (current vs target) and the ranked chart, rendered offline.

Charts are drawn by :mod:`toolkit.charts` and rendered by vl-convert with no network access: SVG
for HTML and PDF (so the PDF keeps them as vector graphics) and PNG for slides.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from toolkit.errors import ExportError, MissingExtraError
from toolkit.report.content import ReportContent

__all__ = ["Figures"]

ChartKind = Literal["radar", "ranked"]

_XML_PROLOGUE = re.compile(r"^\s*<\?xml[^>]*\?>\s*")
# vl-convert lays text out with its bundled Liberation Sans but writes the generic
# "sans-serif" into the SVG, which a browser or WeasyPrint may resolve to a wider font
# (DejaVu Sans) and so clip right-aligned labels. Name the metric-compatible fonts instead.
_GENERIC_FONT = 'font-family="sans-serif"'
_MEASURED_FONT = 'font-family="Liberation Sans, Arial, Helvetica, sans-serif"'


def _check_renderer() -> None:
    # Altair's own message for a missing vl-convert names a web page, not the extra.
    if importlib.util.find_spec("vl_convert") is None:
        raise MissingExtraError("report", "drawing the report's charts", "vl_convert")


@dataclass
class Figures:
    """The charts of one report, each built once and rendered at most once per format."""

    content: ReportContent
    _charts: dict[str, Any] = field(default_factory=dict)
    _svg: dict[str, str] = field(default_factory=dict)
    _png: dict[str, bytes] = field(default_factory=dict)

    def chart(self, kind: ChartKind) -> Any:
        """The Altair chart of ``kind``."""
        if kind not in self._charts:
            from toolkit.charts import radar_chart, ranked_chart

            c = self.content
            if kind == "radar":
                self._charts[kind] = radar_chart(
                    c.scores,
                    target=True,
                    previous=c.previous_scores,
                    previous_label=f"Previous ({c.next_steps.since})",
                    staff=c.staff.table if c.staff is not None else None,
                    staff_label=c.staff.series_label if c.staff is not None else "Staff survey",
                    framework=c.framework,
                )
            else:
                self._charts[kind] = ranked_chart(c.scores, framework=c.framework)
        return self._charts[kind]

    def svg(self, kind: ChartKind) -> str:
        """The chart as SVG text (no XML prologue, ready to inline or to wrap in a data URI)."""
        if kind not in self._svg:
            _check_renderer()
            buf = io.StringIO()
            try:
                self.chart(kind).save(buf, format="svg")
            except Exception as exc:  # vl-convert reports rendering problems as plain errors
                raise ExportError(f"{kind} chart: could not render as SVG ({exc})") from exc
            svg = _XML_PROLOGUE.sub("", buf.getvalue())
            self._svg[kind] = svg.replace(_GENERIC_FONT, _MEASURED_FONT)
        return self._svg[kind]

    def svg_data_uri(self, kind: ChartKind) -> str:
        """The chart as a ``data:image/svg+xml;base64,...`` URI: self-contained, still vector."""
        data = base64.b64encode(self.svg(kind).encode("utf-8")).decode("ascii")
        return f"data:image/svg+xml;base64,{data}"

    def png(self, kind: ChartKind, *, scale: float = 2.0) -> bytes:
        """The chart as PNG bytes at ``scale`` (2 gives crisp slides)."""
        if kind not in self._png:
            _check_renderer()
            buf = io.BytesIO()
            try:
                self.chart(kind).save(buf, format="png", scale_factor=scale)
            except Exception as exc:
                raise ExportError(f"{kind} chart: could not render as PNG ({exc})") from exc
            self._png[kind] = buf.getvalue()
        return self._png[kind]
