"""Marks for factors whose raters disagree (``low_agreement``), and the chart's provenance.

A factor whose raters disagree (r_wg below 0.70, see :mod:`toolkit.scoring`) gets a dashed
black ring around its score, on the radar and on the ranked chart alike; the ring's tooltip gives
the r_wg. Black and a dash keep the ring apart from every series colour, and legible in
greyscale print.
"""

from __future__ import annotations

from typing import Any, TypeVar

import altair as alt
import pandas as pd

from toolkit.charts._style import number

RING_COLOUR = "#000000"  # Okabe-Ito black
#: The ring's mark, on the radar and the ranked chart alike (each chooses its size).
RING_MARK: dict[str, Any] = {
    "shape": "circle",
    "filled": False,
    "stroke": RING_COLOUR,
    "strokeWidth": 1.4,
    "strokeDash": [2, 2],
    "opacity": 1,
}
C = TypeVar("C")

#: The key's line for the ring, on the radar and in the ranked chart's subtitle.
RING_NOTE = "Dashed ring: raters disagree (r_wg below 0.70)"


def disagreeing(scores: pd.DataFrame) -> list[str]:
    """Factor ids with a score whose raters disagree, in the table's order."""
    if "low_agreement" not in scores.columns:
        return []
    score = pd.to_numeric(scores["score"], errors="coerce")
    flagged = scores["low_agreement"].fillna(False).astype(bool) & score.notna()
    return [str(f) for f in scores.index[flagged]]


def ring_tooltip() -> list[alt.Tooltip]:
    """The ring's tooltip: which factor, its agreement and how many raters."""
    return [
        alt.Tooltip("label:N", title="Factor"),
        alt.Tooltip("r_wg:Q", title="Rater agreement (r_wg)", format=".2f"),
        alt.Tooltip("raters:Q", title="Raters"),
        alt.Tooltip("note:N", title="Note"),
    ]


def ring_fields(scores: pd.DataFrame, factor: str) -> dict[str, Any]:
    """What a ring's data row says about ``factor``."""
    row = scores.loc[factor]
    return {
        "factor": factor,
        "label": str(row["label"]) if "label" in row else factor,
        "r_wg": number(row.get("r_wg")),
        "raters": number(row.get("n_raters")),
        "note": "raters disagree: discuss before relying on this score",
    }


#: Where a chart drawn from an engagement's scores keeps their provenance: a plain Python
#: attribute, not part of the spec, so the chart still composes with others (Vega-Lite allows
#: ``usermeta`` only at the top level) and its spec stays exactly what is drawn.
PROVENANCE_ATTRIBUTE = "_tenfold_provenance"


def stamp(chart: C, scores: pd.DataFrame) -> C:
    """Keep the provenance that ``scores`` carries (see :func:`toolkit.score_engagement`) on
    the chart, for :func:`toolkit.save_chart` to print under it. Returns ``chart``."""
    mark = scores.attrs.get("provenance")
    if isinstance(mark, dict):
        object.__setattr__(chart, PROVENANCE_ATTRIBUTE, dict(mark))
    return chart
