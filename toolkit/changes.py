"""Changes to an engagement, each written into its change log; undo takes them back.

A change is a function ``Engagement -> Engagement``: it is run through
:func:`toolkit.store.update_engagement` (or :func:`~toolkit.store.update_snapshot`), so it is
applied to the latest file on disk, whoever saved last. Each one appends a
:class:`~toolkit.change_log.LoggedChange` saying who made it, what it changed, and the value
before and after. Undo (:func:`last_undoable`, :func:`undo`, :func:`factor_history`) reads
that log; it lives in :mod:`toolkit.undo` and is importable from here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toolkit._model import new_id
from toolkit.change_log import LoggedChange, plain_label
from toolkit.errors import EngagementError
from toolkit.findings import Change, Engagement, Finding, Phase, author, finding_json
from toolkit.framework import Framework
from toolkit.undo import factor_history, last_undoable, undo

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
