"""The formats a report is written in: one table, a format's name -> (media type, renderer).

A new format is a module with a renderer (``ReportContent -> bytes``), a function here that loads
it, and one line in :data:`REPORT_FORMATS`; :func:`toolkit.report.report_bytes`,
:func:`~toolkit.report.build_report`, the file name, ``tenfold report`` and the dashboards' download
buttons all read the table.

Each renderer's module, and so its library (Jinja2, WeasyPrint, python-pptx, openpyxl), is
imported when the format is first written, so the content model the viewer shows costs none of
them; a module whose library is missing says which extra brings it
(:class:`~toolkit.errors.MissingExtraError`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple, TypeAlias

from toolkit.report.content import ReportContent

__all__ = ["REPORT_FORMATS", "Renderer", "ReportWriter"]

#: Renders a report's content as the bytes of one file.
Renderer: TypeAlias = Callable[[ReportContent], bytes]


class ReportWriter(NamedTuple):
    """How one format is written: its media type (for a download) and its renderer."""

    media_type: str
    render: Renderer


def _html(content: ReportContent) -> bytes:
    from toolkit.report.html import render_html

    return render_html(content).encode("utf-8")


def _pdf(content: ReportContent) -> bytes:
    from toolkit.report.pdf import render_pdf

    return render_pdf(content)


def _pptx(content: ReportContent) -> bytes:
    from toolkit.report.pptx import render_pptx

    return render_pptx(content)


def _xlsx(content: ReportContent) -> bytes:
    from toolkit.report.xlsx import render_xlsx

    return render_xlsx(content)


#: Every report format by its name (also its file suffix: ``"pdf"``), in the order a person is
#: offered them.
REPORT_FORMATS: Mapping[str, ReportWriter] = MappingProxyType(
    {
        "html": ReportWriter("text/html", _html),
        "pdf": ReportWriter("application/pdf", _pdf),
        "pptx": ReportWriter(
            "application/vnd.openxmlformats-officedocument.presentationml.presentation", _pptx
        ),
        "xlsx": ReportWriter(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx
        ),
    }
)
