"""The radar's frame: what it shows and where, computed in plain Python before any chart exists.

:func:`radar_frame` turns a scores table and its overlays into a :class:`RadarFrame`: the
spokes, the series' levels, the pixel geometry (ring radius, label boxes that never collide,
the chart's size and scale domains) and the legends. The layer builders then turn a frame into
data rows (:func:`~toolkit.charts._radar_rows.radar_datasets`) and into the chart's shape
(:func:`~toolkit.charts._radar_layers.radar_layers`). :attr:`RadarFrame.shape_key` names
everything the shape depends on, so a live dashboard builds and validates a shape once and
afterwards only recomputes rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from toolkit.charts._agreement import RING_NOTE, disagreeing
from toolkit.charts._layout import LabelBox, extent, line_height, place_labels
from toolkit.charts._radar_options import LegendPlace, Overlay, RadarOptions, StaffSpoke
from toolkit.charts._style import (
    FONT_SIZE,
    framework_or_default,
    group_scale,
    number,
    text_width,
    wrap_label,
)
from toolkit.errors import require_columns
from toolkit.framework import MAX_FACTORS, MIN_FACTORS, Framework
from toolkit.moves import factor_moves

OUTER = 4.0
#: Pixels between the outer ring and the anchor of a spoke label.
LABEL_OFFSET = 16.0
#: Pixels taken by a legend beside the radar, besides its longest entry.
LEGEND_PAD = 48.0
NOTE_RANGES = "Pale bar: lowest to highest rater level"
NOTE_UNSCORED = "\u25cb No score: not assessed or not applicable"
NOTE_MOVES = "\u25b2 Real move since the previous assessment: beyond the raters' disagreement"
NOTE_STAFF = "Sky-blue bar: the staff survey's 95% interval"
#: A diamond, not a triangle: a triangle marks a real move since the previous assessment.
NOTE_GAP = "\u25c6 Consultants and staff more than a level apart"


@dataclass(frozen=True)
class Series:
    """One series: its role (current, target, previous, benchmark, preview), name and levels."""

    role: str
    name: str
    values: tuple[float | None, ...]


def series_levels(values: pd.DataFrame | pd.Series | None, index: pd.Index) -> pd.Series | None:
    """Levels of a comparison series (another scores table or a Series), aligned to ``index``.

    A scores DataFrame contributes its ``score`` column; a Series is taken as levels indexed by
    factor id. Factors missing from ``values`` are NaN (not drawn).
    """
    if values is None:
        return None
    if isinstance(values, pd.DataFrame):
        require_columns(values, ("score",), table="comparison", hint="pass a scores table")
        values = values["score"]
    levels = pd.to_numeric(values, errors="coerce").astype("float64")
    return levels.reindex(index)


@dataclass(frozen=True)
class RadarFrame:
    """Everything the radar draws, in spoke order, with its pixel geometry (see the module)."""

    ids: tuple[str, ...]
    labels: tuple[str, ...]
    failure: tuple[str, ...]
    groups: tuple[str, ...]
    basis: tuple[str, ...]
    findings: tuple[float | None, ...]
    confidence: tuple[str, ...]
    ranges: tuple[tuple[float, float, int] | None, ...]  # lowest, highest rater level, raters
    thetas: tuple[float, ...]
    level_names: tuple[str, ...]
    series: tuple[Series, ...]
    font_size: float
    k: float  # pixels per level, on both axes
    texts: tuple[str, ...]  # spoke label texts, as drawn
    boxes: tuple[LabelBox, ...]
    notes: tuple[str, ...]
    width: int
    height: int
    x_dom: tuple[float, float]
    y_dom: tuple[float, float]
    group_names: tuple[str, ...]
    group_colours: tuple[str, ...]
    group_label: tuple[tuple[str, str], ...]  # group id -> label
    title: str | None
    highlight: int | None = None  # the spoke of the factor being discussed
    legend: LegendPlace = "right"
    disagree: tuple[int, ...] = ()  # spokes whose raters disagree (low_agreement)
    r_wg: tuple[float | None, ...] = ()
    framework: Framework | None = None
    #: Real moves since the previous series (:func:`toolkit.moves.factor_moves`): spoke,
    #: previous score, current score.
    moves: tuple[tuple[int, float, float], ...] = ()
    #: Per spoke, the staff survey's figures, or None where the factor has no staff figure
    #: (not asked, or its group suppressed: see :func:`toolkit.survey.staff_view`).
    staff: tuple[StaffSpoke | None, ...] = ()

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def unscored(self) -> tuple[int, ...]:
        """Spokes whose current series has no value (not assessed or not applicable)."""
        return tuple(i for i, v in enumerate(self.series[0].values) if v is None)

    @property
    def small_font(self) -> float:
        """The size of ring labels, the key and legends: one step below the spoke labels."""
        return max(FONT_SIZE, self.font_size - 1)

    @property
    def shape_key(self) -> tuple[Any, ...]:
        """Everything the chart's shape (marks, encodings, scales) depends on; not the rows."""
        return (
            self.width,
            self.height,
            self.x_dom,
            self.y_dom,
            self.font_size,
            tuple((s.role, s.name) for s in self.series),
            self.group_names,
            self.group_colours,
            self.title,
            self.legend,
        )

    def level_name(self, value: float) -> str:
        """The name of the level a score has reached (:meth:`Framework.level_reached`)."""
        fw = framework_or_default(self.framework)
        return fw.level_name(fw.level_reached(value))


#: Ring labels sit centred on the 12 o'clock spoke, this many pixels below their ring: inside
#: the circle at any size, so clear of every spoke label.
RING_LABEL_DY = 2.0


def ring_label_boxes(k: float, level_names: tuple[str, ...], font_size: float) -> list[LabelBox]:
    """The boxes, in pixels, of the ring labels of levels 1-4 (see ``_radar_layers``)."""
    return [
        LabelBox(
            text=level_names[level],
            align="center",
            baseline="top",
            x=0.0,
            y=level * k - RING_LABEL_DY,
            width=text_width(level_names[level], font_size),
            height=line_height(font_size),
        )
        for level in (1, 2, 3, 4)
    ]


def _overlay_levels(values: Overlay | None, index: pd.Index) -> pd.Series | None:
    """An overlay's levels aligned to ``index`` (NaN where a factor has none)."""
    if values is None:
        return None
    return pd.Series(dict(values), dtype="float64").reindex(index)


def _column(scores: pd.DataFrame, name: str, default: Any) -> list[Any]:
    return list(scores[name]) if name in scores.columns else [default] * len(scores)


def radar_frame(scores: pd.DataFrame, options: RadarOptions | None = None) -> RadarFrame:
    """The frame of a radar (see :func:`~toolkit.charts.radar_chart` and :class:`RadarOptions`)."""
    o = options or RadarOptions()
    require_columns(scores, ("score",), table="scores")
    fw = framework_or_default(o.framework)
    ids = tuple(str(i) for i in scores.index)
    n = len(ids)
    if not MIN_FACTORS <= n <= MAX_FACTORS:
        raise ValueError(f"a radar needs {MIN_FACTORS} to {MAX_FACTORS} factors, got {n}")
    known = {f.id: f for f in fw.factors}
    labels = tuple(str(v) for v in _column(scores, "label", None)) if "label" in scores else ids
    basis = tuple(str(v) for v in _column(scores, "basis", "findings"))
    groups = tuple(str(v) for v in _column(scores, "group", ""))
    has_counts = {"n_findings", "confidence"} <= set(scores.columns)
    findings = tuple(number(v) for v in _column(scores, "n_findings", None))
    confidence = tuple(str(v) for v in _column(scores, "confidence", ""))

    # -- series ---------------------------------------------------------------------------
    current = pd.to_numeric(scores["score"], errors="coerce").astype("float64")
    wanted: list[tuple[str, str, pd.Series | None]] = [("current", "Current", current)]
    if o.target and "target" in scores.columns:
        tgt = pd.to_numeric(scores["target"], errors="coerce").astype("float64")
        if tgt.notna().any():
            wanted.append(("target", "Target", tgt))
    wanted += [
        ("previous", o.previous_label, _overlay_levels(o.previous, scores.index)),
        ("benchmark", o.benchmark_label, _overlay_levels(o.benchmark, scores.index)),
        ("preview", o.preview_label, _overlay_levels(o.preview, scores.index)),
        (
            "staff",
            o.staff_label,
            None
            if o.staff is None
            else _overlay_levels(tuple((f, s.level) for f, s in o.staff), scores.index),
        ),
    ]
    series = tuple(
        Series(role, name, tuple(number(v) for v in values))
        for role, name, values in wanted
        if values is not None
    )
    names = [s.name for s in series]
    if len(set(names)) != len(names):
        raise ValueError(f"series names must differ, got {names}")

    # -- rater ranges (whiskers) ----------------------------------------------------------
    ranges: list[tuple[float, float, int] | None] = [None] * n
    if {"min", "max", "n_raters"} <= set(scores.columns):
        for i in range(n):
            lo, hi = number(scores["min"].iloc[i]), number(scores["max"].iloc[i])
            raters = number(scores["n_raters"].iloc[i]) or 0
            if lo is not None and hi is not None and raters >= 2 and basis[i] != "not applicable":
                ranges[i] = (lo, hi, int(raters))

    # -- geometry in pixels ---------------------------------------------------------------
    thetas = tuple(2 * math.pi * i / n for i in range(n))
    radius_px = o.size * 0.38
    k = radius_px / OUTER
    unscored = [i for i, v in enumerate(series[0].values) if v is None]
    texts = tuple(
        wrap_label(labels[i])
        + (f"\n({basis[i]})" if basis[i] in ("not assessed", "not applicable") else "")
        for i in range(n)
    )
    font_size = o.font_size
    small = max(FONT_SIZE, font_size - 1)
    level_names = tuple(lv.name for lv in fw.levels)
    rings = ring_label_boxes(k, level_names, small)
    boxes = tuple(
        place_labels(list(texts), list(thetas), radius_px + LABEL_OFFSET, font_size, fixed=rings)
    )
    half_w, half_h = extent(list(boxes), radius_px + 10)
    half_w += 8
    half_h += 6
    notes = []
    key = o.key
    if not key:
        pass  # the page explains the marks in its own words
    elif any(r is not None for r in ranges):
        notes.append(NOTE_RANGES)
    if unscored and key:
        notes.append(NOTE_UNSCORED)
    disagree = disagreeing(scores)
    if disagree and key:
        notes.append(RING_NOTE)
    moves = _real_moves(scores, o)
    if moves and key:
        notes.append(NOTE_MOVES)
    by_factor = dict(o.staff or ())
    staff_spokes = tuple(by_factor.get(i) for i in ids) if o.staff is not None else ()
    if key and any(s is not None for s in staff_spokes):
        notes.append(NOTE_STAFF)
    if key and any(s is not None and s.flag for s in staff_spokes):
        notes.append(NOTE_GAP)
    bottom = 10 + line_height(small) * len(notes) if notes else 0
    note_w = max((text_width(t, small) for t in notes), default=0.0)
    half_w = max(half_w, note_w / 2 + 8)
    names_, colours, group_label = group_scale(pd.DataFrame({"group": list(groups)}), fw)
    return RadarFrame(
        ids=ids,
        labels=labels,
        failure=tuple(known[i].failure_mode if i in known else "" for i in ids),
        groups=groups,
        basis=basis,
        findings=findings if has_counts else (None,) * n,
        confidence=confidence if has_counts else ("",) * n,
        ranges=tuple(ranges),
        thetas=thetas,
        level_names=level_names,
        series=series,
        font_size=font_size,
        k=k,
        texts=texts,
        boxes=boxes,
        notes=tuple(notes),
        width=round(2 * half_w),
        height=round(2 * half_h + bottom),
        x_dom=(round(-half_w / k, 4), round(half_w / k, 4)),
        y_dom=(round(-(half_h + bottom) / k, 4), round(half_h / k, 4)),
        group_names=tuple(names_),
        group_colours=tuple(colours),
        group_label=tuple(group_label.items()),
        title=o.title,
        highlight=ids.index(o.highlight) if o.highlight in ids else None,
        legend=o.legend,
        disagree=tuple(ids.index(f) for f in disagree),
        r_wg=tuple(number(v) for v in _column(scores, "r_wg", None)),
        framework=fw,
        moves=moves,
        staff=staff_spokes,
    )


def _real_moves(scores: pd.DataFrame, o: RadarOptions) -> tuple[tuple[int, float, float], ...]:
    """The spokes whose score moved beyond the raters' spread since ``o.previous``: only a
    previous assessment with its rater ranges can tell, so levels alone mark none."""
    if not o.mark_moves or o.previous is None or o.previous_ranges is None:
        return ()
    spread = {fid: (low, high) for fid, low, high in o.previous_ranges}
    levels = dict(o.previous)
    ids = [str(i) for i in scores.index]
    nan = float("nan")
    previous = pd.DataFrame(
        {
            "score": [levels.get(f, nan) for f in ids],
            "min": [spread.get(f, (nan, nan))[0] for f in ids],
            "max": [spread.get(f, (nan, nan))[1] for f in ids],
        },
        index=scores.index,
    )
    moved = factor_moves(scores, previous)
    return tuple(
        (ids.index(str(fid)), float(row["previous"]), float(row["current"]))
        for fid, row in moved.iterrows()
        if row["moved"]
    )


@dataclass(frozen=True)
class LegendMark:
    """A legend's line mark for a text size: ``size`` is Vega's symbol area (its length squared)
    and ``stroke`` its thickness, both in pixels."""

    length: float
    stroke: float

    @property
    def size(self) -> float:
        return self.length**2


def legend_mark(font: float) -> LegendMark:
    """The legend's line mark beside text of ``font`` pixels: 1.6 times as long as the text is
    high (20 px at 13 px text, 38 px on a projector), and thicker with it."""
    return LegendMark(length=round(max(20.0, 1.6 * font)), stroke=max(2.5, round(font / 6, 1)))


def legend_size(frame: RadarFrame) -> tuple[float, float]:
    """The room, in pixels, that Vega's legends take beside (width) or under (height) the radar.

    Beside it, the two legends are stacked and the wider one counts; underneath, they stand
    side by side and the taller one counts.
    """
    series = [s.name for s in frame.series]
    groups = [*frame.group_names, "Factor group"]
    widths = [
        LEGEND_PAD
        + legend_mark(frame.small_font).length
        - 20
        + max(text_width(e, frame.small_font) for e in names)
        for names in (series, groups)
    ]
    rows = max(len(series), len(groups))
    if frame.legend == "right":
        return max(widths), 0.0
    return 0.0, 12 + rows * (line_height(frame.small_font) + 4)
