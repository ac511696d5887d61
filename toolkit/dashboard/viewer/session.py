"""The stakeholders' view, apart from any widget: which engagement is shown, and from where.

:class:`ViewerSession` shows exactly one engagement: the one the page's URL names
(``?engagement=FILE``), else the one the server was started for (``TENFOLD_ENGAGEMENT``, set by
``tenfold dashboard --viewer --engagement FILE``; the viewer then serves that one only), else
the newest in the folder. It never falls back to another file when the one named cannot be
opened, and it lists the folder's engagements only for a portfolio viewer
(``TENFOLD_PORTFOLIO=1``, ``tenfold dashboard --viewer --portfolio``): otherwise no other
client's name is ever in the page.

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
from dataclasses import dataclass, field
from pathlib import Path

from toolkit import access
from toolkit.dashboard.files import (
    EngagementFile,
    list_engagements,
    previous_assessment,
    resolve_engagement,
)
from toolkit.errors import EngagementError
from toolkit.findings import Engagement
from toolkit.framework import Framework
from toolkit.limits import describe_bytes
from toolkit.report import ReportContent, build_content
from toolkit.store import engagement_from_bytes

__all__ = ["OPEN_AT_FIRST", "Shown", "ViewerSession"]

#: How many of the top priorities have their panel open when an engagement is shown.
OPEN_AT_FIRST = 3


@dataclass(frozen=True)
class Shown:
    """The engagement shown: where it came from, its previous assessment, its content."""

    engagement: Engagement
    previous: Engagement | None
    content: ReportContent
    #: Its file name in the folder, or ``None`` for a file chosen on the page.
    name: str | None
    #: The name of the file chosen on the page (``""`` for one from the folder).
    uploaded: str = ""


@dataclass
class ViewerSession:
    """One page's view (see the module docstring).

    Parameters
    ----------
    framework
        The framework the engagements are scored against.
    folder
        The engagements folder.
    portfolio
        List every engagement of the folder (an internal team's viewer).
    pinned
        The only engagement this viewer shows from the folder (a file name), if any.
    """

    framework: Framework
    folder: Path
    portfolio: bool = False
    pinned: str | None = None
    shown: Shown | None = None
    #: The factors whose panels are open.
    open_panels: set[str] = field(default_factory=set)
    #: Who reads this page (:mod:`toolkit.access`): a stakeholder.
    reader: access.Reader = access.STAKEHOLDER

    @classmethod
    def from_environment(cls, framework: Framework, folder: Path) -> ViewerSession:
        """A session set up as ``tenfold dashboard --viewer`` asked (see the module docstring)."""
        return cls(
            framework,
            folder,
            portfolio=os.environ.get("TENFOLD_PORTFOLIO") == "1",
            pinned=os.environ.get("TENFOLD_ENGAGEMENT") or None,
        )

    # -- what can be opened ---------------------------------------------------------------------
    def choices(self) -> list[tuple[str, str]]:
        """(label, file name) of every engagement in the folder; empty unless a portfolio."""
        if not self.portfolio:
            return []
        return [(f.label, f.path.name) for f in list_engagements(self.folder, self.framework)]

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
        """Show the engagement file ``name`` of the folder (default: the newest)."""
        files = list_engagements(self.folder, self.framework)
        if name is None:
            readable = [f for f in files if f.engagement is not None]
            if not readable:
                raise EngagementError("there is no engagement to show here yet")
            entry = readable[0]
        else:
            path = resolve_engagement(self.folder, name)
            found = next((f for f in files if f.path == path), None)
            if found is None:
                raise EngagementError(f"{name}: there is no engagement of that name here")
            if found.engagement is None:
                raise EngagementError(found.problem)
            entry = found
        assert entry.engagement is not None
        previous = previous_assessment(entry, files)
        return self._show(entry.engagement, _engagement(previous), name=entry.path.name)

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
        return self._show(engagement, previous, name=None, uploaded=name)

    def close(self) -> None:
        self.shown = None
        self.open_panels = set()

    def report_engagement(self) -> Engagement | None:
        """The engagement a report is made from (``None`` when nothing is shown)."""
        if self.shown is None:
            return None
        return access.whole(self.shown.engagement, self.reader, what="the client report")

    def report_previous(self) -> Engagement | None:
        """The previous assessment a report compares with (``None`` when there is none)."""
        return self.shown.previous if self.shown is not None else None

    def _show(
        self, engagement: Engagement, previous: Engagement | None, *, name: str | None, **kw: str
    ) -> Shown:
        engagement = access.whole(engagement, self.reader, what="this view")
        if previous is not None and access.blind(previous, self.reader):
            previous = None  # an earlier assessment still in a blind rating is not compared
        content = build_content(engagement, framework=self.framework, previous=previous)
        self.shown = Shown(engagement, previous, content, name, **kw)
        self.open_panels = {a.factor for a in content.next_steps.actions[:OPEN_AT_FIRST]}
        return self.shown

    # -- the page -----------------------------------------------------------------------------
    def query(self) -> dict[str, str | None]:
        """What the page's URL says: the folder file shown (none for a file chosen on the page)."""
        name = self.shown.name if self.shown is not None else None
        return {"engagement": name}

    def expand(self, everything: bool) -> set[str]:
        """Open every factor's panel, or only the top priorities'; returns the open ones."""
        if self.shown is None:
            return set()
        content = self.shown.content
        if everything:
            self.open_panels = {s.factor for s in content.sections}
        else:
            self.open_panels = {a.factor for a in content.next_steps.actions[:OPEN_AT_FIRST]}
        return self.open_panels

    def pick(self, factor: str) -> bool:
        """Open ``factor``'s panel (a click on the radar); ``False`` for an unknown factor."""
        if self.shown is None or factor not in self.framework.factor_ids:
            return False
        self.open_panels.add(factor)
        return True


def _engagement(entry: EngagementFile | None) -> Engagement | None:
    return None if entry is None else entry.engagement


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
