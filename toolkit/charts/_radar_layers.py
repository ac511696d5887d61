"""The radar's layers: marks and encodings, each drawing the dataset of its name.

:func:`radar_layers` builds them from a :class:`RadarFrame`; their rows come from
:func:`toolkit.charts._radar_rows.radar_datasets`. The same frame always gives the same layers,
so a live dashboard keeps one validated shape and sends new rows.

Drawing order, back to front: rings, spokes, group arcs, ring labels, rater whiskers, the bridges
across unscored spokes, outlines, overlay points, agreement rings (under the points they ring,
which stay clickable), current points, the triangles of real moves since the previous
assessment, preview points, hollow markers of unscored spokes, the key, spoke labels. Every
layer is always present (its rows may be empty), so the shape does not change when, say, a
first whisker appears.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt

from toolkit.charts._agreement import RING_MARK, ring_tooltip
from toolkit.charts._radar_frame import RadarFrame, legend_mark
from toolkit.charts._radar_rows import LAYERS
from toolkit.charts._style import (
    GAP_COLOUR,
    GRID,
    INK,
    MUTED,
    SERIES_COLOURS,
    SERIES_DASHES,
)

_RING_STEPS = 96


def named(name: str) -> Any:
    """A layer's data as a reference to the top-level dataset ``name``."""
    return alt.NamedData(name=name)


def radar_layers(f: RadarFrame, data: Callable[[str], Any] = named) -> list[alt.Chart]:
    """The radar's layers in drawing order; ``data(name)`` gives each layer's data.

    By default each layer draws the top-level dataset of its name (a live dashboard sends new
    datasets with an unchanged shape); pass inline rows for a chart that stands on its own.
    """

    def _layer(name: str) -> alt.Chart:
        chart = alt.Chart(data(name))
        chart.name = name
        return chart

    x_dom, y_dom = list(f.x_dom), list(f.y_dom)

    def enc(extra: dict[str, Any] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "x": alt.X("x:Q", scale=alt.Scale(domain=x_dom, nice=False, zero=False), axis=None),
            "y": alt.Y("y:Q", scale=alt.Scale(domain=y_dom, nice=False, zero=False), axis=None),
        }
        out.update(extra or {})
        return out

    small = f.small_font
    # The legend's line marks grow with its text: as long as 1.6 lines of it and as thick as a
    # radar's outline, so on a projector they are read as lines, not as dashes beside the words.
    mark = legend_mark(small)
    names = [s.name for s in f.series]
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=names, range=[SERIES_COLOURS[s.role] for s in f.series]),
        legend=alt.Legend(
            title=None,
            orient=f.legend,
            direction="vertical",
            symbolType="stroke",
            symbolStrokeWidth=mark.stroke,
            symbolSize=mark.size,
            labelFontSize=small,
            labelLimit=0,
        ),
    )
    dash = alt.StrokeDash(
        "series:N",
        scale=alt.Scale(domain=names, range=[SERIES_DASHES[s.role] for s in f.series]),
        legend=alt.Legend(
            title=None,
            symbolType="stroke",
            symbolStrokeWidth=mark.stroke,
            symbolSize=mark.size,
            labelFontSize=small,
        ),
    )
    groups = alt.Scale(domain=list(f.group_names), range=list(f.group_colours))
    tip = [
        alt.Tooltip("label:N", title="Factor"),
        alt.Tooltip("failure_mode:N", title="Failure mode"),
    ]

    def series_tips(level_title: str) -> list[alt.Tooltip]:
        return [
            *tip,
            alt.Tooltip("series:N", title="Series"),
            alt.Tooltip("score_text:N", title=level_title),
            alt.Tooltip("level_name:N", title="Level reached"),
        ]

    ring_text: dict[str, Any] = {"align": "center", "baseline": "middle", "fontSize": small}
    builders: dict[str, Callable[[alt.Chart], alt.Chart]] = {
        "spokes": lambda c: c.mark_rule(stroke=GRID, strokeWidth=1).encode(
            **enc({"x2": alt.X2("x2:Q"), "y2": alt.Y2("y2:Q")})
        ),
        "unscored-spokes": lambda c: c.mark_rule(
            stroke=MUTED, strokeWidth=1, strokeDash=[3, 3]
        ).encode(**enc({"x2": alt.X2("x2:Q"), "y2": alt.Y2("y2:Q")})),
        "selected-spoke": lambda c: c.mark_rule(stroke=INK, strokeWidth=2, opacity=0.7).encode(
            **enc({"x2": alt.X2("x2:Q"), "y2": alt.Y2("y2:Q")})
        ),
        "selected-label": lambda c: c.mark_rect(
            fill="#FFF3C4", stroke="#E0A100", strokeWidth=1, cornerRadius=3
        ).encode(**enc({"x2": alt.X2("x2:Q"), "y2": alt.Y2("y2:Q")})),
        "group-arcs": lambda c: c.mark_line(strokeWidth=4, strokeCap="butt", opacity=0.85).encode(
            **enc(
                {
                    "stroke": alt.Stroke(
                        "group:N",
                        scale=groups,
                        legend=alt.Legend(
                            title="Factor group",
                            orient=f.legend,
                            direction="vertical",
                            symbolType="stroke",
                            symbolStrokeWidth=mark.stroke + 1,
                            symbolSize=mark.size,
                            labelFontSize=small,
                            titleFontSize=small,
                            labelLimit=0,
                        ),
                    ),
                    "detail": alt.Detail("arc:O"),
                    "order": alt.Order("seq:Q"),
                }
            )
        ),
        "ring-label-halo": lambda c: c.mark_text(
            **ring_text, fill="white", stroke="white", strokeWidth=3, strokeJoin="round"
        ).encode(**enc({"text": alt.Text("text:N")})),
        "ring-labels": lambda c: c.mark_text(**ring_text, fill=MUTED).encode(
            **enc({"text": alt.Text("text:N")})
        ),
        "whiskers": lambda c: c.mark_rule(
            stroke=SERIES_COLOURS["current"], strokeWidth=5, opacity=0.25
        ).encode(
            **enc(
                {
                    "x2": alt.X2("x2:Q"),
                    "y2": alt.Y2("y2:Q"),
                    "tooltip": [
                        alt.Tooltip("label:N", title="Factor"),
                        alt.Tooltip("min_text:N", title="Lowest rater level"),
                        alt.Tooltip("max_text:N", title="Highest rater level"),
                        alt.Tooltip("raters:Q", title="Raters"),
                    ],
                }
            )
        ),
        "staff-intervals": lambda c: c.mark_rule(
            stroke=SERIES_COLOURS["staff"], strokeWidth=4, opacity=0.35
        ).encode(
            **enc(
                {
                    "x2": alt.X2("x2:Q"),
                    "y2": alt.Y2("y2:Q"),
                    "tooltip": [
                        alt.Tooltip("label:N", title="Factor"),
                        alt.Tooltip("low:Q", title="Staff, 95% interval from", format=".2f"),
                        alt.Tooltip("high:Q", title="to", format=".2f"),
                        alt.Tooltip("n:Q", title="Respondents"),
                    ],
                }
            )
        ),
        "staff-points": lambda c: c.mark_point(
            shape="square", filled=True, size=40, opacity=1
        ).encode(
            **enc(
                {
                    "color": colour,
                    "tooltip": [
                        *tip,
                        alt.Tooltip("series:N", title="Series"),
                        alt.Tooltip("level:Q", title="Staff mean", format=".2f"),
                        alt.Tooltip("level_name:N", title="Level reached"),
                        alt.Tooltip("n:Q", title="Respondents"),
                        alt.Tooltip("favourable:Q", title="% favourable", format=".0f"),
                        alt.Tooltip("interval:N", title="95% interval"),
                        alt.Tooltip("flag:N", title="Gap"),
                    ],
                }
            )
        ),
        "gap-flags": lambda c: c.mark_point(
            shape="diamond", filled=True, size=110, color=GAP_COLOUR, opacity=1
        ).encode(
            **enc(
                {
                    "tooltip": [
                        alt.Tooltip("label:N", title="Factor"),
                        alt.Tooltip("flag:N", title="Gap"),
                        alt.Tooltip("explanation:N", title="In short"),
                    ]
                }
            )
        ),
        "gap-bridges": lambda c: c.mark_line(stroke=MUTED, strokeWidth=1, strokeDash=[1, 3]).encode(
            **enc({"detail": alt.Detail("gap:O"), "order": alt.Order("seq:Q")})
        ),
        "outlines": lambda c: c.mark_line(interpolate="linear").encode(
            **enc(
                {
                    "color": colour,
                    "strokeDash": dash,
                    "strokeWidth": alt.StrokeWidth("width:Q", scale=None, legend=None),
                    "detail": alt.Detail("segment:N"),
                    "order": alt.Order("seq:Q"),
                }
            )
        ),
        "overlay-points": lambda c: c.mark_point(filled=True, size=28, opacity=1).encode(
            **enc({"color": colour, "tooltip": series_tips("Level")})
        ),
        "points": lambda c: c.mark_point(
            filled=True, size=55, opacity=1, stroke="white", strokeWidth=1
        ).encode(
            **enc(
                {
                    "color": colour,
                    "tooltip": [
                        *tip,
                        alt.Tooltip("score_text:N", title="Score"),
                        alt.Tooltip("level_name:N", title="Level reached"),
                        alt.Tooltip("basis:N", title="Basis"),
                        alt.Tooltip("findings:Q", title="Findings"),
                        alt.Tooltip("confidence:N", title="Confidence"),
                    ],
                }
            )
        ),
        "disagreement": lambda c: c.mark_point(**RING_MARK, size=190).encode(
            **enc({"tooltip": ring_tooltip()})
        ),
        # A filled triangle halfway along each real move, turned to point the way it went.
        "moves": lambda c: c.mark_point(
            shape="triangle-up", filled=True, size=150, fill=INK, stroke="white", strokeWidth=1
        ).encode(
            **enc(
                {
                    "angle": alt.Angle("angle:Q", scale=None),
                    "tooltip": [
                        alt.Tooltip("label:N", title="Factor"),
                        alt.Tooltip("previous:Q", title="Previous score", format=".2~f"),
                        alt.Tooltip("current:Q", title="Score now", format=".2~f"),
                        alt.Tooltip("change:N", title="Change"),
                        alt.Tooltip("note:N", title="Moved"),
                    ],
                }
            )
        ),
        # On top of the series: a large open diamond where the score would move.
        "preview-points": lambda c: c.mark_point(
            shape="diamond", filled=False, size=190, strokeWidth=2.5, opacity=1
        ).encode(**enc({"color": colour, "tooltip": series_tips("Score")})),
        "unscored": lambda c: c.mark_point(
            filled=False, shape="circle", size=70, stroke=MUTED, strokeWidth=1.5, fill="white"
        ).encode(
            **enc(
                {
                    "tooltip": [
                        *tip,
                        alt.Tooltip("basis:N", title="Basis"),
                        alt.Tooltip("findings:Q", title="Findings"),
                    ]
                }
            )
        ),
        "note": lambda c: c.mark_text(
            align="left", baseline="bottom", fontSize=small, fill=MUTED, lineBreak="\n"
        ).encode(**enc({"text": alt.Text("text:N")})),
        "spoke-labels": lambda c: c.mark_text(
            lineBreak="\n",
            fontSize=f.font_size,
            align=alt.ExprRef("datum.align"),
            baseline=alt.ExprRef("datum.baseline"),
        ).encode(
            **enc(
                {
                    "text": alt.Text("text:N"),
                    # Built as the channel object: alt.condition() gives a dict, which
                    # Altair turns into one by validating it (a fifth of a shape's cost).
                    "fill": alt.FillValue(
                        MUTED,
                        condition={
                            "test": "datum.assessed",
                            "field": "group",
                            "type": "nominal",
                            "scale": groups,
                            "legend": None,
                        },
                    ),
                    "tooltip": tip,
                }
            )
        ),
    }
    rings = (
        alt.Chart(alt.sequence(0, 4 * (_RING_STEPS + 1), as_="i"), name="rings")
        .transform_calculate(
            ring=f"floor(datum.i / {_RING_STEPS + 1}) + 1", seq=f"datum.i % {_RING_STEPS + 1}"
        )
        .transform_calculate(
            x=f"datum.ring * sin(2 * PI * datum.seq / {_RING_STEPS})",
            y=f"datum.ring * cos(2 * PI * datum.seq / {_RING_STEPS})",
        )
        .mark_line(stroke=GRID, strokeWidth=1, interpolate="linear")
        .encode(**enc({"detail": alt.Detail("ring:O"), "order": alt.Order("seq:Q")}))
    )
    return [rings, *(builders[name](_layer(name)) for name in LAYERS)]
