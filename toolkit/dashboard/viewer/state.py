"""What a stakeholder's page shows, as one value: :class:`ViewerView`.

The viewer's session (:class:`~toolkit.dashboard.viewer.session.ViewerSession`) owns the view and
replaces it on every event (an engagement shown, a panel opened from the radar, "Expand all",
the room measured); :class:`~toolkit.dashboard.viewer.app.ViewerApp` draws it. Nothing in the
view is ever written back anywhere: the viewer has no control that saves.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from toolkit.cycles import History
from toolkit.dashboard.common import Tone
from toolkit.dashboard.widgets.bridge import PageSize
from toolkit.findings import Engagement
from toolkit.report import ReportContent

__all__ = ["Shown", "ViewerView"]


@dataclass(frozen=True)
class Shown:
    """The engagement shown: where it came from, its previous assessment, its content."""

    engagement: Engagement
    previous: Engagement | None
    content: ReportContent
    #: The store's name for it (a file name, an id), or ``None`` for a file chosen on the page.
    name: str | None
    #: The name of the file chosen on the page (``""`` for one from the store).
    uploaded: str = ""
    #: What the page and its reports compare with: the client's earlier cycles (a trend from
    #: three), or the previous assessment alone (a file chosen beside it), or ``None``.
    earlier: Engagement | History | None = None


@dataclass(frozen=True)
class ViewerView:
    """One moment of the stakeholder's page.

    Attributes
    ----------
    shown
        The engagement shown and what the page says about it, or ``None``.
    open_panels
        The factors whose panels are open (the top priorities at first).
    expanded
        "Expand all" is on: every panel is open.
    focus, focused_at
        The factor last picked on the radar, and the revision that picked it: its panel is
        opened again (even when folded by hand) and brought into view.
    room
        The room the page measured for the radar, once it has.
    message, tone
        The message above the page, and whether it is news or an error.
    dropped
        What the drop zone says about the file(s) last chosen on the page.
    revision
        One more than the view it replaced: what the page draws carries it.
    """

    shown: Shown | None = None
    open_panels: frozenset[str] = frozenset()
    expanded: bool = False
    focus: str | None = None
    focused_at: int = -1
    room: PageSize | None = None
    message: str = ""
    tone: Tone = "info"
    dropped: str = ""
    revision: int = 0

    def but(self, **changes: Any) -> ViewerView:
        """The next view: this one with ``changes`` and the next revision."""
        return dataclasses.replace(self, revision=self.revision + 1, **changes)
