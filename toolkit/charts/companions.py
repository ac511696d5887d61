"""The radar's honest companions: a ranked dot chart and an evidence heatmap.

A radar's area grows with the square of the score and its shape depends on the order of the
spokes; the ranked chart shows the same scores on one straight scale, and the heatmap shows
where the evidence behind them comes from.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

from toolkit.charts._agreement import (
    RING_MARK,
    RING_NOTE,
    disagreeing,
    ring_fields,
    ring_tooltip,
    stamp,
)
from toolkit.charts._style import (
    FONT_SIZE,
    GRID,
    INK,
    MUTED,
    SERIES_COLOURS,
    framework_or_default,
    group_scale,
    inline,
    layer,
    number,
)
from toolkit.errors import require_columns
from toolkit.findings import SOURCES
from toolkit.framework import Framework, format_score

__all__ = ["heatmap_chart", "ranked_chart"]


def _js(text: str) -> str:
    """A JavaScript string literal for a Vega expression."""
    return json.dumps(text)


def _level_axis(fw: Framework, title: str | None = "Level") -> alt.Axis:
    names = {lv.level: lv.name for lv in fw.levels}
    expr = " : ".join(f"datum.value == {lv} ? '{lv} {names[lv]}'" for lv in names) + " : ''"
    return alt.Axis(
        values=list(names),
        labelExpr=expr,
        title=title,
        grid=True,
        gridColor=GRID,
        labelAngle=0,
        labelFontSize=FONT_SIZE,
    )


def ranked_chart(
    scores: pd.DataFrame,
    *,
    framework: Framework | None = None,
    title: str | None = None,
    width: int = 420,
) -> alt.TopLevelMixin:
    """Factors ranked from weakest to strongest on one straight 0-4 scale.

    Each assessed factor is a dot at its score, coloured by factor group, on a bar spanning the
    lowest to the highest rater level, with a green tick at its target; a dashed ring marks a
    factor whose raters disagree (``low_agreement``, r_wg below 0.70). Factors that are not
    assessed or not applicable have no dot: they are listed separately underneath, so they are
    neither ranked as weakest nor forgotten.

    Parameters
    ----------
    scores
        A scores table as returned by :func:`~toolkit.score_engagement`.
    framework
        Supplies the level names, group names and failure modes (default: bundled).
    title
        An optional chart title.
    width
        Width of the plotting area in pixels.

    Returns
    -------
    altair.LayerChart or altair.VConcatChart
        The ranked dots, with the list of unscored factors below when there are any.
    """
    with debug_mode(False):
        return _ranked(scores, framework=framework, title=title, width=width)


def _shown(value: Any) -> str:
    """A score, a rater's level or a gap as every surface shows it (:func:`format_score`)."""
    found = number(value)
    return "" if found is None else format_score(found)


def _ranked(
    scores: pd.DataFrame, *, framework: Framework | None, title: str | None, width: int
) -> alt.TopLevelMixin:
    require_columns(scores, ("label", "group", "score"), table="scores")
    fw = framework_or_default(framework)
    known = {f.id: f for f in fw.factors}
    group_names, group_colours, group_label = group_scale(scores, fw)
    order = {fid: i for i, fid in enumerate(scores.index)}
    score = pd.to_numeric(scores["score"], errors="coerce")
    assessed = [fid for fid in scores.index if pd.notna(score[fid])]
    assessed.sort(key=lambda fid: (float(score[fid]), order[fid]))
    rows: list[dict[str, Any]] = []
    for rank, fid in enumerate(assessed, start=1):
        row = scores.loc[fid]
        rows.append(
            {
                "factor": str(fid),
                "label": str(row["label"]),
                "rank": rank,
                "group": group_label.get(str(row["group"]), str(row["group"])),
                "failure_mode": known[fid].failure_mode if fid in known else "",
                "score": number(row["score"]),
                "min": number(row.get("min")),
                "max": number(row.get("max")),
                "target": number(row.get("target")),
                "gap": number(row.get("gap")),
                "score_text": _shown(row["score"]),
                "min_text": _shown(row.get("min")),
                "max_text": _shown(row.get("max")),
                "gap_text": _shown(row.get("gap")),
                "basis": str(row.get("basis", "")),
                "confidence": str(row.get("confidence", "")),
                "raters": number(row.get("n_raters")),
            }
        )
    labels = [r["label"] for r in rows]
    height = max(60, 26 * len(rows))
    x_scale = alt.Scale(domain=[-0.15, 4.15], nice=False, zero=False)
    y = alt.Y(
        "label:N",
        sort=labels,
        title=None,
        axis=alt.Axis(labelFontSize=FONT_SIZE, labelLimit=220, ticks=False, domain=False),
    )
    tooltip = [
        alt.Tooltip("label:N", title="Factor"),
        alt.Tooltip("failure_mode:N", title="Failure mode"),
        alt.Tooltip("score_text:N", title="Score"),
        alt.Tooltip("min_text:N", title="Lowest rater level"),
        alt.Tooltip("max_text:N", title="Highest rater level"),
        alt.Tooltip("target:Q", title="Target"),
        alt.Tooltip("gap_text:N", title="Gap to target"),
        alt.Tooltip("basis:N", title="Basis"),
        alt.Tooltip("confidence:N", title="Confidence"),
    ]
    base = alt.Chart(inline(rows))
    colour = alt.Color(
        "group:N",
        scale=alt.Scale(domain=group_names, range=group_colours),
        legend=alt.Legend(
            title="Factor group",
            orient="bottom",
            direction="horizontal",
            labelFontSize=FONT_SIZE,
            titleFontSize=FONT_SIZE,
        ),
    )
    # One layer per group with a fixed colour, so the only colour legend is the dots' one
    # (a second encoded colour channel, even with legend=None, suppressed it).
    ranges = [
        base.transform_filter(
            f"datum.min != null && datum.max != null && datum.group == {_js(name)}"
        )
        .mark_rule(strokeWidth=6, strokeCap="round", opacity=0.3, stroke=colour_of)
        .encode(
            x=alt.X("min:Q", scale=x_scale, axis=_level_axis(fw, title=None)),
            x2="max:Q",
            y=y,
            tooltip=tooltip,
        )
        for name, colour_of in zip(group_names, group_colours, strict=True)
    ]
    targets = (
        base.transform_filter("datum.target != null")
        .mark_tick(color=SERIES_COLOURS["target"], thickness=2.5, size=18)
        .encode(x=alt.X("target:Q", scale=x_scale), y=y, tooltip=tooltip)
    )
    dots = base.mark_point(filled=True, size=110, opacity=1, stroke="white", strokeWidth=1).encode(
        x=alt.X("score:Q", scale=x_scale), y=y, color=colour, tooltip=tooltip
    )
    flagged = disagreeing(scores)
    rings: list[alt.Chart] = []
    if flagged:
        ring_rows = [
            {**ring_fields(scores, r["factor"]), "score": r["score"]}
            for r in rows
            if r["factor"] in flagged
        ]
        rings.append(
            layer("disagreement", ring_rows)
            .mark_point(**RING_MARK, size=330)
            .encode(x=alt.X("score:Q", scale=x_scale), y=y, tooltip=ring_tooltip())
        )
    main = alt.LayerChart(layer=[*ranges, targets, *rings, dots])
    main.view = alt.ViewBackground(stroke=None)
    main.width = width
    main.height = height
    subtitle = "Dot: score. Bar: lowest to highest rater level. Green tick: target."
    if flagged:
        subtitle += f" {RING_NOTE}."
    main.title = alt.Title(
        title or "Factors from weakest to strongest",
        subtitle=subtitle,
        anchor="start",
        color=INK,
        fontSize=14,
        subtitleColor=MUTED,
        subtitleFontSize=FONT_SIZE,
    )
    unscored = [fid for fid in scores.index if pd.isna(score[fid])]
    if not unscored:
        return stamp(main, scores)
    listed = [
        {
            "line": i,
            "text": f"{scores.loc[fid, 'label']}: "
            + str(scores.loc[fid, "basis"] if "basis" in scores else "not assessed"),
        }
        for i, fid in enumerate(unscored)
    ]
    listing = (
        alt.Chart(inline(listed))
        .mark_text(
            align="left", baseline="middle", fontSize=FONT_SIZE, fill=MUTED, fontStyle="italic"
        )
        .encode(
            y=alt.Y("line:O", axis=None, title=None),
            text=alt.Text("text:N"),
            x=alt.value(0),
        )
    )
    listing.width = width
    listing.view = alt.ViewBackground(stroke=None)
    listing.height = 18 * len(listed)
    listing.title = alt.Title(
        "No score (not ranked)", anchor="start", fontSize=12, color=INK, fontWeight="normal"
    )
    out = alt.VConcatChart(vconcat=[main, listing], spacing=16)
    return stamp(out, scores)


def heatmap_chart(
    findings: pd.DataFrame,
    *,
    by: Literal["source", "rater"] = "source",
    value: Literal["count", "mean"] = "count",
    framework: Framework | None = None,
) -> alt.LayerChart:
    """Where the evidence comes from: factors against sources (or raters).

    Parameters
    ----------
    findings
        A findings table, e.g. :meth:`~toolkit.Engagement.findings_frame` (columns ``factor``,
        ``level`` and ``source`` or ``rater``).
    by
        Columns of the grid: the finding's ``"source"`` or its ``"rater"``.
    value
        ``"count"`` of findings in each cell, or ``"mean"`` level of those findings. A cell with
        no findings is left empty (never shown as zero level); every factor of the framework
        has a row, so a factor without evidence is visible as an empty row.
    framework
        Supplies the factor order and labels (default: bundled).

    Returns
    -------
    altair.LayerChart
        Coloured cells with their value written in them.
    """
    with debug_mode(False):
        return _heatmap(findings, by=by, value=value, framework=framework)


def _heatmap(
    findings: pd.DataFrame,
    *,
    by: Literal["source", "rater"],
    value: Literal["count", "mean"],
    framework: Framework | None,
) -> alt.LayerChart:
    if by not in ("source", "rater"):
        raise ValueError(f"by must be 'source' or 'rater', got {by!r}")
    if value not in ("count", "mean"):
        raise ValueError(f"value must be 'count' or 'mean', got {value!r}")
    fw = framework_or_default(framework)
    require_columns(findings, ("factor", "level", by), table="findings")
    frame = findings[["factor", "level", by]].copy()
    frame["factor"] = [str(fw.resolve_factor(str(f)) or f) for f in frame["factor"]]
    frame["level"] = pd.to_numeric(frame["level"], errors="coerce")
    frame[by] = frame[by].astype("string").fillna("(none)")
    if by == "source":
        frame[by] = frame[by].str.lower()
        present = set(frame[by])
        columns = [s for s in SOURCES if s in present] + sorted(present - set(SOURCES))
    else:
        columns = sorted(set(frame[by]))
    if not columns:  # no findings yet: an empty grid, every factor marked "(no findings)"
        columns = list(SOURCES) if by == "source" else ["(no raters yet)"]
    counts = frame.groupby(["factor", by], observed=True)["level"].agg(["count", "mean"])
    labels = {f.id: f.label for f in fw.factors}
    factor_ids: list[str] = list(fw.factor_ids) + sorted(
        {str(f) for f in frame["factor"]} - set(fw.factor_ids)
    )
    with_findings = set(frame["factor"])
    rows: list[dict[str, Any]] = []
    for fid in factor_ids:
        label = labels.get(fid, fid)
        if fid not in with_findings:
            label += " (no findings)"
        for col in columns:
            n = int(counts["count"].get((fid, col), 0))
            mean = number(counts["mean"].get((fid, col))) if n else None
            shown = n if value == "count" else mean
            rows.append(
                {
                    "factor": fid,
                    "label": label,
                    "column": col,
                    "count": n,
                    "mean": mean,
                    "mean_text": format_score(mean),
                    "value": shown if n else None,
                    "text": (str(n) if value == "count" else format_score(mean)) if n else "",
                }
            )
    row_labels = list(dict.fromkeys(r["label"] for r in rows))
    if value == "count":
        top = max((r["count"] for r in rows), default=1) or 1
        scale = alt.Scale(scheme="blues", domain=[0, top], zero=True)
        legend_title = "Findings"
        step = max(1, -(-top // 5))  # whole numbers, at most about six of them
        legend_values: list[float] = list(range(0, top + 1, step))
        dark = f"datum.value > {top * 0.6}"
    else:
        scale = alt.Scale(scheme="viridis", domain=[0, 4])
        legend_title = "Mean level"
        legend_values = [0, 1, 2, 3, 4]
        dark = "datum.value < 2.5"
    title = f"Evidence by {by}: {'number of findings' if value == 'count' else 'mean level'}"
    base = alt.Chart(inline(rows)).encode(
        x=alt.X(
            "column:N",
            sort=columns,
            title=None,
            axis=alt.Axis(orient="top", labelAngle=0, labelLimit=120, ticks=False, domain=False),
        ),
        y=alt.Y("label:N", sort=row_labels, title=None, axis=alt.Axis(ticks=False, domain=False)),
    )
    tooltip = [
        alt.Tooltip("label:N", title="Factor"),
        alt.Tooltip("column:N", title=by.capitalize()),
        alt.Tooltip("count:Q", title="Findings"),
        alt.Tooltip("mean_text:N", title="Mean level"),
    ]
    empty = base.mark_rect(fill="white", stroke=GRID, strokeWidth=1).encode(tooltip=tooltip)
    cells = (
        base.transform_filter("datum.value != null")
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            color=alt.Color(
                "value:Q",
                scale=scale,
                legend=alt.Legend(
                    title=legend_title,
                    orient="right",
                    format="d" if value == "count" else ".1f",
                    values=legend_values,
                ),
            ),
            tooltip=tooltip,
        )
    )
    text = (
        base.transform_filter("datum.value != null")
        .mark_text(fontSize=11)
        .encode(
            text=alt.Text("text:N"),
            color=alt.condition(dark, alt.value("white"), alt.value(INK)),
        )
    )
    chart = alt.LayerChart(layer=[empty, cells, text])
    chart.width = max(160, 64 * len(columns))
    chart.height = 24 * len(row_labels)
    chart.title = alt.Title(title, anchor="start", color=INK, fontSize=14)
    return chart
