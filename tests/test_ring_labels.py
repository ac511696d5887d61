"""The radar's ring labels and its points never cover each other, whatever the scores and size.

Read from the chart's own specification as a renderer would: each point layer's rows (level
units) and mark size, each ring label's row and font size, the pixels per level from the chart's
width and x domain. Scores are generated near every ring, with targets, a previous assessment,
a preview and raters who disagree, for 3 to 20 factors and radars from 160 to 700 pixels.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest
from examples import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from test_charts import layer_named, rows, scores_for

from toolkit import load_framework, radar_chart
from toolkit.charts._style import text_width

FW = load_framework()
#: Room a label's white halo needs from a mark, in pixels.
HALO = 1.5
POINT_LAYERS = ("points", "overlay-points", "preview-points", "disagreement", "unscored")


def _mark_radius(layer: dict[str, Any]) -> float:
    mark = layer["mark"]
    size = float(mark["size"])
    # Vega's size is the symbol's area; a diamond's corners reach sqrt(size / 2).
    r = math.sqrt(size / 2) if mark.get("shape") == "diamond" else math.sqrt(size / math.pi)
    return r + float(mark.get("strokeWidth", 0)) / 2


def _pixels_per_level(spec: dict[str, Any]) -> float:
    x = layer_named(spec, "points")["encoding"]["x"]["scale"]["domain"]
    return float(spec["width"]) / (float(x[1]) - float(x[0]))


def covered(spec: dict[str, Any]) -> list[tuple[str, str, float]]:
    """Each (ring label, point layer, distance short) where a point comes under a label."""
    k = _pixels_per_level(spec)
    ring = layer_named(spec, "ring-labels")["mark"]
    assert (ring["align"], ring["baseline"]) == ("center", "middle")
    font = float(ring["fontSize"])
    found = []
    for label in rows(spec, "ring-labels"):
        half_w = text_width(label["text"], font) / 2
        half_h = (font + 2) / 2
        cx, cy = label["x"] * k, label["y"] * k
        for name in POINT_LAYERS:
            # The halo is a stroke round the glyphs: it reaches HALO from the text's box in
            # every direction, so round its corners rather than squaring them.
            r = _mark_radius(layer_named(spec, name)) + HALO
            for p in rows(spec, name):
                px, py = p["x"] * k, p["y"] * k
                dx = max(abs(px - cx) - half_w, 0.0)
                dy = max(abs(py - cy) - half_h, 0.0)
                if math.hypot(dx, dy) < r:
                    found.append((label["text"], name, r - math.hypot(dx, dy)))
    return found


def _near_rings() -> st.SearchStrategy[float | None]:
    on_or_near = st.builds(
        lambda level, off: min(4.0, max(0.0, level + off)),
        st.integers(0, 4),
        st.floats(-0.3, 0.3, allow_nan=False),
    )
    return st.one_of(st.none(), on_or_near, st.floats(0.0, 4.0, allow_nan=False))


@st.composite
def radars(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(3, 20))
    levels = draw(st.lists(_near_rings(), min_size=n, max_size=n))
    scores = scores_for(FW, n, levels)
    scores["target"] = draw(st.lists(st.sampled_from([1.0, 2.0, 3.0, 4.0]), min_size=n, max_size=n))
    scores["low_agreement"] = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    scores["r_wg"] = [0.2 if low else 0.9 for low in scores["low_agreement"]]
    options: dict[str, Any] = {"size": draw(st.integers(160, 700))}
    for name in ("previous", "preview"):
        if draw(st.booleans()):
            values = draw(st.lists(_near_rings(), min_size=n, max_size=n))
            options[name] = pd.Series(
                [math.nan if v is None else v for v in values], index=scores.index
            )
    return {"scores": scores, **options}


@settings(max_examples=examples(150), deadline=None)
@given(radars())
def test_no_point_ever_covers_a_ring_label(radar: dict[str, Any]) -> None:
    spec = radar_chart(radar.pop("scores"), framework=FW, **radar).to_dict()
    assert covered(spec) == []


def test_a_score_on_the_first_ring_at_12_oclock_leaves_ad_hoc_readable() -> None:
    # The case seen on every surface: the first factor at 1.0 (and its target at 1) sat on
    # "Ad hoc", drawn beside the 12 o'clock spoke. At the smallest radar (160 px, 15 px between
    # rings) a crowded ring's label is left out rather than drawn under a point.
    levels: list[float | None] = [1.0, 2.5, 1.5, 3.0, 0.75, 2.0, 1.0, 3.5, 2.0, 1.5]
    scores = scores_for(FW, 10, levels)
    scores.loc[scores.index[0], "target"] = 1.0
    for size in (160, 220):
        assert covered(radar_chart(scores, framework=FW, size=size).to_dict()) == [], size
    for size in (300, 420, 560, 700):
        spec = radar_chart(scores, framework=FW, size=size).to_dict()
        assert covered(spec) == [], size
        assert {r["text"] for r in rows(spec, "ring-labels")} == {
            "Ad hoc",
            "Partial",
            "Established",
            "Embedded",
        }, size


@pytest.mark.parametrize("size", [160, 260, 420, 700])
def test_each_ring_label_sits_beside_its_own_ring(size: int) -> None:
    levels: list[float | None] = [1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 0.5, None]
    spec = radar_chart(scores_for(FW, 10, levels), framework=FW, size=size).to_dict()
    k = _pixels_per_level(spec)
    font = float(layer_named(spec, "ring-labels")["mark"]["fontSize"])
    for label in rows(spec, "ring-labels"):
        # The label's centre is within its own half height and width of its ring.
        distance = math.hypot(label["x"], label["y"]) * k
        reach = 2 + max(text_width(label["text"], font), font + 2) / 2 + 1
        assert abs(distance - label["level"] * k) <= reach, label
