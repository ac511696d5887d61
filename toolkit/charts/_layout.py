"""Radar geometry: points on spokes, runs of scored spokes, and spoke labels that never collide.

All positions here are in pixels with y pointing up, centred on the radar; the radar module
turns them into data coordinates (levels) with one scale factor for both axes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from toolkit.charts._style import FONT_SIZE, text_width

#: Gap kept between two spoke labels, in pixels.
LABEL_GAP = 3.0


def line_height(font_size: float = FONT_SIZE) -> float:
    """The distance between two lines of a multi-line label, in pixels."""
    return font_size + 2


def point_at(r: float, theta: float) -> tuple[float, float]:
    """The point at level ``r`` on the spoke at angle ``theta`` (12 o'clock = 0, clockwise)."""
    return round(r * math.sin(theta), 4), round(r * math.cos(theta), 4)


def scored_runs(present: list[bool]) -> list[list[int]]:
    """Maximal cyclic runs of consecutive present spokes; one run ``[0..n-1]`` when all are."""
    n = len(present)
    if all(present):
        return [list(range(n))]
    if not any(present):
        return []
    start = next(i for i in range(n) if not present[i])  # begin just after a gap
    found: list[list[int]] = []
    current: list[int] = []
    for step in range(1, n + 1):
        i = (start + step) % n
        if present[i]:
            current.append(i)
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


@dataclass
class LabelBox:
    """A spoke label: its anchor, alignment and the box its text covers (pixels, y up)."""

    text: str
    align: str
    baseline: str
    x: float
    y: float
    width: float
    height: float
    shift: float = 0.0  # vertical move away from the horizontal axis, to clear a neighbour

    @property
    def left(self) -> float:
        return {"left": self.x, "right": self.x - self.width, "center": self.x - self.width / 2}[
            self.align
        ]

    @property
    def low(self) -> float:
        base = {"bottom": self.y, "top": self.y - self.height, "middle": self.y - self.height / 2}
        return base[self.baseline] + self.shift

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def high(self) -> float:
        return self.low + self.height

    def overlap(self, other: LabelBox) -> float:
        """How far this box must move vertically to clear ``other`` (0 when they do not touch)."""
        if self.left >= other.right + LABEL_GAP or other.left >= self.right + LABEL_GAP:
            return 0.0
        depth = min(self.high, other.high) - max(self.low, other.low) + LABEL_GAP
        return max(depth, 0.0)


def place_labels(
    texts: list[str],
    thetas: list[float],
    radius_px: float,
    font_size: float = FONT_SIZE,
    *,
    fixed: Sequence[LabelBox] = (),
) -> list[LabelBox]:
    """Spoke labels just outside the ring at ``radius_px``, moved apart where they would touch.

    Each label is anchored beyond the end of its spoke and aligned away from the centre (left
    on the right-hand side, above at the top...). Where two neighbours' boxes overlap, as with
    many factors or two-line labels near 12 and 6 o'clock, the one further from the horizontal
    axis moves further out, vertically, until they clear. ``fixed`` boxes (the ring labels of a
    small radar) never move: a spoke label touching one moves out instead.
    """
    boxes: list[LabelBox] = []
    for text, th in zip(texts, thetas, strict=True):
        s, c = math.sin(th), math.cos(th)
        boxes.append(
            LabelBox(
                text=text,
                align="left" if s > 0.17 else "right" if s < -0.17 else "center",
                baseline="bottom" if c > 0.5 else "top" if c < -0.5 else "middle",
                x=radius_px * s,
                y=radius_px * c,
                width=text_width(text, font_size),
                height=line_height(font_size) * (text.count("\n") + 1),
            )
        )
    for _ in range(8 * len(boxes) + 8):
        moved = False
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                depth = a.overlap(b)
                if depth <= 0:
                    continue
                outer = a if abs(a.low + a.high) >= abs(b.low + b.high) else b
                direction = 1.0 if (outer.low + outer.high) >= 0 else -1.0
                outer.shift += direction * depth
                moved = True
            for obstacle in fixed:
                depth = a.overlap(obstacle)
                if depth > 0:
                    a.shift += (
                        1.0 if (a.low + a.high) >= (obstacle.low + obstacle.high) else -1.0
                    ) * depth
                    moved = True
        if not moved:
            break
    return boxes


def extent(boxes: list[LabelBox], ring_px: float) -> tuple[float, float]:
    """Half the width and half the height, in pixels, that hold the ring and every label."""
    half_w = max([ring_px, *(abs(b.left) for b in boxes), *(abs(b.right) for b in boxes)])
    half_h = max([ring_px, *(abs(b.low) for b in boxes), *(abs(b.high) for b in boxes)])
    return half_w, half_h
