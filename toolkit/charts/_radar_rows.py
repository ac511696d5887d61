"""The radar's data rows: one list of flat dicts per layer, computed from a frame in plain Python.

:func:`radar_datasets` gives every layer's rows by name (:data:`LAYERS`, in drawing order: the
rings are generated in the browser). A live dashboard recomputes only these on each change; the
layers that draw them are built in :mod:`toolkit.charts._radar_layers`.
"""

from __future__ import annotations

import math
from typing import Any

from toolkit.charts._layout import line_height, point_at, scored_runs
from toolkit.charts._radar_frame import OUTER, RadarFrame
from toolkit.charts._ring_labels import ring_label_places
from toolkit.framework import format_change, format_score

Rows = list[dict[str, Any]]
#: The named datasets of a radar, in drawing order (the rings are generated in the browser).
LAYERS: tuple[str, ...] = (
    "spokes",
    "unscored-spokes",
    "selected-spoke",
    "group-arcs",
    "ring-label-halo",
    "ring-labels",
    "whiskers",
    "staff-intervals",
    "gap-bridges",
    "outlines",
    "overlay-points",
    "staff-points",
    "disagreement",
    "points",
    "gap-flags",
    "moves",
    "preview-points",
    "unscored",
    "note",
    "selected-label",
    "spoke-labels",
)


def _spokes(f: RadarFrame) -> tuple[Rows, Rows]:
    solid: Rows = []
    dashed: Rows = []
    for i, th in enumerate(f.thetas):
        x, y = point_at(OUTER, th)
        (dashed if i in f.unscored else solid).append({"x": 0, "y": 0, "x2": x, "y2": y})
    return solid, dashed


def _selected(f: RadarFrame) -> tuple[Rows, Rows]:
    """The highlighted factor: its spoke, and a pale box behind its label."""
    i = f.highlight
    if i is None:
        return [], []
    x, y = point_at(OUTER, f.thetas[i])
    box, pad = f.boxes[i], 4.0
    return [{"x": 0, "y": 0, "x2": x, "y2": y, "factor": f.ids[i]}], [
        {
            "x": round((box.left - pad) / f.k, 4),
            "x2": round((box.right + pad) / f.k, 4),
            "y": round((box.low - pad) / f.k, 4),
            "y2": round((box.high + pad) / f.k, 4),
            "factor": f.ids[i],
        }
    ]


def _group_arcs(f: RadarFrame) -> Rows:
    labels = dict(f.group_label)
    arc_r = OUTER + 7 / f.k
    half_step = math.pi / f.n
    rows: Rows = []
    arc, i = 0, 0
    while i < f.n:
        j = i
        while j + 1 < f.n and f.groups[j + 1] == f.groups[i]:
            j += 1
        start, end = f.thetas[i] - half_step * 0.85, f.thetas[j] + half_step * 0.85
        pieces = max(4, round((end - start) / (math.pi / 36)))
        for p in range(pieces + 1):
            x, y = point_at(arc_r, start + (end - start) * p / pieces)
            rows.append({"arc": arc, "seq": p, "x": x, "y": y, "group": labels[f.groups[i]]})
        arc += 1
        i = j + 1
    return rows


def _ring_labels(f: RadarFrame) -> Rows:
    """Level names beside their rings, clear of every point (see :mod:`._ring_labels`)."""
    return [
        {"x": round(box.x / f.k, 4), "y": round(box.y / f.k, 4), "text": box.text, "level": level}
        for level, box in ring_label_places(f)
        if box is not None
    ]


def _whiskers(f: RadarFrame) -> Rows:
    rows: Rows = []
    for i, found in enumerate(f.ranges):
        if found is None:
            continue
        lo, hi, raters = found
        x, y = point_at(lo, f.thetas[i])
        x2, y2 = point_at(hi, f.thetas[i])
        rows.append(
            {
                "factor": f.ids[i],
                "label": f.labels[i],
                "x": x,
                "y": y,
                "x2": x2,
                "y2": y2,
                "min": lo,
                "max": hi,
                "min_text": format_score(lo),
                "max_text": format_score(hi),
                "raters": raters,
            }
        )
    return rows


def _series_rows(f: RadarFrame) -> dict[str, Rows]:
    """Outlines broken at unscored spokes, the bridges across them, and every series' points."""
    outlines: Rows = []
    bridges: Rows = []
    points: dict[str, Rows] = {
        "points": [],
        "overlay-points": [],
        "preview-points": [],
        "staff-points": [],
    }
    for rank, one in enumerate(f.series):
        vals = one.values
        present = [v is not None for v in vals]
        # A preview marks points only: joining them would read as a whole new outline.
        runs = [] if one.role == "preview" else scored_runs(present)
        closed = len(runs) == 1 and len(runs[0]) == f.n
        width = 2.5 if one.role == "current" else 1.8
        for seg, run in enumerate(runs):
            for seq, i in enumerate([*run, run[0]] if closed else run):
                x, y = point_at(vals[i] or 0.0, f.thetas[i])
                outlines.append(
                    {
                        "series": one.name,
                        "factor": f.ids[i],
                        "rank": rank,
                        "segment": f"{rank}-{seg}",
                        "seq": seq,
                        "x": x,
                        "y": y,
                        "width": width,
                    }
                )
        if one.role == "current" and not closed and runs and sum(present) >= 2:
            for g, run in enumerate(runs):
                nxt = runs[(g + 1) % len(runs)]
                for seq, i in enumerate((run[-1], nxt[0])):
                    x, y = point_at(vals[i] or 0.0, f.thetas[i])
                    bridges.append({"gap": g, "seq": seq, "x": x, "y": y})
        kind = {"current": "points", "preview": "preview-points", "staff": "staff-points"}.get(
            one.role, "overlay-points"
        )
        for i, v in enumerate(vals):
            if v is None:
                continue
            x, y = point_at(v, f.thetas[i])
            row: dict[str, Any] = {
                "series": one.name,
                "rank": rank,
                "x": x,
                "y": y,
                "factor": f.ids[i],
                "label": f.labels[i],
                "failure_mode": f.failure[i],
                "level": v,
                "score_text": format_score(v),
                "level_name": f.level_name(v),
            }
            if one.role == "current":
                row.update(basis=f.basis[i], findings=f.findings[i], confidence=f.confidence[i])
            if one.role == "staff" and i < len(f.staff) and f.staff[i] is not None:
                spoke = f.staff[i]
                assert spoke is not None
                row.update(
                    n=spoke.n,
                    favourable=spoke.favourable,
                    interval=f"{spoke.low:.1f} to {spoke.high:.1f}",
                    flag=spoke.flag,
                )
            points[kind].append(row)
    # Later series first, so the current outline is drawn on top.
    outlines.sort(key=lambda r: (-r["rank"], r["segment"], r["seq"]))
    return {"outlines": outlines, "gap-bridges": bridges, **points}


def _staff_intervals(f: RadarFrame) -> Rows:
    """The staff survey's 95% interval of each factor: a bar along its spoke."""
    rows: Rows = []
    for i, spoke in enumerate(f.staff):
        if spoke is None:
            continue
        x, y = point_at(spoke.low, f.thetas[i])
        x2, y2 = point_at(spoke.high, f.thetas[i])
        rows.append(
            {
                "factor": f.ids[i],
                "label": f.labels[i],
                "x": x,
                "y": y,
                "x2": x2,
                "y2": y2,
                "low": spoke.low,
                "high": spoke.high,
                "n": spoke.n,
            }
        )
    return rows


def _gap_flags(f: RadarFrame) -> Rows:
    """A diamond half-way between the consultants' point and the staff's, where they are
    more than a level apart; its tooltip says who sees it better, in an executive's words."""
    current = f.series[0].values
    staff = next((s.values for s in f.series if s.role == "staff"), None)
    rows: Rows = []
    if staff is None:
        return rows
    for i, spoke in enumerate(f.staff):
        score, level = current[i], staff[i]
        if spoke is None or not spoke.flag or score is None or level is None:
            continue
        x, y = point_at((score + level) / 2, f.thetas[i])
        rows.append(
            {
                "x": x,
                "y": y,
                "factor": f.ids[i],
                "label": f.labels[i],
                "flag": spoke.flag,
                "explanation": spoke.explanation,
                "score": score,
                "staff": level,
            }
        )
    return rows


def _disagreement(f: RadarFrame) -> Rows:
    """A dashed ring round the current point of each factor whose raters disagree."""
    current = f.series[0].values
    rows: Rows = []
    for i in f.disagree:
        value = current[i]
        if value is None:
            continue
        x, y = point_at(value, f.thetas[i])
        found = f.ranges[i]
        raters = found[2] if found is not None else None
        rows.append(
            {
                "x": x,
                "y": y,
                "factor": f.ids[i],
                "label": f.labels[i],
                "r_wg": f.r_wg[i] if i < len(f.r_wg) else None,
                "raters": raters,
                "note": "raters disagree: discuss before relying on this score",
            }
        )
    return rows


def _moves(f: RadarFrame) -> Rows:
    """A triangle on the spoke of each real move, halfway from the previous score to the
    current one, pointing the way it moved (outwards for a rise)."""
    rows: Rows = []
    for i, then, now in f.moves:
        x, y = point_at((then + now) / 2, f.thetas[i])
        degrees = math.degrees(f.thetas[i]) + (0 if now > then else 180)
        change = now - then
        rows.append(
            {
                "x": x,
                "y": y,
                "angle": round(degrees % 360, 2),
                "factor": f.ids[i],
                "label": f.labels[i],
                "previous": round(then, 4),
                "current": round(now, 4),
                "change": format_change(change),
                "note": "every rater's level now is beyond every rater's level then",
            }
        )
    return rows


def _unscored(f: RadarFrame) -> Rows:
    rows: Rows = []
    for i in f.unscored:
        x, y = point_at(OUTER, f.thetas[i])
        rows.append(
            {
                "x": x,
                "y": y,
                "factor": f.ids[i],
                "label": f.labels[i],
                "failure_mode": f.failure[i],
                "basis": f.basis[i],
                "findings": f.findings[i],
            }
        )
    return rows


def _note(f: RadarFrame) -> Rows:
    """The key to marks the legend cannot show, in the bottom left corner, first line on top."""
    if not f.notes:
        return []
    lines_below = (len(f.notes) - 1) * line_height(f.small_font)
    y = f.y_dom[0] + (4 + lines_below) / f.k
    return [{"x": round(f.x_dom[0] + 4 / f.k, 4), "y": round(y, 4), "text": "\n".join(f.notes)}]


def _spoke_labels(f: RadarFrame) -> Rows:
    labels = dict(f.group_label)
    unscored = set(f.unscored)
    rows: Rows = []
    for i, box in enumerate(f.boxes):
        # Vega places the first line of a multi-line text at the baseline and the rest below,
        # so lift labels that should sit above or centred on their anchor.
        extra_lines = box.text.count("\n")
        lift = {"bottom": 1.0, "middle": 0.5, "top": 0.0}[box.baseline]
        y = box.y + box.shift + lift * extra_lines * line_height(f.font_size)
        rows.append(
            {
                "x": round(box.x / f.k, 4),
                "y": round(y / f.k, 4),
                "text": f.texts[i],
                "group": labels.get(f.groups[i], f.groups[i]),
                "assessed": i not in unscored,
                "align": box.align,
                "baseline": box.baseline,
                "factor": f.ids[i],
                "label": f.labels[i],
                "failure_mode": f.failure[i],
            }
        )
    return rows


def radar_datasets(f: RadarFrame) -> dict[str, Rows]:
    """Every layer's rows, by layer name (see :data:`LAYERS`)."""
    solid, dashed = _spokes(f)
    rings = _ring_labels(f)
    spoke, label = _selected(f)
    data = {
        "spokes": solid,
        "unscored-spokes": dashed,
        "selected-spoke": spoke,
        "selected-label": label,
        "group-arcs": _group_arcs(f),
        "ring-label-halo": rings,
        "ring-labels": rings,
        "whiskers": _whiskers(f),
        "staff-intervals": _staff_intervals(f),
        **_series_rows(f),
        "gap-flags": _gap_flags(f),
        "disagreement": _disagreement(f),
        "moves": _moves(f),
        "unscored": _unscored(f),
        "note": _note(f),
        "spoke-labels": _spoke_labels(f),
    }
    return {name: data[name] for name in LAYERS}
