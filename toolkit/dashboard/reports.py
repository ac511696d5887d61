"""Report download buttons for both dashboards: one per format of
:data:`toolkit.report.formats.REPORT_FORMATS` (read when the buttons are made).

Each click builds the client report of the engagement shown and hands it to the browser; nothing
is written on the server, so the read-only viewer can offer them too. A format added to the
table gets its button here with no change: ``"Report TXT"``, unless :data:`BUTTON_TEXT` gives it
words of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from toolkit.cycles import History
from toolkit.dashboard.widgets.download import DownloadButton
from toolkit.errors import TenfoldError
from toolkit.findings import Engagement
from toolkit.framework import Framework

__all__ = ["BUTTON_TEXT", "report_buttons"]

#: A format's button text and tooltip, where it has better words than ``"Report PDF"``.
BUTTON_TEXT: dict[str, tuple[str, str]] = {
    "pdf": ("Report PDF", "The client report, ready to send"),
    "pptx": ("Slides PPTX", "Title, summary, charts and the top five priorities as slides"),
    "html": ("Report HTML", "The client report as one self-contained web page"),
    "xlsx": ("Workbook XLSX", "Scores, findings and the framework as spreadsheet sheets"),
}
#: The order the known formats' buttons come in; any other format follows, in the table's order.
ORDER = ("pdf", "pptx", "html", "xlsx")


def button_text(fmt: str) -> tuple[str, str]:
    """The button text and tooltip of ``fmt``, a report format's name."""
    return BUTTON_TEXT.get(fmt, (f"Report {fmt.upper()}", f"The client report as .{fmt}"))


def report_buttons(
    engagement: Callable[[], Engagement | None],
    framework: Framework,
    *,
    on_error: Callable[[Exception], None],
    previous: Callable[[], Engagement | History | None] | None = None,
) -> list[DownloadButton]:
    """One download button per report format, each building the report of ``engagement()``
    (against ``previous()``, the client's earlier cycles or previous assessment, when given)."""
    from toolkit.report import REPORT_FORMATS, report_bytes, report_filename

    def shown() -> Engagement:
        e = engagement()
        if e is None:
            raise TenfoldError("no engagement is open")
        return e

    def button(fmt: str) -> DownloadButton:
        text, tip = button_text(fmt)
        return DownloadButton(
            text,
            lambda: report_filename(shown(), fmt),
            lambda: report_bytes(
                shown(), fmt, framework=framework, previous=previous() if previous else None
            ),
            mime=REPORT_FORMATS[fmt].media_type,
            tooltip=tip,
            on_error=on_error,
        )

    formats = sorted(REPORT_FORMATS, key=lambda f: ORDER.index(f) if f in ORDER else len(ORDER))
    return [button(fmt) for fmt in formats]
