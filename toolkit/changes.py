"""Changes to an engagement, each written into its change log, and undo from that log.

A change is a function ``Engagement -> Engagement``: it is run through
:func:`toolkit.store.update_engagement` (or :func:`~toolkit.store.update_snapshot`), so it is
applied to the latest file on disk, whoever saved last. Each one appends a
:class:`~toolkit.findings.LoggedChange` saying who made it, what it changed, and the value
before and after. Undo reads the log, so it survives a reload and a restart:
:func:`last_undoable` finds a person's latest change not yet taken back, and :func:`undo` puts
back its ``before`` value, but only where nobody has changed that thing since; otherwise it
refuses with a message naming who did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from toolkit.errors import EngagementError
from toolkit.findings import (
    Engagement,
    Finding,
    LoggedChange,
    Override,
    Phase,
    new_finding_id,
)
from toolkit.framework import Framework

__all__ = [
    "Change",
    "add_finding",
    "add_findings",
    "factor_history",
    "last_undoable",
    "remove_finding",
    "set_not_applicable",
    "set_override",
    "set_phase",
    "set_target",
    "undo",
    "update_finding",
]

Change = Callable[[Engagement], Engagement]

#: Kinds of change that undo can take back.
_UNDOABLE = {
    "finding added",
    "finding changed",
    "finding deleted",
    "target",
    "not applicable",
    "consensus",
}


def _label(framework: Framework | None, factor: str) -> str:
    if framework is None:
        return factor
    try:
        return framework.factor(factor).label
    except KeyError:
        return factor


def _finding_json(f: Finding) -> dict[str, Any]:
    data: dict[str, Any] = f.model_dump(mode="json")
    return data


def _by(e: Engagement, by: str | None) -> str:
    return by.strip() if by and by.strip() else e.lead


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
    fid = id or new_finding_id()

    def change(e: Engagement) -> Engagement:
        new = e.add_finding(
            factor=factor, level=level, evidence=evidence, source=source, rater=rater, id=fid
        )
        added = new.finding(fid)
        return new.logged(
            LoggedChange(
                by=_by(e, by or added.rater),
                kind="finding added",
                factor=factor,
                subject=fid,
                summary=f"Finding added to {_label(framework, factor)} (level {level})",
                after=_finding_json(added),
            )
        )

    return fid, change


def add_findings(findings: Sequence[Finding], *, source: str, by: str | None = None) -> Change:
    """Add many findings at once (an import), logged as one entry naming ``source``.

    The entry lists the findings' ids and counts them per factor; it cannot be undone from the
    dashboard (delete the findings, or restore the ``.bak``).
    """
    items = tuple(findings)

    def change(e: Engagement) -> Engagement:
        per_factor: dict[str, int] = {}
        for f in items:
            per_factor[f.factor] = per_factor.get(f.factor, 0) + 1
        n = len(items)
        return e.with_findings([*e.findings, *items]).logged(
            LoggedChange(
                by=_by(e, by),
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
                by=_by(e, by),
                kind="finding changed",
                factor=now.factor,
                subject=finding_id,
                summary=f"Finding changed in {where}",
                before=_finding_json(old),
                after=_finding_json(now),
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
                by=_by(e, by),
                kind="finding deleted",
                factor=gone.factor,
                subject=finding_id,
                summary=f"Finding deleted from {_label(framework, gone.factor)}",
                before=_finding_json(gone),
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
                by=_by(e, by),
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
                by=_by(e, by),
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
                by=_by(e, by),
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


def set_phase(phase: Phase, *, by: str | None = None) -> Change:
    """Move the engagement to ``phase`` (see :attr:`Engagement.phase`); only its lead may.

    Raises :class:`~toolkit.errors.EngagementError` naming the lead when ``by`` is someone else:
    blind rating is a working agreement of the team, kept by the tool, not a security control.
    """

    def change(e: Engagement) -> Engagement:
        if e.phase == phase:
            return e
        who = _by(e, by)
        if who != e.lead:
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


def _undone(e: Engagement) -> set[str]:
    return {c.undoes for c in e.changes if c.undoes}


def last_undoable(e: Engagement, by: str | None) -> LoggedChange | None:
    """``by``'s latest change that undo can take back and nobody has taken back yet."""
    who = _by(e, by)
    undone = _undone(e)
    for entry in reversed(e.changes):
        if entry.by == who and entry.kind in _UNDOABLE and entry.id not in undone:
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


def _inverse(e: Engagement, entry: LoggedChange) -> Engagement:
    """``e`` with ``entry``'s subject put back to its ``before`` value (checked first)."""
    kind, subject = entry.kind, entry.subject
    ids = {f.id for f in e.findings}

    def conflict() -> EngagementError:
        return EngagementError(
            f"cannot undo “{entry.summary}”: {_changed_since(e, entry)} changed it since"
        )

    if kind == "finding added":
        if subject not in ids or _finding_json(e.finding(subject)) != entry.after:
            raise conflict()
        return e.remove_finding(subject)
    if kind == "finding deleted":
        if subject in ids or not isinstance(entry.before, dict):
            raise conflict()
        return _restore_finding(e, entry.before)
    if kind == "finding changed":
        if subject not in ids or _finding_json(e.finding(subject)) != entry.after:
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
        return _inverse(e, entry).logged(
            LoggedChange(
                by=_by(e, by),
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
