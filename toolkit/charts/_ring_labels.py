"""Where the radar's ring labels ("Ad hoc", "Partial", ...) go: clear of every point it draws.

A ring label names the level of its ring. Points sit on spokes at any level, so no fixed place
is safe: a score of 1.0 on the 12 o'clock spoke would sit on "Ad hoc" there. Each label is
placed where no point, ring round a point, preview diamond, hollow marker or rater-range bar
(nor another ring label) covers it, trying first beside the 12 o'clock spoke, then between the
spokes nearest it, just inside its ring and then just outside, and so on round the ring. A label
with no clear place at all (every stretch of its ring crowded with points) is left out rather
than drawn under a point: the rings are still drawn and each point's tooltip names its level.

Geometry is in pixels from the radar's centre, y up, as :class:`~toolkit.charts._layout.LabelBox`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from toolkit.charts._layout import LabelBox, line_height, point_at
from toolkit.charts._radar_frame import OUTER, RadarFrame
from toolkit.charts._style import text_width

__all__ = ["Mark", "marks", "overlaps", "ring_label_places"]

#: Room kept between a label (with its white halo) and a mark, in pixels.
CLEARANCE = 2.0
#: Pixels between a ring and the edge of its label, nearest first: a label may stand a little
#: further from its ring to clear a point on it.
GAP = 2.0
GAPS = (GAP, GAP + 4, GAP + 8, GAP + 12)

#: The radius, in pixels, each kind of point mark covers (Vega's ``size`` is the area of the
#: symbol; a diamond's corners reach sqrt(size / 2)), with its stroke.
MARK_RADIUS: dict[str, float] = {
    "points": math.sqrt(55 / math.pi) + 1.0,
    "overlay-points": math.sqrt(28 / math.pi),
    "disagreement": math.sqrt(190 / math.pi) + 0.7,
    "preview-points": math.sqrt(190 / 2) + 1.25,
    "unscored": math.sqrt(70 / math.pi) + 0.75,
}


@dataclass(frozen=True)
class Mark:
    """A point mark as a circle: its kind, centre and radius in pixels (y up)."""

    kind: str
    x: float
    y: float
    r: float


def marks(f: RadarFrame) -> list[Mark]:
    """Every point mark the radar draws, as circles in pixels."""
    out: list[Mark] = []

    def add(kind: str, level: float, i: int) -> None:
        x, y = point_at(level, f.thetas[i])
        out.append(Mark(kind, x * f.k, y * f.k, MARK_RADIUS[kind]))

    for one in f.series:
        kind = {"current": "points", "preview": "preview-points"}.get(one.role, "overlay-points")
        for i, v in enumerate(one.values):
            if v is not None:
                add(kind, v, i)
    current = f.series[0].values
    for i in f.disagree:
        if current[i] is not None:
            add("disagreement", current[i] or 0.0, i)
    for i in f.unscored:
        add("unscored", OUTER, i)
    # A rater range is a pale bar 5 px wide along its spoke: circles every 2 px along it.
    for i, found in enumerate(f.ranges):
        if found is not None:
            lo, hi = found[0], found[1]
            steps = max(1, math.ceil((hi - lo) * f.k / 2))
            for j in range(steps + 1):
                x, y = point_at(lo + (hi - lo) * j / steps, f.thetas[i])
                out.append(Mark("whiskers", x * f.k, y * f.k, 2.5))
    return out


def overlaps(box: LabelBox, mark: Mark, clearance: float = CLEARANCE) -> bool:
    """Whether ``mark`` comes within ``clearance`` of ``box``."""
    nx = min(max(mark.x, box.left), box.right)
    ny = min(max(mark.y, box.low), box.high)
    return math.hypot(mark.x - nx, mark.y - ny) < mark.r + clearance


class _Marks:
    """Marks as arrays, to test a label box against all of them at once."""

    def __init__(self, marks: list[Mark]) -> None:
        self.x = np.array([m.x for m in marks], dtype=float)
        self.y = np.array([m.y for m in marks], dtype=float)
        self.r = np.array([m.r for m in marks], dtype=float) + CLEARANCE

    def touch(self, box: LabelBox) -> bool:
        """Whether any mark comes within :data:`CLEARANCE` of ``box`` (see :func:`overlaps`)."""
        if not len(self.x):
            return False
        dx = self.x - np.clip(self.x, box.left, box.right)
        dy = self.y - np.clip(self.y, box.low, box.high)
        return bool(np.any(np.hypot(dx, dy) < self.r))


def _boxes_meet(a: LabelBox, b: LabelBox) -> bool:
    return a.left < b.right and b.left < a.right and a.low < b.high and b.low < a.high


def _angles(n: int) -> list[float]:
    """Angles to try: 12 o'clock, then outwards from it in half-spoke steps (the gap beside a
    spoke, then the next spoke, ...), right before left, round to 6 o'clock."""
    step = math.pi / n
    return sorted((j * step for j in range(-n + 1, n + 1)), key=lambda a: (round(abs(a), 9), a < 0))


def _candidate(
    level: int, angle: float, outside: bool, f: RadarFrame, text: str, gap: float = GAP
) -> LabelBox:
    """The label's box, centred on the angle, its edge ``gap`` from the ring (in or out)."""
    font = f.small_font
    height, width = line_height(font), text_width(text, font)
    # The box's nearest edge to its ring sits ``gap`` from it, along the direction of the angle.
    half_extent = abs(math.cos(angle)) * height / 2 + abs(math.sin(angle)) * width / 2
    r = level * f.k + (1 if outside else -1) * (gap + half_extent)
    return LabelBox(
        text=text,
        align="center",
        baseline="middle",
        x=round(r * math.sin(angle), 4),
        y=round(r * math.cos(angle), 4),
        width=width,
        height=height,
    )


#: How far past the outer ring a label may reach, in pixels: the group arcs (4 wide, 7 beyond
#: it) start 5 beyond it.
RIM_SLACK = 5.0


def _fits(box: LabelBox, level: int, outside: bool, f: RadarFrame) -> bool:
    """Whether the box lies between its ring and the next one in (or out), crossing no other
    ring, and stays clear of the group arcs and spoke labels beyond the outer ring.

    A label standing across several rings (a wide one at 3 o'clock, say) would not say which
    ring it names.
    """
    left, right, low, high = box.left, box.right, box.low, box.high
    nearest = math.hypot(min(max(0.0, left), right), min(max(0.0, low), high))
    farthest = math.hypot(max(abs(left), abs(right)), max(abs(low), abs(high)))
    ring = level * f.k
    if farthest > OUTER * f.k + RIM_SLACK:
        return False
    if outside:
        return nearest >= ring and farthest <= ring + f.k
    return nearest >= ring - f.k and farthest <= ring + GAP + 1


def ring_label_places(f: RadarFrame) -> list[tuple[int, LabelBox | None]]:
    """Each ring level 1-4 with the box of its label, or ``None`` where no place is clear."""
    obstacles = marks(f)
    placed: list[LabelBox] = []
    out: list[tuple[int, LabelBox | None]] = []
    for level in (1, 2, 3, 4):
        text = f.level_names[level]
        # Only marks within reach of the ring and the next ones in and out can touch its label.
        reach = f.k + line_height(f.small_font) + text_width(text, f.small_font) / 2
        near = _Marks(
            [m for m in obstacles if abs(math.hypot(m.x, m.y) - level * f.k) <= reach + m.r]
        )
        tries = (
            (_candidate(level, angle, outside, f, text, gap), outside)
            for angle in _angles(f.n)
            for outside in ((False, True) if level < OUTER else (False,))
            for gap in GAPS
        )
        found = next(
            (
                box
                for box, outside in tries
                if _fits(box, level, outside, f)
                and not near.touch(box)
                and not any(_boxes_meet(box, other) for other in placed)
            ),
            None,
        )
        if found is not None:
            placed.append(found)
        out.append((level, found))
    return out
