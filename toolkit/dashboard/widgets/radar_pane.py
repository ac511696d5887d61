"""The assessment's radar: drawn to fill the room the page measured, redrawn once per change.

:class:`RadarPane` owns the chart widget and everything about its size: the room the page
reports (:class:`~toolkit.dashboard.widgets.bridge.PageSize`), the text size that room calls for
(13 px on a laptop, up to 24 px on a projector in present mode), and the chart size and legend place
that fill it (:func:`toolkit.charts.fit_radar`, kept until the room or the chart's labels
change). Each redraw sends a new spec whose shape :class:`toolkit.charts.LiveRadar` built and
validated once; a click on a factor is passed on to ``on_pick``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pandas as pd

from toolkit.dashboard.widgets.assets import ignore
from toolkit.dashboard.widgets.bridge import PageSize

__all__ = ["FONT", "LARGE_FONT", "PRESENT_FONT", "RadarPane"]

#: Spoke label sizes in pixels: the least, the most in the dashboard, the most in present mode.
FONT, LARGE_FONT, PRESENT_FONT = 13.0, 17.0, 24.0


class RadarPane:
    """The radar widget inside ``box`` (see the module docstring)."""

    on_pick: Callable[[str], Any] = ignore

    def __init__(self, box: widgets.Box) -> None:
        self.box = box
        self.widget: Any = None  # the chart widget; ``widget.spec`` is what is drawn
        self.room: PageSize | None = None
        self.present = False
        self._live: Any = None
        self._fit: tuple[tuple[Any, ...], dict[str, Any]] | None = None

    def font(self) -> float:
        """Chart text grows with the room: 13 px on a laptop, up to 24 px on a projector."""
        room = self.room
        if room is None:
            return FONT
        if self.present:
            return max(18.0, min(PRESENT_FONT, room.width / 80))
        side = min(room.column_width, room.height - room.column_top)
        return max(FONT, min(LARGE_FONT, round(side / 60)))

    def _fitted(self, scores: pd.DataFrame, options: dict[str, Any]) -> dict[str, Any]:
        """The size and legend place that fill the room (kept while room and labels hold)."""
        from toolkit.charts import fit_radar

        room = self.room
        if room is None:
            return {"size": 420.0}
        key = (room, self.present, tuple(scores["score"].isna()), options["previous"] is not None)
        if self._fit is None or self._fit[0] != key:
            fit = {k: v for k, v in options.items() if k != "pickable"}
            # Room for a preview's legend entry, so choosing a level never resizes the chart.
            fit["preview"] = pd.Series({scores.index[0]: float("nan")})
            height = max(360, room.height - room.column_top - 12)
            found = fit_radar(scores, width=room.column_width - 4, height=height, **fit)
            self._fit = (key, found)
        return self._fit[1]

    def draw(self, scores: pd.DataFrame, **options: Any) -> None:
        """Draw ``scores`` with :func:`~toolkit.charts.radar_chart`'s ``options``, sized here."""
        from toolkit.charts import LiveRadar, chart_widget, radar_chart
        from toolkit.charts.radar import PICKS

        options = {**options, "font_size": self.font(), "pickable": True}
        options.update(self._fitted(scores, options))
        if self.widget is None:
            self._live = LiveRadar()
            self.widget = chart_widget(radar_chart(scores, **options))
            self.widget.selections.observe(self._picked, list(PICKS))
            self.box.children = [self.widget]
        self.widget.spec = self._live.spec(scores, **options)

    def _picked(self, change: dict[str, Any]) -> None:
        picked = [v.get("factor") for v in change["new"].value if isinstance(v, dict)]
        if picked and picked[0]:
            self.on_pick(str(picked[0]))

    def measure(self, room: PageSize) -> bool:
        """The page reported its room; ``True`` when it changed (redraw then)."""
        if room == self.room:
            return False
        self.room = room
        return True

    def set_present(self, on: bool) -> None:
        """Present mode: larger text, the whole screen (remeasured by the page)."""
        self.present = on
        self._fit = None
