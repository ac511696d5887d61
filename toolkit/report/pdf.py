"""The report as PDF, printed by WeasyPrint from the same HTML as the HTML report.

WeasyPrint applies the stylesheet's print rules: A4 pages, each part starting on a new page,
page numbers, the client's name in the running header. The charts stay SVG, so they are vector
graphics in the PDF. WeasyPrint needs Pango (``make system-deps`` installs it).
"""

from __future__ import annotations

from toolkit.errors import ExportError, MissingExtraError
from toolkit.report.content import ReportContent
from toolkit.report.figures import Figures
from toolkit.report.html import render_html

__all__ = ["render_pdf"]


def render_pdf(content: ReportContent, figures: Figures | None = None) -> bytes:
    """The report as PDF bytes.

    Raises
    ------
    ExportError
        WeasyPrint or its system libraries (Pango) are missing, or printing failed.
    """
    html = render_html(content, figures)
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except ModuleNotFoundError as exc:
        raise MissingExtraError("report", "the PDF report", exc.name) from None
    except (ImportError, OSError) as exc:  # OSError: Pango's shared library is missing
        raise ExportError(
            f"PDF export needs WeasyPrint and Pango ({exc}); run `make system-deps`, "
            "or export HTML and print it to PDF from a browser"
        ) from None
    c = content.cover
    # Only data: URLs (the inline charts) are fetched: printing a report never reaches the network.
    fetcher = URLFetcher(allowed_protocols=("data",))
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render()
    document.metadata.title = f"{c.title} \u2014 {c.client}"
    document.metadata.authors = [c.lead]
    document.metadata.generator = f"Tenfold {content.provenance.tenfold_version}"
    document.metadata.description = content.provenance.text
    pdf: bytes = document.write_pdf()
    return pdf
