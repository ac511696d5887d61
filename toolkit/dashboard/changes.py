"""Changes the assessment dashboard makes, each paired with the change that undoes it.

A change is a function ``Engagement -> (Engagement, inverse)``. The dashboard runs it through
:func:`toolkit.store.update_engagement`, so it is applied to the latest file on disk (another tab
may have saved since), and the inverse is computed from that same latest state. Undo applies
the inverse the same way: it takes back this change only, never another tab's work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from toolkit.findings import Engagement, new_finding_id

__all__ = [
    "Change",
    "Inverse",
    "add_finding",
    "remove_finding",
    "set_not_applicable",
    "set_override",
    "set_target",
    "update_finding",
]

Inverse = Callable[[Engagement], Engagement]
Change = Callable[[Engagement], tuple[Engagement, Inverse]]


def add_finding(
    *, factor: str, level: int, evidence: str, source: str, rater: str | None
) -> tuple[str, Change]:
    """Add a finding (its id is chosen now, so undo removes exactly this one)."""
    fid = new_finding_id()

    def change(e: Engagement) -> tuple[Engagement, Inverse]:
        new = e.add_finding(
            factor=factor, level=level, evidence=evidence, source=source, rater=rater, id=fid
        )
        return new, lambda cur: cur.remove_finding(fid)

    return fid, change


def update_finding(finding_id: str, **changes: Any) -> Change:
    """Change fields of one finding; undo restores the fields it had."""

    def change(e: Engagement) -> tuple[Engagement, Inverse]:
        old = e.finding(finding_id).model_dump()
        before = {k: old[k] for k in changes}
        return e.update_finding(finding_id, **changes), lambda cur: cur.update_finding(
            finding_id, **before
        )

    return change


def remove_finding(finding_id: str) -> Change:
    """Delete one finding; undo puts it back with the same id, fields and place."""

    def change(e: Engagement) -> tuple[Engagement, Inverse]:
        gone = e.finding(finding_id)  # an error naming the id if another tab deleted it
        position = [f.id for f in e.findings].index(finding_id)

        def inverse(cur: Engagement) -> Engagement:
            items = list(cur.findings)
            items.insert(min(position, len(items)), gone)
            return cur.with_findings(items)

        return e.remove_finding(finding_id), inverse

    return change


def set_override(factor: str, level: int | None, *, reason: str, by: str | None) -> Change:
    """Set (or clear, with ``None``) the consensus override of ``factor``."""

    def change(e: Engagement) -> tuple[Engagement, Inverse]:
        old = e.overrides.get(factor)

        def inverse(cur: Engagement) -> Engagement:
            overrides = dict(cur.overrides)
            if old is None:
                overrides.pop(factor, None)
            else:
                overrides[factor] = old
            return cur.model_copy(update={"overrides": overrides})

        return e.set_override(factor, level, reason=reason, by=by), inverse

    return change


def set_target(factor: str, level: int | None) -> Change:
    """Set (or clear) the target level of ``factor``."""

    def change(e: Engagement) -> tuple[Engagement, Inverse]:
        old = e.targets.get(factor)
        return e.set_target(factor, level), lambda cur: cur.set_target(factor, old)

    return change


def set_not_applicable(factor: str, value: bool) -> Change:
    """Mark ``factor`` not applicable to this client, or applicable again."""

    def change(e: Engagement) -> tuple[Engagement, Inverse]:
        old = factor in e.not_applicable
        return e.set_not_applicable(factor, value), lambda cur: cur.set_not_applicable(factor, old)

    return change
