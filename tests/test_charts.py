"""Charts: each compiles, survives a JSON round-trip, renders, and carries the right data."""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest
from altair.utils.schemapi import SchemaValidationError
from examples import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from toolkit import (
    Engagement,
    ExportError,
    Framework,
    heatmap_chart,
    provenance,
    radar_chart,
    ranked_chart,
    save_chart,
    score_engagement,
)
from toolkit.charts import render_chart
from toolkit.charts._agreement import PROVENANCE_ATTRIBUTE
from toolkit.charts._style import SERIES_COLOURS, wrap_label
from toolkit.charts.export import with_footer


@pytest.fixture
def scores(sample: Engagement) -> pd.DataFrame:
    return score_engagement(sample)


def rows(spec: dict[str, Any], layer: str) -> list[dict[str, Any]]:
    """The data rows of the radar layer called ``layer``; an error when there is no such layer."""
    return data_of(spec, layer_named(spec, layer))


def data_of(spec: dict[str, Any], *nodes: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a (sub)chart draws: inline values or a named top-level dataset.

    ``nodes`` go from the innermost chart outwards: Altair lifts data shared by all layers up
    to the layer chart, so the first one that has data is the one drawn.
    """
    data = next(n["data"] for n in (*nodes, spec) if "data" in n)
    values: list[dict[str, Any]] = (
        data["values"] if "values" in data else spec["datasets"][data["name"]]
    )
    return values


def layer_named(spec: dict[str, Any], name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [lay for lay in spec["layer"] if lay.get("name") == name]
    assert len(found) == 1, f"no single layer called {name!r}"
    return found[0]


def radius(row: dict[str, Any]) -> float:
    return math.hypot(row["x"], row["y"])


def angle(row: dict[str, Any]) -> float:
    """Clockwise from 12 o'clock, in [0, 2 pi)."""
    return math.atan2(row["x"], row["y"]) % (2 * math.pi)


def png_is_drawn(data: bytes) -> float:
    """The share of pixels that are not background (white or transparent)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))
    inked = (img[..., 3] > 0) & (img[..., :3] < 250).any(axis=-1)
    return float(inked.mean())


def scores_for(framework: Framework, n: int, levels: list[float | None]) -> pd.DataFrame:
    """A scores table for a framework cut or padded to ``n`` factors, with given scores."""
    base = list(framework.factors)
    factors = []
    for i in range(n):
        f = base[i % len(base)]
        # A copy asks no survey statements: each statement's words belong to one factor.
        copy = {"id": f"{f.id}_{i}", "label": f"{f.label[:18]} {i}", "statements": ()}
        factors.append(f.model_copy(update=copy))
    fw = framework.derive(factors=[f.model_dump() for f in factors])
    ids = list(fw.factor_ids)
    frame = pd.DataFrame(
        {
            "label": [f.label for f in fw.factors],
            "group": [f.group for f in fw.factors],
            "score": [float("nan") if v is None else v for v in levels],
            "basis": ["not assessed" if v is None else "findings" for v in levels],
            "n_findings": [0 if v is None else 2 for v in levels],
            "n_raters": [0 if v is None else 1 for v in levels],
            "min": levels,
            "max": levels,
            "confidence": ["none" if v is None else "medium" for v in levels],
            "target": [3.0] * n,
        },
        index=pd.Index(ids, name="factor"),
    ).astype({"min": "float64", "max": "float64"})
    return frame


# -- the radar --------------------------------------------------------------------------------


def test_radar_compiles_and_survives_json_round_trip(scores: pd.DataFrame) -> None:
    spec = radar_chart(scores, previous=scores, benchmark=scores["score"]).to_dict()
    text = json.dumps(spec, sort_keys=True)
    assert json.loads(text) == spec
    again = alt.LayerChart.from_dict(json.loads(text)).to_dict()
    assert json.dumps(again, sort_keys=True) == text


def test_radar_spec_is_deterministic(scores: pd.DataFrame) -> None:
    one = json.dumps(radar_chart(scores, previous=scores).to_dict(), sort_keys=True)
    two = json.dumps(radar_chart(scores.copy(), previous=scores.copy()).to_dict(), sort_keys=True)
    assert one == two
    assert "param_" not in one and "view_" not in one  # no generated names


def test_score_of_two_lies_at_half_the_outer_radius(scores: pd.DataFrame) -> None:
    changed = scores.copy()
    changed.loc["leader_aptitude", "score"] = 2.0
    spec = radar_chart(changed).to_dict()
    point = next(p for p in rows(spec, "points") if p["factor"] == "leader_aptitude")
    assert radius(point) == pytest.approx(2.0, abs=1e-3)
    # the outer ring is level 4: the hollow marker of an unscored factor sits on it
    hollow = rows(spec, "unscored")
    assert hollow and all(radius(h) == pytest.approx(4.0, abs=1e-3) for h in hollow)


def test_spokes_start_at_twelve_oclock_and_go_clockwise_in_scores_order(
    scores: pd.DataFrame,
) -> None:
    spec = radar_chart(scores).to_dict()
    points = {p["factor"]: p for p in rows(spec, "points")}
    n = len(scores)
    for i, fid in enumerate(scores.index):
        if fid in points:
            assert angle(points[fid]) == pytest.approx(2 * math.pi * i / n, abs=1e-3)
    first = points[scores.index[0]]
    assert first["x"] == pytest.approx(0.0, abs=1e-6) and first["y"] > 0


def test_unassessed_factor_is_not_drawn_at_zero(scores: pd.DataFrame) -> None:
    assert scores.loc["composure", "basis"] == "not assessed"
    assert scores.loc["cx_executive", "basis"] == "not applicable"
    spec = radar_chart(scores).to_dict()
    current = [p for p in rows(spec, "points") if p["series"] == "Current"]
    assert {"composure", "cx_executive"}.isdisjoint(p["factor"] for p in current)
    assert all(radius(p) > 0.01 for p in current)  # nothing at the centre
    # the current outline passes only through scored spokes, each at its score: no vertex at the
    # centre, none on an unscored spoke
    for row in rows(spec, "outlines"):
        if row["series"] == "Current":
            assert row["factor"] not in ("composure", "cx_executive")
            assert radius(row) == pytest.approx(scores.at[row["factor"], "score"], abs=1e-3)
    # ...they get a hollow marker on the outer ring and a grey "not assessed" label
    hollow = {h["factor"]: h for h in rows(spec, "unscored")}
    assert set(hollow) == {"composure", "cx_executive"}
    labels = {lab["factor"]: lab for lab in rows(spec, "spoke-labels")}
    assert labels["composure"]["text"].endswith("(not assessed)")
    assert labels["cx_executive"]["text"].endswith("(not applicable)")
    assert labels["composure"]["assessed"] is False
    assert layer_named(spec, "unscored")["mark"]["filled"] is False


def test_outline_breaks_at_unscored_spokes_and_is_bridged(scores: pd.DataFrame) -> None:
    spec = radar_chart(scores, target=False).to_dict()
    segments: dict[str, list[str]] = {}
    for row in sorted(rows(spec, "outlines"), key=lambda r: (r["segment"], r["seq"])):
        segments.setdefault(row["segment"], []).append(row["factor"])
    # spokes: sponsorship, [cx_executive], main_metric..authority, [composure], connection,
    # accountability -> two runs, wrapping round 12 o'clock
    assert sorted(segments.values(), key=len) == [
        ["connection", "accountability", "sponsorship"],
        ["main_metric", "leader_aptitude", "purpose", "originality", "authority"],
    ]
    bridges = rows(spec, "gap-bridges")
    assert len(bridges) == 4  # two dotted chords of two points each
    assert layer_named(spec, "gap-bridges")["mark"]["strokeDash"] == [1, 3]


def test_fully_assessed_outline_is_closed(framework: Framework) -> None:
    frame = scores_for(framework, 5, [1.0, 2.0, 3.0, 4.0, 0.5])
    spec = radar_chart(frame, target=False, framework=framework).to_dict()
    outline = sorted(rows(spec, "outlines"), key=lambda r: r["seq"])
    assert len(outline) == 6 and outline[0]["factor"] == outline[-1]["factor"]
    assert rows(spec, "unscored") == [] and rows(spec, "gap-bridges") == []


def test_a_score_of_zero_is_drawn_at_the_centre_as_a_real_score(framework: Framework) -> None:
    frame = scores_for(framework, 4, [0.0, 2.0, None, 1.0])
    spec = radar_chart(frame, target=False, framework=framework).to_dict()
    points = {p["factor"]: p for p in rows(spec, "points")}
    assert radius(points[frame.index[0]]) == pytest.approx(0.0)
    assert frame.index[2] not in points


@pytest.mark.parametrize("n", [3, 5, 10, 20])
def test_radar_works_for_3_to_20_factors(framework: Framework, n: int) -> None:
    levels: list[float | None] = [float(i % 5) for i in range(n)]
    levels[1] = None
    frame = scores_for(framework, n, levels)
    spec = radar_chart(frame, framework=framework, previous=frame["score"] - 0.5).to_dict()
    assert len(rows(spec, "spoke-labels")) == n
    assert len([p for p in rows(spec, "points") if p["series"] == "Current"]) == n - 1
    # every spoke label sits inside the chart's domain (not clipped)
    x_dom = layer_named(spec, "spoke-labels")["encoding"]["x"]["scale"]["domain"]
    y_dom = layer_named(spec, "spoke-labels")["encoding"]["y"]["scale"]["domain"]
    for lab in rows(spec, "spoke-labels"):
        assert x_dom[0] < lab["x"] < x_dom[1] and y_dom[0] < lab["y"] < y_dom[1]


def test_radar_refuses_too_few_or_too_many_factors(scores: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="3 to 20 factors"):
        radar_chart(scores.iloc[:2])


def test_series_have_distinct_colour_blind_safe_colours_and_dashes(scores: pd.DataFrame) -> None:
    spec = radar_chart(
        scores,
        previous=scores["score"] - 0.5,
        previous_label="May 2026",
        benchmark=scores,
        benchmark_label="Portfolio median",
    ).to_dict()
    enc = layer_named(spec, "outlines")["encoding"]
    names = ["Current", "Target", "May 2026", "Portfolio median"]
    assert enc["color"]["scale"]["domain"] == names
    assert enc["color"]["scale"]["range"] == [
        SERIES_COLOURS[k] for k in ("current", "target", "previous", "benchmark")
    ]
    dashes = enc["strokeDash"]["scale"]["range"]
    assert len({json.dumps(d) for d in dashes}) == 4
    assert enc["strokeDash"]["scale"]["domain"] == names


def test_target_is_optional(scores: pd.DataFrame) -> None:
    spec = radar_chart(scores, target=False).to_dict()
    domain = layer_named(spec, "outlines")["encoding"]["color"]["scale"]["domain"]
    assert domain == ["Current"]


def test_comparison_series_skip_missing_factors(scores: pd.DataFrame) -> None:
    previous = pd.Series({"sponsorship": 0.5, "main_metric": 1.0, "purpose": 2.0})
    spec = radar_chart(scores, target=False, previous=previous).to_dict()
    drawn = {p["factor"]: p["level"] for p in rows(spec, "overlay-points")}
    assert drawn == {"sponsorship": 0.5, "main_metric": 1.0, "purpose": 2.0}


def test_whiskers_span_the_raters_lowest_to_highest_level(scores: pd.DataFrame) -> None:
    spec = radar_chart(scores).to_dict()
    whiskers = {w["factor"]: w for w in rows(spec, "whiskers")}
    acc = whiskers["accountability"]
    assert (acc["min"], acc["max"]) == (0.0, 3.0)
    assert math.hypot(acc["x"], acc["y"]) == pytest.approx(0.0)
    assert math.hypot(acc["x2"], acc["y2"]) == pytest.approx(3.0, abs=1e-3)
    # single-rater, not-applicable and unassessed factors get none
    assert {"cx_executive", "composure"}.isdisjoint(whiskers)


def test_points_carry_the_tooltips_a_consultant_needs(scores: pd.DataFrame) -> None:
    spec = radar_chart(scores).to_dict()
    tips = [t["title"] for t in layer_named(spec, "points")["encoding"]["tooltip"]]
    for title in ("Factor", "Failure mode", "Score", "Basis", "Findings", "Confidence"):
        assert title in tips
    auth = next(p for p in rows(spec, "points") if p["factor"] == "authority")
    assert auth["failure_mode"] == "Blends in"
    assert (auth["basis"], auth["findings"], auth["confidence"]) == ("findings", 5, "high")


def test_rings_are_labelled_with_level_names_and_groups_have_a_legend(
    scores: pd.DataFrame, framework: Framework
) -> None:
    spec = radar_chart(scores).to_dict()
    ring_labels = {r["text"]: r for r in rows(spec, "ring-labels")}
    assert {name: r["level"] for name, r in ring_labels.items()} == {
        "Ad hoc": 1,
        "Partial": 2,
        "Established": 3,
        "Embedded": 4,
    }
    # each sits beside its own ring, between it and the next ring in or out (where exactly
    # depends on the points: see tests/test_ring_labels.py)
    for r in ring_labels.values():
        assert r["level"] - 1 < math.hypot(r["x"], r["y"]) < r["level"] + 1
    assert layer_named(spec, "ring-labels")["mark"]["baseline"] == "middle"
    assert layer_named(spec, "ring-labels")["mark"]["align"] == "center"
    stroke = layer_named(spec, "group-arcs")["encoding"]["stroke"]
    assert stroke["legend"]["title"] == "Factor group"
    assert stroke["scale"]["domain"] == [g.label for g in framework.groups]


def test_long_labels_wrap_onto_two_lines() -> None:
    assert wrap_label("Service-minded leaders") == "Service-minded\nleaders"
    assert wrap_label("Composure") == "Composure"


@pytest.mark.slow
def test_radar_renders_to_a_png_that_is_not_blank(scores: pd.DataFrame) -> None:
    chart = radar_chart(scores, previous=scores["score"] - 0.5, benchmark=scores["score"])
    assert png_is_drawn(render_chart(chart, "png", scale=1)) > 0.03


# -- companions -------------------------------------------------------------------------------


def test_ranked_chart_orders_weakest_first_and_lists_unscored_separately(
    scores: pd.DataFrame,
) -> None:
    spec = ranked_chart(scores).to_dict()
    main, listing = spec["vconcat"]
    dots = data_of(spec, main["layer"][-1], main)
    ranked = [d["factor"] for d in sorted(dots, key=lambda d: d["rank"])]
    assessed = scores[scores["score"].notna()]
    assert ranked == list(assessed.sort_values("score", kind="stable").index)
    assert "composure" not in ranked and "cx_executive" not in ranked
    listed = [row["text"] for row in data_of(spec, listing)]
    assert listed == ["Service executive: not applicable", "Composure: not assessed"]
    sort = main["layer"][-1]["encoding"]["y"]["sort"]
    assert sort[0] in ("Executive sponsorship", "Owning failures")  # both score 1.0


@pytest.mark.slow
def test_ranked_chart_without_unscored_factors_is_a_single_layer(
    framework: Framework,
) -> None:
    frame = scores_for(framework, 4, [3.0, 1.0, 2.0, 0.0])
    spec = ranked_chart(frame, framework=framework).to_dict()
    assert "layer" in spec and "vconcat" not in spec
    assert png_is_drawn(render_chart(spec, "png", scale=1)) > 0.01


@pytest.mark.slow
def test_ranked_chart_round_trips_and_renders(scores: pd.DataFrame) -> None:
    chart = ranked_chart(scores)
    spec = chart.to_dict()
    assert json.loads(json.dumps(spec)) == spec
    assert png_is_drawn(render_chart(chart, "png", scale=1)) > 0.02


def test_heatmap_counts_findings_by_factor_and_source(sample: Engagement) -> None:
    findings = sample.findings_frame()
    spec = heatmap_chart(findings).to_dict()
    cells = data_of(spec, spec["layer"][0])
    expected = findings.groupby(["factor", "source"]).size()
    got = {(c["factor"], c["column"]): c["count"] for c in cells if c["count"]}
    assert got == {k: int(v) for k, v in expected.items()}
    # a factor with no findings keeps its row, empty (never a zero level)
    composure = [c for c in cells if c["factor"] == "composure"]
    assert composure and all(c["value"] is None for c in composure)
    assert composure[0]["label"] == "Composure (no findings)"


@pytest.mark.slow
def test_heatmap_mean_level_by_rater(sample: Engagement) -> None:
    findings = sample.findings_frame()
    spec = heatmap_chart(findings, by="rater", value="mean").to_dict()
    cells = data_of(spec, spec["layer"][0])
    expected = findings.groupby(["factor", "rater"])["level"].mean()
    got = {(c["factor"], c["column"]): c["mean"] for c in cells if c["count"]}
    assert got == pytest.approx({k: round(float(v), 4) for k, v in expected.items()})
    assert png_is_drawn(render_chart(spec, "png", scale=1)) > 0.05


def test_heatmap_rejects_unknown_choices(sample: Engagement) -> None:
    with pytest.raises(ValueError, match="by must be"):
        heatmap_chart(sample.findings_frame(), by="client")  # type: ignore[arg-type]


# -- export -----------------------------------------------------------------------------------

MAGIC = {"png": b"\x89PNG", "svg": b"<svg", "pdf": b"%PDF", "html": b"<!DOCTYPE html>"}


@pytest.mark.parametrize(
    "fmt", [pytest.param(f, marks=pytest.mark.slow) for f in ("png", "pdf", "html")] + ["svg"]
)
def test_save_chart_writes_each_format(scores: pd.DataFrame, tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = save_chart(radar_chart(scores), folder / f"radar.{fmt}")
    assert out == folder / f"radar.{fmt}"
    data = out.read_bytes()
    assert data.lstrip()[: len(MAGIC[fmt])].lower() == MAGIC[fmt].lower()
    assert [p.name for p in folder.iterdir()] == [f"radar.{fmt}"]  # no temporary file left


@pytest.mark.slow
def test_saved_html_is_self_contained(scores: pd.DataFrame, tmp_path: Path) -> None:
    html = save_chart(radar_chart(scores), tmp_path / "radar.html").read_text(encoding="utf-8")
    assert re.findall(r"<script[^>]*\bsrc=", html, flags=re.IGNORECASE) == []
    assert "cdn.jsdelivr" not in html and "esm.sh" not in html
    assert "vega-lite" in html.lower() and len(html) > 300_000  # the libraries are inlined
    assert '"name":"points"' in html.replace(" ", "")  # and the chart with its data


def test_save_chart_format_option_overrides_the_suffix(
    scores: pd.DataFrame, tmp_path: Path
) -> None:
    out = save_chart(radar_chart(scores), tmp_path / "radar.out", format="svg")
    assert out.read_bytes().startswith(b"<svg")


def test_save_chart_refuses_an_unknown_suffix_naming_the_path(
    scores: pd.DataFrame, tmp_path: Path
) -> None:
    with pytest.raises(ExportError, match=r"radar\.jpeg.*\.png, \.svg, \.pdf or \.html"):
        save_chart(radar_chart(scores), tmp_path / "radar.jpeg")


def test_save_chart_reports_an_unwritable_folder(scores: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no-such-folder"):
        save_chart(radar_chart(scores), tmp_path / "no-such-folder" / "radar.svg")


def test_a_failed_render_leaves_the_old_file_untouched(tmp_path: Path) -> None:
    out = tmp_path / "radar.png"
    out.write_bytes(b"old")
    broken = {"mark": "point", "encoding": {"x": {"field": "a", "type": "bogus"}}}
    with pytest.raises(ExportError, match=r"radar\.png: could not render"):
        save_chart(broken, out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["radar.png"]


def test_chart_widget_is_an_offline_jupyter_chart(scores: pd.DataFrame) -> None:
    from toolkit import chart_widget

    widget = chart_widget(radar_chart(scores))
    assert isinstance(widget, alt.JupyterChart)
    # The code the page runs is the bundle vl-convert made: it imports nothing from a CDN.
    esm = widget.get_state("_esm")["_esm"]
    assert "esm.sh" not in esm and not re.search(r"^\s*import .* from ['\"]https?:", esm, re.M)
    assert rows(widget.spec, "points")  # the spec carries the data


@pytest.mark.slow
def test_radar_concatenates_with_its_companions(scores: pd.DataFrame) -> None:
    ranked = ranked_chart(scores)
    assert isinstance(ranked, alt.Chart | alt.LayerChart | alt.VConcatChart)  # what hconcat takes
    spec = alt.hconcat(radar_chart(scores), ranked).to_dict()
    assert len(spec["hconcat"]) == 2
    assert png_is_drawn(render_chart(spec, "png", scale=1)) > 0.03


def test_radar_spec_is_still_validated(scores: pd.DataFrame) -> None:
    chart = radar_chart(scores)
    chart.layer[0].mark = "no-such-mark"
    with pytest.raises(SchemaValidationError, match="no-such-mark"):
        chart.to_dict()


@pytest.mark.parametrize("n", [3, 5, 10, 12, 20])
def test_spoke_labels_never_overlap(n: int) -> None:
    from toolkit.charts._layout import place_labels

    texts = [wrap_label(f"Service-minded leaders {i}") + "\n(not assessed)" for i in range(n)]
    thetas = [2 * math.pi * i / n for i in range(n)]
    boxes = place_labels(texts, thetas, 140.0)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a.overlap(b) == 0, (a.text, b.text)
        # and no label reaches into the ring (radius 124 px: 16 px inside the anchors)
        cx = 0.0 if a.left <= 0 <= a.right else min(abs(a.left), abs(a.right))
        cy = 0.0 if a.low <= 0 <= a.high else min(abs(a.low), abs(a.high))
        assert math.hypot(cx, cy) > 124, a.text


def test_chart_widget_updates_in_place(scores: pd.DataFrame) -> None:
    from toolkit import chart_widget

    widget = chart_widget(radar_chart(scores))
    changed = scores.copy()
    changed.loc["composure", ["score", "basis"]] = (3.0, "findings")
    widget.chart = radar_chart(changed)
    drawn = {p["factor"]: p["level"] for p in rows(widget.spec, "points")}
    assert drawn["composure"] == 3.0


_levels = st.one_of(st.none(), st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0]))


@settings(max_examples=examples(25), deadline=None)
@given(levels=st.lists(_levels, min_size=3, max_size=20))
def test_every_score_sits_at_its_level_and_no_unscored_spoke_is_drawn(
    framework: Framework, levels: list[float | None]
) -> None:
    frame = scores_for(framework, len(levels), levels)
    # Where the points fall, not whether the spec is valid: the schema check is most of a
    # to_dict() and is made for 3 to 20 factors by test_radar_works_for_3_to_20_factors.
    spec = radar_chart(frame, target=False, framework=framework).to_dict(validate=False)
    points = {p["factor"]: p for p in rows(spec, "points")}
    for fid, level in zip(frame.index, levels, strict=True):
        if level is None:
            assert fid not in points
        else:
            assert radius(points[fid]) == pytest.approx(level, abs=1e-3)
    unscored = {fid for fid, level in zip(frame.index, levels, strict=True) if level is None}
    assert unscored.isdisjoint(r["factor"] for r in rows(spec, "outlines"))
    assert {h["factor"] for h in rows(spec, "unscored")} == unscored
    assert len(rows(spec, "spoke-labels")) == len(levels)


@pytest.mark.slow
def test_heatmap_of_an_engagement_without_findings_is_an_empty_grid(empty: Engagement) -> None:
    spec = heatmap_chart(empty.findings_frame()).to_dict()
    cells = data_of(spec, spec["layer"][0])
    assert len(cells) == 10 * 6  # every factor against every source
    assert all(c["value"] is None and c["label"].endswith("(no findings)") for c in cells)
    assert png_is_drawn(render_chart(spec, "png", scale=1)) > 0.01


def test_heatmap_count_legend_shows_whole_numbers(sample: Engagement) -> None:
    spec = heatmap_chart(sample.findings_frame()).to_dict()
    legend = spec["layer"][1]["encoding"]["color"]["legend"]
    assert legend["values"] == [0, 1, 2, 3] and legend["format"] == "d"


def test_saved_html_keeps_text_from_ending_its_script(scores: pd.DataFrame, tmp_path: Path) -> None:
    nasty = '</script><script>alert("x")</script> & <b>'
    plain = save_chart(radar_chart(scores), tmp_path / "plain.html").read_text(encoding="utf-8")
    html = save_chart(radar_chart(scores, title=nasty), tmp_path / "nasty.html").read_text(
        encoding="utf-8"
    )
    assert html.count("</script>") == plain.count("</script>")
    assert "<script>alert" not in html
    assert r"\u003c/script\u003e\u003cscript\u003ealert" in html


def test_preview_is_one_open_diamond_at_its_spoke(scores: pd.DataFrame) -> None:
    spec = radar_chart(scores, preview=pd.Series({"composure": 2.0})).to_dict()
    preview = rows(spec, "preview-points")
    assert [(r["factor"], r["level"], r["series"]) for r in preview] == [
        ("composure", 2.0, "Preview")
    ]
    n = len(scores)
    theta = 2 * math.pi * list(scores.index).index("composure") / n
    assert preview[0]["x"] == pytest.approx(2 * math.sin(theta), abs=1e-3)
    assert preview[0]["y"] == pytest.approx(2 * math.cos(theta), abs=1e-3)
    mark = layer_named(spec, "preview-points")["mark"]
    assert mark["shape"] == "diamond" and mark["filled"] is False
    # A lone point has no neighbour: no outline is drawn for it.
    assert not [r for r in rows(spec, "outlines") if r["series"] == "Preview"]
    assert SERIES_COLOURS["preview"] in json.dumps(spec)
    assert rows(radar_chart(scores).to_dict(), "preview-points") == []


# -- raters who disagree, and provenance ----------------------------------------------------------


def test_radar_rings_exactly_the_scored_factors_whose_raters_disagree(
    scores: pd.DataFrame,
) -> None:
    spec = radar_chart(scores).to_dict()
    rings = {r["factor"]: r for r in rows(spec, "disagreement")}
    assert set(rings) == {"authority", "accountability"}
    assert rings["authority"]["r_wg"] == pytest.approx(1 / 3, abs=1e-4)
    points = {p["factor"]: p for p in rows(spec, "points")}
    for factor, ring in rings.items():  # each ring sits on its factor's point
        assert (ring["x"], ring["y"]) == (points[factor]["x"], points[factor]["y"])
    assert "raters disagree (r_wg below 0.70)" in rows(spec, "note")[0]["text"]


def test_radar_without_disagreement_has_no_ring_and_no_key_line(scores: pd.DataFrame) -> None:
    calm = scores.assign(low_agreement=False)
    spec = radar_chart(calm).to_dict()
    assert rows(spec, "disagreement") == []
    assert "raters disagree" not in rows(spec, "note")[0]["text"]
    assert rows(radar_chart(scores.drop(columns="low_agreement")).to_dict(), "disagreement") == []


def test_radar_draws_rings_under_the_points_so_a_click_reaches_the_point(
    scores: pd.DataFrame,
) -> None:
    names = [lay.get("name", "") for lay in radar_chart(scores, pickable=True).to_dict()["layer"]]
    ring = next(i for i, n in enumerate(names) if n.startswith("disagreement"))
    point = next(i for i, n in enumerate(names) if n.startswith("points"))
    assert ring < point  # later layers are drawn on top and take the click


def test_radar_key_can_be_left_to_the_page(scores: pd.DataFrame) -> None:
    with_key, without = radar_chart(scores), radar_chart(scores, key=False)
    assert rows(with_key.to_dict(), "note") != []
    assert rows(without.to_dict(), "note") == []
    assert without.height < with_key.height  # no room kept under the radar for the key
    assert rows(without.to_dict(), "disagreement") == rows(with_key.to_dict(), "disagreement")


def test_ranked_chart_rings_disagreeing_factors_and_says_so(scores: pd.DataFrame) -> None:
    spec = ranked_chart(scores).to_dict()
    main = spec["vconcat"][0]
    ring = next(lay for lay in main["layer"] if lay.get("name", "").startswith("disagreement"))
    ringed = {r["factor"]: r["score"] for r in data_of(spec, ring, main)}
    assert ringed == {"authority": 3.0, "accountability": 1.0}
    assert "Dashed ring: raters disagree" in main["title"]["subtitle"]


def test_charts_of_an_engagements_scores_carry_its_provenance_outside_the_spec(
    scores: pd.DataFrame, sample: Engagement
) -> None:
    mark = provenance(sample).as_dict()
    radar, ranked = radar_chart(scores), ranked_chart(scores)
    assert getattr(radar, PROVENANCE_ATTRIBUTE) == getattr(ranked, PROVENANCE_ATTRIBUTE) == mark
    assert "usermeta" not in radar.to_dict() and "usermeta" not in ranked.to_dict()
    bare = pd.DataFrame(scores)  # a table made another way carries nothing
    bare.attrs = {}
    assert getattr(radar_chart(bare), PROVENANCE_ATTRIBUTE, None) is None


@pytest.mark.slow
def test_save_chart_prints_the_provenance_under_the_chart(
    scores: pd.DataFrame, sample: Engagement, tmp_path: Path
) -> None:
    text = provenance(sample).text
    svg = save_chart(radar_chart(scores), tmp_path / "radar.svg").read_text(encoding="utf-8")
    assert text.replace("\u00b7", "&#xb7;") in svg or text in svg
    assert png_is_drawn(save_chart(ranked_chart(scores), tmp_path / "r.png").read_bytes()) > 0.01
    html = save_chart(ranked_chart(scores), tmp_path / "r.html").read_text(encoding="utf-8")
    assert provenance(sample).data_hash in html


def test_save_chart_takes_a_given_provenance_and_leaves_other_charts_alone(
    sample: Engagement, tmp_path: Path
) -> None:
    heatmap = heatmap_chart(sample.findings_frame())
    plain = save_chart(heatmap, tmp_path / "plain.svg").read_text(encoding="utf-8")
    assert "scoring rule" not in plain
    marked = save_chart(heatmap, tmp_path / "marked.svg", provenance=provenance(sample))
    assert provenance(sample).data_hash in marked.read_text(encoding="utf-8")


def test_footer_wraps_a_spec_without_moving_its_top_level_settings() -> None:
    spec = {"$schema": "s", "config": {"a": 1}, "mark": "point", "title": "T", "width": 50}
    wrapped = with_footer(spec, "note")
    assert wrapped["vconcat"] == [{"mark": "point", "title": "T", "width": 50}]
    assert (wrapped["$schema"], wrapped["config"]) == ("s", {"a": 1})
    assert wrapped["title"]["text"] == "note" and wrapped["title"]["orient"] == "bottom"
