"""The radar: every factor on one picture, drawn so that it cannot be misread as zero.

Vega-Lite has no radar mark, so the geometry is computed here in plain Python: factor ``i`` of
``n`` sits on the spoke at angle ``theta = 2 pi i / n`` (12 o'clock, clockwise) and a level ``r``
on that spoke is the point ``x = r sin(theta)``, ``y = r cos(theta)``. The outer ring is level 4,
so a score of 2 lies at half the outer radius. Every layer shares one pair of linear scales with
equal pixels per level on both axes and no axes drawn.

The chart is made in two parts: its rows (:func:`~toolkit.charts._radar_rows.radar_datasets`,
plain Python) and its shape (:func:`~toolkit.charts._radar_layers.radar_layers`, layers drawing
named datasets). :class:`LiveRadar` keeps validated shapes, so a live dashboard redraws after a
change by computing rows only.
"""

from __future__ import annotations

import dataclasses
import math
from collections import OrderedDict
from typing import Any, Literal, Unpack

import altair as alt
import jsonschema
import pandas as pd
from altair.utils.schemapi import SchemaValidationError, debug_mode

from toolkit.charts._agreement import stamp
from toolkit.charts._radar_frame import RadarFrame, legend_size, radar_frame, series_levels
from toolkit.charts._radar_layers import radar_layers
from toolkit.charts._radar_options import RadarChanges, RadarOptions, radar_options
from toolkit.charts._radar_rows import LAYERS, radar_datasets
from toolkit.charts._style import INK, inline

__all__ = [
    "PICKS",
    "LiveRadar",
    "RadarChart",
    "RadarOptions",
    "fit_radar",
    "radar_chart",
    "series_levels",
]

#: Vega's padding around a chart, in pixels, on each side.
PADDING = 5
#: The selections a click on a factor sets, by the layer clicked (each value ``{"factor": id}``).
#: One selection per layer: Vega-Lite cannot share one point selection between layers.
PICKS: dict[str, str] = {
    "pick_point": "points",
    "pick_marker": "unscored",
    "pick_label": "spoke-labels",
}


class RadarChart(alt.LayerChart):
    """A layer chart whose data rows are not validated again on every ``to_dict``.

    Altair checks a spec against the Vega-Lite schema each time it is turned into a dict; for a
    radar most of that time goes to the data rows, which this module builds itself (flat dicts
    of numbers and text). Here the spec is validated with its datasets emptied. Inside a
    concatenation or layer built by the caller, the outer chart validates everything as usual.
    """

    def to_dict(
        self,
        validate: bool = True,
        *,
        format: Literal["vega-lite", "vega"] = "vega-lite",
        ignore: list[str] | None = None,
        context: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        spec = super().to_dict(validate=False, format=format, ignore=ignore, context=context)
        if validate and format == "vega-lite" and context is None:
            self.check(spec)
        return spec

    def check(self, spec: dict[str, Any]) -> None:
        """Validate ``spec`` (this chart's ``to_dict``) with its datasets emptied."""
        try:
            self.validate({**spec, "datasets": {key: [] for key in spec.get("datasets", {})}})
        except jsonschema.ValidationError as err:  # reported as Altair reports any chart's
            raise SchemaValidationError(self, err) from None


def _shape(
    frame: RadarFrame, datasets: dict[str, list[dict[str, Any]]] | None, *, pickable: bool = False
) -> RadarChart:
    """The chart: with ``datasets``, layers draw them inline; without, they name top-level
    datasets that the caller supplies (empty lists here, so the shape can be validated)."""
    # Altair validates each object as it is built unless told otherwise; the finished spec is
    # validated once, by ``to_dict()``.
    with debug_mode(False):
        if datasets is None:
            chart = RadarChart(layer=radar_layers(frame))
            # Plain attribute assignment: .properties() would validate the rows once more.
            chart.datasets = {key: [] for key in LAYERS}
        else:
            chart = RadarChart(layer=radar_layers(frame, lambda name: inline(datasets[name])))
        if pickable:
            chart.params = [
                alt.TopLevelSelectionParameter(
                    name=name,
                    select=alt.PointSelectionConfig(
                        type="point", fields=["factor"], on="click", clear=False, toggle=False
                    ),
                    views=[view],
                )
                for name, view in PICKS.items()
            ]
        chart.width = frame.width
        chart.height = frame.height
        chart.view = alt.ViewBackground(stroke=None)
        if frame.title:
            chart.title = alt.Title(frame.title, anchor="start", color=INK, fontSize=14)
    return chart


def radar_chart(
    scores: pd.DataFrame, options: RadarOptions | None = None, /, **changes: Unpack[RadarChanges]
) -> RadarChart:
    """An honest radar of factor scores, with target, previous and benchmark overlays.

    Parameters
    ----------
    scores
        A scores table as returned by :func:`~toolkit.score_engagement`. The spokes follow its
        index (factor ids), starting at 12 o'clock and going clockwise; 3 to 20 factors.
    options
        Everything drawn besides the scores, as one :class:`RadarOptions` value (what a
        dashboard passes on); the keywords below change it (or the defaults) for this chart.
    target
        Draw ``scores["target"]`` as a series (when any factor has a target).
    previous, benchmark
        Another scores table (its ``score`` column is used) or a Series of levels indexed by
        factor id; NaN, or a factor missing, is not drawn at that spoke.
    preview
        Where scores would move with a change not yet made (the consultant's dashboard passes
        the level of the factor whose finding is being typed): usually one level at one spoke,
        drawn as an open vermillion diamond.
    previous_label, benchmark_label, preview_label
        Their names in the legend.
    staff, staff_label
        The staff survey beside the consultants' scores: the table of
        :func:`toolkit.survey.staff_view` (its ``staff`` column is drawn as a series of its
        own, sky blue with long dashes, its 95% interval as a pale bar on each spoke, and a
        black triangle where consultants and staff are more than a level apart), and the
        series' name (``toolkit.survey.staff_label``: "Staff survey, n=42"). A factor with
        no staff figure (not asked, or its group suppressed) has no staff point, never a zero.
        Never blended into the scores.
    framework
        Supplies failure modes for tooltips and the level and group names (default: bundled).
    title
        An optional chart title.
    size
        Sets the scale: the outer ring's diameter is 0.76 x ``size`` pixels. Spoke labels (long
        ones on two lines), the key underneath and the legend are added outside the ring, so
        the chart is wider than ``size`` and nothing is clipped. :func:`fit_radar` finds
        the size that fills a given box.
    font_size
        Spoke labels in pixels (12 at the least); ring labels, the key and legends are one
        pixel smaller, never under 12.
    highlight
        A factor id to pick out (the one under discussion): its spoke is drawn dark and its
        label sits on a pale box.
    legend
        ``"right"`` (beside the radar) or ``"bottom"`` (underneath, for narrow spaces);
        :func:`fit_radar` chooses for a given box.
    pickable
        Let a click pick a factor (for dashboards): a click on a factor's point, hollow
        marker or label sets one of the selections in :data:`PICKS` to that factor.
    key
        Write the key to the rater bars, hollow markers and rings under the radar (a page
        that explains them in its own words turns it off).
    mark_moves
        When ``previous`` is a scores table, mark each real move since then (a change beyond
        both assessments' rater spreads, :func:`toolkit.moves.factor_moves`) with a dark
        triangle on its spoke, halfway from the previous score to the current one and
        pointing the way it moved. A Series of levels has no spreads and marks none.

    Returns
    -------
    RadarChart
        An Altair layer chart; pure and deterministic: the same input gives the same
        ``to_dict()``. Each layer is named (``"points"``, ``"spoke-labels"``...) and present
        even where it draws nothing.

    Notes
    -----
    How the radar stays honest:

    * Rings at levels 1-4 carry the level names; level 0 is the centre, level 4 the outer ring.
    * A factor that is not assessed or not applicable has no score, and none is drawn: its spoke
      is dashed, a hollow grey marker sits on the outer ring, and its label reads "not
      assessed" or "not applicable" in grey. Each series' outline is drawn only between
      neighbouring spokes that both have a value, so it breaks at such a spoke instead of
      dipping to the centre; a faint dotted chord bridges the break in the current outline so
      the eye can follow it without reading a zero.
    * No series is filled, so overlaid outlines stay readable; each has an Okabe-Ito colour and
      its own dash style (current solid, target dashed, previous dotted, benchmark dash-dot).
    * Where two or more raters scored a factor, a translucent whisker on its spoke spans the
      lowest to the highest rater level.
    * The two factor groups are marked by a coloured arc outside the ring and the colour of
      their labels, with a legend.
    * Spoke labels sit outside the outer ring, aligned away from it; where two would touch
      (many factors, two-line labels) the outer one moves further out. Ring labels sit inside
      their ring beside the 12 o'clock spoke, clear of every spoke label. A key under the
      radar explains the rater bars and the hollow markers, which the legend cannot show.
    * Tooltips on each point give the factor, its failure mode, the score, the level it has
      reached (the level at or below the score), its basis, the number of findings and the
      confidence.
    """
    o = radar_options(options, **changes)
    frame = radar_frame(scores, o)
    return stamp(_shape(frame, radar_datasets(frame), pickable=o.pickable), scores)


class LiveRadar:
    """Radar specs for a live dashboard: each shape built and validated once, then only rows.

    ``LiveRadar().spec(scores, options)`` returns a Vega-Lite spec that draws exactly what
    ``radar_chart(scores, options)`` draws, with each
    layer's rows in the top-level dataset of the layer's name. The shape (marks, scales,
    legends) depends only on the chart's size, fonts, series and groups, which rarely change
    during a session; it is validated once when built, and the rows are recomputed on every
    call in plain Python.

    Checking a new shape against the Vega-Lite schema is most of what building it costs (over
    a second on a busy laptop). With ``later=True`` the spec is returned unchecked and the check
    waits for :meth:`check`, which a dashboard calls once the chart is on its way to the page:
    a person opening the page does not wait for it, and a shape that fails it still fails loudly.
    """

    def __init__(self, *, keep: int = 16) -> None:
        self._keep = keep
        self._shapes: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._unchecked: list[tuple[RadarChart, dict[str, Any]]] = []
        self.built = 0  # how many shapes were built and validated

    def spec(
        self, scores: pd.DataFrame, options: RadarOptions | None = None, *, later: bool = False
    ) -> dict[str, Any]:
        """The radar's Vega-Lite spec (see the class docstring)."""
        o = options or RadarOptions()
        frame = radar_frame(scores, o)
        datasets = radar_datasets(frame)
        key = (*frame.shape_key, o.pickable)
        shape = self._shapes.get(key)
        if shape is None:
            chart = _shape(frame, None, pickable=o.pickable)
            shape = chart.to_dict(validate=not later)
            if later:
                self._unchecked.append((chart, shape))
            self.built += 1
            self._shapes[key] = shape
            while len(self._shapes) > self._keep:
                self._shapes.popitem(last=False)
        else:
            self._shapes.move_to_end(key)
        return {**shape, "datasets": datasets}

    def check(self) -> None:
        """Check the shapes built with ``later=True`` against the Vega-Lite schema.

        Raises
        ------
        altair.utils.schemapi.SchemaValidationError
            A shape is not valid Vega-Lite (it is forgotten, so the next spec builds it again).
        """
        while self._unchecked:
            chart, shape = self._unchecked.pop()
            try:
                chart.check(shape)
            except SchemaValidationError:
                for key in [k for k, v in self._shapes.items() if v is shape]:
                    del self._shapes[key]
                raise


#: The smallest and largest radar :func:`fit_radar` chooses, and how close (in pixels of
#: ``size``) it gets to the largest that fits.
FIT_MIN, FIT_MAX, FIT_TOLERANCE = 160.0, 2400.0, 0.5


def _fit_size(scores: pd.DataFrame, width: float, height: float, options: RadarOptions) -> float:
    """The largest size (at least 160) whose radar, with legends, fits ``width`` x ``height``.

    Each trial lays the radar out (:func:`radar_frame`), so trials are few: the room a radar
    needs grows almost linearly with its size (the ring is 0.76 x ``size``; labels, key and
    legends add a constant, and a label moved to clear a neighbour only bends the line), so
    the overflow measured before rounding to whole pixels is followed by false position to
    where it crosses the box's edge. The answer fits, and a size 0.5 pixel larger does not.
    """

    def overflow(size: float) -> tuple[bool, float]:
        """Whether ``size`` fits, and by how many pixels it overflows (negative: room to spare)."""
        frame = radar_frame(scores, dataclasses.replace(options, size=size))
        extra_w, extra_h = legend_size(frame)
        room_w = width - extra_w - 2 * PADDING
        room_h = height - extra_h - 2 * PADDING
        fits = frame.width <= room_w and frame.height <= room_h
        # Before rounding to whole pixels (the domains are the extents in levels): a whole
        # pixel count n fits in room r when the unrounded extent is under floor(r) + 0.5.
        exact_w = (frame.x_dom[1] - frame.x_dom[0]) * frame.k
        exact_h = (frame.y_dom[1] - frame.y_dom[0]) * frame.k
        over = max(exact_w - math.floor(room_w) - 0.5, exact_h - math.floor(room_h) - 0.5)
        return fits, over

    low = FIT_MIN
    fits, low_over = overflow(low)
    if not fits:
        return low
    high: float | None = None
    high_over = 0.0
    slope = 0.76  # pixels of room per pixel of size, until two trials measure it
    for trial in range(40):
        if high is not None and high - low <= FIT_TOLERANCE:
            break
        if high is None:  # no size known too large yet: aim just past the edge
            guess = min(max(low - low_over / slope, low) + FIT_TOLERANCE / 2, FIT_MAX)
        elif trial >= 8 or high_over <= low_over:  # not converging: halve the interval
            guess = (low + high) / 2
        else:
            root = low + (high - low) * -low_over / (high_over - low_over)
            if root - low <= FIT_TOLERANCE * 0.9:
                guess = low + FIT_TOLERANCE  # expected too large: closes the interval
            elif high - root <= FIT_TOLERANCE * 0.9:
                guess = high - FIT_TOLERANCE  # expected to fit: closes the interval
            else:
                guess = root - FIT_TOLERANCE / 2  # just inside the edge
        fits, over = overflow(guess)
        if fits:
            if over > low_over and guess > low:
                slope = (over - low_over) / (guess - low)
            low, low_over = guess, over
            if guess >= FIT_MAX:
                return FIT_MAX
        else:
            high, high_over = guess, over
    return round(low, 1)


def fit_radar(
    scores: pd.DataFrame, options: RadarOptions | None = None, *, width: float, height: float
) -> RadarOptions:
    """``options`` with the ``size`` and ``legend`` place that make the radar fill ``width`` x
    ``height`` pixels.

    Fonts, series and labels change the room the radar needs, so the rest of ``options`` is
    taken as given. The legends go beside the radar unless putting them underneath gives a
    radar at least 15% larger, as in a narrow column. Pass the result on to
    :func:`radar_chart` or :class:`LiveRadar`.
    """
    o = options or RadarOptions()
    beside = _fit_size(scores, width, height, dataclasses.replace(o, legend="right"))
    under = _fit_size(scores, width, height, dataclasses.replace(o, legend="bottom"))
    if under >= 1.15 * beside:
        return dataclasses.replace(o, size=under, legend="bottom")
    return dataclasses.replace(o, size=beside, legend="right")
