"""The assessment's downloads: the radar as PNG, the findings as CSV or XLSX.

Each is built in memory when its button is clicked and handed to the browser; nothing is
written on the server. Each reads what the person at the page may see
(:attr:`~toolkit.dashboard.assessment.session.AssessmentSession.seen` and its scores),
whatever the page's buttons say: during a blind rating, a rater's own findings and radar only.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from toolkit.dashboard.assessment.session import AssessmentSession
from toolkit.dashboard.widgets.download import DownloadButton
from toolkit.errors import TenfoldError
from toolkit.naming import slug

__all__ = ["Exports"]


class Exports:
    """The download buttons of an assessment session."""

    def __init__(self, session: AssessmentSession, *, on_error: Callable[[Exception], None]):
        self.session = session
        self.on_error = on_error

    def filename(self, kind: str, ext: str) -> str:
        e = self.session.seen
        stem = f"{slug(e.client)}-{e.date:%Y-%m-%d}" if e else "engagement"
        return f"{stem}-{kind}.{ext}"

    def radar_png(self) -> bytes:
        """The radar (current scores against target, as this person may see them), as a PNG."""
        from toolkit.charts import radar_chart, render_chart

        scores = self.session.scores
        if scores is None:
            raise TenfoldError("no engagement is open")
        return render_chart(radar_chart(scores, framework=self.session.framework), "png")

    def findings(self, fmt: str) -> bytes:
        """The findings this person may see (:attr:`AssessmentSession.seen`), as a CSV or XLSX
        file's bytes."""
        from toolkit.spreadsheets import export_findings

        e = self.session.seen
        if e is None:
            raise TenfoldError("no engagement is open")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"findings.{fmt}"
            export_findings(e, path)
            return path.read_bytes()

    def buttons(self) -> list[DownloadButton]:
        def button(text: str, kind: str, ext: str, make: Callable[[], bytes]) -> DownloadButton:
            return DownloadButton(
                text, lambda: self.filename(kind, ext), make, on_error=self.on_error
            )

        return [
            button("Radar PNG", "radar", "png", self.radar_png),
            button("Findings CSV", "findings", "csv", lambda: self.findings("csv")),
            button("Findings XLSX", "findings", "xlsx", lambda: self.findings("xlsx")),
        ]
