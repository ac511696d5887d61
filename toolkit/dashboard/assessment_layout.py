"""The widgets of the assessment dashboard and how they are laid out.

:class:`AssessmentLayout` builds them; :class:`~toolkit.dashboard.assessment.AssessmentApp`
gives them their behaviour (its methods are the handlers wired here).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import ipywidgets as widgets

from toolkit.dashboard.common import CSS, header_html, style_widget
from toolkit.dashboard.download import DownloadButton
from toolkit.dashboard.opened import PageOpened
from toolkit.dashboard.reports import report_buttons
from toolkit.findings import SOURCES, Engagement
from toolkit.framework import Framework

__all__ = ["NO_LEVEL", "RADAR_SIZE", "AssessmentLayout", "slug"]

#: The "none" choice of the target and consensus pickers.
NO_LEVEL = -1
#: The radar's diameter in the assessment dashboard, in pixels (labels and legend come on top).
RADAR_SIZE = 320


def slug(text: str) -> str:
    """A safe ASCII file-name part: ``"Café Nord"`` -> ``"cafe-nord"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "engagement"


class AssessmentLayout:
    """The assessment dashboard's widgets: header, toolbar, form, prompts, radar, factor panel."""

    framework: Framework
    engagement: Engagement | None

    # Handlers, provided by AssessmentApp.
    def reload(self) -> bool:
        raise NotImplementedError

    def undo(self) -> bool:
        raise NotImplementedError

    def create(self) -> bool:
        raise NotImplementedError

    def submit(self) -> bool:
        raise NotImplementedError

    def cancel_edit(self) -> None:
        raise NotImplementedError

    def apply_override(self) -> bool:
        raise NotImplementedError

    def page_opened(self) -> None:
        raise NotImplementedError

    def _on_pick(self, change: dict[str, Any]) -> None:
        raise NotImplementedError

    def _on_factor(self, change: Any = None) -> None:
        raise NotImplementedError

    def _show_anchor(self) -> None:
        raise NotImplementedError

    def _on_target(self, change: dict[str, Any]) -> None:
        raise NotImplementedError

    def _on_not_applicable(self, change: dict[str, Any]) -> None:
        raise NotImplementedError

    def _export_failed(self, exc: Exception) -> None:
        raise NotImplementedError

    def _radar_png(self) -> bytes:
        raise NotImplementedError

    def _findings_bytes(self, fmt: str) -> bytes:
        raise NotImplementedError

    def _filename(self, kind: str, ext: str) -> Any:
        raise NotImplementedError

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        fw = self.framework
        self.header = widgets.HTML(header_html(None))
        self.picker = widgets.Dropdown(
            description="Engagement",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="520px"),
        )
        self.picker.observe(self._on_pick, names="value")
        self.reload_button = widgets.Button(
            description="Reload", tooltip="Read the engagement file again", icon="refresh"
        )
        self.reload_button.on_click(lambda _b: self.reload())
        self.new_button = widgets.ToggleButton(description="New engagement…", value=False)
        self.undo_button = widgets.Button(description="Undo", disabled=True, icon="undo")
        self.undo_button.on_click(lambda _b: self.undo())
        self.saved = widgets.HTML("")
        toolbar = widgets.HBox(
            [self.picker, self.reload_button, self.new_button, self.undo_button, self.saved],
            layout=widgets.Layout(align_items="center", grid_gap="8px", flex_flow="row wrap"),
        )
        self.new_client = widgets.Text(description="Client", placeholder="Client name")
        self.new_title = widgets.Text(description="Title", value="Service management diagnostic")
        self.new_lead = widgets.Text(description="Lead", placeholder="Engagement lead")
        self.create_button = widgets.Button(description="Create", button_style="primary")
        self.create_button.on_click(lambda _b: self.create())
        self.new_panel = widgets.HBox(
            [self.new_client, self.new_title, self.new_lead, self.create_button],
            layout=widgets.Layout(display="none", grid_gap="6px", flex_flow="row wrap"),
        )
        self.new_button.observe(
            lambda ch: setattr(self.new_panel.layout, "display", "flex" if ch["new"] else "none"),
            names="value",
        )
        self.message = widgets.HTML("")

        # The finding form (left), the factor's prompts (middle), the radar (right).
        self.factor = widgets.Dropdown(
            options=[(f"{f.label} — {f.failure_mode}", f.id) for f in fw.factors],
            description="Factor",
            layout=widgets.Layout(width="100%"),
        )
        self.factor.observe(self._on_factor, names="value")
        self.level = widgets.ToggleButtons(
            options=[(f"{lv.level} {lv.name}", lv.level) for lv in fw.levels],
            value=None,
            style={"button_width": "auto"},
        )
        self.level.observe(lambda _c: self._show_anchor(), names="value")
        self.anchor = widgets.HTML("")
        self.evidence = widgets.Textarea(
            description="Evidence",
            placeholder=(
                "What was seen, heard or read: a quote, a number, a document. Ctrl+Enter saves."
            ),
            layout=widgets.Layout(width="100%", height="84px"),
        )
        self.source = widgets.Dropdown(
            options=list(SOURCES), value="interview", description="Source"
        )
        self.rater = widgets.Text(description="Rater", placeholder="engagement lead")
        self.add_button = widgets.Button(
            description="Add finding",
            button_style="primary",
            icon="plus",
            tooltip="Save the finding (Ctrl+Enter)",
        )
        self.add_button.on_click(lambda _b: self.submit())
        self.cancel_button = widgets.Button(
            description="Cancel edit", layout=widgets.Layout(display="none")
        )
        self.cancel_button.on_click(lambda _b: self.cancel_edit())
        form = widgets.VBox(
            [
                widgets.HTML('<div class="tf-section">Record a finding</div>'),
                self.factor,
                self.level,
                self.anchor,
                self.evidence,
                self.source,
                self.rater,
                widgets.HBox([self.add_button, self.cancel_button]),
            ],
            layout=widgets.Layout(width="400px", min_width="340px"),
        )
        self.prompts = widgets.HTML("")
        prompts = widgets.VBox(
            [self.prompts], layout=widgets.Layout(width="226px", min_width="200px")
        )
        style_widget(prompts, "tf-card", "tf-prompts")

        self.radar_box = widgets.VBox(layout=widgets.Layout(width="580px"))
        self.summary = widgets.HTML("")
        self.png_button = DownloadButton(
            "Radar PNG",
            self._filename("radar", "png"),
            self._radar_png,
            on_error=self._export_failed,
        )
        self.csv_button = DownloadButton(
            "Findings CSV",
            self._filename("findings", "csv"),
            lambda: self._findings_bytes("csv"),
            on_error=self._export_failed,
        )
        self.xlsx_button = DownloadButton(
            "Findings XLSX",
            self._filename("findings", "xlsx"),
            lambda: self._findings_bytes("xlsx"),
            on_error=self._export_failed,
        )
        self.report_buttons = report_buttons(
            lambda: self.engagement, self.framework, on_error=self._export_failed
        )
        gap = widgets.Layout(grid_gap="6px", flex_flow="row wrap")
        exports = widgets.VBox(
            [
                widgets.HBox([self.png_button, self.csv_button, self.xlsx_button], layout=gap),
                widgets.HBox(self.report_buttons, layout=gap),
            ],
            layout=widgets.Layout(grid_gap="6px"),
        )
        right = widgets.VBox(
            [self.radar_box, self.summary, exports], layout=widgets.Layout(width="580px")
        )

        # The selected factor: its findings (edit, delete) and its settings.
        self.factor_title = widgets.HTML("")
        self.findings_box = widgets.VBox()
        self.not_applicable = widgets.Checkbox(
            description="Not applicable to this client", indent=True
        )
        self.not_applicable.observe(self._on_not_applicable, names="value")
        self.target = widgets.ToggleButtons(
            options=[("none", NO_LEVEL)] + [(str(lv), lv) for lv in range(5)],
            value=NO_LEVEL,
            description="Target",
            style={"button_width": "auto"},
        )
        self.target.observe(self._on_target, names="value")
        self.override_level = widgets.Dropdown(
            options=[("no override", NO_LEVEL)]
            + [(f"{lv.level} {lv.name}", lv.level) for lv in fw.levels],
            value=NO_LEVEL,
            description="Consensus",
            layout=widgets.Layout(width="230px"),
        )
        self.override_reason = widgets.Text(
            description="Reason",
            placeholder="Why the team agreed this level (required)",
            layout=widgets.Layout(width="100%"),
        )
        self.override_button = widgets.Button(description="Apply consensus")
        self.override_button.on_click(lambda _b: self.apply_override())
        self.override_state = widgets.HTML("")
        row = widgets.Layout(grid_gap="6px", align_items="center", flex_flow="row wrap")
        settings = widgets.VBox(
            [
                widgets.HTML('<div class="tf-section">This factor</div>'),
                self.target,
                self.not_applicable,
                widgets.HBox([self.override_level, self.override_button], layout=row),
                self.override_reason,
                self.override_state,
            ],
            layout=widgets.Layout(margin="12px 0 0 0"),
        )
        findings = widgets.VBox([self.factor_title, self.findings_box])
        left = widgets.VBox(
            [
                widgets.HBox(
                    [widgets.VBox([form, settings]), prompts],
                    layout=widgets.Layout(grid_gap="14px", align_items="flex-start"),
                ),
                findings,
            ],
            layout=widgets.Layout(width="640px", grid_gap="10px"),
        )
        self.body = widgets.HBox(
            [left, right],
            layout=widgets.Layout(grid_gap="18px", flex_flow="row wrap", align_items="flex-start"),
        )
        self.opened = PageOpened(self.page_opened, on_submit=self.submit)
        self.view = widgets.VBox(
            [
                widgets.HTML(CSS),
                self.opened,
                self.header,
                toolbar,
                self.new_panel,
                self.message,
                self.body,
            ]
        )
        style_widget(self.view, "tf-app")
