"""What to do next, in plain words: the headline sentences and "Where to act first".

:func:`next_steps` turns a scored engagement (and, where there is one, the client's previous
assessment) into two or three sentences and a list of the priorities, each with its score and
level, its target, the change since the previous assessment and the first remedy. The viewer
and every report format show exactly these, so a stakeholder reads the same words on the
screen, in the PDF, on the slides and in the workbook.

Terms a stakeholder meets are plain ("raters disagree, to be settled"); each :class:`Flag`
carries the explanation the dashboards show on hover and the reports print beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from toolkit.agreement import TOP_PRIORITIES
from toolkit.framework import Framework
from toolkit.report.progress import Comparison, PlanItem, PlanView
from toolkit.report.score_row import ScoreRow
from toolkit.report.wording import STEADY, join_names, plural, signed

__all__ = ["Action", "Change", "Flag", "NextSteps", "next_steps"]

#: The largest gaps to target named in the headline.
GAPS_NAMED = 2
#: Plain words for a factor whose raters disagree and whose score the team has not settled.
DISAGREE = "raters disagree, to be settled"
#: Plain words for a disagreement the team settled with a consensus level.
SETTLED = "raters disagreed, the team agreed this level"
#: Plain words for a factor among the top priorities only because of one rater's findings, and
#: for one kept out of them only by one rater's findings (see :func:`toolkit.priority_sensitivity`).
IN_TOP_ON_ONE_RATER = f"in the top {TOP_PRIORITIES} on one rater's findings"
OUT_OF_TOP_ON_ONE_RATER = f"out of the top {TOP_PRIORITIES} on one rater's findings"


@dataclass(frozen=True)
class Flag:
    """A mark on a factor in plain words, and what it means (hover text in the dashboards)."""

    text: str
    explanation: str


@dataclass(frozen=True)
class Change:
    """A factor's change since the previous assessment: ``mark`` ``"▲ +0.5"`` and in words.

    ``moved`` says whether it is a real move, beyond the raters' disagreement in both
    assessments (:func:`toolkit.moves.factor_moves`); a change that is not has a hollow arrow
    (``"△ +0.3"``).
    """

    delta: float | None
    mark: str
    explanation: str
    moved: bool = False


NO_CHANGE = Change(None, "", "")


@dataclass(frozen=True)
class Action:
    """One line of "Where to act first"."""

    rank: int
    factor: str
    label: str
    score: float | None
    score_text: str
    level_name: str
    target: int | None
    target_name: str
    change: Change
    first_step: str
    flags: tuple[Flag, ...]
    #: The factor's open actions (owner, due date, overdue or not), soonest due first.
    planned: tuple[PlanItem, ...] = ()

    @property
    def standing(self) -> str:
        """``"1.0 Ad hoc \u00b7 target 3 Established"``."""
        target = (
            f" \u00b7 target {self.target} {self.target_name}" if self.target is not None else ""
        )
        return f"{self.score_text} {self.level_name}{target}"

    @property
    def line(self) -> str:
        """The whole item on one line (slides, workbook, plain text)."""
        change = f" \u00b7 {self.change.mark}" if self.change.mark else ""
        flags = "".join(f" \u00b7 {f.text}" for f in self.flags)
        return f"{self.rank}. {self.label}: {self.standing}{change}{flags}"


@dataclass(frozen=True)
class NextSteps:
    """The headline and "Where to act first" (see :func:`next_steps`).

    ``changes`` and ``flags`` hold every factor's change and marks, by factor id, for the
    factor sections; ``since`` names the previous assessment (``"14 May 2026"``) or is ``""``.
    """

    sentences: tuple[str, ...]
    actions: tuple[Action, ...]
    since: str
    changes: Mapping[str, Change]
    flags: Mapping[str, tuple[Flag, ...]]


def _flags(row: ScoreRow) -> tuple[Flag, ...]:
    out = []
    low = row.low_agreement and row.r_wg is not None
    agreement = (
        f" (agreement {row.r_wg:.2f} on a scale of 0 to 1, below the usual 0.70)" if low else ""
    )
    if row.basis == "consensus" and (row.low_agreement or (row.spread or 0) >= 2):
        out.append(
            Flag(
                SETTLED,
                f"The raters' levels differed{agreement}; the team discussed the evidence and "
                "agreed the level shown.",
            )
        )
    elif row.needs_consensus or row.low_agreement:
        apart = f"{row.spread:.1f} levels apart" if row.spread is not None else "far apart"
        out.append(
            Flag(
                DISAGREE,
                f"The raters' levels for this factor are {apart}{agreement}, and the team has "
                "not agreed a level yet: settle it before relying on this score.",
            )
        )
    if row.priority_note:
        # "In the top 5 on one rater's findings: without Maya Okafor's, it would be priority 7."
        inside = row.priority is not None and row.priority <= TOP_PRIORITIES
        out.append(
            Flag(IN_TOP_ON_ONE_RATER if inside else OUT_OF_TOP_ON_ONE_RATER, row.priority_note)
        )
    return tuple(out)


def _changes(rows: Sequence[ScoreRow], comparison: Comparison | None) -> dict[str, Change]:
    if comparison is None:
        return {r.factor: NO_CHANGE for r in rows}
    out = {}
    for r in rows:
        m = comparison.row(r.factor)
        if m is None or r.score is None or not m.mark:
            out[r.factor] = NO_CHANGE
        else:
            # The difference of the scores as printed, so that what a reader sees adds up.
            out[r.factor] = Change(m.change, m.mark, m.words, m.moved)
    return out


def _weak_sentence(rows: Sequence[ScoreRow], weak: Sequence[str]) -> str:
    assessed = [r for r in rows if r.score is not None]
    if not assessed:
        return "No factor has been assessed yet: there are no findings to score."
    label = {r.factor: r.label for r in rows}
    if len(assessed) == 1:
        only = assessed[0]
        how = "ad hoc or worse" if weak else "not ad hoc or worse"
        return (
            f"The only assessed factor, {only.label}, is {how}: {only.score_text} "
            f"({only.level_name})."
        )
    of = f"of the {plural(len(assessed), 'assessed factor')}"
    if weak:
        verb = "is" if len(weak) == 1 else "are"
        names = join_names([label[f] for f in weak])
        return f"{len(weak)} {of} {verb} ad hoc or worse: {names}."
    low = min(assessed, key=lambda r: r.score if r.score is not None else math.inf)
    return (
        f"None {of} is ad hoc or worse; the lowest is {low.label} at {low.score_text} "
        f"({low.level_name})."
    )


def _gap_sentence(rows: Sequence[ScoreRow]) -> str:
    assessed = [r for r in rows if r.score is not None]
    if not assessed:
        return ""
    short = sorted(
        (r for r in assessed if r.gap is not None and r.gap > 0),
        key=lambda r: -(r.gap or 0.0),
    )
    if not short:
        if any(r.target is not None for r in assessed):
            return "Every assessed factor meets its target."
        return "No targets are set, so the list below starts from the lowest scores."
    named = [
        f"{r.label} ({r.score_text} against a target of {r.target})" for r in short[:GAPS_NAMED]
    ]
    if len(named) == 1:
        return f"The largest gap to target is in {named[0]}."
    return f"The largest gaps to target are in {join_names(named)}."


def _change_sentence(rows: Sequence[ScoreRow], changes: Mapping[str, Change], since: str) -> str:
    if not since:
        return "There is no earlier assessment to compare with."
    moved = [(r, changes[r.factor]) for r in rows if changes[r.factor].delta is not None]
    if not moved:
        return f"No factor was scored both now and on {since}, so nothing can be compared."
    up = [m for m in moved if (m[1].delta or 0) >= STEADY]
    down = [m for m in moved if (m[1].delta or 0) <= -STEADY]
    same = len(moved) - len(up) - len(down)
    if not up and not down:
        return f"Since {since}, none of the {plural(same, 'factor')} scored both times has moved."
    parts = []
    # "scored higher", not "improved": most changes are within the raters' disagreement
    for group, verb in ((up, "scored higher"), (down, "scored lower")):
        if group:
            parts.append(f"{plural(len(group), 'factor')} {verb}")
    if same:
        parts.append(f"{same} {'is' if same == 1 else 'are'} unchanged")
    real = [f"{r.label} ({signed(c.delta or 0.0)})" for r, c in moved if c.moved]
    changed = len(up) + len(down)
    if not real:
        verdict = (
            "this change is within the raters' own disagreement, so it is not a real move yet"
            if changed == 1
            else "none of these changes is beyond the raters' own disagreement, so none is a "
            "real move yet"
        )
    elif changed == 1:
        verdict = "it is beyond the raters' disagreement, a real move"
    elif len(real) == 1:
        verdict = f"1 of these changes is beyond the raters' disagreement, a real move: {real[0]}"
    else:
        verdict = (
            f"{len(real)} of these changes are beyond the raters' disagreement, real moves: "
            f"{join_names(real)}"
        )
    return f"Since the assessment of {since}, {join_names(parts)}; {verdict}."


def next_steps(
    rows: Sequence[ScoreRow],
    *,
    priorities: Sequence[str],
    weak: Sequence[str],
    framework: Framework,
    comparison: Comparison | None = None,
    plan: PlanView | None = None,
) -> NextSteps:
    """The headline sentences and "Where to act first" of a scored engagement.

    Parameters
    ----------
    rows
        The report's score rows (:class:`~toolkit.report.score_row.ScoreRow`), framework order.
    priorities
        Factor ids in priority order (:func:`toolkit.summarize`).
    weak
        The factors that are ad hoc or worse (level reached 1 or 0), framework order.
    framework
        For each factor's first remedy.
    comparison
        What moved since the previous assessment (:mod:`toolkit.report.progress`), or
        ``None``.
    plan
        The action plan: each priority lists its factor's open actions.

    Returns
    -------
    NextSteps
        Sentences: the factors ad hoc or worse, the largest gaps to target, what moved since
        the previous assessment. Actions: one per priority, most urgent first.
    """
    since = comparison.since if comparison is not None else ""
    changes = _changes(rows, comparison)
    planned = plan.by_factor if plan is not None else {}
    flags = {r.factor: _flags(r) for r in rows}
    by_id = {r.factor: r for r in rows}
    actions = []
    for rank, fid in enumerate(priorities, start=1):
        r = by_id[fid]
        remedies = framework.factor(fid).remedies
        actions.append(
            Action(
                rank=rank,
                factor=fid,
                label=r.label,
                score=r.score,
                score_text=r.score_text,
                level_name=r.level_name,
                target=r.target,
                target_name=framework.level_name(r.target) if r.target is not None else "",
                change=changes[fid],
                first_step=remedies[0] if remedies else "",
                flags=flags[fid],
                planned=tuple(i for i in planned.get(fid, ()) if i.open),
            )
        )
    sentences = [
        _weak_sentence(rows, weak),
        _gap_sentence(rows),
        _change_sentence(rows, changes, since),
    ]
    return NextSteps(
        sentences=tuple(s for s in sentences if s),
        actions=tuple(actions),
        since=since,
        changes=changes,
        flags=flags,
    )
