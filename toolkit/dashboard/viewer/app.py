"""The stakeholders' read-only view of one engagement.

The session (:class:`~toolkit.dashboard.viewer.session.ViewerSession`) reads the engagement
through the store and holds the page's view, one frozen value
(:class:`~toolkit.dashboard.viewer.state.ViewerView`); the widgets are
:class:`~toolkit.dashboard.viewer.layout.ViewerLayout`'s. :class:`ViewerApp` joins them:
:meth:`ViewerApp.act` runs one event and draws the new view (:meth:`ViewerApp.render`), and
:meth:`ViewerApp._wire` connects every handler in one place. A failure becomes a message, never
a traceback.

The app shows nothing until a browser draws the page (Voila runs the notebook before anyone
asks for it): then it shows the engagement the page's URL names, else the one the server was
started for, else the newest, and keeps the URL in step. The first screen leads with what to do
next in plain words; the radar (the one :class:`~toolkit.dashboard.widgets.radar_pane.RadarPane`
both dashboards draw with) sits beside it, and a click on a factor's point or label opens that
factor's panel. An engagement file chosen or dropped on the page is shown at once and kept in
this page's memory only. Nothing here writes anything.
"""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets

from toolkit.charts import RadarOptions, overlay, staff_overlay
from toolkit.dashboard.common import Tone, header_html, message_html, plain_text, set_shown
from toolkit.dashboard.engagements import default_framework
from toolkit.dashboard.reports import report_buttons
from toolkit.dashboard.viewer import text as html
from toolkit.dashboard.viewer.layout import SUBTITLE, ViewerLayout
from toolkit.dashboard.viewer.session import ViewerSession
from toolkit.dashboard.viewer.state import ViewerView
from toolkit.dashboard.widgets.radar_pane import FONT, RadarPane
from toolkit.errors import TenfoldError
from toolkit.framework import Framework
from toolkit.stores import Store

__all__ = ["BINDER_NOTICE", "BINDER_WELCOME", "DROP_PROMPT", "EXAMPLE_NOTE", "ViewerApp"]

BINDER_NOTICE = (
    "This is a temporary Binder session: it closes after about ten idle minutes and keeps "
    "nothing. mybinder.org is a public service: a file you open here is sent to a server "
    "outside your organisation."
)
DROP_PROMPT = (
    "Sent an engagement file? Drop it here to see it (one file, or two of the same client to "
    "see what moved). It stays in this page: nothing is saved."
)
#: On Binder, a page whose address names no engagement starts here: the visitor's own file
#: first, the example one click away, and no client's name until they choose.
BINDER_WELCOME = (
    "Open your engagement file: drop it below, or choose it. It stays in this page. "
    "No file at hand? Open the example: a fictional client."
)
EXAMPLE_NOTE = (
    "This is the example engagement: Harbourline Contact Services is a fictional client. "
    "Drop your own engagement file above to see yours."
)
#: The ranked chart's plot width.
RANKED_WIDTH = 420


class ViewerApp:
    """The read-only viewer; display it with ``display(app)``.

    Parameters
    ----------
    store
        Where the engagements are: a :class:`~toolkit.stores.Store`, a folder, or a database URL
        (default: ``TENFOLD_STORE``, else ``TENFOLD_ENGAGEMENTS``, else ``../engagements``).
    framework
        The framework (default: ``TENFOLD_FRAMEWORK``'s file, else the bundled one).
    open
        An engagement of the store to show now (tests and notebooks); without it the app waits
        for the page, as in Voila.
    portfolio
        List every engagement of the store in a picker (default: ``TENFOLD_PORTFOLIO=1``).
    binder
        Say that this is a temporary, public Binder session (default: ``TENFOLD_BINDER=1``).

    Attributes
    ----------
    session
        What is shown and where it came from, and the page's view (no widgets).
    ui
        The widgets; ``radar`` and ``ranked`` are the chart widgets.
    """

    def __init__(
        self,
        store: Store | str | os.PathLike[str] | None = None,
        *,
        framework: Framework | None = None,
        open: str | None = None,
        portfolio: bool | None = None,
        binder: bool | None = None,
    ) -> None:
        self.framework = framework or default_framework()
        self.session = ViewerSession.from_environment(self.framework, store)
        if portfolio is not None:
            self.session.portfolio = portfolio
        self.binder = os.environ.get("TENFOLD_BINDER") == "1" if binder is None else binder
        buttons = report_buttons(
            self.session.report_engagement,
            self.framework,
            on_error=lambda exc: self.say(f"The report could not be made: {exc}", "error"),
            previous=self.session.report_previous,
        )
        self.ui = ViewerLayout(downloads=buttons, portfolio=self.session.portfolio)
        self.ui.notice.value = message_html(BINDER_NOTICE, "info") if self.binder else ""
        self.ui.drop.prompt = DROP_PROMPT
        self.pane = RadarPane(self.ui.radar_box, largest_font=FONT)
        self._build_charts()
        #: Each factor's panel, in the order shown (priority order).
        self.panels: dict[str, widgets.HTML] = {}
        self._wire()
        if open is not None:
            self.open(open)

    def _build_charts(self) -> None:
        """The chart widgets, drawn empty: the kernel pays for Vega before the page opens."""
        from toolkit.charts import chart_widget, ranked_chart
        from toolkit.findings import Engagement
        from toolkit.scoring import score_engagement

        fw = self.framework
        blank = score_engagement(Engagement.new(client="-", lead="-", framework=fw), framework=fw)
        self.pane.prepare(RadarOptions(framework=fw, key=False))
        self.ranked: Any = chart_widget(ranked_chart(blank, framework=fw, width=RANKED_WIDTH))
        self.ui.ranked_box.children = [self.ranked]

    @property
    def radar(self) -> Any:
        """The radar's chart widget (``radar.spec`` is what is drawn)."""
        return self.pane.widget

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.ui.view)  # type: ignore[no-untyped-call]

    @property
    def message_text(self) -> str:
        """The message shown now, as plain text."""
        return plain_text(self.ui.message.value)

    # -- wiring: every handler, in one place ---------------------------------------------------
    def _wire(self) -> None:
        ui, s, act = self.ui, self.session, self.act
        ui.bridge.on_open = lambda query: act(lambda: self.page_opened(query))
        ui.bridge.on_size = lambda room: act(lambda: s.measure(room))
        ui.drop.on_files = self.receive
        ui.drop.on_refused = lambda why: act(lambda: s.say(f"Not opened: {why}", "error"))
        ui.expand.observe(lambda ch: act(lambda: s.expand(bool(ch["new"]))), "value")
        ui.example.on_click(lambda _b: self.open_example())
        self.pane.on_pick = self.pick
        if ui.picker is not None:
            picker = ui.picker
            picker.observe(
                lambda ch: act(lambda: s.open(ch["new"]) if ch["new"] else None), "value"
            )

    # -- events ---------------------------------------------------------------------------------
    def act(self, event: Any) -> None:
        """Run ``event`` (a session call), then draw the new view; a failure becomes the
        message on the page."""
        old = self.session.view
        try:
            event()
        except TenfoldError as exc:
            self.session.say(str(exc), "error")
        except Exception as exc:
            self.session.say(f"Something went wrong ({type(exc).__name__}: {exc}).", "error")
        if self.session.view is not old:
            self.render(old, self.session.view)

    def say(self, text: str, tone: Tone = "info") -> None:
        """Show a message above the page (empty text clears it)."""
        self.act(lambda: self.session.say(text, tone))

    def page_opened(self, query: dict[str, str]) -> None:
        """A browser drew the page: show what its URL names (see the module docstring)."""
        s = self.session
        if s.portfolio and self.ui.picker is not None:
            self._fill_picker()
        if self.binder and not query.get("engagement") and s.shown is None:
            self.ui.example.layout.display = "flex"  # the visitor's file first
            s.say(BINDER_WELCOME)
            return
        try:
            note = s.open_page(query)
        except TenfoldError as exc:
            s.close()
            s.say(
                f"Cannot show this engagement: {exc}. Check the link you were sent, or open the "
                "engagement file you were sent below.",
                "error",
            )
            return
        s.say(note)

    def open_example(self) -> None:
        """Show the example engagement (the newest of the store), said to be an example."""
        if self.open(None):
            self.ui.example.layout.display = "none"
            self.say(EXAMPLE_NOTE)

    def open(self, name: str | None = None) -> bool:
        """Show the store's engagement ``name`` (default: the newest); errors say why."""

        def show() -> None:
            try:
                self.session.open(name)
            except TenfoldError as exc:
                self.session.close()
                self.session.say(f"Cannot show this engagement: {exc}.", "error")

        self.act(show)
        return self.session.shown is not None

    def receive(self, files: list[tuple[str, bytes]]) -> None:
        """Show the engagement file(s) chosen on the page; the one shown stays if they fail."""

        def receive() -> None:
            try:
                self.session.receive(files)
            except TenfoldError as exc:
                self.session.say(
                    f"Not opened: {exc}. What was shown before is still shown.", "error"
                )
                return
            self.ui.example.layout.display = "none"
            if self.session.view.message in (BINDER_WELCOME, EXAMPLE_NOTE):
                self.session.say("")

        self.act(receive)

    def pick(self, factor: str) -> None:
        """Open ``factor``'s panel and bring it into view (a click on the radar)."""
        self.act(lambda: self.session.pick(factor))

    def _fill_picker(self) -> None:
        picker = self.ui.picker
        assert picker is not None
        choices = self.session.choices()
        shown = self.session.shown
        with picker.hold_trait_notifications():  # one change heard: the value it ends with
            picker.options = choices
            picker.value = shown.name if shown is not None and shown.name else None

    # -- drawing --------------------------------------------------------------------------------
    def render(self, old: ViewerView, new: ViewerView) -> None:
        """Draw ``new``: what changed since ``old``."""
        ui, shown = self.ui, new.shown
        if new.message != old.message or new.tone != old.tone:
            ui.message.value = message_html(new.message, new.tone)
        if new.dropped != old.dropped:
            ui.drop.status = new.dropped
        opened = new.shown is not old.shown
        if opened:
            self._show(new)
            if ui.picker is not None and shown is not None and shown.name is not None:
                with ui.picker.hold_trait_notifications():
                    values = [value for _label, value in ui.picker.options]
                    ui.picker.value = shown.name if shown.name in values else None
            ui.bridge.set_query(self.session.query())
        if shown is None:
            return
        picked = new.focus if new.focused_at == new.revision else None
        redrawn = set(self.panels) if opened else set(new.open_panels ^ old.open_panels)
        for factor in self.panels:
            if factor in redrawn or factor == picked:
                self._render_panel(new, factor)
        if picked in self.panels:
            ui.bridge.scroll_to(f"#tf-factor-{picked}")
        ui.expand.value = new.expanded
        ui.expand.description = "Fold to the top priorities" if new.expanded else "Expand all"
        if opened or new.room != old.room:
            self._draw(new)

    def _show(self, view: ViewerView) -> None:
        """Show the engagement of ``view`` everywhere (or nothing when none is shown)."""
        ui, shown = self.ui, view.shown
        set_shown(ui.body, shown is not None)
        ui.bridge.title = f"{shown.engagement.client} · Tenfold" if shown else "Tenfold"
        ui.header.value = header_html(shown.engagement if shown else None, subtitle=SUBTITLE)
        for button in ui.downloads:
            button.disabled = shown is None
        if shown is None:
            ui.withheld.value = ui.next_steps.value = ui.coverage.value = ""
            ui.radar_caption.value = ""
            ui.panels.children = []
            self.panels = {}
            return
        content = shown.content
        ui.withheld.value = html.withheld_html(shown.engagement)
        ui.next_steps.value = html.next_steps_html(content)
        ui.coverage.value = html.coverage_html(content)
        ui.radar_caption.value = html.radar_caption_html(content)
        self.panels = {s.factor: widgets.HTML("") for s in content.sections}
        ui.panels.children = list(self.panels.values())

    def _render_panel(self, view: ViewerView, factor: str) -> None:
        shown = view.shown
        assert shown is not None
        section = next(s for s in shown.content.sections if s.factor == factor)
        self.panels[factor].value = html.panel_html(
            shown.content, section, open=factor in view.open_panels, nonce=view.revision
        )

    def _draw(self, view: ViewerView) -> None:
        """Draw the radar (fitted to its room, clickable) and the ranked chart."""
        from toolkit.charts import ranked_chart

        shown = view.shown
        assert shown is not None
        content = shown.content
        options = RadarOptions(
            framework=self.framework,
            previous=overlay(content.previous_scores),
            previous_label=f"Previous ({content.next_steps.since})",
            staff=None if content.staff is None else staff_overlay(content.staff.table),
            staff_label="Staff survey" if content.staff is None else content.staff.series_label,
            key=False,  # explained in words under the radar
        )
        self.ranked.chart = ranked_chart(
            content.scores, framework=self.framework, width=RANKED_WIDTH
        )
        self.pane.draw(content.scores, options, room=view.room, revision=view.revision)
