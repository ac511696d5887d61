"""What a radar draws besides the scores, as one value: :class:`RadarOptions`.

One frozen value travels from whoever asks for a radar (an analyst, a report, a dashboard's
session) through :func:`~toolkit.charts.fit_radar`, :class:`~toolkit.charts.LiveRadar` and
:func:`~toolkit.charts.radar_chart` down to the frame the layers are drawn from, checked by the
type checker at every step. An overlay (previous assessment, benchmark, preview) is kept as
:data:`Overlay`, ``(factor id, level)`` pairs without the factors that have no level, so two
options holding the same levels are equal and can key a cache.

Analysts keep the keywords they know: ``radar_chart(scores, previous=may, previous_label="May")``
gives :func:`radar_options` those keywords (:class:`RadarChanges`), which turns a scores table or
a Series into an overlay.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, Unpack

import pandas as pd

from toolkit.charts._style import FONT_SIZE
from toolkit.errors import require_columns
from toolkit.framework import Framework

__all__ = [
    "LegendPlace",
    "Overlay",
    "OverlayInput",
    "RadarChanges",
    "RadarOptions",
    "Ranges",
    "StaffOverlay",
    "StaffSpoke",
    "overlay",
    "radar_options",
    "rater_ranges",
    "staff_overlay",
]

#: Where the legends go: beside the radar, or underneath it (narrow screens).
LegendPlace = Literal["right", "bottom"]
#: A series of levels by factor, in the order given, without factors that have no level.
Overlay = tuple[tuple[str, float], ...]
#: An assessment's rater ranges by factor: ``(factor id, lowest, highest rater level)``.
Ranges = tuple[tuple[str, float, float], ...]
#: What an analyst may pass as an overlay: a scores table (its ``score`` column), a Series of
#: levels indexed by factor id, or a mapping of factor id to level.
OverlayInput = pd.DataFrame | pd.Series | Mapping[str, float]


def overlay(values: OverlayInput | None) -> Overlay | None:
    """``values`` as an :data:`Overlay` (``None`` stays ``None``: no such series).

    A scores table contributes its ``score`` column; NaN, or a value that is not a number, is
    left out (the factor is not drawn in that series). An overlay with no level at all is still
    a series: its legend entry is drawn, with no point.
    """
    if values is None:
        return None
    if isinstance(values, pd.DataFrame):
        require_columns(values, ("score",), table="comparison", hint="pass a scores table")
        values = values["score"]
    if not isinstance(values, pd.Series):
        values = pd.Series(dict(values), dtype="object")
    levels = pd.to_numeric(values, errors="coerce").astype("float64")
    return tuple(
        (str(factor), float(level))
        for factor, level in levels.items()
        if not math.isnan(float(level))
    )


@dataclass(frozen=True)
class StaffSpoke:
    """The staff survey on one spoke: its mean, respondents, % favourable, interval, gap flag."""

    level: float
    n: int
    favourable: float
    low: float
    high: float
    flag: str = ""
    explanation: str = ""


#: The staff survey's figures by factor id, for the factors whose group for everyone is shown.
StaffOverlay = tuple[tuple[str, StaffSpoke], ...]


def staff_overlay(table: pd.DataFrame | StaffOverlay | None) -> StaffOverlay | None:
    """The table of :func:`toolkit.survey.staff_view` as a :data:`StaffOverlay`: a factor
    without a staff figure (not asked, or its group suppressed) is left out, never a zero."""
    if table is None or isinstance(table, tuple):
        return table
    require_columns(table, ("staff", "n", "favourable", "low", "high"), table="staff view")
    out: list[tuple[str, StaffSpoke]] = []
    for factor, r in table.iterrows():
        staff = pd.to_numeric(r["staff"], errors="coerce")
        if pd.isna(staff):
            continue
        out.append(
            (
                str(factor),
                StaffSpoke(
                    level=float(staff),
                    n=int(r["n"]),
                    favourable=float(r["favourable"]),
                    low=float(r["low"]),
                    high=float(r["high"]),
                    flag=str(r.get("flag") or ""),
                    explanation=str(r.get("explanation") or ""),
                ),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class RadarOptions:
    """Everything a radar draws besides the scores (see :func:`~toolkit.charts.radar_chart`).

    Attributes
    ----------
    target
        Draw the scores table's ``target`` column as a series (when any factor has one).
    previous, benchmark
        Another assessment's levels, a portfolio's: drawn where a factor has a level.
    preview
        Where scores would move with a change not yet made (an open diamond).
    previous_label, benchmark_label, preview_label
        Their names in the legend.
    staff, staff_label
        The staff survey beside the scores (:data:`StaffOverlay`, from the table of
        :func:`toolkit.survey.staff_view`), and its series' name ("Staff survey, n=42").
    framework
        Failure modes for tooltips, level and group names (default: the bundled framework).
    title
        A chart title, or none.
    size
        The scale: the outer ring's diameter is 0.76 x ``size`` pixels.
    font_size
        Spoke labels in pixels; ring labels, key and legends one pixel smaller, never under 12.
    highlight
        A factor id to pick out: its spoke drawn dark, its label on a pale box.
    legend
        ``"right"`` (beside the radar) or ``"bottom"``.
    pickable
        A click on a factor's point, hollow marker or label picks it (dashboards).
    key
        Write the key to the rater bars, hollow markers and rings under the radar.
    previous_ranges
        The previous assessment's rater ranges (:func:`rater_ranges`; set from ``previous``
        when that is a scores table): what tells a real move from a change within the
        raters' disagreement (:func:`toolkit.moves.factor_moves`).
    mark_moves
        Mark each real move since ``previous`` with a dark triangle on its spoke, halfway
        from the previous score to the current one and pointing the way it moved. Levels
        without ranges (a Series, a mapping) mark none.
    """

    target: bool = True
    previous: Overlay | None = None
    previous_label: str = "Previous"
    benchmark: Overlay | None = None
    benchmark_label: str = "Portfolio median"
    preview: Overlay | None = None
    preview_label: str = "Preview"
    staff: StaffOverlay | None = None
    staff_label: str = "Staff survey"
    framework: Framework | None = None
    title: str | None = None
    size: float = 420.0
    font_size: float = FONT_SIZE
    highlight: str | None = None
    legend: LegendPlace = "right"
    pickable: bool = False
    key: bool = True
    previous_ranges: Ranges | None = None
    mark_moves: bool = True


class RadarChanges(TypedDict, total=False):
    """:class:`RadarOptions`' fields as keywords, with overlays in any :data:`OverlayInput`
    form (what :func:`~toolkit.charts.radar_chart` accepts besides an options value)."""

    target: bool
    previous: OverlayInput | None
    previous_label: str
    benchmark: OverlayInput | None
    benchmark_label: str
    preview: OverlayInput | None
    preview_label: str
    staff: pd.DataFrame | StaffOverlay | None
    staff_label: str
    framework: Framework | None
    title: str | None
    size: float
    font_size: float
    highlight: str | None
    legend: LegendPlace
    pickable: bool
    key: bool
    previous_ranges: Ranges | None
    mark_moves: bool


#: The fields of :class:`RadarOptions` that hold an overlay.
OVERLAYS = ("previous", "benchmark", "preview")


def radar_options(
    base: RadarOptions | None = None, /, **changes: Unpack[RadarChanges]
) -> RadarOptions:
    """``base`` (default: :class:`RadarOptions`'s defaults) with ``changes``; overlays given as a
    scores table, a Series or a mapping become :data:`Overlay` values."""
    given: dict[str, Any] = dict(changes)
    if "previous" in given and "previous_ranges" not in given:
        given["previous_ranges"] = rater_ranges(given["previous"])
    for name in OVERLAYS:
        if name in given:
            given[name] = overlay(given[name])
    if "staff" in given:
        given["staff"] = staff_overlay(given["staff"])
    return dataclasses.replace(base or RadarOptions(), **given)


def rater_ranges(values: OverlayInput | None) -> Ranges | None:
    """A scores table's rater ranges (its ``min`` and ``max`` columns) as :data:`Ranges`,
    without the factors that have none; ``None`` for anything else (levels alone)."""
    if not isinstance(values, pd.DataFrame) or not {"min", "max"} <= set(values.columns):
        return None
    low = pd.to_numeric(values["min"], errors="coerce").astype("float64")
    high = pd.to_numeric(values["max"], errors="coerce").astype("float64")
    return tuple(
        (str(factor), float(lo), float(hi))
        for factor, lo, hi in zip(values.index, low, high, strict=True)
        if not (math.isnan(float(lo)) or math.isnan(float(hi)))
    )
