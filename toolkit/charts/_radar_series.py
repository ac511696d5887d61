"""The radar's series: outlines broken at unscored spokes, their points and tooltips.

Each series (current scores, target, a previous assessment, a benchmark) is drawn as an outline
through the spokes where it has a value, in runs of neighbouring spokes: a spoke without a
value breaks the outline instead of pulling it to the centre. The current outline's breaks are
bridged by a faint dotted chord, so the eye can follow the shape without reading a zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt

from toolkit.charts._layout import point_at, scored_runs
from toolkit.charts._style import MUTED, SERIES_COLOURS, SERIES_DASHES, layer
from toolkit.framework import Framework


@dataclass(frozen=True)
class Spokes:
    """What the radar knows about each spoke, in spoke order."""

    ids: list[str]
    labels: list[str]
    failure: list[str]
    basis: list[str]
    findings: list[float | None]
    confidence: list[str]
    thetas: list[float]
    framework: Framework


@dataclass(frozen=True)
class Series:
    """One series: its role (current, target, previous, benchmark), legend name and levels."""

    role: str
    name: str
    values: list[float | None]


def series_layers(
    series: list[Series],
    spokes: Spokes,
    enc: Callable[[dict[str, Any] | None], dict[str, Any]],
) -> list[alt.Chart]:
    """The gap bridges, outlines, overlay points and current points, in drawing order."""
    n = len(spokes.ids)
    names = [one.name for one in series]
    colours = [SERIES_COLOURS[one.role] for one in series]
    dashes = [SERIES_DASHES[one.role] for one in series]
    layers: list[alt.Chart] = []
    line_rows: list[dict[str, Any]] = []
    gap_rows: list[dict[str, Any]] = []
    point_rows: list[dict[str, Any]] = []
    other_rows: list[dict[str, Any]] = []
    preview_rows: list[dict[str, Any]] = []
    for rank, one in enumerate(series):
        role, name, vals = one.role, one.name, one.values
        present = [v is not None for v in vals]
        # A preview marks points only: joining them would read as a whole new outline.
        runs = [] if role == "preview" else scored_runs(present)
        closed = len(runs) == 1 and len(runs[0]) == n
        stroke_w = 2.5 if role == "current" else 1.8
        for seg, run in enumerate(runs):
            idx = [*run, run[0]] if closed else run
            for seq, i in enumerate(idx):
                x, y = point_at(vals[i] or 0.0, spokes.thetas[i])
                line_rows.append(
                    {
                        "series": name,
                        "factor": spokes.ids[i],
                        "rank": rank,
                        "segment": f"{rank}-{seg}",
                        "seq": seq,
                        "x": x,
                        "y": y,
                        "width": stroke_w,
                    }
                )
        if role == "current" and not closed and len(runs) >= 1 and sum(present) >= 2:
            for g, run in enumerate(runs):
                nxt = runs[(g + 1) % len(runs)]
                a, b = run[-1], nxt[0]
                for seq, i in enumerate((a, b)):
                    x, y = point_at(vals[i] or 0.0, spokes.thetas[i])
                    gap_rows.append({"gap": g, "seq": seq, "x": x, "y": y})
        for i, v in enumerate(vals):
            if v is None:
                continue
            x, y = point_at(v, spokes.thetas[i])
            row = {
                "series": name,
                "rank": rank,
                "x": x,
                "y": y,
                "factor": spokes.ids[i],
                "label": spokes.labels[i],
                "failure_mode": spokes.failure[i],
                "level": v,
                "level_name": spokes.framework.level_name(spokes.framework.level_reached(v)),
            }
            if role == "current":
                row.update(
                    {
                        "basis": spokes.basis[i],
                        "findings": spokes.findings[i],
                        "confidence": spokes.confidence[i],
                    }
                )
                point_rows.append(row)
            elif role == "preview":
                preview_rows.append(row)
            else:
                other_rows.append(row)

    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=names, range=colours),
        legend=alt.Legend(
            title=None,
            orient="right",
            symbolType="stroke",
            symbolStrokeWidth=2.5,
            symbolSize=400,
        ),
    )
    dash = alt.StrokeDash(
        "series:N", scale=alt.Scale(domain=names, range=dashes), legend=alt.Legend(title=None)
    )
    if gap_rows:
        layers.append(
            layer("gap-bridges", gap_rows)
            .mark_line(stroke=MUTED, strokeWidth=1, strokeDash=[1, 3])
            .encode(**enc({"detail": alt.Detail("gap:O"), "order": alt.Order("seq:Q")}))
        )
    # Later series first, so the current outline is drawn on top.
    line_rows.sort(key=lambda r: (-r["rank"], r["segment"], r["seq"]))
    layers.append(
        layer("outlines", line_rows)
        .mark_line(interpolate="linear")
        .encode(
            **enc(
                {
                    "color": colour,
                    "strokeDash": dash,
                    "strokeWidth": alt.StrokeWidth("width:Q", scale=None, legend=None),
                    "detail": alt.Detail("segment:N"),
                    "order": alt.Order("seq:Q"),
                }
            )
        )
    )
    tip_common = [
        alt.Tooltip("label:N", title="Factor"),
        alt.Tooltip("failure_mode:N", title="Failure mode"),
    ]

    def series_tips(level_title: str) -> list[alt.Tooltip]:
        return [
            *tip_common,
            alt.Tooltip("series:N", title="Series"),
            alt.Tooltip("level:Q", title=level_title, format=".2~f"),
            alt.Tooltip("level_name:N", title="Level name"),
        ]

    if other_rows:
        layers.append(
            layer("overlay-points", other_rows)
            .mark_point(filled=True, size=28, opacity=1)
            .encode(
                **enc(
                    {
                        "color": colour,
                        "tooltip": series_tips("Level"),
                    }
                )
            )
        )
    if point_rows:
        layers.append(
            layer("points", point_rows)
            .mark_point(filled=True, size=55, opacity=1, stroke="white", strokeWidth=1)
            .encode(
                **enc(
                    {
                        "color": colour,
                        "tooltip": [
                            *tip_common,
                            alt.Tooltip("level:Q", title="Score", format=".2~f"),
                            alt.Tooltip("level_name:N", title="Level name"),
                            alt.Tooltip("basis:N", title="Basis"),
                            alt.Tooltip("findings:Q", title="Findings"),
                            alt.Tooltip("confidence:N", title="Confidence"),
                        ],
                    }
                )
            )
        )
    if preview_rows:
        # On top of everything: a large open diamond where the score would move.
        layers.append(
            layer("preview-points", preview_rows)
            .mark_point(shape="diamond", filled=False, size=190, strokeWidth=2.5, opacity=1)
            .encode(
                **enc(
                    {
                        "color": colour,
                        "tooltip": series_tips("Score"),
                    }
                )
            )
        )

    return layers
