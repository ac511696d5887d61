"""The stakeholders' view, apart from any widget: which engagement is shown, and from where.

:class:`ViewerSession` shows exactly one engagement of its store (a folder of files or a
database, read through :class:`~toolkit.stores.Store` only): the one the page's URL names
(``?engagement=REF``: a file name in a folder, an id in a database), else the one the server was
started for (``TENFOLD_ENGAGEMENT``, set by ``tenfold dashboard --viewer --engagement REF``; the
viewer then serves that one only), else the newest in the store. It never falls back to another
engagement when the one named cannot be opened, and it lists the store's engagements only for a
portfolio viewer (``TENFOLD_PORTFOLIO=1``, ``tenfold dashboard --viewer --portfolio``):
otherwise no other client's name is ever in the page. What the page shows is the session's
:attr:`~ViewerSession.view` (:class:`~toolkit.dashboard.viewer.state.ViewerView`), replaced by
every event.

An engagement file chosen or dropped on the page (:meth:`ViewerSession.receive`) is checked
exactly as ``tenfold validate`` checks a file and kept in memory only: nothing is written to
the server's disk, and it lives in this page's kernel, which no other visitor shares.

What is shown is a :class:`~toolkit.report.ReportContent`, the same content model the reports
are made from, so the screen and the downloads say the same things. The page's reader is a
stakeholder (:data:`toolkit.access.STAKEHOLDER`): an engagement in a blind rating is not shown,
nor its reports made, until the lead reveals the panel (:func:`toolkit.access.whole`).
"""

from __future__ import annotations

import os
from pathlib import Path

from toolkit import access
from toolkit.cycles import History, history
from toolkit.dashboard.common import Tone
from toolkit.dashboard.engagements import page_ref, store_of
from toolkit.dashboard.viewer.state import Shown, ViewerView
from toolkit.dashboard.widgets.bridge import PageSize
from toolkit.errors import EngagementError
from toolkit.findings import Engagement
from toolkit.framework import Framework
from toolkit.limits import describe_bytes
from toolkit.report import build_content
from toolkit.store import engagement_from_bytes
from toolkit.stores import Store

__all__ = ["OPEN_AT_FIRST", "Shown", "ViewerSession"]

#: How many of the top priorities have their panel open when an engagement is shown.
OPEN_AT_FIRST = 3


class ViewerSession:
    """One page's view (see the module docstring).

    Parameters
    ----------
    framework
        The framework the engagements are scored against.
    store
        Where the engagements are: a :class:`~toolkit.stores.Store`, a folder or a database URL.
    portfolio
        List every engagement of the store (an internal team's viewer).
    pinned
        The only engagement this viewer shows from the store (its ref), if any.
    """

    #: Who reads this page (:mod:`toolkit.access`): a stakeholder.
    reader: access.Reader = access.STAKEHOLDER

    def __init__(
        self,
        framework: Framework,
        store: Store | str | os.PathLike[str] | None = None,
        *,
        portfolio: bool = False,
        pinned: str | None = None,
    ) -> None:
        self.framework = framework
        self.store = store_of(store)
        self.portfolio = portfolio
        self.pinned = pinned
        self.view = ViewerView()

    @classmethod
    def from_environment(
        cls, framework: Framework, store: Store | str | os.PathLike[str] | None = None
    ) -> ViewerSession:
        """A session set up as ``tenfold dashboard --viewer`` asked (see the module docstring)."""
        return cls(
            framework,
            store,
            portfolio=os.environ.get("TENFOLD_PORTFOLIO") == "1",
            pinned=os.environ.get("TENFOLD_ENGAGEMENT") or None,
        )

    @property
    def shown(self) -> Shown | None:
        return self.view.shown

    @property
    def open_panels(self) -> frozenset[str]:
        return self.view.open_panels

    def _next(self, **changes: object) -> ViewerView:
        self.view = self.view.but(**changes)
        return self.view

    def say(self, message: str, tone: Tone = "info") -> None:
        self._next(message=message, tone=tone)

    def measure(self, room: PageSize) -> None:
        """The page reported the room the radar has."""
        if room != self.view.room:
            self._next(room=room)

    # -- what can be opened ---------------------------------------------------------------------
    def choices(self) -> list[tuple[str, str]]:
        """(label, ref) of every engagement in the store; empty unless a portfolio."""
        if not self.portfolio:
            return []
        return [(i.label, i.ref) for i in self.store.engagements()]

    def open_page(self, query: dict[str, str]) -> str:
        """Show what the page's URL names; returns a note for the page (``""`` when none).

        Raises :class:`~toolkit.errors.EngagementError` when the engagement named cannot be
        shown; nothing else is shown instead.
        """
        wanted = query.get("engagement") or None
        note = ""
        if self.pinned is not None and wanted not in (None, self.pinned) and not self.portfolio:
            note = "This viewer shows one engagement only; the page's address named another."
            wanted = None
        self.open(wanted or self.pinned)
        return note

    def open(self, name: str | None = None) -> Shown:
        """Show the store's engagement ``name`` (default: the newest)."""
        shown = self.view.shown
        if name is not None and shown is not None and shown.name == name:
            return shown  # what the page asks for is shown already
        if name is None:
            readable = [i for i in self.store.engagements() if not i.problem]
            if not readable:
                raise EngagementError("there is no engagement to show here yet")
            name = readable[0].ref
        name = page_ref(name)  # never a path: an engagement of this store only
        try:
            snapshot = self.store.load(name, framework=self.framework)
        except EngagementError:
            known = {r for i in self.store.engagements() for r in (i.ref, i.id)}
            if name not in known:
                raise EngagementError(f"{name}: there is no engagement of that name here") from None
            raise
        engagement = snapshot.engagement
        # The linked previous cycle and the ones before it, for the comparison and a trend.
        earlier = history(self.store, engagement, framework=self.framework, reader=self.reader)
        return self._show(engagement, earlier, name=snapshot.ref)

    def receive(self, files: list[tuple[str, bytes]]) -> Shown:
        """Show engagement files chosen on the page: one, or two of the same client (the
        earlier is then the previous assessment). Nothing is written anywhere.

        Raises :class:`~toolkit.errors.EngagementError` naming the file and what is wrong.
        """
        if not files:
            raise EngagementError("no file was chosen")
        if len(files) > 2:
            raise EngagementError(
                f"{len(files)} files chosen; choose one engagement file, or two of the same "
                "client to see what moved between them"
            )
        read = [(name, _read_upload(name, data, self.framework)) for name, data in files]
        read.sort(key=lambda item: item[1].date, reverse=True)
        (name, engagement), *rest = read
        previous = None
        if rest:
            other_name, other = rest[0]
            if _client_key(other) != _client_key(engagement):
                raise EngagementError(
                    f"{other_name} is about {other.client}, {name} about {engagement.client}; "
                    "two files compare one client's assessments"
                )
            if other.date == engagement.date:
                raise EngagementError(
                    f"{name} and {other_name} are assessments of the same day; choose one"
                )
            previous = other
        names = ", ".join(n for n, _ in files)
        compared = " and compared with the earlier one" if previous is not None else ""
        shown = self._show(engagement, previous, name=None, uploaded=name)
        self._next(dropped=f"Showing {names}{compared}: kept in this page only.")
        return shown

    def close(self) -> None:
        self._next(shown=None, open_panels=frozenset(), expanded=False)

    def report_engagement(self) -> Engagement | None:
        """The engagement a report is made from (``None`` when nothing is shown)."""
        shown = self.view.shown
        if shown is None:
            return None
        return access.whole(shown.engagement, self.reader, what="the client report")

    def report_previous(self) -> Engagement | History | None:
        """What a report compares with, as the page does: the client's earlier cycles (their
        trend too), the previous assessment alone, or ``None``."""
        shown = self.view.shown
        return shown.earlier if shown is not None else None

    def _show(
        self,
        engagement: Engagement,
        previous: Engagement | History | None,
        *,
        name: str | None,
        **kw: str,
    ) -> Shown:
        engagement = access.whole(engagement, self.reader, what="this view")
        if isinstance(previous, History):  # read through the reader: blind cycles left out
            earlier: Engagement | History | None = previous
            previous = previous.previous
        else:
            if previous is not None and access.blind(previous, self.reader):
                previous = None  # an earlier assessment still in a blind rating is not compared
            earlier = previous
        content = build_content(engagement, framework=self.framework, previous=earlier)
        shown = Shown(engagement, previous, content, name, **kw, earlier=earlier)
        top = frozenset(a.factor for a in content.next_steps.actions[:OPEN_AT_FIRST])
        self._next(shown=shown, open_panels=top, expanded=False, message="", dropped="")
        return shown

    # -- the page -----------------------------------------------------------------------------
    def query(self) -> dict[str, str | None]:
        """What the page's URL says: the engagement shown (none for a file chosen on the page)."""
        shown = self.view.shown
        return {"engagement": shown.name if shown is not None else None}

    def expand(self, everything: bool) -> frozenset[str]:
        """Open every factor's panel, or only the top priorities'; returns the open ones."""
        shown = self.view.shown
        if shown is None or everything == self.view.expanded:
            return self.view.open_panels
        content = shown.content
        if everything:
            panels = frozenset(s.factor for s in content.sections)
        else:
            panels = frozenset(a.factor for a in content.next_steps.actions[:OPEN_AT_FIRST])
        self._next(open_panels=panels, expanded=everything)
        return panels

    def pick(self, factor: str) -> bool:
        """Open ``factor``'s panel (a click on the radar); ``False`` for an unknown factor."""
        if self.view.shown is None or factor not in self.framework.factor_ids:
            return False
        revision = self.view.revision + 1
        self._next(open_panels=self.view.open_panels | {factor}, focus=factor, focused_at=revision)
        return True


def _client_key(e: Engagement) -> str:
    return e.client.casefold().strip()


def _read_upload(name: str, data: bytes, framework: Framework) -> Engagement:
    """One chosen file as an engagement, checked as ``tenfold validate`` checks a file."""
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xls", ".csv"):
        raise EngagementError(
            f"{name}: a workbook or table holds the scores and findings but not the whole "
            "engagement (targets, consensus reasons, the change log); ask for the engagement's "
            ".json file (tenfold share writes one to send)"
        )
    if suffix != ".json":
        raise EngagementError(f"{name}: not an engagement file; choose the engagement's .json file")
    if not data:
        raise EngagementError(f"{name}: the file is empty ({describe_bytes(0)})")
    return engagement_from_bytes(data, source=name, framework=framework)
