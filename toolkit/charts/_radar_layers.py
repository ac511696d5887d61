"""The radar's layers: for each, its data rows and its marks, kept apart.

:func:`radar_datasets` computes every layer's rows from a :class:`RadarFrame` in plain Python;
:func:`radar_layers` builds the layers themselves, each drawing a named dataset. The same frame
always gives the same layers, so a live dashboard keeps one validated shape and sends new rows.

Drawing order, back to front: rings, spokes, group arcs, ring labels, rater whiskers, the bridges
across unscored spokes, outlines, overlay points, current points, preview points, hollow
markers of unscored spokes, the key, spoke labels. Every layer is always present (its rows may
be empty), so the shape does not change when, say, a first whisker appears.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import altair as alt

from toolkit.charts._agreement import RING_MARK, ring_tooltip
from toolkit.charts._layout import line_height, point_at, scored_runs
from toolkit.charts._radar_frame import OUTER, RadarFrame
from toolkit.charts._style import (
    GRID,
    INK,
    MUTED,
    SERIES_COLOURS,
    SERIES_DASHES,
)

Rows = list[dict[str, Any]]
#: The named datasets of a radar, in drawing order (the rings are generated in the browser).
LAYERS: tuple[str, ...] = (
    "spokes",
    "unscored-spokes",
    "selected-spoke",
    "group-arcs",
    "ring-label-halo",
    "ring-labels",
    "whiskers",
    "gap-bridges",
    "outlines",
    "overlay-points",
    "disagreement",  # under the points: a click on a ringed point reaches the point
    "points",
    "preview-points",
    "unscored",
    "note",
    "selected-label",
    "spoke-labels",
)
_RING_STEPS = 96


# -- rows -------------------------------------------------------------------------------------
def _spokes(f: RadarFrame) -> tuple[Rows, Rows]:
    solid: Rows = []
    dashed: Rows = []
    for i, th in enumerate(f.thetas):
        x, y = point_at(OUTER, th)
        (dashed if i in f.unscored else solid).append({"x": 0, "y": 0, "x2": x, "y2": y})
    return solid, dashed


def _selected(f: RadarFrame) -> tuple[Rows, Rows]:
    """The highlighted factor: its spoke, and a pale box behind its label."""
    i = f.highlight
    if i is None:
        return [], []
    x, y = point_at(OUTER, f.thetas[i])
    box, pad = f.boxes[i], 4.0
    return [{"x": 0, "y": 0, "x2": x, "y2": y, "factor": f.ids[i]}], [
        {
            "x": round((box.left - pad) / f.k, 4),
            "x2": round((box.right + pad) / f.k, 4),
            "y": round((box.low - pad) / f.k, 4),
            "y2": round((box.high + pad) / f.k, 4),
            "factor": f.ids[i],
        }
    ]


def _group_arcs(f: RadarFrame) -> Rows:
    labels = dict(f.group_label)
    arc_r = OUTER + 7 / f.k
    half_step = math.pi / f.n
    rows: Rows = []
    arc, i = 0, 0
    while i < f.n:
        j = i
        while j + 1 < f.n and f.groups[j + 1] == f.groups[i]:
            j += 1
        start, end = f.thetas[i] - half_step * 0.85, f.thetas[j] + half_step * 0.85
        pieces = max(4, round((end - start) / (math.pi / 36)))
        for p in range(pieces + 1):
            x, y = point_at(arc_r, start + (end - start) * p / pieces)
            rows.append({"arc": arc, "seq": p, "x": x, "y": y, "group": labels[f.groups[i]]})
        arc += 1
        i = j + 1
    return rows


def _ring_labels(f: RadarFrame) -> Rows:
    """Level names just inside each ring, beside the 12 o'clock spoke: clear of every label."""
    dx, dy = 4 / f.k, 2 / f.k
    return [
        {"x": round(dx, 4), "y": round(level - dy, 4), "text": f.level_names[level], "level": level}
        for level in (1, 2, 3, 4)
    ]


def _whiskers(f: RadarFrame) -> Rows:
    rows: Rows = []
    for i, found in enumerate(f.ranges):
        if found is None:
            continue
        lo, hi, raters = found
        x, y = point_at(lo, f.thetas[i])
        x2, y2 = point_at(hi, f.thetas[i])
        rows.append(
            {
                "factor": f.ids[i],
                "label": f.labels[i],
                "x": x,
                "y": y,
                "x2": x2,
                "y2": y2,
                "min": lo,
                "max": hi,
                "raters": raters,
            }
        )
    return rows


def _series_rows(f: RadarFrame) -> dict[str, Rows]:
    """Outlines broken at unscored spokes, the bridges across them, and every series' points."""
    outlines: Rows = []
    bridges: Rows = []
    points: dict[str, Rows] = {"points": [], "overlay-points": [], "preview-points": []}
    for rank, one in enumerate(f.series):
        vals = one.values
        present = [v is not None for v in vals]
        # A preview marks points only: joining them would read as a whole new outline.
        runs = [] if one.role == "preview" else scored_runs(present)
        closed = len(runs) == 1 and len(runs[0]) == f.n
        width = 2.5 if one.role == "current" else 1.8
        for seg, run in enumerate(runs):
            for seq, i in enumerate([*run, run[0]] if closed else run):
                x, y = point_at(vals[i] or 0.0, f.thetas[i])
                outlines.append(
                    {
                        "series": one.name,
                        "factor": f.ids[i],
                        "rank": rank,
                        "segment": f"{rank}-{seg}",
                        "seq": seq,
                        "x": x,
                        "y": y,
                        "width": width,
                    }
                )
        if one.role == "current" and not closed and runs and sum(present) >= 2:
            for g, run in enumerate(runs):
                nxt = runs[(g + 1) % len(runs)]
                for seq, i in enumerate((run[-1], nxt[0])):
                    x, y = point_at(vals[i] or 0.0, f.thetas[i])
                    bridges.append({"gap": g, "seq": seq, "x": x, "y": y})
        kind = {"current": "points", "preview": "preview-points"}.get(one.role, "overlay-points")
        for i, v in enumerate(vals):
            if v is None:
                continue
            x, y = point_at(v, f.thetas[i])
            row: dict[str, Any] = {
                "series": one.name,
                "rank": rank,
                "x": x,
                "y": y,
                "factor": f.ids[i],
                "label": f.labels[i],
                "failure_mode": f.failure[i],
                "level": v,
                "level_name": f.level_name(v),
            }
            if one.role == "current":
                row.update(basis=f.basis[i], findings=f.findings[i], confidence=f.confidence[i])
            points[kind].append(row)
    # Later series first, so the current outline is drawn on top.
    outlines.sort(key=lambda r: (-r["rank"], r["segment"], r["seq"]))
    return {"outlines": outlines, "gap-bridges": bridges, **points}


def _disagreement(f: RadarFrame) -> Rows:
    """A dashed ring round the current point of each factor whose raters disagree."""
    current = f.series[0].values
    rows: Rows = []
    for i in f.disagree:
        value = current[i]
        if value is None:
            continue
        x, y = point_at(value, f.thetas[i])
        found = f.ranges[i]
        raters = found[2] if found is not None else None
        rows.append(
            {
                "x": x,
                "y": y,
                "factor": f.ids[i],
                "label": f.labels[i],
                "r_wg": f.r_wg[i] if i < len(f.r_wg) else None,
                "raters": raters,
                "note": "raters disagree: discuss before relying on this score",
            }
        )
    return rows


def _unscored(f: RadarFrame) -> Rows:
    rows: Rows = []
    for i in f.unscored:
        x, y = point_at(OUTER, f.thetas[i])
        rows.append(
            {
                "x": x,
                "y": y,
                "factor": f.ids[i],
                "label": f.labels[i],
                "failure_mode": f.failure[i],
                "basis": f.basis[i],
                "findings": f.findings[i],
            }
        )
    return rows


def _note(f: RadarFrame) -> Rows:
    """The key to marks the legend cannot show, in the bottom left corner, first line on top."""
    if not f.notes:
        return []
    lines_below = (len(f.notes) - 1) * line_height(f.small_font)
    y = f.y_dom[0] + (4 + lines_below) / f.k
    return [{"x": round(f.x_dom[0] + 4 / f.k, 4), "y": round(y, 4), "text": "\n".join(f.notes)}]


def _spoke_labels(f: RadarFrame) -> Rows:
    labels = dict(f.group_label)
    unscored = set(f.unscored)
    rows: Rows = []
    for i, box in enumerate(f.boxes):
        # Vega places the first line of a multi-line text at the baseline and the rest below,
        # so lift labels that should sit above or centred on their anchor.
        extra_lines = box.text.count("\n")
        lift = {"bottom": 1.0, "middle": 0.5, "top": 0.0}[box.baseline]
        y = box.y + box.shift + lift * extra_lines * line_height(f.font_size)
        rows.append(
            {
                "x": round(box.x / f.k, 4),
                "y": round(y / f.k, 4),
                "text": f.texts[i],
                "group": labels.get(f.groups[i], f.groups[i]),
                "assessed": i not in unscored,
                "align": box.align,
                "baseline": box.baseline,
                "factor": f.ids[i],
                "label": f.labels[i],
                "failure_mode": f.failure[i],
            }
        )
    return rows


def radar_datasets(f: RadarFrame) -> dict[str, Rows]:
    """Every layer's rows, by layer name (see :data:`LAYERS`)."""
    solid, dashed = _spokes(f)
    rings = _ring_labels(f)
    spoke, label = _selected(f)
    data = {
        "spokes": solid,
        "unscored-spokes": dashed,
        "selected-spoke": spoke,
        "selected-label": label,
        "group-arcs": _group_arcs(f),
        "ring-label-halo": rings,
        "ring-labels": rings,
        "whiskers": _whiskers(f),
        **_series_rows(f),
        "disagreement": _disagreement(f),
        "unscored": _unscored(f),
        "note": _note(f),
        "spoke-labels": _spoke_labels(f),
    }
    return {name: data[name] for name in LAYERS}


# -- the shape --------------------------------------------------------------------------------
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
    names = [s.name for s in f.series]
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=names, range=[SERIES_COLOURS[s.role] for s in f.series]),
        legend=alt.Legend(
            title=None,
            orient=f.legend,
            direction="vertical",
            symbolType="stroke",
            symbolStrokeWidth=2.5,
            symbolSize=400,
            labelFontSize=small,
            labelLimit=0,
        ),
    )
    dash = alt.StrokeDash(
        "series:N",
        scale=alt.Scale(domain=names, range=[SERIES_DASHES[s.role] for s in f.series]),
        legend=alt.Legend(title=None, labelFontSize=small),
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
            alt.Tooltip("level:Q", title=level_title, format=".2~f"),
            alt.Tooltip("level_name:N", title="Level reached"),
        ]

    ring_text: dict[str, Any] = {"align": "left", "baseline": "top", "fontSize": small}
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
                        alt.Tooltip("min:Q", title="Lowest rater level", format=".2~f"),
                        alt.Tooltip("max:Q", title="Highest rater level", format=".2~f"),
                        alt.Tooltip("raters:Q", title="Raters"),
                    ],
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
                        alt.Tooltip("level:Q", title="Score", format=".2~f"),
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
                    "fill": alt.condition(
                        "datum.assessed",
                        alt.Fill("group:N", scale=groups, legend=None),
                        alt.value(MUTED),
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
