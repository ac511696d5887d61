"""What changed since the last cycle and what is being done about it, as a report shows it.

Three parts of the content model (:mod:`toolkit.report.model`), built here from an engagement,
its scores and its history (:class:`toolkit.cycles.History`):

- :class:`Comparison`: per factor, the previous and current score, the change and whether it is
  a real move (:func:`toolkit.moves.factor_moves`), with how the previous assessment was found;
- :class:`Trend`: for a client with three or more cycles, each factor's score in every cycle;
- :class:`PlanView`: the action plan, each action with its owner, due date, status and whether
  it is overdue on the day the report is made.

Its own module so that the content model and "What to do next" (:mod:`toolkit.report.next_steps`),
which lists each priority's open actions, both import it and neither imports the other.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from toolkit.action_plan import Action
from toolkit.framework import Framework, format_score, score_number
from toolkit.moves import MIN_MOVE, Verdict
from toolkit.report.wording import STEADY, change_mark, long_date, signed

__all__ = [
    "Comparison",
    "MoveRow",
    "PlanItem",
    "PlanView",
    "Trend",
    "TrendRow",
    "comparison_view",
    "move_words",
    "plan_view",
    "printed_change",
    "trend_view",
]

#: How many cycles make a trend worth drawing.
TREND_CYCLES = 3


def _num(value: object) -> float | None:
    if value is None:
        return None
    out = float(value)  # type: ignore[arg-type]
    return None if math.isnan(out) else out


def printed_change(then: float, now: float) -> float:
    """The difference of two scores as printed (:func:`~toolkit.framework.score_number`), so
    what a reader sees adds up: 1.25 then and 1.5 now, a change of +0.25."""
    return round(score_number(now) - score_number(then), 2)


def _levels(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return ""
    if abs(high - low) < STEADY:
        return format_score(low)
    return f"{format_score(low)}\u2013{format_score(high)}"


def move_words(
    verdict: str,
    *,
    since: str,
    then: float | None,
    now: float | None,
    ranges: tuple[str, str] = ("", ""),
) -> str:
    """A factor's change since ``since`` in a sentence (the hover text and the report's line)."""
    was, now_range = ranges
    if verdict == "new":
        return f"Not scored on {since}."
    if verdict == "not scored now":
        return (
            f"Scored {format_score(then)} on {since}; not scored now." if then is not None else ""
        )
    if then is None or now is None:
        return ""
    if verdict == "steady":
        return f"Unchanged since {since} ({format_score(then)} then)."
    delta = printed_change(then, now)
    more = "higher" if now > then else "lower"
    size = f"{signed(abs(delta)).lstrip('+')} {more} than on {since} ({format_score(then)} then)"
    spread = f" (raters then {was}, now {now_range})" if was and now_range else ""
    if verdict == "up":
        return f"{size}: a real move, every rater now rates it above every rater then{spread}."
    if verdict == "down":
        return f"{size}: a real move, every rater now rates it below every rater then{spread}."
    if abs(now - then) < MIN_MOVE:
        return f"{size}: under half a level, not a real move."
    return f"{size}, within the raters' disagreement{spread}: not a real move."


@dataclass(frozen=True)
class MoveRow:
    """One factor's line in "What moved"."""

    factor: str
    label: str
    previous: float | None
    current: float | None
    previous_text: str
    current_text: str
    #: ``"▲ +1.0"`` for a real move, ``"△ +0.3"`` for a change within the disagreement,
    #: ``"= 0.0"``, ``"new"``, or ``""``.
    mark: str
    #: The change as printed (``0.3`` for 1.2 then and 1.5 now); ``None`` unless scored both
    #: times.
    change: float | None
    #: The raters' lowest to highest level then and now (``"1.0\u20131.5"``).
    raters_then: str
    raters_now: str
    moved: bool
    verdict: Verdict
    words: str


@dataclass(frozen=True)
class Comparison:
    """What moved since the previous assessment (see the module docstring).

    ``how`` is how the previous assessment was found (``"linked"``, ``"guessed"``,
    ``"given"``) and ``note`` says so in a sentence; ``rows`` follow framework order.
    """

    since: str
    how: str
    note: str
    rows: tuple[MoveRow, ...]

    @property
    def real_moves(self) -> tuple[MoveRow, ...]:
        """The factors whose change is a real move."""
        return tuple(r for r in self.rows if r.moved)

    def row(self, factor: str) -> MoveRow | None:
        """The line of ``factor``, if it has one."""
        return next((r for r in self.rows if r.factor == factor), None)


def comparison_view(moves: pd.DataFrame, *, since: str, how: str, note: str) -> Comparison:
    """:class:`Comparison` from :func:`toolkit.moves.factor_moves`'s table."""
    rows = []
    for fid, r in moves.iterrows():
        then, now = _num(r["previous"]), _num(r["current"])
        verdict: Verdict = r["verdict"]
        ranges = (
            _levels(_num(r["previous_low"]), _num(r["previous_high"])),
            _levels(_num(r["current_low"]), _num(r["current_high"])),
        )
        delta = None if then is None or now is None else printed_change(then, now)
        if verdict == "new":
            mark = "new"
        elif delta is None:
            mark = ""
        else:
            mark = change_mark(delta, real=bool(r["moved"]))
        rows.append(
            MoveRow(
                factor=str(fid),
                label=str(r["label"]),
                previous=then,
                current=now,
                previous_text="not scored" if then is None else format_score(then),
                current_text="not scored" if now is None else format_score(now),
                mark=mark,
                change=delta,
                raters_then=ranges[0],
                raters_now=ranges[1],
                moved=bool(r["moved"]),
                verdict=verdict,
                words=move_words(verdict, since=since, then=then, now=now, ranges=ranges),
            )
        )
    return Comparison(since=since, how=how, note=note, rows=tuple(rows))


@dataclass(frozen=True)
class TrendRow:
    """One factor's scores over the cycles, oldest first (``None`` where not scored)."""

    factor: str
    label: str
    values: tuple[float | None, ...]

    @property
    def line(self) -> str:
        """``"1.0 → 1.5 → 2.0"``; a cycle without a score reads an en dash."""
        return " \u2192 ".join("\u2013" if v is None else format_score(v) for v in self.values)

    def points(self, width: float = 80, height: float = 20) -> str:
        """The SVG polyline points of a sparkline ``width`` x ``height`` (0 at the bottom, 4 at
        the top), for the scored cycles only; ``""`` with fewer than two."""
        n = len(self.values)
        step = width / max(1, n - 1)
        pts = [
            f"{i * step:.1f},{height - v / 4 * height:.1f}"
            for i, v in enumerate(self.values)
            if v is not None
        ]
        return " ".join(pts) if len(pts) >= 2 else ""


@dataclass(frozen=True)
class Trend:
    """Every factor's scores over the client's cycles (three or more), oldest first."""

    dates: tuple[str, ...]
    rows: tuple[TrendRow, ...]
    #: The cycles' dates as ``"YYYY-MM-DD"``.
    days: tuple[str, ...] = ()

    def row(self, factor: str) -> TrendRow | None:
        """The trend of ``factor``."""
        return next((r for r in self.rows if r.factor == factor), None)


def trend_view(table: pd.DataFrame, dates: Sequence[dt.date]) -> Trend | None:
    """:class:`Trend` from :func:`toolkit.moves.trend_table`, or ``None`` below three cycles."""
    cycles = [c for c in table.columns if c != "label"]
    if len(cycles) < TREND_CYCLES:
        return None
    rows = tuple(
        TrendRow(str(fid), str(r["label"]), tuple(_num(r[c]) for c in cycles))
        for fid, r in table.iterrows()
    )
    return Trend(
        dates=tuple(long_date(d) for d in dates),
        rows=rows,
        days=tuple(d.isoformat() for d in dates),
    )


@dataclass(frozen=True)
class PlanItem:
    """One action as a report and the viewer show it."""

    id: str
    factor: str
    label: str
    what: str
    owner: str
    due: str
    due_text: str
    status: str
    overdue: bool
    aim: int | None
    aim_name: str
    remedy: str
    remedy_number: int | None
    opened_in: str
    opened_on: str
    #: Opened in an earlier cycle and carried into this one.
    carried: bool

    @property
    def open(self) -> bool:
        """Still to be done (planned or in progress)."""
        return self.status in ("planned", "in progress")

    @property
    def due_line(self) -> str:
        """``"due 31 Jan 2027"``, ``"due 31 Jan 2027, overdue"``."""
        return f"due {self.due_text}" + (", overdue" if self.overdue else "")

    @property
    def line(self) -> str:
        """``"Weekly service review with the COO — Dana Reyes, due 31 Jan 2027 (in progress)"``."""
        return f"{self.what} \u2014 {self.owner}, {self.due_line} ({self.status})"


@dataclass(frozen=True)
class PlanView:
    """The action plan on the day ``today`` (see the module docstring).

    ``items`` are grouped by factor in the report's section order, each factor's open actions
    first by due date, then the done and dropped ones.
    """

    today: str
    items: tuple[PlanItem, ...] = ()
    by_factor: Mapping[str, tuple[PlanItem, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    @property
    def open(self) -> tuple[PlanItem, ...]:
        """The actions still to be done."""
        return tuple(i for i in self.items if i.open)

    @property
    def overdue(self) -> tuple[PlanItem, ...]:
        """The open actions due before today."""
        return tuple(i for i in self.items if i.overdue)

    @property
    def summary_line(self) -> str:
        """``"5 actions: 3 open (1 overdue), 1 done, 1 dropped"``."""
        if not self.items:
            return "No actions yet."
        done = sum(1 for i in self.items if i.status == "done")
        dropped = sum(1 for i in self.items if i.status == "dropped")
        n = len(self.items)
        late = f" ({len(self.overdue)} overdue)" if self.overdue else ""
        parts = [f"{len(self.open)} open{late}"]
        if done:
            parts.append(f"{done} done")
        if dropped:
            parts.append(f"{dropped} dropped")
        return f"{n} action{'' if n == 1 else 's'}: " + ", ".join(parts)


def _short_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def plan_view(
    actions: Sequence[Action],
    *,
    engagement_id: str,
    framework: Framework,
    order: Sequence[str],
    today: dt.date,
) -> PlanView:
    """:class:`PlanView` of ``actions`` on ``today``, grouped by factor in ``order``."""
    rank = {fid: i for i, fid in enumerate(order)}
    items = []
    for a in actions:
        factor = framework.factor(a.factor) if a.factor in framework.factor_ids else None
        items.append(
            PlanItem(
                id=a.id,
                factor=a.factor,
                label=factor.label if factor else a.factor,
                what=a.what,
                owner=a.owner,
                due=a.due.isoformat(),
                due_text=_short_date(a.due),
                status=a.status,
                overdue=a.overdue(today),
                aim=a.aim,
                aim_name=framework.level_name(a.aim) if a.aim is not None else "",
                remedy=a.remedy.text if a.remedy else "",
                remedy_number=a.remedy.number if a.remedy else None,
                opened_in=a.opened_in,
                opened_on=a.opened_on.isoformat(),
                carried=a.opened_in != engagement_id,
            )
        )
    items.sort(key=lambda i: (rank.get(i.factor, len(rank)), not i.open, i.due, i.what))
    grouped: dict[str, list[PlanItem]] = {}
    for item in items:
        grouped.setdefault(item.factor, []).append(item)
    return PlanView(
        today=today.isoformat(),
        items=tuple(items),
        by_factor=MappingProxyType({k: tuple(v) for k, v in grouped.items()}),
    )
