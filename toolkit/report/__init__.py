"""Client deliverables: the report a consultant sends after the session.

One content model (:mod:`toolkit.report.content`), four formats::

    build_report(engagement, "harbourline.html")   # one self-contained page, print-friendly
    build_report(engagement, "harbourline.pdf")    # A4, page numbers, vector charts
    build_report(engagement, "harbourline.pptx")   # 16:9 deck: title, summary, charts, priorities
    build_report(engagement, "harbourline.xlsx")   # sheets Scores, Findings, Framework

Dashboards offer the same files as downloads::

    data = report_bytes(engagement, "pdf")     # bytes, nothing written to disk
    name = report_filename(engagement, "pdf")  # "harbourline-contact-services-2026-11-16.pdf"
    mime = REPORT_FORMATS["pdf"].media_type    # "application/pdf"

The formats are one table, :data:`REPORT_FORMATS` (:mod:`toolkit.report.formats`): a format's
name, its media type and its renderer. Every piece of engagement text is escaped in HTML and PDF
and written as literal text in PPTX and XLSX (formula-like cells neutralised). A factor without
a score reads "not assessed" or "not applicable", never 0.
"""

from __future__ import annotations

from pathlib import Path

from toolkit._files import resolve, write_atomic
from toolkit.errors import ExportError, TenfoldError
from toolkit.findings import Engagement
from toolkit.framework import Framework
from toolkit.naming import slug
from toolkit.report.content import ReportContent, build_content
from toolkit.report.formats import REPORT_FORMATS, ReportWriter

__all__ = [
    "REPORT_FORMATS",
    "ReportContent",
    "ReportWriter",
    "build_content",
    "build_report",
    "report_bytes",
    "report_filename",
]


def _check_format(fmt: str, where: str) -> str:
    name = fmt.lower().lstrip(".")
    if name not in REPORT_FORMATS:
        raise ExportError(
            f"{where}: unsupported report format {fmt!r}; use one of "
            f"{', '.join('.' + f for f in REPORT_FORMATS)}"
        )
    return name


def report_bytes(
    engagement: Engagement,
    format: str,
    *,
    framework: Framework | None = None,
    previous: Engagement | None = None,
) -> bytes:
    """The report of ``engagement`` in ``format``, as bytes (for a download button).

    Parameters
    ----------
    engagement
        The engagement to report on.
    format
        A name in :data:`REPORT_FORMATS`: ``"html"``, ``"pdf"``, ``"pptx"`` or ``"xlsx"``.
    framework
        The framework the engagement was made with (default: the bundled one).
    previous
        The client's previous assessment: the report then says what moved since.

    Raises
    ------
    ExportError
        The format is unknown or the report could not be rendered (the message says why).
    """
    fmt = _check_format(str(format), "report")
    content = build_content(engagement, framework=framework, previous=previous)
    try:
        return REPORT_FORMATS[fmt].render(content)
    except TenfoldError:
        raise
    except Exception as exc:
        raise ExportError(
            f"{fmt.upper()} report of {engagement.client!r}: could not render "
            f"({type(exc).__name__}: {exc})"
        ) from exc


def report_filename(engagement: Engagement, format: str) -> str:
    """A safe ASCII file name for the report, e.g. ``harbourline-contact-services-2026-11-16.pdf``.

    Accents are dropped (``Café`` gives ``cafe``), other characters become hyphens; a client
    name with no Latin letters or digits gives ``report-2026-11-16.pdf``.
    """
    fmt = _check_format(str(format), "report file name")
    return f"{slug(engagement.client, fallback='report')}-{engagement.date.isoformat()}.{fmt}"


def build_report(
    engagement: Engagement,
    path: str | Path,
    *,
    framework: Framework | None = None,
    format: str | None = None,
    previous: Engagement | None = None,
) -> Path:
    """Write the report of ``engagement`` to ``path``.

    Parameters
    ----------
    engagement
        The engagement to report on.
    path
        Where to write; its suffix (``.html``, ``.pdf``, ``.pptx``, ``.xlsx``) picks the format
        unless ``format`` is given.
    framework
        The framework the engagement was made with (default: the bundled one).
    format
        Force a format whatever the suffix.
    previous
        The client's previous assessment: the report then says what moved since.

    Returns
    -------
    pathlib.Path
        ``path``. The file is written to a temporary name in the same folder and renamed into
        place, so a failed export never leaves half a file or spoils an earlier report; an
        existing report keeps its permissions, and a read-only one is refused.

    Raises
    ------
    ExportError
        Naming ``path``: an unknown suffix, a folder that does not exist (checked before the
        report is rendered) or cannot be written, a read-only file, or a rendering failure.
    """
    path = Path(path)
    fmt = _check_format(format or path.suffix or "(none)", str(path))
    folder = resolve(path).parent
    if not folder.is_dir():  # checked first: rendering a PDF takes seconds
        raise ExportError(f"{path}: the folder {str(path.parent)!r} does not exist")
    try:
        data = report_bytes(engagement, fmt, framework=framework, previous=previous)
    except ExportError as exc:
        raise ExportError(f"{path}: {exc}") from exc.__cause__
    write_atomic(path, data)
    return path
