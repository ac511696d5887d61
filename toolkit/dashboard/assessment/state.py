"""What the consultant's page shows, as one value: :class:`AssessmentView`.

The session (:class:`~toolkit.dashboard.assessment.session.AssessmentSession`) owns the view and
replaces it with a new value on every event: a level chosen, a factor picked on the radar, a
save, a colleague's change. The panels draw from it and from the engagement the session holds;
none of them keeps a copy of its own, and none writes another's. Each value has a ``revision``,
one more than the last: what the page draws carries the revision it was drawn from, so a page
(and a browser test) can wait for the drawing an action caused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from toolkit.dashboard.common import Tone
from toolkit.dashboard.widgets.bridge import PageSize
from toolkit.findings import Phase

__all__ = ["AssessmentView"]


@dataclass(frozen=True)
class AssessmentView:
    """One moment of the consultant's page.

    Attributes
    ----------
    factor
        The factor under discussion: in the form, the prompts, the table, the radar's highlight
        and the address.
    preview
        The level chosen in the form and not saved yet: the radar shows where the factor's
        score would move with it. ``None`` when no level is chosen.
    present
        Present mode: radar and summary fill the screen for a projector.
    editing
        The id of the finding in the form for editing, if any.
    rater
        The person named in this tab's Rater box ("" for the lead).
    engagement
        The store's name for the engagement shown (a file name, an id), or ``None``.
    phase
        Its phase (open, a blind rating, consensus), or ``None`` when none is shown.
    saved_at
        When this page last saved a change.
    notice
        What colleagues changed, in one line, the last time they did.
    message, tone
        The message above the page (empty: none), and whether it is news or an error.
    switching
        The "Switch engagement..." panel is open (the only time other engagements are named).
    room
        The room the page measured for the radar, once it has.
    revision
        One more than the view it replaced (see the module docstring).
    """

    factor: str
    preview: int | None = None
    present: bool = False
    editing: str | None = None
    rater: str = ""
    engagement: str | None = None
    phase: Phase | None = None
    saved_at: dt.datetime | None = None
    notice: str = ""
    message: str = ""
    tone: Tone = "info"
    switching: bool = False
    room: PageSize | None = None
    revision: int = 0

    def but(self, **changes: Any) -> AssessmentView:
        """The next view: this one with ``changes`` and the next revision."""
        return dataclasses.replace(self, revision=self.revision + 1, **changes)

    def differs(self, other: AssessmentView, *fields: str) -> bool:
        """Whether any of ``fields`` differs between this view and ``other``."""
        return any(getattr(self, f) != getattr(other, f) for f in fields)
