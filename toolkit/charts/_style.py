"""Colours, dash styles and small helpers shared by every Tenfold chart.

Series colours come from the Okabe-Ito palette, which stays distinguishable under the common
forms of colour blindness; each series also has its own dash style, so the chart still reads in
greyscale print. Factor groups are told apart by two colours that differ in lightness as well as
hue and are not used for any series.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from toolkit.framework import Framework, load_framework

#: Okabe-Ito colours by series role.
SERIES_COLOURS: dict[str, str] = {
    "current": "#0072B2",  # blue
    "target": "#009E73",  # bluish green
    "previous": "#E69F00",  # orange
    "benchmark": "#CC79A7",  # reddish purple
    "preview": "#D55E00",  # vermillion
    "staff": "#56B4E9",  # sky blue: the staff survey, beside the consultants' scores
}
#: Dash pattern by series role (an empty list is a solid line).
SERIES_DASHES: dict[str, list[int]] = {
    "current": [1, 0],
    "target": [7, 4],
    "previous": [2, 3],
    "benchmark": [9, 3, 2, 3],
    "preview": [3, 2],
    "staff": [10, 3],
}
#: The mark of a factor where the consultants and the staff are more than a level apart.
GAP_COLOUR = "#000000"
#: Group colours, in the framework's group order (dark slate, ochre), then further fallbacks.
GROUP_COLOURS: tuple[str, ...] = ("#4D5D6C", "#A6611A", "#7B3294", "#1B7837", "#762A83")
MUTED = "#8C8C8C"
GRID = "#D9D9D9"
INK = "#333333"
#: Chart text size in pixels: 12 at the least, so a chart reads at 1280 pixels wide.
FONT_SIZE = 12
#: Average glyph width of the default sans-serif font, as a fraction of the font size.
GLYPH = 0.6


def framework_or_default(framework: Framework | None) -> Framework:
    return framework if framework is not None else load_framework()


def group_scale(
    scores: pd.DataFrame, framework: Framework
) -> tuple[list[str], list[str], dict[str, str]]:
    """Group labels present in ``scores`` (framework order), their colours, id -> label."""
    labels = {g.id: g.label for g in framework.groups}
    present = [str(g) for g in pd.unique(scores["group"].astype(str))]
    ordered = [g.id for g in framework.groups if g.id in present] + [
        g for g in present if g not in labels
    ]
    names = [labels.get(g, g) for g in ordered]
    colours = [GROUP_COLOURS[i % len(GROUP_COLOURS)] for i in range(len(ordered))]
    return names, colours, {g: labels.get(g, g) for g in ordered}


def inline(rows: list[dict[str, Any]]) -> Any:
    """Altair inline data of ``rows`` (typed loosely: Altair's constructors are untyped)."""
    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def layer(name: str, rows: list[dict[str, Any]]) -> alt.Chart:
    """A chart called ``name`` drawing ``rows`` (the name lets tests and tools find a layer)."""
    chart = alt.Chart(inline(rows))
    chart.name = name
    return chart


def number(value: Any) -> float | None:
    """A JSON-safe float: ``None`` for NaN/None/NA, otherwise the value rounded to 4 places."""
    if value is None or value is pd.NA:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(f) or math.isinf(f):
        return None
    return round(f, 4)


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """An estimate of the rendered width of ``text`` in pixels (longest line)."""
    return max((len(line) for line in text.split("\n")), default=0) * font_size * GLYPH


def wrap_label(label: str, width: int = 14) -> str:
    """Break a factor label onto two lines at the space nearest its middle when it is long."""
    if len(label) <= width or " " not in label:
        return label
    middle = len(label) / 2
    spaces = [i for i, ch in enumerate(label) if ch == " "]
    cut = min(spaces, key=lambda i: (abs(i - middle), i))
    return label[:cut] + "\n" + label[cut + 1 :]
