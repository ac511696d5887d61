"""Changes to an engagement, each written into its change log; undo takes them back.

A change is a function ``Engagement -> Engagement``: it is run through
:func:`toolkit.store.update_engagement` (or :func:`~toolkit.store.update_snapshot`), so it is
applied to the latest file on disk, whoever saved last. Each one appends a
:class:`~toolkit.change_log.LoggedChange` saying who made it, what it changed, and the value
before and after. Undo (:func:`last_undoable`, :func:`undo`, :func:`factor_history`) reads
that log; it lives in :mod:`toolkit.undo` and is importable from here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from toolkit._model import new_id
from toolkit.action_plan import Action, Remedy, action_json, plan_author_problem
from toolkit.change_log import LoggedChange, plain_label
from toolkit.errors import EngagementError
from toolkit.findings import (
    Change,
    Engagement,
    Finding,
    Phase,
    author,
    describe_validation_error,
    finding_json,
)
from toolkit.framework import Framework
from toolkit.undo import factor_history, last_undoable, undo

__all__ = [
    "ACTION_FIELDS",
    "Change",
    "add_action",
    "add_finding",
    "add_findings",
    "factor_history",
    "last_undoable",
    "remove_action",
    "remove_finding",
    "set_not_applicable",
    "set_override",
    "set_phase",
    "set_target",
    "undo",
    "update_action",
    "update_finding",
]


def _label(framework: Framework | None, factor: str) -> str:
    if framework is None:
        return factor
    try:
        return framework.factor(factor).label
    except KeyError:
        return factor


def add_finding(
    *,
    factor: str,
    level: int,
    evidence: str,
    source: str = "interview",
    rater: str | None = None,
    by: str | None = None,
    id: str | None = None,
    framework: Framework | None = None,
) -> tuple[str, Change]:
    """Add a finding; its id is chosen now, so an undo removes exactly this one.

    ``rater`` defaults to the engagement lead; ``by`` (who made the change) to the rater.
    """
    fid = id or new_id()

    def change(e: Engagement) -> Engagement:
        new = e.add_finding(
            factor=factor, level=level, evidence=evidence, source=source, rater=rater, id=fid
        )
        added = new.finding(fid)
        return new.logged(
            LoggedChange(
                by=author(e, by or added.rater),
                kind="finding added",
                factor=factor,
                subject=fid,
                summary=f"Finding added to {_label(framework, factor)} (level {level})",
                after=finding_json(added),
            )
        )

    return fid, change


def add_findings(findings: Sequence[Finding], *, source: str, by: str | None = None) -> Change:
    """Add many findings at once (an import), logged as one entry naming ``source``.

    The entry lists the findings' ids and counts them per factor; it cannot be undone from the
    dashboard (delete the findings, or restore the ``.bak``).
    """
    items = tuple(findings)
    source = plain_label(source)

    def change(e: Engagement) -> Engagement:
        per_factor: dict[str, int] = {}
        for f in items:
            per_factor[f.factor] = per_factor.get(f.factor, 0) + 1
        n = len(items)
        return e.with_findings([*e.findings, *items]).logged(
            LoggedChange(
                by=author(e, by),
                kind="findings imported",
                factor=next(iter(per_factor)) if len(per_factor) == 1 else None,
                subject=source,
                summary=f"{n} finding{'' if n == 1 else 's'} imported from {source}",
                after={"ids": [f.id for f in items], "per_factor": per_factor},
            )
        )

    return change


def update_finding(
    finding_id: str, *, by: str | None = None, framework: Framework | None = None, **fields: Any
) -> Change:
    """Change fields of one finding (never its id); the log keeps the fields it had."""

    def change(e: Engagement) -> Engagement:
        old = e.finding(finding_id)
        new = e.update_finding(finding_id, **fields)
        now = new.finding(finding_id)
        if now == old:
            return e
        factors = {old.factor, now.factor}
        where = " / ".join(_label(framework, f) for f in sorted(factors))
        return new.logged(
            LoggedChange(
                by=author(e, by),
                kind="finding changed",
                factor=now.factor,
                subject=finding_id,
                summary=f"Finding changed in {where}",
                before=finding_json(old),
                after=finding_json(now),
            )
        )

    return change


def remove_finding(
    finding_id: str, *, by: str | None = None, framework: Framework | None = None
) -> Change:
    """Delete one finding; an undo puts it back with the same id, fields and place."""

    def change(e: Engagement) -> Engagement:
        gone = e.finding(finding_id)  # an error naming the id if another tab deleted it
        return e.remove_finding(finding_id).logged(
            LoggedChange(
                by=author(e, by),
                kind="finding deleted",
                factor=gone.factor,
                subject=finding_id,
                summary=f"Finding deleted from {_label(framework, gone.factor)}",
                before=finding_json(gone),
            )
        )

    return change


def set_target(
    factor: str, level: int | None, *, by: str | None = None, framework: Framework | None = None
) -> Change:
    """Set (or clear, with ``None``) the target level of ``factor``."""

    def change(e: Engagement) -> Engagement:
        old = e.targets.get(factor)
        if old == level:
            return e
        shown = "cleared" if level is None else f"set to {level}"
        return e.set_target(factor, level).logged(
            LoggedChange(
                by=author(e, by),
                kind="target",
                factor=factor,
                subject=factor,
                summary=f"Target of {_label(framework, factor)} {shown}",
                before=old,
                after=level,
            )
        )

    return change


def set_not_applicable(
    factor: str, value: bool, *, by: str | None = None, framework: Framework | None = None
) -> Change:
    """Mark ``factor`` not applicable to this client, or applicable again."""

    def change(e: Engagement) -> Engagement:
        old = factor in e.not_applicable
        if old == value:
            return e
        what = "not applicable" if value else "applicable again"
        return e.set_not_applicable(factor, value).logged(
            LoggedChange(
                by=author(e, by),
                kind="not applicable",
                factor=factor,
                subject=factor,
                summary=f"{_label(framework, factor)} marked {what}",
                before=old,
                after=value,
            )
        )

    return change


def set_override(
    factor: str,
    level: int | None,
    *,
    reason: str = "",
    agreed_by: str | None = None,
    by: str | None = None,
    framework: Framework | None = None,
) -> Change:
    """Set (or clear, with ``None``) the consensus level of ``factor``.

    ``agreed_by`` is who set the consensus (recorded on the override, default the lead);
    ``by`` is who made the change in the tool (recorded in the log).
    """

    def change(e: Engagement) -> Engagement:
        old = e.overrides.get(factor)
        new = e.set_override(factor, level, reason=reason, by=agreed_by)
        now = new.overrides.get(factor)
        shown = "cleared" if level is None else f"set to {level}"
        return new.logged(
            LoggedChange(
                by=author(e, by),
                kind="consensus",
                factor=factor,
                subject=factor,
                summary=f"Consensus on {_label(framework, factor)} {shown}",
                before=None if old is None else old.model_dump(mode="json"),
                after=None if now is None else now.model_dump(mode="json"),
            )
        )

    return change


_PHASE_WORDS = {
    "independent": "Blind rating started: each rater sees only their own findings",
    "consensus": "Panel revealed for consensus",
    "open": "Consensus closed: everything visible to everyone",
}


def set_phase(phase: Phase, *, by: str | None = None, as_lead: bool = False) -> Change:
    """Move the engagement to ``phase`` (see :attr:`Engagement.phase`); only its lead may.

    Raises :class:`~toolkit.errors.EngagementError` naming the lead when ``by`` is someone else:
    on a laptop blind rating is a working agreement of the team, kept by the tool. Signed in to
    a PostgreSQL store, the database enforces it, and ``by`` is the signed-in user, whose role
    (not their name) makes them the lead: ``as_lead=True`` (:meth:`toolkit.access.Reader.is_lead`).
    """

    def change(e: Engagement) -> Engagement:
        if e.phase == phase:
            return e
        who = author(e, by)
        if who != e.lead and not as_lead:
            raise EngagementError(
                f"only the engagement lead, {e.lead}, can change the phase (you are {who})"
            )
        return e.model_copy(update={"phase": phase}).logged(
            LoggedChange(
                by=who,
                kind="phase",
                subject="engagement",
                summary=_PHASE_WORDS[phase],
                before=e.phase,
                after=phase,
            )
        )

    return change


# -- the action plan ------------------------------------------------------------------------------

#: The fields of an action :func:`update_action` changes (never its id, factor or origin).
ACTION_FIELDS: tuple[str, ...] = ("what", "owner", "due", "status", "aim")


def _plan_author(e: Engagement, by: str | None) -> str:
    """Who changes the plan; refused to anyone but the lead during a blind rating."""
    who = author(e, by)
    problem = plan_author_problem(phase=e.phase, lead=e.lead, who=who)
    if problem:
        raise EngagementError(problem)
    return who


def _short(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "\u2026"


def _due_problem(e: Engagement, due: Any) -> str | None:
    if isinstance(due, dt.date) and not isinstance(due, dt.datetime) and due < e.date:
        return (
            f"due: {due.isoformat()} is before the engagement's date, {e.date.isoformat()}; "
            "an action falls due on or after it"
        )
    return None


def _validated_action(data: dict[str, Any]) -> Action:
    try:
        return Action.model_validate(data)
    except ValidationError as exc:
        raise EngagementError("; ".join(describe_validation_error(exc))) from None


def _remedy(framework: Framework | None, factor: str, number: int | None) -> Remedy | None:
    if number is None:
        return None
    if framework is None:
        raise EngagementError("from remedy: the framework is needed to read its remedies")
    remedies = framework.factor(factor).remedies
    if isinstance(number, bool) or not 1 <= number <= len(remedies):
        label = framework.factor(factor).label
        raise EngagementError(
            f"from remedy: {label} has {len(remedies)} remedies (1-{len(remedies)}); "
            f"{number!r} is not one of them"
        )
    return Remedy(number=number, text=remedies[number - 1])


def _check_factor(e: Engagement, factor: str, framework: Framework | None) -> None:
    if framework is not None and factor not in framework.factor_ids:
        raise EngagementError(f"factor: unknown factor {factor!r}")
    if factor in e.not_applicable:
        raise EngagementError(
            f"factor: {_label(framework, factor)} is marked not applicable to this client; an "
            "action needs a factor that applies (mark it applicable again first)"
        )


def add_action(
    *,
    factor: str,
    what: str | None,
    owner: str,
    due: dt.date | str,
    aim: int | None = None,
    remedy: int | None = None,
    status: str = "planned",
    by: str | None = None,
    id: str | None = None,
    framework: Framework | None = None,
) -> tuple[str, Change]:
    """Add an action to the plan; its id is chosen now, so an undo removes exactly this one.

    ``remedy`` is the number (1 is the first) of the factor's remedy in ``framework`` the action
    comes from; ``what`` then defaults to the remedy's text. The action is opened in this
    engagement (its id and date). Raises :class:`~toolkit.errors.EngagementError`, naming the
    field, for an owner that is not a name, a date that is not one or falls before the
    engagement's date, an unknown or not applicable factor, a remedy the factor does not have,
    or anyone but the lead during a blind rating; nothing is changed.
    """
    aid = id or new_id()

    def change(e: Engagement) -> Engagement:
        who = _plan_author(e, by)
        _check_factor(e, factor, framework)
        came_from = _remedy(framework, factor, remedy)
        text = (
            what if what is not None and what.strip() else (came_from.text if came_from else what)
        )
        action = _validated_action(
            {
                "id": aid,
                "factor": factor,
                "what": text if text is not None else "",
                "owner": owner,
                "due": due,
                "aim": aim,
                "status": status,
                "remedy": came_from,
                "opened_in": e.id,
                "opened_on": e.date,
            }
        )
        problem = _due_problem(e, action.due)
        if problem:
            raise EngagementError(problem)
        return e.with_actions([*e.actions, action]).logged(
            LoggedChange(
                by=who,
                kind="action added",
                factor=factor,
                subject=aid,
                summary=(
                    f"Action added to {_label(framework, factor)}: {_short(action.what)} "
                    f"({action.owner}, due {action.due.isoformat()})"
                ),
                after=action_json(action),
            )
        )

    return aid, change


def _change_words(old: Action, now: Action, where: str) -> str:
    changed = [name for name in ACTION_FIELDS if getattr(old, name) != getattr(now, name)]
    if changed == ["status"]:
        return f"Action in {where} marked {now.status}: {_short(now.what)}"
    if changed == ["owner"]:
        return f"Action in {where} handed to {now.owner}: {_short(now.what)}"
    if changed == ["due"]:
        return f"Action in {where} now due {now.due.isoformat()}: {_short(now.what)}"
    return f"Action changed in {where} ({', '.join(changed)}): {_short(now.what)}"


def update_action(
    action_id: str, *, by: str | None = None, framework: Framework | None = None, **fields: Any
) -> Change:
    """Change fields of one action (:data:`ACTION_FIELDS`); the log keeps what it had.

    A new due date must not fall before the engagement's date (a carried action may keep an
    earlier one); the other checks are :func:`add_action`'s.
    """
    unknown = sorted(set(fields) - set(ACTION_FIELDS))
    if unknown:
        raise EngagementError(
            f"{unknown[0]}: an action's {', '.join(ACTION_FIELDS)} can be changed, not this"
        )

    def change(e: Engagement) -> Engagement:
        old = e.action(action_id)  # an error naming the id if another tab deleted it
        who = _plan_author(e, by)
        now = _validated_action({**old.model_dump(), **fields})
        if now == old:
            return e
        if now.due != old.due:
            problem = _due_problem(e, now.due)
            if problem:
                raise EngagementError(problem)
        items = [now if a.id == action_id else a for a in e.actions]
        return e.with_actions(items).logged(
            LoggedChange(
                by=who,
                kind="action changed",
                factor=now.factor,
                subject=action_id,
                summary=_change_words(old, now, _label(framework, now.factor)),
                before=action_json(old),
                after=action_json(now),
            )
        )

    return change


def remove_action(
    action_id: str, *, by: str | None = None, framework: Framework | None = None
) -> Change:
    """Delete one action (one entered by mistake; a decided one is better marked dropped); an
    undo puts it back with the same id, fields and place."""

    def change(e: Engagement) -> Engagement:
        gone = e.action(action_id)
        who = _plan_author(e, by)
        return e.with_actions([a for a in e.actions if a.id != action_id]).logged(
            LoggedChange(
                by=who,
                kind="action deleted",
                factor=gone.factor,
                subject=action_id,
                summary=(
                    f"Action deleted from {_label(framework, gone.factor)}: {_short(gone.what)}"
                ),
                before=action_json(gone),
            )
        )

    return change
