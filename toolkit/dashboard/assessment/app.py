"""The consultant's live dashboard: record findings in the client's meeting room.

State and logic live in
:class:`~toolkit.dashboard.assessment.session.AssessmentSession`; the widgets in
:class:`~toolkit.dashboard.assessment.layout.AssessmentLayout`; the parts that each show and
change one thing (the findings, the factor's settings, the phases, the engagement switch) in
:mod:`~toolkit.dashboard.assessment.panels`; the radar in
:class:`~toolkit.dashboard.widgets.radar_pane.RadarPane`. :class:`AssessmentApp` joins them:
:meth:`AssessmentApp._wire` connects every handler in one place, and each handler turns what a
person did into a session call, then shows the result with one redraw of the radar.
Every change is saved at once, under the file's lock, into the engagement's change log.

The page's URL names the engagement and factor shown (``?engagement=FILE&factor=ID``, and
``&present=1``), so a reload or a second tab reopens them. A colleague's change to the same
file appears within about a second, with a quiet notice. Nothing here raises into the page:
every failure becomes a message.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from toolkit.access import BlindRatingError
from toolkit.dashboard.assessment import text as panels
from toolkit.dashboard.assessment.exports import Exports
from toolkit.dashboard.assessment.layout import AssessmentLayout
from toolkit.dashboard.assessment.panels import (
    EngagementSwitch,
    FactorSettings,
    FindingActions,
    PhaseControls,
)
from toolkit.dashboard.assessment.session import AssessmentSession, Update
from toolkit.dashboard.common import (
    Messages,
    esc,
    header_html,
    summary_html,
)
from toolkit.dashboard.files import default_folder, default_framework
from toolkit.dashboard.reports import report_buttons
from toolkit.dashboard.widgets.bridge import PageSize, every
from toolkit.dashboard.widgets.download import DownloadButton
from toolkit.dashboard.widgets.radar_pane import RadarPane
from toolkit.errors import TenfoldError
from toolkit.findings import Engagement
from toolkit.framework import Framework

__all__ = ["AssessmentApp"]

#: How often the open file is checked for colleagues' changes, in seconds.
POLL_SECONDS = 0.75


class AssessmentApp(Messages):
    """The assessment dashboard; display it with ``display(app)``.

    Parameters
    ----------
    folder
        The engagements folder (default: ``TENFOLD_ENGAGEMENTS``, else ``../engagements``).
    framework
        The framework (default: ``TENFOLD_FRAMEWORK``'s file, else the bundled one).
    open
        An engagement file to open now (a name in ``folder`` or a path). Without it the app
        waits for the page, which names one in its URL; a page whose URL names none opens
        ``TENFOLD_ENGAGEMENT`` (set by ``tenfold dashboard --engagement``), else the newest.

    Attributes
    ----------
    session
        The session: engagement, scores, edit state, undo (no widgets).
    ui
        The widgets.
    radar
        The radar's chart widget (``radar.spec`` is the spec drawn), once one is drawn.
    """

    def __init__(
        self,
        folder: str | Path | None = None,
        *,
        framework: Framework | None = None,
        open: str | Path | None = None,
    ) -> None:
        self.framework = framework or default_framework()
        self.session = AssessmentSession(
            self.framework, Path(folder) if folder is not None else default_folder()
        )
        self.exports = Exports(self.session, on_error=self._failed)
        downloads: list[DownloadButton] = [
            *self.exports.buttons(),
            *report_buttons(self._report_engagement, self.framework, on_error=self._failed),
        ]
        self.ui = AssessmentLayout(self.framework, downloads=downloads)
        self.settings = FactorSettings(self.session, self.ui, self._after)
        self.phases = PhaseControls(self.session, self.ui, self._after)
        self.findings = FindingActions(self.session, self.ui, self._saved, self.say)
        self.switch = EngagementSwitch(self.session, self.ui, self.open, self._switched)
        self.present = False
        self.radar_pane = RadarPane(self.ui.radar_box)
        self._preview: tuple[str, int | None] = (self.factor, None)
        self._polling = False
        self.saved_at: dt.datetime | None = None
        self._wire()
        if open is not None:
            self.open(open)

    @property
    def radar(self) -> Any:
        return self.radar_pane.widget

    @property
    def factor(self) -> str:
        """The factor under discussion: in the form, the prompts, the table, the URL."""
        return self.settings.factor

    @factor.setter
    def factor(self, value: str) -> None:
        self.settings.factor = value

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.ui.view)  # type: ignore[no-untyped-call]

    # -- wiring: every handler, in one place ---------------------------------------------------
    def _wire(self) -> None:
        ui, guard = self.ui, self._guard
        ui.bridge.on_open = guard(self.page_opened)
        ui.bridge.on_size = guard(self._on_size)
        ui.bridge.on_step = guard(self.step_factor)
        ui.bridge.on_present = guard(self.set_present)
        self.radar_pane.on_pick = self._guard(self._on_pick)
        ui.form.on_submit = self._guard(self.findings.submit)
        ui.form.on_draft = self._guard(self.choose)
        ui.form.on_rater = self._guard(self.set_rater)
        ui.form.on_cancel_edit = self._guard(self.findings.cancel_edit)
        ui.form.on_ready = self._guard(self._form_ready)
        ui.table.rows = self.session.rows
        ui.table.on_edit = self._guard(self.findings.edit)
        ui.table.on_delete = self._guard(self.findings.delete)
        ui.undo_button.on_click(self._guard(lambda _b: self.undo()))
        ui.present_button.observe(self._guard(lambda ch: self.set_present(ch["new"])), "value")
        ui.switch_button.observe(self._guard(lambda ch: self.switch.show(ch["new"])), "value")
        ui.open_button.on_click(self._guard(lambda _b: self.switch.open_picked()))
        ui.create_button.on_click(self._guard(lambda _b: self.switch.create()))
        ui.target.observe(self._guard(self.settings.on_target), "value")
        ui.not_applicable.observe(self._guard(self.settings.on_not_applicable), "value")
        ui.override_button.on_click(self._guard(lambda _b: self.settings.apply_consensus()))
        ui.phase_button.on_click(self._guard(lambda _b: self.phases.next_phase()))
        ui.board.on_record = self._guard(self.phases.record)

    # -- messages (say, message_text and _guard come from Messages) ------------------------
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

    # -- opening ------------------------------------------------------------------------------
    def page_opened(self, query: dict[str, str]) -> None:
        """A browser drew the page: open what its URL names (else the default engagement)."""
        self._start_polling()
        wanted = query.get("engagement") or os.environ.get("TENFOLD_ENGAGEMENT")
        if not self._showing(wanted) and not self.open(wanted):
            return
        factor = query.get("factor")
        if factor in self.framework.factor_ids:
            self.select_factor(factor)
        self.set_present(query.get("present") == "1")
        self._sync_url()

    def _showing(self, wanted: str | None) -> bool:
        """Whether the engagement ``wanted`` (any, for None) is the one open now."""
        if self.session.path is None:
            return False
        try:
            return wanted is None or self.session.resolve(wanted) == self.session.path
        except TenfoldError:
            return False

    def open(self, path: str | Path | None = None) -> bool:
        """Open an engagement (default: the newest in the folder); an error gets a message."""
        try:
            if path is None:
                files = [f for f in self.session.files() if f.engagement is not None]
                if not files:
                    self.session.close()
                    self._show()
                    self.say(
                        f"No engagement files in {self.session.folder}: create one with "
                        "“Switch engagement…”."
                    )
                    return False
                path = files[0].path
            self.session.open(path)
        except TenfoldError as exc:
            self.session.close()
            self._show()
            self.say(f"Cannot open this engagement: {exc}. The file was not changed.", "error")
            return False
        self.say("")
        self._show()
        self.ui.table.reset()
        self.ui.form.choose_factor(self.factor)
        return True

    def _show(self) -> None:
        """Show the open engagement everywhere (or nothing when none is open)."""
        e = self.session.engagement
        ui = self.ui
        ui.body.layout.display = "none" if e is None else "grid"
        ui.header.value = header_html(e, subtitle="Tenfold assessment")
        ui.bridge.title = f"{e.client} · Tenfold" if e is not None else "Tenfold"
        if e is None:
            return
        ui.form.lead = e.lead
        self._show_factor()
        self.phases.show()
        self._show_scores()

    def _show_scores(self) -> None:
        scores = self.session.scores
        assert scores is not None
        self.ui.summary.value = summary_html(scores, self.framework)
        self.settings.show()
        self._show_undo()
        self._draw()

    def _show_factor(self) -> None:
        self.ui.prompts.value = panels.prompts_html(self.framework, self.factor)
        self.ui.table.factor = self.factor

    def _show_undo(self) -> None:
        entry = self.session.undoable()
        self.ui.undo_button.disabled = entry is None
        self.ui.undo_button.tooltip = (
            f"Undo: {entry.summary}" if entry else "Nothing of yours to undo"
        )

    def _switched(self, note: str) -> None:
        self._sync_url()
        if note:
            self.say(note, "ok")

    def _sync_url(self) -> None:
        path = self.session.path
        self.ui.bridge.set_query(
            {
                "engagement": path.name if path is not None else None,
                "factor": self.factor if path is not None else None,
                "present": "1" if self.present else None,
            }
        )

    # -- the radar ----------------------------------------------------------------------------
    def _draw(self) -> None:
        """Redraw the radar once: saved scores, the previous assessment, the preview."""
        if self.session.scores is not None:
            factor, level = self._preview
            options = self.session.radar_options(factor, level, highlight=self.factor)
            self.radar_pane.draw(self.session.scores, framework=self.framework, **options)

    def _on_pick(self, factor: str) -> None:
        """A click on a factor's point or label in the radar: discuss that factor."""
        if factor in self.framework.factor_ids and factor != self.factor:
            self.select_factor(factor)

    def _on_size(self, room: PageSize) -> None:
        if self.radar_pane.measure(room):
            self._draw()

    # -- the form -----------------------------------------------------------------------------
    def _form_ready(self, rater: str) -> None:
        self.set_rater(rater)
        self.ui.form.choose_factor(self.factor)

    def set_rater(self, rater: str) -> None:
        """The rater named in this tab: credited with new findings, whose undo this is, and in
        a blind rating whose findings are shown."""
        if rater == self.session.rater:
            return
        sees_other = self.session.set_rater(rater)
        if self.session.engagement is None:
            return
        if sees_other:
            self.ui.table.reset()
            self._show_scores()
        self._show_undo()
        self.phases.show()

    def choose(self, factor: str, level: int | None) -> None:
        """The form's factor or level changed: follow the factor, preview the level."""
        if factor in self.framework.factor_ids and factor != self.factor:
            self.factor = factor
            self._show_factor()
            self.settings.show()
            self._sync_url()
        self._preview = (factor, level)
        self._draw()

    def select_factor(self, factor: str) -> None:
        """Show ``factor`` everywhere (from the URL, a radar click, present-mode keys)."""
        self.ui.form.choose_factor(factor)
        self.choose(factor, None)

    def step_factor(self, delta: int) -> None:
        ids = list(self.framework.factor_ids)
        self.select_factor(ids[(ids.index(self.factor) + delta) % len(ids)])

    # -- undo ---------------------------------------------------------------------------------
    def undo(self) -> None:
        entry, update = self.session.undo()
        self._after(update, f"Undone: {entry.summary}.")

    def _saved(self, factor: str | None, update: Update, note: str) -> None:
        if factor is not None:
            self._preview = (factor, None)  # the page cleared the level it saved
        self._after(update, note)

    def _after(self, update: Update, note: str) -> None:
        """Show what a save changed: table rows, scores, radar; "saved hh:mm:ss"."""
        self.saved_at = dt.datetime.now()
        self.ui.saved.value = f'<span class="tf-saved">✔ saved {self.saved_at:%H:%M:%S}</span>'
        self._refresh(update)
        self.say(note, "ok")

    def _refresh(self, update: Update) -> None:
        s, ui = self.session, self.ui
        if update.phase:
            ui.table.reset()
            self.phases.show()
        else:
            ui.table.upsert(s.rows([*update.added, *update.changed]))
            ui.table.remove(update.removed)
            self.phases.show_board()
        if update.others:
            self._notice(panels.changed_elsewhere(update.others, self.framework, blind=s.blind))
        self._show_scores()

    def _notice(self, text: str) -> None:
        self.ui.notice.value = f'<span class="tf-notice">{esc(text)}</span>'

    # -- colleagues' changes --------------------------------------------------------------------
    def _start_polling(self) -> None:
        if not self._polling:
            self._polling = every(POLL_SECONDS, self.poll)

    def poll(self) -> bool:
        """Show what others saved to the open file since; ``True`` if anything changed."""
        try:
            update = self.session.poll()
        except TenfoldError as exc:
            self.say(f"Cannot read the engagement file: {exc}. Nothing was saved.", "error")
            return False
        if update is None:
            return False
        s, ui = self.session, self.ui
        if s.editing is None and ui.table.highlight:
            ui.form.cancel_edit(ui.table.highlight)
            ui.table.highlight = ""
        self._refresh(update)
        if not update.others:
            self._notice(
                panels.changed_elsewhere(
                    (), self.framework, added=len(update.added), removed=len(update.removed)
                )
            )
        return True

    # -- presenting ------------------------------------------------------------------------------
    def set_present(self, on: bool) -> None:
        """Present mode: radar and summary fill the screen; arrow keys step through factors."""
        if on == self.present:
            return
        self.present = on
        ui = self.ui
        (ui.view.add_class if on else ui.view.remove_class)("tf-present")
        ui.bridge.present = on
        ui.present_button.value = on
        self.radar_pane.set_present(on)
        ui.bridge.remeasure()
        self._draw()
        self._sync_url()
