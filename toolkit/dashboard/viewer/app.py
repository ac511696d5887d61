"""The stakeholders' read-only view of one engagement.

State and logic live in :class:`~toolkit.dashboard.viewer.session.ViewerSession`; the widgets in
:class:`~toolkit.dashboard.viewer.layout.ViewerLayout`. :class:`ViewerApp` joins them:
:meth:`ViewerApp._wire` connects every handler in one place, and :meth:`ViewerApp._guard` turns
any failure into a message, never a traceback.

The app shows nothing until a browser draws the page (Voila runs the notebook before anyone
asks for it): then it shows the engagement the page's URL names, else the one the server was
started for, else the newest, and keeps the URL in step. The first screen leads with what to do
next in plain words; the radar sits beside it, and a click on a factor's point or label opens
that factor's panel. An engagement file chosen or dropped on the page is shown at once and kept
in this page's memory only. Nothing here writes a file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from toolkit.dashboard.common import Messages, header_html, message_html
from toolkit.dashboard.files import default_folder, default_framework
from toolkit.dashboard.reports import report_buttons
from toolkit.dashboard.viewer import text as html
from toolkit.dashboard.viewer.layout import SUBTITLE, ViewerLayout
from toolkit.dashboard.viewer.session import Shown, ViewerSession
from toolkit.dashboard.widgets.bridge import PageSize
from toolkit.errors import TenfoldError
from toolkit.framework import Framework

__all__ = ["BINDER_NOTICE", "DROP_PROMPT", "ViewerApp"]

BINDER_NOTICE = (
    "This is a temporary Binder session: it closes after about ten idle minutes and keeps "
    "nothing. mybinder.org is a public service: a file you open here is sent to a server "
    "outside your organisation."
)
DROP_PROMPT = (
    "Sent an engagement file? Drop it here to see it (one file, or two of the same client to "
    "see what moved). It stays in this page: nothing is saved."
)
#: The radar's spoke labels in pixels, and its size before the page has measured its room.
FONT, FIRST_SIZE = 13.0, 380.0
#: The room the radar is fitted to before the page has measured it: no column is narrower
#: from 1024 pixels up, so the first drawing is never cut off.
FIRST_ROOM = (540, 560)
#: The ranked chart's plot width.
RANKED_WIDTH = 420


class ViewerApp(Messages):
    """The read-only viewer; display it with ``display(app)``.

    Parameters
    ----------
    folder
        The engagements folder (default: ``TENFOLD_ENGAGEMENTS``, else ``../engagements``).
    framework
        The framework (default: ``TENFOLD_FRAMEWORK``'s file, else the bundled one).
    open
        An engagement file of the folder to show now (tests and notebooks); without it the app
        waits for the page, as in Voila.
    portfolio
        List every engagement of the folder in a picker (default: ``TENFOLD_PORTFOLIO=1``).
    binder
        Say that this is a temporary, public Binder session (default: ``TENFOLD_BINDER=1``).

    Attributes
    ----------
    session
        What is shown and where it came from (no widgets).
    ui
        The widgets; ``radar`` and ``ranked`` are the chart widgets once something is shown.
    """

    def __init__(
        self,
        folder: str | Path | None = None,
        *,
        framework: Framework | None = None,
        open: str | None = None,
        portfolio: bool | None = None,
        binder: bool | None = None,
    ) -> None:
        self.framework = framework or default_framework()
        where = Path(folder) if folder is not None else default_folder()
        self.session = ViewerSession.from_environment(self.framework, where)
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
        self._build_charts()
        self._room: PageSize | None = None
        #: Each factor's panel, in the order shown (priority order).
        self.panels: dict[str, widgets.HTML] = {}
        self._nonce = 0
        self._syncing = False
        self._wire()
        if open is not None:
            self.open(open)

    def _build_charts(self) -> None:
        """The chart widgets, drawn empty: the kernel pays for Vega before the page opens."""
        from toolkit.charts import LiveRadar, chart_widget, radar_chart, ranked_chart
        from toolkit.charts.radar import PICKS
        from toolkit.findings import Engagement
        from toolkit.scoring import score_engagement

        fw = self.framework
        blank = score_engagement(Engagement.new(client="-", lead="-", framework=fw), framework=fw)
        self._live = LiveRadar()
        self.radar: Any = chart_widget(
            radar_chart(
                blank, framework=fw, size=FIRST_SIZE, font_size=FONT, pickable=True, key=False
            )
        )
        self.radar.selections.observe(self._guard(self._on_pick), list(PICKS))
        self.ranked: Any = chart_widget(ranked_chart(blank, framework=fw, width=RANKED_WIDTH))
        self.ui.radar_box.children = [self.radar]
        self.ui.ranked_box.children = [self.ranked]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.ui.view)  # type: ignore[no-untyped-call]

    # -- wiring: every handler, in one place ---------------------------------------------------
    def _wire(self) -> None:
        ui = self.ui
        ui.bridge.on_open = self._guard(self.page_opened)
        ui.bridge.on_size = self._guard(self._on_size)
        ui.drop.on_files = self._guard(self.receive)
        ui.drop.on_refused = self._guard(self._refused)
        ui.expand.observe(self._guard(lambda ch: self.expand(bool(ch["new"]))), "value")
        if ui.picker is not None:
            ui.picker.observe(self._guard(self._on_pick_file), "value")

    # -- messages (say, message_text and _guard come from Messages) ------------------------
    def _refused(self, text: str) -> None:
        self.ui.drop.status = ""
        self.say(f"Not opened: {text}", "error")

    # -- opening ------------------------------------------------------------------------------
    def _shown(self) -> Shown:
        shown = self.session.shown
        if shown is None:
            raise TenfoldError("no engagement is shown")
        return shown

    def page_opened(self, query: dict[str, str]) -> None:
        """A browser drew the page: show what its URL names (see the module docstring)."""
        if self.session.portfolio:
            self._fill_picker()
        try:
            note = self.session.open_page(query)
        except TenfoldError as exc:
            self.session.close()
            self._show()
            self.say(
                f"Cannot show this engagement: {exc}. Check the link you were sent, or open the "
                "engagement file you were sent below.",
                "error",
            )
            return
        self._show()
        self.say(note)
        self._sync_url()

    def open(self, name: str | None = None) -> bool:
        """Show the folder's engagement file ``name`` (default: the newest); errors say why."""
        try:
            self.session.open(name)
        except TenfoldError as exc:
            self.session.close()
            self._show()
            self.say(f"Cannot show this engagement: {exc}.", "error")
            return False
        self.say("")
        self._show()
        self._sync_url()
        return True

    def receive(self, files: list[tuple[str, bytes]]) -> None:
        """Show the engagement file(s) chosen on the page; the one shown stays if they fail."""
        names = ", ".join(name for name, _ in files)
        try:
            shown = self.session.receive(files)
        except TenfoldError as exc:
            self.ui.drop.status = ""
            self.say(f"Not opened: {exc}. What was shown before is still shown.", "error")
            return
        compared = " and compared with the earlier one" if shown.previous is not None else ""
        self.ui.drop.status = f"Showing {names}{compared}: kept in this page only."
        self.say("")
        self._show()
        self._sync_url()

    def _fill_picker(self) -> None:
        picker = self.ui.picker
        assert picker is not None
        self._syncing = True
        try:
            picker.options = self.session.choices()
        finally:
            self._syncing = False

    def _on_pick_file(self, change: dict[str, Any]) -> None:
        if not self._syncing and change["new"]:
            self.open(change["new"])

    def _sync_url(self) -> None:
        self.ui.bridge.set_query(self.session.query())
        picker, shown = self.ui.picker, self.session.shown
        if picker is not None and shown is not None and shown.name is not None:
            self._syncing = True
            try:
                picker.value = shown.name if shown.name in dict(picker.options).values() else None
            finally:
                self._syncing = False

    # -- showing ------------------------------------------------------------------------------
    def _show(self) -> None:
        """Show the session's engagement everywhere (or nothing when none is shown)."""
        ui, shown = self.ui, self.session.shown
        ui.body.layout.display = "none" if shown is None else "grid"
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
        for factor in self.panels:
            self._render_panel(factor)
        ui.panels.children = list(self.panels.values())
        self._syncing = True
        try:
            ui.expand.value = False
            ui.expand.description = "Expand all"
        finally:
            self._syncing = False
        self._draw()

    def _render_panel(self, factor: str) -> None:
        content = self._shown().content
        section = next(s for s in content.sections if s.factor == factor)
        self._nonce += 1
        opened = factor in self.session.open_panels
        self.panels[factor].value = html.panel_html(
            content, section, open=opened, nonce=self._nonce
        )

    def expand(self, everything: bool) -> None:
        """Open every factor's panel ("Expand all"), or only the top priorities' again."""
        if self._syncing or self.session.shown is None:
            return
        self.session.expand(everything)
        self.ui.expand.description = "Fold to the top priorities" if everything else "Expand all"
        for factor in self.panels:
            self._render_panel(factor)

    def pick(self, factor: str) -> None:
        """Open ``factor``'s panel and bring it into view (a click on the radar)."""
        if not self.session.pick(factor):
            return
        if factor in self.panels:
            self._render_panel(factor)
        self.ui.bridge.scroll_to(f"#tf-factor-{factor}")

    # -- the charts ---------------------------------------------------------------------------
    def _radar_options(self, shown: Shown) -> dict[str, Any]:
        from toolkit.charts import fit_radar

        content = shown.content
        options: dict[str, Any] = {
            "framework": self.framework,
            "previous": content.previous_scores,
            "previous_label": f"Previous ({content.next_steps.since})",
            "font_size": FONT,
            "key": False,  # explained in words under the radar
        }
        room = self._room
        if room is None:
            width, height = FIRST_ROOM
            return {**options, **fit_radar(content.scores, width=width, height=height, **options)}
        # Beside the headline the radar fills the rest of the first screen; below it (one
        # column) it may take a screen of its own.
        height = room.height - room.column_top - 12
        if height < 0.6 * room.height:
            height = room.height - 40
        height = max(360, height)
        fit = fit_radar(content.scores, width=room.column_width - 4, height=height, **options)
        return {**options, **fit}

    def _draw(self) -> None:
        """Draw the radar (fitted to its room, clickable) and the ranked chart."""
        from toolkit.charts import ranked_chart

        shown = self.session.shown
        if shown is None:
            return
        scores, options = shown.content.scores, self._radar_options(shown)
        self.ranked.chart = ranked_chart(scores, framework=self.framework, width=RANKED_WIDTH)
        self.radar.spec = self._live.spec(scores, pickable=True, **options)

    def _on_pick(self, change: dict[str, Any]) -> None:
        """A click on a factor's point, hollow marker or label in the radar."""
        picked = [v.get("factor") for v in change["new"].value if isinstance(v, dict)]
        if picked and picked[0] in self.framework.factor_ids:
            self.pick(str(picked[0]))

    def _on_size(self, room: PageSize) -> None:
        if room != self._room:
            self._room = room
            self._draw()
            if self.session.shown is not None:
                self.ui.radar_box.add_class("tf-fitted")  # drawn for the room it has
