"""The radar: every factor on one picture, drawn so that it cannot be misread as zero.

Vega-Lite has no radar mark, so the geometry is computed here in plain Python: factor ``i`` of
``n`` sits on the spoke at angle ``theta = 2 pi i / n`` (12 o'clock, clockwise) and a level ``r``
on that spoke is the point ``x = r sin(theta)``, ``y = r cos(theta)``. The outer ring is level 4,
so a score of 2 lies at half the outer radius. Every layer shares one pair of linear scales with
equal pixels per level on both axes and no axes drawn.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

from toolkit.charts._agreement import RING_NOTE, disagreeing, radar_rings, stamp
from toolkit.charts._layout import LINE_HEIGHT, extent, place_labels, point_at
from toolkit.charts._radar_series import Series, Spokes, series_layers
from toolkit.charts._style import (
    FONT_SIZE,
    GRID,
    INK,
    MUTED,
    SERIES_COLOURS,
    framework_or_default,
    group_scale,
    layer,
    number,
    wrap_label,
)
from toolkit.framework import MAX_FACTORS, MIN_FACTORS, Framework

__all__ = ["radar_chart", "series_levels"]

OUTER = 4.0
_NOTE_SPACE = 22  # pixels below the radar for the note on unassessed spokes


def series_levels(values: pd.DataFrame | pd.Series | None, index: pd.Index) -> pd.Series | None:
    """Levels of a comparison series (another scores table or a Series), aligned to ``index``.

    A scores DataFrame contributes its ``score`` column; a Series is taken as levels indexed by
    factor id. Factors missing from ``values`` are NaN (not drawn).
    """
    if values is None:
        return None
    if isinstance(values, pd.DataFrame):
        if "score" not in values.columns:
            raise ValueError("a comparison DataFrame needs a 'score' column (a scores table)")
        values = values["score"]
    levels = pd.to_numeric(values, errors="coerce").astype("float64")
    return levels.reindex(index)


class RadarChart(alt.LayerChart):
    """A layer chart whose generated data rows are not validated again on every ``to_dict``.

    Altair checks a spec against the Vega-Lite schema each time it is turned into a dict, and
    for a radar most of that time goes to the few hundred data rows, which this module builds
    itself (plain lists of flat dicts). Here the spec is validated with each layer's inline
    rows stood in for by a named reference, which keeps a redraw well within the live
    dashboard's budget. Inside a concatenation or layer built by the caller, the outer chart
    validates everything as usual.
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
            layers = [
                {**lay, "data": {"name": str(lay.get("name", "rows"))}}
                if "values" in lay.get("data", {})
                else lay
                for lay in spec.get("layer", [])
            ]
            self.validate({**spec, "layer": layers})
        return spec


def radar_chart(
    scores: pd.DataFrame,
    *,
    target: bool = True,
    previous: pd.DataFrame | pd.Series | None = None,
    previous_label: str = "Previous",
    benchmark: pd.DataFrame | pd.Series | None = None,
    benchmark_label: str = "Portfolio median",
    preview: pd.DataFrame | pd.Series | None = None,
    preview_label: str = "Preview",
    framework: Framework | None = None,
    title: str | None = None,
    size: int = 420,
) -> alt.LayerChart:
    """An honest radar of factor scores, with target, previous and benchmark overlays.

    Parameters
    ----------
    scores
        A scores table as returned by :func:`~toolkit.score_engagement`. The spokes follow its
        index (factor ids), starting at 12 o'clock and going clockwise; 3 to 20 factors.
    target
        Draw ``scores["target"]`` as a series (when any factor has a target).
    previous, benchmark
        Another scores table (its ``score`` column is used) or a Series of levels indexed by
        factor id; NaN, or a factor missing, is not drawn at that spoke.
    preview
        Where scores would move with a change not yet made (the consultant's dashboard passes
        the level of the factor whose finding is being typed): usually one level at one spoke,
        drawn as a vermillion point.
    previous_label, benchmark_label, preview_label
        Their names in the legend.
    framework
        Supplies failure modes for tooltips and the level and group names (default: bundled).
    title
        An optional chart title.
    size
        Sets the scale: the outer ring's diameter is 0.76 x ``size`` pixels. Spoke labels
        (11 px text, long ones on two lines), the key underneath and the legend are added
        outside the ring, so the chart is wider than ``size`` and nothing is clipped.

    Returns
    -------
    altair.LayerChart
        A pure, deterministic chart: the same input gives the same ``to_dict()``.

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
      (many factors, two-line labels) the outer one moves further out. A key under the radar
      explains the rater bars and the hollow markers, which the legend cannot show.
    * Tooltips on each point give the factor, its failure mode, the score, its basis, the
      number of findings and the confidence.
    """
    # Altair validates every object as it is built unless told otherwise; the finished spec is
    # still validated once, by ``to_dict()``. This keeps the build fast enough for live editing.
    with debug_mode(False):
        return _radar(
            scores,
            target=target,
            previous=previous,
            previous_label=previous_label,
            benchmark=benchmark,
            benchmark_label=benchmark_label,
            preview=preview,
            preview_label=preview_label,
            framework=framework,
            title=title,
            size=size,
        )


def _radar(
    scores: pd.DataFrame,
    *,
    target: bool,
    previous: pd.DataFrame | pd.Series | None,
    previous_label: str,
    benchmark: pd.DataFrame | pd.Series | None,
    benchmark_label: str,
    preview: pd.DataFrame | pd.Series | None,
    preview_label: str,
    framework: Framework | None,
    title: str | None,
    size: int,
) -> alt.LayerChart:
    fw = framework_or_default(framework)
    ids = [str(i) for i in scores.index]
    n = len(ids)
    if not MIN_FACTORS <= n <= MAX_FACTORS:
        raise ValueError(f"a radar needs {MIN_FACTORS} to {MAX_FACTORS} factors, got {n}")
    known = {f.id: f for f in fw.factors}
    labels = [str(v) for v in scores["label"]] if "label" in scores else ids
    failure = [known[i].failure_mode if i in known else "" for i in ids]
    groups = [str(v) for v in scores["group"]] if "group" in scores else ["" for _ in ids]
    basis = [str(v) for v in scores["basis"]] if "basis" in scores else ["findings"] * n
    current = pd.to_numeric(scores["score"], errors="coerce").astype("float64")
    thetas = [2 * math.pi * i / n for i in range(n)]
    level_names = [lv.name for lv in fw.levels]
    has_counts = {"n_findings", "confidence"} <= set(scores.columns)
    spokes = Spokes(
        ids=ids,
        labels=labels,
        failure=failure,
        basis=basis,
        findings=[number(v) for v in scores["n_findings"]] if has_counts else [None] * n,
        confidence=[str(v) for v in scores["confidence"]] if has_counts else [""] * n,
        thetas=thetas,
        framework=fw,
    )

    # -- layout in pixels ----------------------------------------------------------------
    radius_px = size * 0.38
    k = radius_px / OUTER  # pixels per level, on both axes
    label_px = radius_px + 16
    texts: list[str] = []
    for i in range(n):
        text = wrap_label(labels[i])
        if basis[i] in ("not assessed", "not applicable"):
            text += "\n(" + basis[i] + ")"
        texts.append(text)
    boxes = place_labels(texts, thetas, label_px)
    half_w, half_h = extent(boxes, radius_px + 10)
    half_w += 8
    half_h += 6
    unassessed = [i for i in range(n) if math.isnan(current.iloc[i])]
    has_ranges = {"min", "max", "n_raters"} <= set(scores.columns) and bool(
        (
            (pd.to_numeric(scores["n_raters"], errors="coerce") >= 2)
            & scores["min"].notna()
            & scores["max"].notna()
            & (pd.Series(basis, index=scores.index) != "not applicable")
        ).any()
    )
    notes = []
    if has_ranges:
        notes.append("Pale bar on a spoke: lowest to highest rater level")
    if unassessed:
        notes.append("\u25cb Not assessed or not applicable: no score is drawn on that spoke")
    if disagreeing(scores):
        notes.append(RING_NOTE)
    bottom_extra = _NOTE_SPACE + 12 * (len(notes) - 1) if notes else 0
    width = round(2 * half_w)
    height = round(2 * half_h + bottom_extra)
    x_dom = [round(-half_w / k, 4), round(half_w / k, 4)]
    y_dom = [round(-(half_h + bottom_extra) / k, 4), round(half_h / k, 4)]

    def enc(extra: dict[str, Any] | None = None) -> dict[str, Any]:
        enc: dict[str, Any] = {
            "x": alt.X("x:Q", scale=alt.Scale(domain=x_dom, nice=False, zero=False), axis=None),
            "y": alt.Y("y:Q", scale=alt.Scale(domain=y_dom, nice=False, zero=False), axis=None),
        }
        enc.update(extra or {})
        return enc

    layers: list[alt.Chart] = []

    # -- grid: rings at levels 1-4 and spokes ---------------------------------------------
    # Rings are generated in the browser (a sequence of 4 x 97 points), not carried as data.
    steps = 96
    layers.append(
        alt.Chart(alt.sequence(0, 4 * (steps + 1), as_="i"), name="rings")
        .transform_calculate(
            ring=f"floor(datum.i / {steps + 1}) + 1",
            seq=f"datum.i % {steps + 1}",
        )
        .transform_calculate(
            x=f"datum.ring * sin(2 * PI * datum.seq / {steps})",
            y=f"datum.ring * cos(2 * PI * datum.seq / {steps})",
        )
        .mark_line(stroke=GRID, strokeWidth=1, interpolate="linear")
        .encode(**enc({"detail": alt.Detail("ring:O"), "order": alt.Order("seq:Q")}))
    )
    spoke_rows = []
    for i, th in enumerate(thetas):
        x, y = point_at(OUTER, th)
        spoke_rows.append({"x": 0, "y": 0, "x2": x, "y2": y, "dashed": i in unassessed})
    solid = [r for r in spoke_rows if not r["dashed"]]
    dashed = [r for r in spoke_rows if r["dashed"]]
    for rows, spoke_dash in ((solid, None), (dashed, [3, 3])):
        if not rows:
            continue
        mark: dict[str, Any] = {"stroke": GRID if spoke_dash is None else MUTED, "strokeWidth": 1}
        if spoke_dash is not None:
            mark["strokeDash"] = spoke_dash
        layers.append(
            layer("spokes" if spoke_dash is None else "unscored-spokes", rows)
            .mark_rule(**mark)
            .encode(**enc({"x2": alt.X2("x2:Q"), "y2": alt.Y2("y2:Q")}))
        )

    # -- group arcs outside the outer ring ----------------------------------------------------
    group_names, group_colours, group_label = group_scale(pd.DataFrame({"group": groups}), fw)
    arc_r = OUTER + 7 / k
    half_step = math.pi / n
    arc_rows = []
    arc_id = 0
    i = 0
    while i < n:
        j = i
        while j + 1 < n and groups[j + 1] == groups[i]:
            j += 1
        start, end = thetas[i] - half_step * 0.85, thetas[j] + half_step * 0.85
        pieces = max(4, round((end - start) / (math.pi / 36)))
        for p in range(pieces + 1):
            x, y = point_at(arc_r, start + (end - start) * p / pieces)
            arc_rows.append(
                {"arc": arc_id, "seq": p, "x": x, "y": y, "group": group_label[groups[i]]}
            )
        arc_id += 1
        i = j + 1
    layers.append(
        layer("group-arcs", arc_rows)
        .mark_line(strokeWidth=4, strokeCap="butt", opacity=0.85)
        .encode(
            **enc(
                {
                    "stroke": alt.Stroke(
                        "group:N",
                        scale=alt.Scale(domain=group_names, range=group_colours),
                        legend=alt.Legend(
                            title="Factor group", orient="right", symbolType="stroke"
                        ),
                    ),
                    "detail": alt.Detail("arc:O"),
                    "order": alt.Order("seq:Q"),
                }
            )
        )
    )

    # -- ring labels, between two spokes, on a white halo that masks the grid beneath ------
    ring_label_theta = math.pi / n
    ring_labels = []
    for level in (1, 2, 3, 4):
        x, y = point_at(level, ring_label_theta)
        ring_labels.append({"x": x, "y": y, "text": level_names[level]})
    ring_text: dict[str, Any] = {
        "align": "left",
        "baseline": "bottom",
        "dx": 3,
        "dy": -1,
        "fontSize": 9,
    }
    layers.append(
        layer("ring-label-halo", ring_labels)
        .mark_text(**ring_text, fill="white", stroke="white", strokeWidth=3, strokeJoin="round")
        .encode(**enc({"text": alt.Text("text:N")}))
    )
    layers.append(
        layer("ring-labels", ring_labels)
        .mark_text(**ring_text, fill=MUTED)
        .encode(**enc({"text": alt.Text("text:N")}))
    )

    # -- rater range whiskers -------------------------------------------------------------
    whisker_rows = []
    if {"min", "max", "n_raters"} <= set(scores.columns):
        for i, fid in enumerate(ids):
            lo, hi = number(scores["min"].iloc[i]), number(scores["max"].iloc[i])
            raters = number(scores["n_raters"].iloc[i])
            if lo is None or hi is None or (raters or 0) < 2 or basis[i] == "not applicable":
                continue
            x, y = point_at(lo, thetas[i])
            x2, y2 = point_at(hi, thetas[i])
            whisker_rows.append(
                {
                    "factor": fid,
                    "label": labels[i],
                    "x": x,
                    "y": y,
                    "x2": x2,
                    "y2": y2,
                    "min": lo,
                    "max": hi,
                    "raters": int(raters or 0),
                }
            )
    if whisker_rows:
        layers.append(
            layer("whiskers", whisker_rows)
            .mark_rule(stroke=SERIES_COLOURS["current"], strokeWidth=5, opacity=0.25)
            .encode(
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
            )
        )

    # -- the series -----------------------------------------------------------------------
    series: list[tuple[str, str, pd.Series]] = [("current", "Current", current)]
    if target and "target" in scores.columns:
        tgt = pd.to_numeric(scores["target"], errors="coerce").astype("float64")
        if tgt.notna().any():
            series.append(("target", "Target", tgt))
    prev = series_levels(previous, scores.index)
    if prev is not None:
        series.append(("previous", previous_label, prev))
    bench = series_levels(benchmark, scores.index)
    if bench is not None:
        series.append(("benchmark", benchmark_label, bench))
    pending = series_levels(preview, scores.index)
    if pending is not None:
        series.append(("preview", preview_label, pending))
    names = [name for _, name, _ in series]
    if len(set(names)) != len(names):
        raise ValueError(f"series names must differ, got {names}")

    layers.extend(
        series_layers(
            [Series(role, name, [number(v) for v in values]) for role, name, values in series],
            spokes,
            enc,
        )
    )
    layers.extend(radar_rings(scores, thetas, enc))
    tip_common = [
        alt.Tooltip("label:N", title="Factor"),
        alt.Tooltip("failure_mode:N", title="Failure mode"),
    ]

    # -- factors with no score: hollow marker on the outer ring ---------------------------------
    if unassessed:
        hollow = []
        for i in unassessed:
            x, y = point_at(OUTER, thetas[i])
            hollow.append(
                {
                    "x": x,
                    "y": y,
                    "factor": ids[i],
                    "label": labels[i],
                    "failure_mode": failure[i],
                    "basis": basis[i],
                    "findings": spokes.findings[i],
                }
            )
        layers.append(
            layer("unscored", hollow)
            .mark_point(
                filled=False, shape="circle", size=70, stroke=MUTED, strokeWidth=1.5, fill="white"
            )
            .encode(
                **enc(
                    {
                        "tooltip": [
                            *tip_common,
                            alt.Tooltip("basis:N", title="Basis"),
                            alt.Tooltip("findings:Q", title="Findings"),
                        ]
                    }
                )
            )
        )

    # -- a key to the marks that the legend cannot show ---------------------------------------
    if notes:
        layers.append(
            layer("note", [{"x": x_dom[0], "y": y_dom[0], "text": "\n".join(notes)}])
            .mark_text(
                align="left",
                baseline="bottom",
                dx=4,
                dy=-4 - 12 * (len(notes) - 1),
                fontSize=10,
                fill=MUTED,
                lineBreak="\n",
            )
            .encode(**enc({"text": alt.Text("text:N")}))
        )

    # -- spoke labels -------------------------------------------------------------------------
    label_rows = []
    for i, box in enumerate(boxes):
        # Vega places the first line of a multi-line text at the baseline and the rest below,
        # so lift labels that should sit above or centred on their anchor.
        extra_lines = box.text.count("\n")
        lift = {"bottom": 1.0, "middle": 0.5, "top": 0.0}[box.baseline]
        x = round(box.x / k, 4)
        y = round((box.y + box.shift + lift * extra_lines * LINE_HEIGHT) / k, 4)
        label_rows.append(
            {
                "x": x,
                "y": y,
                "text": texts[i],
                "group": group_label.get(groups[i], groups[i]),
                "assessed": i not in unassessed,
                "align": box.align,
                "baseline": box.baseline,
                "factor": ids[i],
                "label": labels[i],
                "failure_mode": failure[i],
            }
        )
    layers.append(
        layer("spoke-labels", label_rows)
        .mark_text(
            lineBreak="\n",
            fontSize=FONT_SIZE,
            align=alt.ExprRef("datum.align"),
            baseline=alt.ExprRef("datum.baseline"),
        )
        .encode(
            **enc(
                {
                    "text": alt.Text("text:N"),
                    "fill": alt.condition(
                        "datum.assessed",
                        alt.Fill(
                            "group:N",
                            scale=alt.Scale(domain=group_names, range=group_colours),
                            legend=None,
                        ),
                        alt.value(MUTED),
                    ),
                    "tooltip": tip_common,
                }
            )
        )
    )

    chart = RadarChart(layer=layers)
    # Plain attribute assignment: .properties() would validate the data rows once more.
    chart.width = width
    chart.height = height
    chart.view = alt.ViewBackground(stroke=None)
    if title:
        chart.title = alt.Title(title, anchor="start", color=INK, fontSize=14)
    return stamp(chart, scores)
