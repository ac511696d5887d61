"""The radar, 10 factors x 4 series: spec build and PNG render, as ratios to a plain chart.

    .venv/bin/python -m benchmarks.bench_charts [--repeat K] [--scale S]

The radar is many layers (rings, spokes, group arcs, whiskers, outlines, points, labels)
computed in Python. The baseline is the least any chart of the same data must cost: one
``mark_point`` layer of the same 40 points (10 factors x current, target, previous, benchmark)
at the same pixel size, built, turned into a spec and rendered to PNG by the same vl-convert in
the same process. Ratios hold on a shared, noisy machine where milliseconds do not; the
absolute "build + to_dict" time is also printed because the live dashboard has a budget for it
(well under 150 ms per redraw).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd

from toolkit import load_engagement, radar_chart, score_engagement
from toolkit.charts import render_chart
from toolkit.framework import LEVELS

SAMPLE = "engagements/harbourline-2026-11.json"
#: The radar's outer ring: the top level of the scale.
OUTER = float(LEVELS[-1])


def fully_assessed_scores() -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """The sample's scores with every factor scored, plus a previous and a benchmark series."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    scores = score_engagement(load_engagement(root / SAMPLE)).copy()
    filled = scores["score"].fillna(2.0)
    scores["score"] = filled
    scores["basis"] = "findings"
    previous = (filled - 0.5).clip(lower=0)
    benchmark = pd.Series(2.0, index=scores.index)
    return scores, previous, benchmark


def build_radar(scores: pd.DataFrame, previous: pd.Series, benchmark: pd.Series) -> dict[str, Any]:
    chart = radar_chart(scores, target=True, previous=previous, benchmark=benchmark)
    spec: dict[str, Any] = chart.to_dict()
    return spec


def plain_points(scores: pd.DataFrame, previous: pd.Series, benchmark: pd.Series) -> pd.DataFrame:
    """The same 40 points in the radar's x, y coordinates, for the baseline chart."""
    import math

    n = len(scores)
    rows = []
    for name, values in (
        ("Current", scores["score"]),
        ("Target", scores["target"]),
        ("Previous", previous),
        ("Benchmark", benchmark),
    ):
        for i, v in enumerate(values):
            theta = 2 * math.pi * i / n
            rows.append({"series": name, "x": v * math.sin(theta), "y": v * math.cos(theta)})
    return pd.DataFrame(rows)


def build_plain(points: pd.DataFrame, width: int, height: int) -> dict[str, Any]:
    chart = (
        alt.Chart(points)
        .mark_point()
        .encode(
            x=alt.X("x:Q", scale=alt.Scale(domain=[-OUTER, OUTER])),
            y=alt.Y("y:Q", scale=alt.Scale(domain=[-OUTER, OUTER])),
            color="series:N",
        )
        .properties(width=width, height=height)
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up (imports, caches, the JavaScript engine in vl-convert)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark, print a table and return the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_charts")
    parser.add_argument("--repeat", type=int, default=9, help="timed runs per figure (median)")
    parser.add_argument("--scale", type=float, default=2.0, help="PNG pixel density")
    args = parser.parse_args(argv)

    scores, previous, benchmark = fully_assessed_scores()
    radar_spec = build_radar(scores, previous, benchmark)
    width, height = int(radar_spec["width"]), int(radar_spec["height"])
    points = plain_points(scores, previous, benchmark)

    radar_build = median_ms(lambda: build_radar(scores, previous, benchmark), args.repeat)
    plain_build = median_ms(lambda: build_plain(points, width, height), args.repeat)
    radar_png = median_ms(
        lambda: render_chart(build_radar(scores, previous, benchmark), "png", scale=args.scale),
        args.repeat,
    )
    plain_png = median_ms(
        lambda: render_chart(build_plain(points, width, height), "png", scale=args.scale),
        args.repeat,
    )
    results: dict[str, Any] = {
        "factors": len(scores),
        "series": 4,
        "layers": len(radar_spec["layer"]),
        "repeat": args.repeat,
        "scale": args.scale,
        "size_px": [width, height],
        "radar_build_ms": round(radar_build, 1),
        "plain_build_ms": round(plain_build, 1),
        "build_ratio": round(radar_build / plain_build, 2),
        "radar_build_png_ms": round(radar_png, 1),
        "plain_build_png_ms": round(plain_png, 1),
        "png_ratio": round(radar_png / plain_png, 2),
    }
    print(
        f"radar: {results['factors']} factors x {results['series']} series, "
        f"{results['layers']} layers, {width}x{height} px, PNG scale {args.scale}, "
        f"median of {args.repeat}"
    )
    print(f"{'':34}{'radar':>10}{'plain chart':>13}{'ratio':>8}")
    print(
        f"{'build + to_dict (ms)':34}{radar_build:>10.1f}{plain_build:>13.1f}"
        f"{results['build_ratio']:>8.2f}"
    )
    print(
        f"{'build + to_dict + PNG (ms)':34}{radar_png:>10.1f}{plain_png:>13.1f}"
        f"{results['png_ratio']:>8.2f}"
    )
    return results


if __name__ == "__main__":
    main()
