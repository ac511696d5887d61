"""Where the consultant's panels sit on the page; no behaviour.

:class:`AssessmentLayout` places the panels' widgets (:mod:`~toolkit.dashboard.assessment.panels`)
on a fluid grid: the form beside the radar from 980 pixels wide, the findings underneath, nothing
of fixed width; in present mode the radar and the summary take the screen
(``widgets/static/dashboard.css``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.dashboard.assessment.panels import (
    Board,
    FactorSettings,
    FindingEntry,
    Findings,
    Header,
    RadarColumn,
    Switcher,
    Toolbar,
)
from toolkit.dashboard.assessment.survey_panel import SurveyPanel
from toolkit.dashboard.common import set_shown, style_widget
from toolkit.dashboard.widgets.assets import CSS
from toolkit.dashboard.widgets.bridge import PageBridge

if TYPE_CHECKING:
    from toolkit.dashboard.assessment.actions_panel import ActionsPanel
    from toolkit.dashboard.assessment.next_cycle import NextCycle

__all__ = ["AssessmentLayout"]


class AssessmentLayout:
    """The page: header, toolbar, the switch panel, notes, then the body's grid.

    ``form``, ``table``, ``board``, ``downloads`` and ``message`` name the widgets a page (and a
    test) talks to most; every other widget is its panel's.
    """

    def __init__(
        self,
        header: Header,
        toolbar: Toolbar,
        switcher: Switcher,
        entry: FindingEntry,
        settings: FactorSettings,
        board: Board,
        radar: RadarColumn,
        findings: Findings,
        survey: SurveyPanel,
        next_cycle: NextCycle | None = None,
        actions: ActionsPanel | None = None,
        team: widgets.Widget | None = None,
    ) -> None:
        self.bridge = PageBridge(measure=".tf-radar-box")
        # The staff's figures for the factor sit under its title line, beside its score.
        settings.view.children = [settings.title, survey.figures, *settings.view.children[1:]]
        form_col = style_widget(
            widgets.VBox(
                [
                    entry.form,
                    entry.prompts,
                    settings.view,
                    *([actions.view] if actions else []),
                    survey.view,
                ],
                layout=widgets.Layout(grid_gap="10px"),
            ),
            "tf-form-col",
        )
        board_col = style_widget(widgets.VBox([board.board]), "tf-board-col")
        self.body = style_widget(
            widgets.GridBox([form_col, board_col, radar.view, findings.view]), "tf-body"
        )
        set_shown(self.body, False)
        if next_cycle is not None:  # "Switch engagement… > New from this one"
            switcher.view.children = (*switcher.view.children, next_cycle.view)
        self.view = style_widget(
            widgets.VBox(
                [
                    widgets.HTML(CSS),
                    self.bridge,
                    header.header,
                    toolbar.view,
                    switcher.view,
                    *([] if team is None else [team]),
                    header.phase_note,
                    header.message,
                    self.body,
                ]
            ),
            "tf-app",
        )
        self.form = entry.form
        self.table = findings.table
        self.board = board.board
        self.downloads = radar.downloads
        self.message = header.message
        self.header = header.header
        self.radar_box = radar.box
