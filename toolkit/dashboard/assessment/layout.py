"""The widgets of the assessment dashboard and where they sit; no behaviour.

:class:`AssessmentLayout` builds them in parts (toolbar, switch panel, form column, radar column,
findings) and lays them out on a fluid grid: the form beside the radar from 980 pixels wide, the
findings underneath, nothing of fixed width.
:class:`~toolkit.dashboard.assessment.app.AssessmentApp` wires their handlers in one place.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets

from toolkit.dashboard.common import CSS, header_html, style_widget
from toolkit.dashboard.widgets.board import ConsensusBoard
from toolkit.dashboard.widgets.bridge import PageBridge
from toolkit.dashboard.widgets.form import FindingForm
from toolkit.dashboard.widgets.table import FindingsTable
from toolkit.framework import Framework

__all__ = ["NO_LEVEL", "AssessmentLayout"]

#: The "none" choice of the target and consensus pickers.
NO_LEVEL = -1


def _row(*children: widgets.Widget) -> widgets.HBox:
    return widgets.HBox(
        list(children),
        layout=widgets.Layout(grid_gap="6px", align_items="center", flex_flow="row wrap"),
    )


class AssessmentLayout:
    """The assessment dashboard's widgets (see the module docstring).

    ``downloads`` are the export buttons (radar, findings and reports), made by the app.
    """

    def __init__(self, framework: Framework, *, downloads: Sequence[widgets.Widget]) -> None:
        self.framework = framework
        self.downloads = list(downloads)
        toolbar = self._build_toolbar()
        switch = self._build_switch_panel()
        self.message = widgets.HTML("")
        self.form = FindingForm(framework)
        self.prompts = style_widget(widgets.HTML(""), "tf-card", "tf-prompts")
        form_col = style_widget(
            widgets.VBox(
                [self.form, self.prompts, self._build_factor_panel()],
                layout=widgets.Layout(grid_gap="10px"),
            ),
            "tf-form-col",
        )
        self.table = FindingsTable(framework)
        table_row = style_widget(widgets.VBox([self.table]), "tf-table-row")
        self.board = ConsensusBoard(framework)
        board_col = style_widget(widgets.VBox([self.board]), "tf-board-col")
        self.phase_note = widgets.HTML("")
        self.body = style_widget(
            widgets.GridBox([form_col, board_col, self._build_radar_column(), table_row]),
            "tf-body",
        )
        self.body.layout.display = "none"
        self.bridge = PageBridge(measure=".tf-radar-box")
        self.view = style_widget(
            widgets.VBox(
                [
                    widgets.HTML(CSS),
                    self.bridge,
                    self.header,
                    toolbar,
                    switch,
                    self.phase_note,
                    self.message,
                    self.body,
                ]
            ),
            "tf-app",
        )

    def _build_toolbar(self) -> widgets.Widget:
        self.header = widgets.HTML(header_html(None, subtitle="Tenfold assessment"))
        self.switch_button = widgets.ToggleButton(
            description="Switch engagement…",
            tooltip="Open another engagement file, or create a new one",
        )
        self.undo_button = widgets.Button(description="Undo", disabled=True, icon="undo")
        self.present_button = widgets.ToggleButton(
            description="Present",
            icon="desktop",
            tooltip="Radar and summary fill the screen; arrow keys step through the factors",
        )
        self.phase_button = widgets.Button(
            description="Start blind rating",
            tooltip="Each rater records alone, seeing only their own findings, until the lead "
            "reveals the panel",
        )
        self.saved = widgets.HTML("")
        self.notice = widgets.HTML("")
        editing = style_widget(
            widgets.HBox([self.switch_button, self.undo_button]), "tf-editing-tools", "tf-toolbar"
        )
        return style_widget(
            widgets.HBox(
                [editing, self.phase_button, self.present_button, self.saved, self.notice]
            ),
            "tf-toolbar",
        )

    def _build_switch_panel(self) -> widgets.Widget:
        # Options are filled only while the panel is open: other clients' names are never in
        # the page otherwise.
        self.picker = widgets.Dropdown(
            description="Engagement",
            options=[],
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto", min_width="0", flex="1 1 360px"),
        )
        self.open_button = widgets.Button(description="Open", button_style="primary")
        self.new_client = widgets.Text(description="Client", placeholder="Client name")
        self.new_title = widgets.Text(description="Title", value="Service management diagnostic")
        self.new_lead = widgets.Text(description="Lead", placeholder="Engagement lead")
        self.create_button = widgets.Button(description="Create")
        for w in (self.new_client, self.new_title, self.new_lead):
            w.layout = widgets.Layout(width="auto", min_width="0", flex="1 1 220px")
        panel = widgets.VBox(
            [
                _row(self.picker, self.open_button),
                widgets.HTML('<div class="tf-muted">or a new engagement:</div>'),
                _row(self.new_client, self.new_title, self.new_lead, self.create_button),
            ],
            layout=widgets.Layout(display="none", grid_gap="4px"),
        )
        self.switch_panel = style_widget(panel, "tf-card", "tf-editing-tools")
        return self.switch_panel

    def _build_factor_panel(self) -> widgets.Widget:
        fw = self.framework
        self.factor_title = widgets.HTML("")
        self.target = widgets.ToggleButtons(
            options=[("none", NO_LEVEL)] + [(str(lv), lv) for lv in range(5)],
            value=NO_LEVEL,
            description="Target",
            style={"button_width": "auto", "description_width": "56px"},
        )
        self.not_applicable = widgets.Checkbox(
            description="Not applicable to this client", indent=False
        )
        self.override_level = widgets.Dropdown(
            options=[("no consensus level", NO_LEVEL)]
            + [(f"{lv.level} {lv.name}", lv.level) for lv in fw.levels],
            value=NO_LEVEL,
            description="Consensus",
            style={"description_width": "72px"},
            layout=widgets.Layout(width="auto", min_width="0", flex="1 1 200px"),
        )
        self.override_by = widgets.Text(
            description="Agreed by",
            placeholder="Who agreed it (required)",
            style={"description_width": "72px"},
        )
        self.override_reason = widgets.Text(
            description="Reason",
            placeholder="Why the team agreed this level (required)",
            style={"description_width": "72px"},
        )
        self.override_button = widgets.Button(description="Apply consensus")
        self.override_state = widgets.HTML("")
        self.history = widgets.HTML("")
        return widgets.VBox(
            [
                self.factor_title,
                self.target,
                self.not_applicable,
                _row(self.override_level, self.override_button),
                self.override_by,
                self.override_reason,
                self.override_state,
                self.history,
            ],
            layout=widgets.Layout(grid_gap="4px"),
        )

    def _build_radar_column(self) -> widgets.Widget:
        self.radar_box = style_widget(widgets.VBox(), "tf-radar-box")
        self.present_panel = style_widget(widgets.HTML(""), "tf-present-panel")
        self.summary = widgets.HTML("")
        exports = style_widget(_row(*self.downloads), "tf-exports")
        side = style_widget(widgets.VBox([self.present_panel, self.summary, exports]), "tf-side")
        return style_widget(widgets.VBox([self.radar_box, side]), "tf-radar-col")
