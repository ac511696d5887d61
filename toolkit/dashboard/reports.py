"""Report download buttons (PDF, PPTX, HTML, XLSX) for both dashboards.

Each click builds the client report of the engagement shown and hands it to the browser; nothing
is written on the server, so the read-only viewer can offer them too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from toolkit.dashboard.download import DownloadButton
from toolkit.errors import TenfoldError
from toolkit.findings import Engagement
from toolkit.framework import Framework

if TYPE_CHECKING:
    from toolkit.report import ReportFormat

__all__ = ["REPORT_BUTTONS", "report_buttons"]

#: (format, button text, tooltip), in the order the buttons appear.
REPORT_BUTTONS: tuple[tuple[ReportFormat, str, str], ...] = (
    ("pdf", "Report PDF", "The client report, ready to send"),
    ("pptx", "Slides PPTX", "Title, summary, charts and the top five priorities as slides"),
    ("html", "Report HTML", "The client report as one self-contained web page"),
    ("xlsx", "Workbook XLSX", "Scores, findings and the framework as spreadsheet sheets"),
)


def report_buttons(
    engagement: Callable[[], Engagement | None],
    framework: Framework,
    *,
    on_error: Callable[[Exception], None],
    previous: Callable[[], Engagement | None] | None = None,
) -> list[DownloadButton]:
    """One download button per report format, each building the report of ``engagement()``
    (against ``previous()``, the client's previous assessment, when given)."""
    from toolkit.report import MEDIA_TYPES, report_bytes, report_filename

    def shown() -> Engagement:
        e = engagement()
        if e is None:
            raise TenfoldError("no engagement is open")
        return e

    def button(fmt: ReportFormat, text: str, tip: str) -> DownloadButton:
        return DownloadButton(
            text,
            lambda: report_filename(shown(), fmt),
            lambda: report_bytes(
                shown(), fmt, framework=framework, previous=previous() if previous else None
            ),
            mime=MEDIA_TYPES[fmt],
            tooltip=tip,
            on_error=on_error,
        )

    return [button(fmt, text, tip) for fmt, text, tip in REPORT_BUTTONS]
