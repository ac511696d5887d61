"""The consultant's live dashboard: record findings in the client's meeting room.

The session (:class:`~toolkit.dashboard.assessment.session.AssessmentSession`) holds the
engagement, through a :class:`~toolkit.stores.Store`, and the page's view, one frozen value
(:class:`~toolkit.dashboard.assessment.state.AssessmentView`); the panels
(:mod:`~toolkit.dashboard.assessment.panels`) draw from it and turn what a person does into
session events; the layout places them. :class:`AssessmentApp` joins them: :meth:`act` runs one
event and redraws, and the page-level events (the page opened, its room, present mode's keys, a
closed page) are wired in :meth:`AssessmentApp._wire`. Every change is saved at once, as one
transaction of the store, into the engagement's change log.

The page's address names the engagement and factor shown (``?engagement=REF&factor=ID``, and
``&present=1``), so a reload or a second tab reopens them; REF is a file name in a folder store,
an engagement id in a database. A colleague's change to the same engagement arrives through the
store's watch (LISTEN/NOTIFY on PostgreSQL, the files' signatures in a folder) and appears with
a line saying who changed what; a slower poll of the store's version catches anything a watch
missed. Nothing here raises into the page: every failure becomes a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

from toolkit.access import BlindRatingError
from toolkit.dashboard.assessment.access_panel import AccessPanel
from toolkit.dashboard.assessment.actions_panel import ActionsPanel
from toolkit.dashboard.assessment.exports import Exports
from toolkit.dashboard.assessment.layout import AssessmentLayout
from toolkit.dashboard.assessment.next_cycle import NextCycle
from toolkit.dashboard.assessment.panels import (
    Board,
    FactorSettings,
    FindingEntry,
    Findings,
    Header,
    RadarColumn,
    Redraw,
    Switcher,
    Toolbar,
)
from toolkit.dashboard.assessment.session import AssessmentSession
from toolkit.dashboard.assessment.survey_panel import SurveyPanel
from toolkit.dashboard.assessment.updates import Update
from toolkit.dashboard.common import Tone, message_html, plain_text, set_shown
from toolkit.dashboard.engagements import default_framework
from toolkit.dashboard.reports import report_buttons
from toolkit.dashboard.widgets.bridge import Ticker, every
from toolkit.errors import TenfoldError
from toolkit.findings import Engagement
from toolkit.framework import Framework
from toolkit.stores import Store, Watch

__all__ = ["BACKSTOP_SECONDS", "AssessmentApp"]

#: How often the store is asked whether the engagement changed, besides what its watch reports
#: (a notification lost while the database restarted, say), in seconds.
BACKSTOP_SECONDS = 5.0
#: The start of the message shown while the store cannot be read.
UNREADABLE = "Cannot read the engagement"


class AssessmentApp:
    """The assessment dashboard; display it with ``display(app)``.

    Parameters
    ----------
    store
        Where the engagements are: a :class:`~toolkit.stores.Store`, a folder, or a database URL
        (default: ``TENFOLD_STORE``, else ``TENFOLD_ENGAGEMENTS``, else ``../engagements``).
    framework
        The framework (default: ``TENFOLD_FRAMEWORK``'s file, else the bundled one).
    open
        An engagement to open now (the store's name for it). Without it the app waits for the
        page, which names one in its address; a page whose address names none opens
        ``TENFOLD_ENGAGEMENT`` (set by ``tenfold dashboard --engagement``), else the newest.

    Attributes
    ----------
    session
        The session: engagement, scores, the view, undo (no widgets).
    ui
        The page's widgets, as the layout places them.
    """

    def __init__(
        self,
        store: Store | str | os.PathLike[str] | None = None,
        *,
        framework: Framework | None = None,
        open: str | None = None,
    ) -> None:
        self.framework = framework or default_framework()
        self.session = AssessmentSession(self.framework, store)
        s, act = self.session, self.act
        self.exports = Exports(s, on_error=self._failed)
        downloads = [
            *self.exports.buttons(),
            *report_buttons(self._report_engagement, self.framework, on_error=self._failed),
        ]
        self.header = Header()
        self.toolbar = Toolbar(s, act)
        self.switcher = Switcher(s, act)
        self.entry = FindingEntry(s, act)
        self.settings = FactorSettings(s, act)
        self.board = Board(s, act)
        self.radar_column = RadarColumn(s, act, downloads)
        self.findings = Findings(s, act)
        self.survey = SurveyPanel(s, act)
        self.next_cycle = NextCycle(s, act)
        self.actions = ActionsPanel(s, act)
        self.access = AccessPanel(s, act)
        self.panels = (
            self.header,
            self.toolbar,
            self.switcher,
            self.entry,
            self.settings,
            self.board,
            self.radar_column,
            self.findings,
            self.survey,
            self.next_cycle,
            self.actions,
            self.access,
        )
        self.ui = AssessmentLayout(
            *self.panels[:-3],
            next_cycle=self.next_cycle,
            actions=self.actions,
            team=self.access.view,
        )
        self._watch: Watch | None = None
        self._ticker: Ticker | None = None
        self._wire()
        if open is not None:
            self.act(lambda: self.session.open(open))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.ui.view)  # type: ignore[no-untyped-call]

    # -- what is shown, for a notebook or a test ------------------------------------------------
    @property
    def radar(self) -> Any:
        """The radar's chart widget (``radar.spec`` is the spec drawn), once one is drawn."""
        return self.radar_column.radar

    @property
    def factor(self) -> str:
        """The factor under discussion."""
        return self.session.view.factor

    @property
    def present(self) -> bool:
        return self.session.view.present

    @property
    def message_text(self) -> str:
        """The message shown now, as plain text."""
        return plain_text(self.ui.message.value)

    # -- events ---------------------------------------------------------------------------------
    def act(self, event: Any) -> None:
        """Run ``event`` (a session call), then redraw what its new view and its change to the
        engagement call for; a failure becomes the message on the page, never a traceback."""
        old = self.session.view
        result: object = None
        try:
            result = event()
        except TenfoldError as exc:
            self.session.say(str(exc), "error")
        except Exception as exc:
            self.session.say(f"Something went wrong ({type(exc).__name__}: {exc}).", "error")
        update = result if isinstance(result, Update) else None
        if self.session.view is old and (update is None or update.empty):
            return
        try:
            self.render(Redraw(self.session, old, self.session.view, update))
        except Exception as exc:  # a drawing that fails still says so on the page
            self.ui.message.value = message_html(
                f"Something went wrong ({type(exc).__name__}: {exc}).", "error"
            )

    def say(self, text: str, tone: Tone = "info") -> None:
        """Show a message above the dashboard (empty text clears it)."""
        self.act(lambda: self.session.say(text, tone))

    def render(self, r: Redraw) -> None:
        """Draw the new view: every panel, then what belongs to the page as a whole."""
        for panel in self.panels:
            panel.render(r)
        s, v, ui = r.session, r.new, self.ui
        e = s.engagement
        if r.opened:
            set_shown(ui.body, e is not None)
            # A stakeholder reads in the viewer (toolkit.access.sees_assessment): their page is
            # the switcher and the link to it, with nothing of the assessment beneath.
            ui.body.layout.display = None if s.sees_assessment else "none"
            ui.bridge.title = f"{e.client} · Tenfold" if e is not None else "Tenfold"
        if r.opened or r.changed("phase", "rater", "present"):
            on = {
                "tf-present": v.present,
                "tf-blind": s.blind,
                "tf-consensus": v.phase == "consensus",
                "tf-read-only": s.read_only and s.sees_assessment,
                "tf-stakeholder": not s.sees_assessment,
            }
            for cls, wanted in on.items():
                (ui.view.add_class if wanted else ui.view.remove_class)(cls)
        if r.changed("present"):
            ui.bridge.present = v.present
            ui.bridge.remeasure()
        if r.opened or r.changed("factor", "present"):
            shown = v.engagement is not None
            ui.bridge.set_query(
                {
                    "engagement": v.engagement,
                    "factor": v.factor if shown else None,
                    "present": "1" if v.present and shown else None,
                }
            )

    # -- wiring: the page as a whole ------------------------------------------------------------
    def _wire(self) -> None:
        s, bridge = self.session, self.ui.bridge
        bridge.on_open = self.page_opened
        bridge.on_size = lambda room: self.act(lambda: s.measure(room))
        bridge.on_step = lambda delta: self.act(lambda: s.step(delta))
        bridge.on_present = lambda on: self.act(lambda: s.set_present(on))
        bridge.on_close = self.stop

    def page_opened(self, query: dict[str, str]) -> None:
        """A browser drew the page: open what its address names, and follow colleagues."""
        default = os.environ.get("TENFOLD_ENGAGEMENT") or None
        self.act(lambda: self.session.page_opened(query, default=default))
        self.follow()

    def open(self, ref: str | None = None) -> bool:
        """Open an engagement (default: the newest in the store); ``False``, with a message on
        the page, when it cannot be."""
        self.act(lambda: self.session.open(ref))
        return self.session.ref is not None and (ref is None or ref == self.session.ref)

    # -- colleagues' changes ----------------------------------------------------------------------
    def follow(self) -> None:
        """Hear colleagues' changes while the page is open: the store's watch wakes the kernel
        at once, and a poll every :data:`BACKSTOP_SECONDS` catches what a watch missed. Only
        inside a running kernel; a script or a test calls :meth:`poll` itself."""
        if self._watch is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return

        def heard(ref: str) -> None:  # on the watch's thread: hand over to the kernel's loop
            if ref == self.session.ref:
                loop.call_soon_threadsafe(self.poll)

        try:
            self._watch = self.session.store.watch(heard)
        except TenfoldError as exc:
            self.say(f"Colleagues' changes show up every few seconds only: {exc}.", "info")
        self._ticker = every(BACKSTOP_SECONDS, self.poll)

    def stop(self) -> None:
        """The page went away: stop hearing colleagues' changes (the kernel then goes idle, and
        the server shuts it down)."""
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        if self._watch is not None:
            with contextlib.suppress(Exception):
                self._watch.close()
            self._watch = None

    @property
    def following(self) -> bool:
        """Whether colleagues' changes are being listened for."""
        return self._watch is not None or (self._ticker is not None and self._ticker.running)

    def poll(self) -> bool:
        """Show what others saved to the engagement since; ``True`` if anything changed."""
        changed = False

        def refresh() -> Update | None:
            nonlocal changed
            try:
                update = self.session.poll()
            except TenfoldError as exc:
                self.session.say(f"{UNREADABLE}: {exc}. What is shown may be out of date.", "error")
                return None
            if self.session.view.message.startswith(UNREADABLE):
                self.session.say("")  # the store answers again
            changed = update is not None
            return update

        self.act(refresh)
        return changed

    # -- downloads --------------------------------------------------------------------------------
    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, BlindRatingError):
            self.say(f"Not downloaded: {exc}.", "error")
        else:
            self.say(f"Export failed: {exc}", "error")

    def _report_engagement(self) -> Engagement | None:
        """What a report is made from: the whole engagement, refused during a blind rating."""
        if self.session.engagement is None:
            return None
        return self.session.whole("the client report")
