"""The radar as a live dashboard draws it: rows recomputed, the shape built and checked once,
from one typed :class:`~toolkit.charts.RadarOptions` value."""

from __future__ import annotations

import dataclasses
import math
import typing
from typing import Any

import altair as alt
import pandas as pd
import pytest

from toolkit import Engagement, Framework, score_engagement
from toolkit.charts import LiveRadar, RadarOptions, fit_radar, overlay, radar_chart
from toolkit.charts._radar_frame import legend_size, radar_frame
from toolkit.charts._radar_options import RadarChanges, radar_options
from toolkit.charts._radar_rows import LAYERS
from toolkit.charts._ring_labels import ring_label_places


@pytest.fixture
def scores(sample: Engagement) -> pd.DataFrame:
    return score_engagement(sample)


def drawn(spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each named layer's rows, wherever the spec keeps them (the rings are generated)."""
    out = {}
    for lay in spec["layer"]:
        data = lay["data"]
        if "sequence" in data:
            continue
        out[lay["name"]] = data["values"] if "values" in data else spec["datasets"][data["name"]]
    return out


def shape(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The layers without their data."""
    return [{k: v for k, v in lay.items() if k != "data"} for lay in spec["layer"]]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"target": False},
        {"preview": pd.Series({"composure": 3.0}), "size": 600, "font_size": 14},
    ],
)
def test_live_spec_draws_exactly_what_radar_chart_draws(
    scores: pd.DataFrame, options: dict[str, Any]
) -> None:
    given = radar_options(previous=scores["score"] - 0.5, **options)
    live = LiveRadar().spec(scores, given)
    chart = radar_chart(scores, previous=scores["score"] - 0.5, **options).to_dict()
    assert radar_chart(scores, given).to_dict() == chart  # the value and the keywords agree
    assert drawn(live) == drawn(chart)
    assert shape(live) == shape(chart)
    assert (live["width"], live["height"]) == (chart["width"], chart["height"])
    alt.LayerChart.from_dict(live)  # a valid Vega-Lite spec


def test_every_layer_is_present_even_when_it_draws_nothing(scores: pd.DataFrame) -> None:
    spec = LiveRadar().spec(scores)
    assert [lay.get("name") for lay in spec["layer"]] == ["rings", *LAYERS]
    assert drawn(spec)["preview-points"] == []


def test_a_change_of_scores_reuses_the_validated_shape(scores: pd.DataFrame) -> None:
    live = LiveRadar()
    first = live.spec(scores)
    moved = scores.copy()
    moved.loc["purpose", "score"] = 3.5
    second = live.spec(moved)
    assert live.built == 1
    assert shape(first) == shape(second)
    point = next(p for p in drawn(second)["points"] if p["factor"] == "purpose")
    assert math.hypot(point["x"], point["y"]) == pytest.approx(3.5, abs=1e-3)
    live.spec(scores, RadarOptions(preview=(("purpose", 2.0),)))  # a new series: a new shape
    live.spec(moved, RadarOptions(preview=(("purpose", 1.0),)))  # ...kept for the next preview
    assert live.built == 2


@pytest.mark.parametrize(("width", "height"), [(760, 540), (900, 560), (1500, 900)])
def test_fit_radar_size_fills_the_box_without_overflowing(
    scores: pd.DataFrame, width: int, height: int
) -> None:
    fit = fit_radar(scores, RadarOptions(font_size=13), width=width, height=height)
    assert fit.font_size == 13  # the rest of the options as given
    frame = radar_frame(scores, fit)
    extra_w, extra_h = legend_size(frame)
    assert frame.width + extra_w <= width and frame.height + extra_h <= height
    bigger = radar_frame(scores, dataclasses.replace(fit, size=fit.size * 1.05))
    extra_w, extra_h = legend_size(bigger)
    assert bigger.width + extra_w > width or bigger.height + extra_h > height


def bisected_size(scores: pd.DataFrame, width: float, height: float, o: RadarOptions) -> float:
    """The largest size that fits, found the slow way: 20 halvings between 160 and 2400."""

    def fits(size: float) -> bool:
        frame = radar_frame(scores, dataclasses.replace(o, size=size))
        extra_w, extra_h = legend_size(frame)
        return frame.width + extra_w + 10 <= width and frame.height + extra_h + 10 <= height

    low, high = 160.0, 2400.0
    if not fits(low):
        return low
    for _ in range(20):
        mid = (low + high) / 2
        low, high = (mid, high) if fits(mid) else (low, mid)
    return low


@pytest.mark.parametrize(
    ("width", "height", "font_size"),
    [
        (420, 380, 12),
        (560, 620, 13),
        (640, 520, 12),
        (760, 540, 13),
        (900, 560, 14),
        (1024, 700, 13),
        (1280, 640, 12),
        (1500, 900, 16),
        (1800, 1000, 13),
        (2600, 2600, 12),
    ],
)
def test_fit_radar_finds_the_bisected_size_in_a_few_layouts(
    scores: pd.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
    width: int,
    height: int,
    font_size: int,
) -> None:
    import toolkit.charts.radar as radar

    layouts: list[float] = []

    def counted(table: pd.DataFrame, options: RadarOptions) -> Any:
        layouts.append(options.size)
        return radar_frame(table, options)

    monkeypatch.setattr(radar, "radar_frame", counted)
    options = RadarOptions(font_size=font_size)
    fit = fit_radar(scores, options, width=width, height=height)
    assert len(layouts) <= 12, layouts  # the bisection it replaces laid out 30
    monkeypatch.undo()
    best = bisected_size(scores, width, height, dataclasses.replace(options, legend=fit.legend))
    assert best - 0.5 <= fit.size <= best + 0.05
    beside = bisected_size(scores, width, height, dataclasses.replace(options, legend="right"))
    under = bisected_size(scores, width, height, dataclasses.replace(options, legend="bottom"))
    assert fit.legend == ("bottom" if under >= 1.15 * beside else "right")


def test_a_narrow_box_puts_the_legends_under_the_radar(scores: pd.DataFrame) -> None:
    options = RadarOptions(font_size=13)
    assert fit_radar(scores, options, width=560, height=620).legend == "bottom"
    assert fit_radar(scores, options, width=900, height=560).legend == "right"


def test_a_bigger_box_gives_a_bigger_radar(scores: pd.DataFrame) -> None:
    small = fit_radar(scores, width=640, height=520).size
    large = fit_radar(scores, width=1800, height=1000).size
    assert large > 1.5 * small


@pytest.mark.parametrize("n", [3, 5, 10, 20])
@pytest.mark.parametrize("size", [160, 220, 300, 520])
def test_no_ring_label_touches_a_spoke_label(framework: Framework, n: int, size: int) -> None:
    from test_charts import scores_for

    frame = radar_frame(
        scores_for(framework, n, [2.0] * n), RadarOptions(framework=framework, size=size)
    )
    rings = [box for _, box in ring_label_places(frame) if box is not None]
    for ring in rings:
        for label in frame.boxes:
            assert ring.overlap(label) == 0, (ring.text, label.text)
    for i, a in enumerate(frame.boxes):  # nor any two spoke labels each other
        for b in frame.boxes[i + 1 :]:
            assert a.overlap(b) == 0, (a.text, b.text)


def test_the_keywords_are_the_options_fields(scores: pd.DataFrame) -> None:
    # radar_chart(scores, previous=...) and RadarOptions(previous=...) name the same things.
    fields = [f.name for f in dataclasses.fields(RadarOptions)]
    assert list(typing.get_type_hints(RadarChanges)) == fields
    with pytest.raises(TypeError):
        radar_options(colour="red")  # type: ignore[call-arg]


def test_an_overlay_keeps_the_levels_a_factor_has_and_compares_by_value(
    scores: pd.DataFrame,
) -> None:
    may = overlay(scores)
    assert may is not None and dict(may) == scores["score"].dropna().to_dict()
    assert "composure" not in dict(may)  # not assessed: no level, never a zero
    assert overlay(scores.copy()) == may  # two tables of the same levels: one overlay
    assert RadarOptions(previous=may) == RadarOptions(previous=overlay(scores))
    assert hash(RadarOptions(previous=may)) == hash(RadarOptions(previous=overlay(scores)))
    assert overlay({"purpose": 2.0}) == (("purpose", 2.0),)
    assert overlay(pd.Series(dtype="float64")) == ()  # a series drawn in the legend, no point


def test_a_shape_checked_later_is_checked_and_a_bad_one_is_forgotten(
    scores: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    from altair.utils.schemapi import SchemaValidationError

    from toolkit.charts.radar import RadarChart

    live = LiveRadar()
    live.spec(scores, later=True)
    checked: list[dict[str, Any]] = []
    real = RadarChart.check
    monkeypatch.setattr(RadarChart, "check", lambda self, spec: checked.append(spec))
    live.check()
    assert len(checked) == 1 and live.built == 1
    live.check()  # nothing left to check
    assert len(checked) == 1
    monkeypatch.setattr(RadarChart, "check", real)
    broken = LiveRadar()
    spec = broken.spec(scores, RadarOptions(size=500), later=True)
    spec["layer"][0]["mark"] = {"type": "no-such-mark"}  # the shape itself, as a bug would
    with pytest.raises(SchemaValidationError):
        broken.check()
    broken.spec(scores, RadarOptions(size=500))  # built (and checked) again
    assert broken.built == 2
