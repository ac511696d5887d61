"""What a person sends to the assessment session, and what a change did.

:class:`Draft` is the finding form's content at the moment it is saved; :class:`Update` says
which findings a change added, changed or removed, and which changes were made elsewhere (another
tab, a colleague, the command line), so the page redraws only what changed and names who did it.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.findings import Engagement, LoggedChange

__all__ = ["Draft", "Update", "diff"]


@dataclass(frozen=True)
class Draft:
    """What the finding form holds when the consultant saves it."""

    factor: str
    level: int | None
    evidence: str
    source: str = "interview"
    rater: str = ""
    editing: str | None = None  # the id of the finding being edited, if any

    def problems(self) -> list[str]:
        """What is missing before this can be saved (empty when it can)."""
        out = []
        if self.level is None:
            out.append("choose a level (0-4)")
        if not self.evidence.strip():
            out.append("write the evidence")
        return out


@dataclass(frozen=True)
class Update:
    """What changed in the engagement shown: for redrawing, and for telling the consultant.

    ``added``, ``changed`` and ``removed`` are finding ids; ``others`` are change log entries
    made elsewhere (another tab, a colleague, the command line) since this session last looked.
    """

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    others: tuple[LoggedChange, ...] = ()
    settings: bool = False  # targets, not-applicable flags or overrides changed
    phase: bool = False  # the phase changed (what each person sees changes with it)
    opened: bool = False  # an engagement was opened: everything shown is new
    actions: bool = False  # the action plan changed
    survey: bool = False  # the staff survey was imported, replaced or removed

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.changed
            or self.removed
            or self.others
            or self.settings
            or self.phase
            or self.opened
            or self.actions
            or self.survey
        )


def diff(old: Engagement | None, new: Engagement) -> tuple[list[str], list[str], list[str]]:
    """Finding ids added, changed and removed from ``old`` to ``new`` (in ``new``'s order)."""
    before = {} if old is None else {f.id: f for f in old.findings}
    added, changed = [], []
    for f in new.findings:
        was = before.pop(f.id, None)
        if was is None:
            added.append(f.id)
        elif was is not f and was != f:
            changed.append(f.id)
    return added, changed, list(before)
