"""The stakeholders' read-only view of an engagement.

Pick an engagement; see the radar (current, target, and the client's previous assessment where
the folder holds one), the ranked chart, the summary, and per factor its findings and the
framework's remedies. The view has no control that writes: it only reads files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from toolkit.dashboard.bridge import PageBridge
from toolkit.dashboard.common import (
    CSS,
    esc,
    findings_table_html,
    format_score,
    header_html,
    message_html,
    plural,
    style_widget,
    summary_html,
)
from toolkit.dashboard.files import (
    EngagementFile,
    default_folder,
    default_framework,
    list_engagements,
    pick_option,
    previous_assessment,
)
from toolkit.dashboard.reports import report_buttons
from toolkit.framework import Framework
from toolkit.scoring import score_engagement, summarize

__all__ = ["ViewerApp"]

#: The radar's diameter in the viewer, in pixels (labels and legend come on top).
RADAR_SIZE = 380
#: The ranked chart's plot width, so both charts sit side by side from 1280 pixels up.
RANKED_WIDTH = 380
BINDER_NOTICE = (
    "This is a temporary Binder session: it closes after about ten idle minutes and keeps "
    "nothing. Install Tenfold to work on your own engagements."
)


class ViewerApp:
    """The read-only viewer, built from widgets; display it with ``display(app)``.

    Parameters
    ----------
    folder
        The engagements folder (default: ``TENFOLD_ENGAGEMENTS``, else ``../engagements``).
    framework
        The framework (default: ``TENFOLD_FRAMEWORK``'s file, else the bundled one).
    open
        The engagement file to show first (a name in ``folder`` or a path); default the most
        recent assessment.
    binder
        Show the "temporary Binder session" notice (default: when ``TENFOLD_BINDER=1``).

    Attributes
    ----------
    engagement, scores, previous
        What is shown: the engagement, its scores, and the previous assessment's file or None.
    radar, ranked
        The chart widgets (``.chart`` is the Altair chart drawn).
    """

    def __init__(
        self,
        folder: str | Path | None = None,
        *,
        framework: Framework | None = None,
        open: str | Path | None = None,
        binder: bool | None = None,
    ) -> None:
        self.framework = framework or default_framework()
        self.folder = Path(folder) if folder is not None else default_folder()
        self.binder = os.environ.get("TENFOLD_BINDER") == "1" if binder is None else binder
        self.engagement: Any = None
        self.scores: pd.DataFrame | None = None
        self.previous: EngagementFile | None = None
        self.radar: Any = None
        self.ranked: Any = None
        self.header = widgets.HTML(header_html(None, subtitle="Tenfold diagnostic"))
        self.picker = widgets.Dropdown(
            description="Engagement",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="560px"),
        )
        self._syncing = False
        self.picker.observe(self._on_pick, names="value")
        self.notice = widgets.HTML(message_html(BINDER_NOTICE, "info") if self.binder else "")
        self.message = widgets.HTML("")
        # Downloads build the report in memory and write nothing on the server.
        self.report_buttons = report_buttons(
            lambda: self.engagement, self.framework, on_error=self._download_failed
        )
        self.downloads = widgets.HBox(
            self.report_buttons, layout=widgets.Layout(grid_gap="6px", flex_flow="row wrap")
        )
        self.radar_box = widgets.VBox(layout=widgets.Layout(width="670px"))
        self.ranked_box = widgets.VBox()
        self.summary = widgets.HTML("")
        self.compare = widgets.HTML("")
        self.factors = widgets.Accordion(layout=widgets.Layout(width="100%"))
        charts = widgets.HBox(
            [
                self.radar_box,
                widgets.VBox(
                    [self.summary, self.compare, self.ranked_box],
                    layout=widgets.Layout(flex="1 1 500px", min_width="500px"),
                ),
            ],
            layout=widgets.Layout(grid_gap="24px", flex_flow="row wrap", align_items="flex-start"),
        )
        self.body = widgets.VBox(
            [
                charts,
                widgets.HTML('<div class="tf-section">Factors: findings and remedies</div>'),
                self.factors,
            ],
            layout=widgets.Layout(grid_gap="8px"),
        )
        self.opened = PageBridge()
        self.opened.on_open = lambda _query: self.page_opened()
        self.view = widgets.VBox(
            [
                widgets.HTML(CSS),
                self.opened,
                self.header,
                self.notice,
                widgets.HBox(
                    [self.picker, self.downloads],
                    layout=widgets.Layout(grid_gap="16px", flex_flow="row wrap"),
                ),
                self.message,
                self.body,
            ]
        )
        style_widget(self.view, "tf-app")
        self.files: list[EngagementFile] = []
        self.refresh(select=open)

    def _download_failed(self, exc: Exception) -> None:
        self.message.value = message_html(f"The report could not be made: {exc}", "error")

    def refresh(self, *, select: str | Path | None = None) -> None:
        """Read the folder again and show ``select`` (default: what is shown, else the newest)."""
        files = list_engagements(self.folder, self.framework)
        if self.engagement is not None and files == self.files:
            return  # nothing changed on disk
        self.files = files
        options = [(f.label, str(f.path)) for f in files]
        if not options:
            self.body.layout.display = "none"
            self.message.value = message_html(f"No engagement files in {self.folder}.", "info")
            return
        wanted = select if select is not None else self.picker.value
        chosen = pick_option(options, wanted, self.folder)
        self._syncing = True
        try:
            self.picker.options = options
            self.picker.value = chosen
        finally:
            self._syncing = False
        self.show(chosen)

    def _on_pick(self, change: dict[str, Any]) -> None:
        if not self._syncing and change["new"]:
            self.show(change["new"])

    def page_opened(self) -> None:
        """A browser opened the page: show the folder as it is now."""
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.view)  # type: ignore[no-untyped-call]

    def show(self, path: str | Path) -> bool:
        """Show the engagement of ``path`` (from the folder's list)."""
        from toolkit.charts import chart_widget, radar_chart, ranked_chart

        entry = next((f for f in self.files if f.path == Path(path)), None)
        if entry is None or entry.engagement is None:
            problem = entry.problem if entry else f"{path}: not in the folder"
            self.body.layout.display = "none"
            self.header.value = header_html(None, subtitle="Tenfold diagnostic")
            self.message.value = message_html(f"Cannot show this engagement: {problem}", "error")
            self.engagement = self.scores = None
            return False
        fw = self.framework
        e = entry.engagement
        self.engagement = e
        self.scores = scores = score_engagement(e, fw)
        self.previous = previous_assessment(entry, self.files)
        prev_scores = None
        previous_label = "Previous"
        if self.previous is not None and self.previous.engagement is not None:
            prev_scores = score_engagement(self.previous.engagement, fw)
            previous_label = f"Previous ({self.previous.engagement.date:%b %Y})"
        radar = radar_chart(
            scores,
            previous=prev_scores,
            previous_label=previous_label,
            framework=fw,
            size=RADAR_SIZE,
        )
        ranked = ranked_chart(scores, framework=fw, width=RANKED_WIDTH)
        if self.radar is None:
            self.radar = chart_widget(radar)
            self.ranked = chart_widget(ranked)
            self.radar_box.children = [self.radar]
            self.ranked_box.children = [self.ranked]
        else:
            self.radar.chart = radar
            self.ranked.chart = ranked
        self.header.value = header_html(e, subtitle="Tenfold diagnostic")
        self.message.value = ""
        self.body.layout.display = "flex"
        self.summary.value = '<div class="tf-section">Summary</div>' + summary_html(scores, fw)
        self.compare.value = (
            f'<div class="tf-muted">Compared with the assessment of '
            f"{self.previous.engagement.date:%d %b %Y} ({esc(self.previous.path.name)}).</div>"
            if self.previous is not None and self.previous.engagement is not None
            else '<div class="tf-muted">No earlier assessment of this client in the folder.</div>'
        )
        self._show_factors(e, scores)
        return True

    def _show_factors(self, e: Any, scores: pd.DataFrame) -> None:
        fw = self.framework
        frame = e.findings_frame()
        children = []
        titles = []
        for fid in scores.index:
            row = scores.loc[fid]
            factor = fw.factor(str(fid))
            own = frame[frame["factor"] == fid]
            score = format_score(row["score"], row["basis"], fw)
            target = "" if pd.isna(row["target"]) else f" · target {int(row['target'])}"
            titles.append(f"{factor.label} — {score}{target} · {plural(len(own), 'finding')}")
            override = e.overrides.get(fid)
            consensus = (
                f'<div class="tf-muted">Consensus level {override.level} agreed by '
                f"{esc(override.by)}: {esc(override.reason)}</div>"
                if override
                else ""
            )
            warn = (
                '<div class="tf-msg tf-msg-info">Raters disagree by two levels or more: '
                "this factor needs a consensus discussion.</div>"
                if bool(row["needs_consensus"])
                else ""
            )
            level_text = ""
            if not pd.isna(row["score"]):
                lv = round(float(row["score"]))
                level_text = (
                    f'<div class="tf-anchor"><b>Level {lv} {esc(fw.level_name(lv))} '
                    "looks like:</b> "
                    f"{esc(factor.anchor(lv))}</div>"
                )
            remedies = "".join(f"<li>{esc(r)}</li>" for r in factor.remedies)
            body = (
                f'<div class="tf-muted">Fails as: {esc(factor.failure_mode)} · basis '
                f"{esc(row['basis'])} · confidence {esc(row['confidence'])}</div>"
                f"{level_text}{consensus}{warn}"
                f'<div style="display:flex;gap:20px;flex-wrap:wrap">'
                f'<div style="flex:2 1 520px"><div class="tf-section">Findings</div>'
                f"{findings_table_html(own, empty='No findings: not assessed.')}</div>"
                f'<div style="flex:1 1 280px" class="tf-prompts"><div class="tf-section">'
                f"Remedies</div><ul>{remedies}</ul></div></div>"
            )
            children.append(widgets.HTML(body, layout=widgets.Layout(width="100%")))
        self.factors.children = children
        self.factors.titles = tuple(titles)
        priorities = summarize(scores, fw).priorities
        first = list(scores.index).index(priorities[0]) if priorities else None
        self.factors.selected_index = first  # the first priority, open
