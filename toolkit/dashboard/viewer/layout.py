"""The widgets of the stakeholders' viewer and where they sit; no behaviour.

:class:`ViewerLayout` builds the header (client, title, date and the report downloads), the
notices, the drop zone for an engagement file, and the body: the headline sentences and "Where
to act first" beside the radar, the ranked chart under the radar, then each factor's panel in
priority order. The body is a fluid grid (two columns from 980 pixels wide, so the radar is in
the first screen of a 1024-pixel laptop, nothing of fixed width).
:class:`~toolkit.dashboard.viewer.app.ViewerApp` wires the handlers in one place.

The engagement picker exists only in a portfolio viewer: otherwise no other engagement's name
is ever sent to the page.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets

from toolkit.dashboard.common import header_html, set_shown, style_widget
from toolkit.dashboard.widgets.assets import CSS
from toolkit.dashboard.widgets.bridge import PageBridge
from toolkit.dashboard.widgets.upload import FileDrop

__all__ = ["ViewerLayout"]

SUBTITLE = "Tenfold diagnostic"


class ViewerLayout:
    """The viewer's widgets (see the module docstring); ``downloads`` are the report buttons."""

    def __init__(self, *, downloads: Sequence[widgets.Widget], portfolio: bool) -> None:
        self.downloads = list(downloads)
        self.header = widgets.HTML(header_html(None, subtitle=SUBTITLE))
        exports = style_widget(widgets.HBox(self.downloads), "tf-toolbar", "tf-exports")
        top = style_widget(widgets.HBox([self.header, exports]), "tf-viewer-head")
        self.picker: widgets.Dropdown | None = None
        chooser: list[widgets.Widget] = []
        if portfolio:
            self.picker = widgets.Dropdown(
                description="Engagement",
                options=[],
                style={"description_width": "initial"},
                layout=widgets.Layout(width="auto", min_width="0", flex="0 1 640px"),
            )
            chooser = [style_widget(widgets.HBox([self.picker]), "tf-toolbar")]
        self.notice = widgets.HTML("")
        self.drop = style_widget(FileDrop(), "tf-drop-widget")
        #: On Binder, before a file is opened: the example engagement, one click away.
        self.example = style_widget(
            widgets.Button(
                description="Or open the example engagement (a fictional client)",
                tooltip="A made-up client, to see what the viewer shows",
                layout=widgets.Layout(display="none", width="auto"),
            ),
            "tf-example",
        )
        self.message = widgets.HTML("")
        self.withheld = widgets.HTML("")
        self.body = self._build_body()
        set_shown(self.body, False)
        self.bridge = PageBridge(measure=".tf-viewer .tf-radar-box")
        self.view = style_widget(
            widgets.VBox(
                [
                    widgets.HTML(CSS),
                    self.bridge,
                    top,
                    *chooser,
                    self.notice,
                    self.drop,
                    self.example,
                    self.message,
                    self.withheld,
                    self.body,
                ]
            ),
            "tf-app",
            "tf-viewer",
        )

    def _build_body(self) -> widgets.Widget:
        self.next_steps = style_widget(widgets.HTML(""), "tf-next")
        self.coverage = widgets.HTML("")
        left = style_widget(widgets.VBox([self.next_steps, self.coverage]), "tf-viewer-left")
        self.radar_box = style_widget(widgets.VBox(), "tf-radar-box")
        self.radar_caption = widgets.HTML("")
        self.ranked_box = style_widget(widgets.VBox(), "tf-ranked-box")
        right = style_widget(widgets.VBox([self.radar_box, self.radar_caption]), "tf-viewer-right")
        self.expand = widgets.ToggleButton(
            description="Expand all",
            tooltip="Open every factor's panel (the top priorities are open already)",
        )
        self.panels = style_widget(widgets.VBox(), "tf-panels")
        factors = style_widget(
            widgets.VBox(
                [
                    style_widget(
                        widgets.HBox(
                            [
                                widgets.HTML(
                                    '<div class="tf-section">Factor by factor, in priority '
                                    "order</div>"
                                ),
                                self.expand,
                            ]
                        ),
                        "tf-toolbar",
                    ),
                    self.panels,
                ]
            ),
            "tf-viewer-factors",
        )
        ranked = style_widget(
            widgets.VBox(
                [
                    widgets.HTML(
                        '<div class="tf-section">The same scores on one straight scale</div>'
                    ),
                    self.ranked_box,
                ]
            ),
            "tf-viewer-ranked",
        )
        return style_widget(widgets.GridBox([left, right, factors, ranked]), "tf-viewer-body")
