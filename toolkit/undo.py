"""Undo, read from the change log, so it survives a reload and a restart.

:func:`last_undoable` finds a person's latest change not yet taken back, and :func:`undo` puts
back its ``before`` value, but only where nobody has changed that thing since; otherwise it
refuses with a message naming who did. An undo is itself logged, naming the entry it takes
back.
"""

from __future__ import annotations

from typing import Any

from toolkit.action_plan import Action, action_json, plan_author_problem
from toolkit.change_log import ACTION_KINDS, UNDOABLE, LoggedChange
from toolkit.errors import EngagementError
from toolkit.findings import Change, Engagement, Finding, Override, author, finding_json

__all__ = ["factor_history", "last_undoable", "undo"]


def _undone(e: Engagement) -> set[str]:
    return {c.undoes for c in e.changes if c.undoes}


def last_undoable(e: Engagement, by: str | None) -> LoggedChange | None:
    """``by``'s latest change that undo can take back and nobody has taken back yet."""
    who = author(e, by)
    undone = _undone(e)
    for entry in reversed(e.changes):
        if entry.by == who and entry.kind in UNDOABLE and entry.id not in undone:
            return entry
    return None


def _changed_since(e: Engagement, entry: LoggedChange) -> str:
    """Who changed ``entry``'s subject after it, as ``"Tom Reyes at 10:42"``; "" if nobody."""
    seen = False
    for later in e.changes:
        if later.id == entry.id:
            seen = True
        elif seen and later.subject == entry.subject and later.kind != "undo":
            return f"{later.by} at {later.at.astimezone():%H:%M}"
    return "someone else"


def _restore_finding(e: Engagement, data: dict[str, Any]) -> Engagement:
    """``e`` with the finding ``data`` back in recorded order (before the first later one)."""
    found = Finding.model_validate(data)
    items = list(e.findings)
    at = next((i for i, f in enumerate(items) if f.recorded_at > found.recorded_at), len(items))
    items.insert(at, found)
    return e.with_findings(items)


def _opening_order(e: Engagement) -> dict[str, int]:
    """Each action's place in the order actions were opened, read from the change log: those
    carried by the start of the cycle first, then each added one (several can be added in one
    second, so their times alone cannot say)."""
    order: dict[str, int] = {}
    for entry in e.changes:
        if entry.kind == "cycle started" and isinstance(entry.after, dict):
            carried = entry.after.get("actions")
            for aid in carried if isinstance(carried, list) else ():
                order.setdefault(str(aid), len(order))
        elif entry.kind == "action added" and entry.subject:
            order.setdefault(entry.subject, len(order))
    return order


def _restore_action(e: Engagement, data: dict[str, Any]) -> Engagement:
    """``e`` with the action ``data`` back in the order actions were opened (by the log; by
    time for an action the log does not know)."""
    found = Action.model_validate(data)
    items = list(e.actions)
    order = _opening_order(e)

    def later(a: Action) -> bool:
        if a.id in order and found.id in order:
            return order[a.id] > order[found.id]
        return a.created_at > found.created_at

    at = next((i for i, a in enumerate(items) if later(a)), len(items))
    items.insert(at, found)
    return e.with_actions(items)


def _inverse_action(e: Engagement, entry: LoggedChange, conflict: EngagementError) -> Engagement:
    """``e`` with an action put back as ``entry`` found it (checked first)."""
    kind, subject = entry.kind, entry.subject
    ids = {a.id for a in e.actions}
    current = action_json(e.action(subject)) if subject in ids else None
    if kind == "action added":
        if current is None or current != entry.after:
            raise conflict
        return e.with_actions([a for a in e.actions if a.id != subject])
    if kind == "action deleted":
        if current is not None or not isinstance(entry.before, dict):
            raise conflict
        return _restore_action(e, entry.before)
    if current is None or current != entry.after or not isinstance(entry.before, dict):
        raise conflict
    was = Action.model_validate(entry.before)
    return e.with_actions([was if a.id == subject else a for a in e.actions])


def _inverse(e: Engagement, entry: LoggedChange) -> Engagement:
    """``e`` with ``entry``'s subject put back to its ``before`` value (checked first)."""
    kind, subject = entry.kind, entry.subject
    ids = {f.id for f in e.findings}

    def conflict() -> EngagementError:
        return EngagementError(
            f"cannot undo “{entry.summary}”: {_changed_since(e, entry)} changed it since"
        )

    if kind in ACTION_KINDS:
        return _inverse_action(e, entry, conflict())
    if kind == "finding added":
        if subject not in ids or finding_json(e.finding(subject)) != entry.after:
            raise conflict()
        return e.remove_finding(subject)
    if kind == "finding deleted":
        if subject in ids or not isinstance(entry.before, dict):
            raise conflict()
        return _restore_finding(e, entry.before)
    if kind == "finding changed":
        if subject not in ids or finding_json(e.finding(subject)) != entry.after:
            raise conflict()
        assert isinstance(entry.before, dict)
        fields = {k: v for k, v in entry.before.items() if k != "id"}
        return e.update_finding(subject, **fields)
    if kind == "target":
        if e.targets.get(subject) != entry.after:
            raise conflict()
        before = entry.before
        return e.set_target(subject, before if isinstance(before, int) else None)
    if kind == "not applicable":
        if (subject in e.not_applicable) != entry.after:
            raise conflict()
        return e.set_not_applicable(subject, bool(entry.before))
    if kind == "consensus":
        now = e.overrides.get(subject)
        if (None if now is None else now.model_dump(mode="json")) != entry.after:
            raise conflict()
        overrides = dict(e.overrides)
        if entry.before is None:
            overrides.pop(subject, None)
        else:
            overrides[subject] = Override.model_validate(entry.before)
        return e.model_copy(update={"overrides": overrides})
    raise EngagementError(f"cannot undo a change of kind {kind!r}")


def undo(entry_id: str, *, by: str | None = None) -> Change:
    """Take back the logged change ``entry_id``, and log the undo.

    Raises :class:`~toolkit.errors.EngagementError` (nothing changed) when the entry is not in
    the log, was already undone, or its subject was changed since by someone.
    """

    def change(e: Engagement) -> Engagement:
        entry = next((c for c in e.changes if c.id == entry_id), None)
        if entry is None:
            raise EngagementError(f"changes: no change with id {entry_id!r} to undo")
        if entry_id in _undone(e):
            raise EngagementError(f"“{entry.summary}” was already undone")
        who = author(e, by)
        if entry.kind in ACTION_KINDS:
            problem = plan_author_problem(phase=e.phase, lead=e.lead, who=who)
            if problem:
                raise EngagementError(problem)
        return _inverse(e, entry).logged(
            LoggedChange(
                by=who,
                kind="undo",
                factor=entry.factor,
                subject=entry.subject,
                summary=f"Undone: {entry.summary}",
                before=entry.after,
                after=entry.before,
                undoes=entry.id,
            )
        )

    return change


def factor_history(e: Engagement, factor: str) -> list[LoggedChange]:
    """The change log entries about ``factor``, newest first (the log is in saving order)."""
    return [c for c in reversed(e.changes) if c.factor == factor]
