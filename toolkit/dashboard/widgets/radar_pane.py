"""The radar of both dashboards: drawn to fill the room the page measured, once per change.

:class:`RadarPane` owns the chart widget and everything about its size: the room the page
reports (:class:`~toolkit.dashboard.widgets.bridge.PageSize`, held in the app's view state and
passed to each :meth:`RadarPane.draw`), the text size that room calls for (13 px on a laptop, up
to 24 px on a projector in present mode), and the chart size and legend place that fill it
(:func:`toolkit.charts.fit_radar`, remembered until the room or what the legend holds changes).
Each redraw sends a new spec whose shape :class:`toolkit.charts.LiveRadar` built and validated
once; a click on a factor's point, hollow marker or label is passed on to ``on_pick``.

The radar is hidden until it is drawn for a room the page measured, so the first radar a
person sees is the engagement's, at the size that fits (never the empty one drawn in a
preheated kernel, nor one sized before the page measured its column).

Each drawing carries its stamp (:func:`stamp`): the revision of the view it was drawn from, the
room it was fitted to and the factor picked out, as the chart's description, which Vega puts on
the chart's element when it draws it. A page (and a browser test) can tell from it which state
the radar on the screen shows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pandas as pd

from toolkit.charts import RadarOptions
from toolkit.dashboard.widgets.assets import ignore
from toolkit.dashboard.widgets.bridge import PageSize, room_key

__all__ = ["FIRST_ROOM", "FONT", "LARGE_FONT", "PRESENT_FONT", "RadarPane", "stamp"]

#: Spoke label sizes in pixels: the least, the most in the dashboard, the most in present mode.
FONT, LARGE_FONT, PRESENT_FONT = 13.0, 17.0, 24.0
#: The room (width, height) the radar is fitted to before the page has measured it: no column is
#: narrower from 1024 pixels up, so the first drawing is never cut off.
FIRST_ROOM = (540, 560)


def stamp(revision: int, room: PageSize | None, highlight: str | None) -> str:
    """The chart's description: what it shows, and which state it was drawn from.

    ``"Radar of the factor scores (revision 12; room 1280x720 column 600 at 120; highlight
    purpose)"``; a browser test waits for the revision its action caused, or for the room the
    page last reported (:func:`~toolkit.dashboard.widgets.bridge.room_key`).
    """
    where = room_key(room) if room is not None else "first"
    return (
        f"Radar of the factor scores (revision {revision}; room {where}; "
        f"highlight {highlight or 'none'})"
    )


class RadarPane:
    """The radar widget inside ``box`` (see the module docstring).

    Parameters
    ----------
    box
        Where the chart widget goes.
    largest_font
        The largest spoke label outside present mode (the viewer keeps 13 px throughout).
    previews
        The chart shows a preview at times: its legend entry is counted in the fitting, so
        choosing a level never resizes the radar.
    """

    on_pick: Callable[[str], Any] = ignore

    def __init__(
        self, box: widgets.Box, *, largest_font: float = LARGE_FONT, previews: bool = False
    ) -> None:
        self.box = box
        self.largest_font = largest_font
        self.previews = previews
        self.widget: Any = None  # the chart widget; ``widget.spec`` is what is drawn
        self.factors: tuple[str, ...] = ()  # the spokes drawn, for the picks
        self._live: Any = None
        self._fit: tuple[tuple[Any, ...], RadarOptions] | None = None

    def font(self, room: PageSize | None, present: bool) -> float:
        """Chart text grows with the room: 13 px on a laptop, up to 24 px on a projector."""
        if room is None:
            return FONT
        if present:
            return max(18.0, min(PRESENT_FONT, room.width / 80))
        side = min(room.column_width, room.height - room.column_top)
        return max(FONT, min(self.largest_font, round(side / 60)))

    @staticmethod
    def space(room: PageSize | None) -> tuple[float, float]:
        """The width and height the radar may take: its column's width, and the rest of the
        screen below the column's top; where the column starts low (below other content, on a
        narrow screen), a screen of its own."""
        if room is None:
            return FIRST_ROOM
        height = room.height - room.column_top - 12
        if height < 0.6 * room.height:
            height = room.height - 40
        return room.column_width - 4, max(360, height)

    def fitted(
        self, scores: pd.DataFrame, options: RadarOptions, room: PageSize | None, present: bool
    ) -> RadarOptions:
        """``options`` sized for ``room``: text size, chart size and legend place."""
        from toolkit.charts import fit_radar

        options = dataclasses.replace(options, font_size=self.font(room, present), pickable=True)
        plain = dataclasses.replace(options, preview=None, highlight=None)
        key = (room, present, tuple(scores["score"].isna()), plain)
        if self._fit is None or self._fit[0] != key:
            fit = plain
            if self.previews or options.preview is not None:
                fit = dataclasses.replace(plain, preview=())  # a legend entry, no point
            width, height = self.space(room)
            found = fit_radar(scores, fit, width=width, height=height)
            self._fit = (key, found)
        found = self._fit[1]
        return dataclasses.replace(options, size=found.size, legend=found.legend)

    def draw(
        self,
        scores: pd.DataFrame,
        options: RadarOptions,
        *,
        room: PageSize | None,
        present: bool = False,
        revision: int = 0,
    ) -> None:
        """Draw ``scores`` with ``options``, sized for ``room``, stamped with ``revision``."""
        from toolkit.charts import LiveRadar, chart_widget, radar_chart
        from toolkit.charts.radar import PICKS

        options = self.fitted(scores, options, room, present)
        if self.widget is None:
            self._live = LiveRadar()
            self.widget = chart_widget(radar_chart(scores, options))
            self.widget.selections.observe(self._picked, list(PICKS))
            self.box.children = [self.widget]
        self.factors = tuple(str(f) for f in scores.index)
        spec = self._live.spec(scores, options, later=True)
        spec["description"] = stamp(revision, room, options.highlight)
        self.widget.spec = spec  # sent to the page now
        # Seen only once drawn for the room the page measured: a drawing for no room (the
        # empty one of a preheated kernel, or one before the page measured) may be too large
        # for the column, and is never what the page shows.
        self.box.layout.visibility = None if room is not None else "hidden"
        self._live.check()  # a new shape is checked while the page draws it

    def prepare(self, options: RadarOptions) -> None:
        """Draw an empty radar of ``options``' framework now, before any page asks for one.

        The first chart widget of a kernel costs seconds (Altair loads Vega's offline bundle,
        and the radar's shape is built and validated); a dashboard calls this while it is built,
        which Voila does in a preheated kernel before anyone opens the page, so the person
        opening it does not wait for them.
        """
        from toolkit.findings import Engagement
        from toolkit.scoring import score_engagement

        fw = options.framework
        blank = score_engagement(Engagement.new(client="-", lead="-", framework=fw), framework=fw)
        self.draw(blank, options, room=None)

    def _picked(self, change: dict[str, Any]) -> None:
        picked = [v.get("factor") for v in change["new"].value if isinstance(v, dict)]
        if picked and picked[0] in self.factors:
            self.on_pick(str(picked[0]))
