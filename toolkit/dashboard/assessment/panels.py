"""The parts of the consultant's page, each a panel that builds its widgets, draws them from the
session's view and turns what a person does there into a session event:

- :class:`Header`: client and title, the phase note and the message line;
- :class:`Toolbar`: "Switch engagement…", Undo, the phase button, Present, the saved line and
  the notice of colleagues' changes;
- :class:`Switcher`: the engagements of the store (listed only while it is open) and a new one;
- :class:`FindingEntry`: the finding form and the factor's interview prompts;
- :class:`FactorSettings`: the factor under discussion: target, not applicable, consensus,
  history;
- :class:`Board`: the consensus board, after a blind rating;
- :class:`RadarColumn`: the radar, the present-mode panel, the summary and the downloads;
- :class:`Findings`: every finding in one table, with Edit and Delete.

A panel's ``render(redraw)`` reads only the :class:`Redraw` it is given (the view before and
after an event, and what the event did to the engagement) and the session; it sets its own
widgets and nothing else. Its handlers call ``act(event)``, which runs a session event and then
redraws every panel (:meth:`~toolkit.dashboard.assessment.app.AssessmentApp.act`). A widget set
by a render and heard back by its handler asks the session for what it already has (the target
it already holds, the present mode it is in), which the session answers by doing nothing: no
flag is needed to keep a render from saving.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from toolkit.charts import RadarOptions
from toolkit.dashboard.assessment import text
from toolkit.dashboard.assessment.session import AssessmentSession, unavailable
from toolkit.dashboard.assessment.state import AssessmentView
from toolkit.dashboard.assessment.updates import Draft, Update
from toolkit.dashboard.common import esc, header_html, message_html, style_widget, summary_html
from toolkit.dashboard.widgets.board import ConsensusBoard
from toolkit.dashboard.widgets.form import FindingForm
from toolkit.dashboard.widgets.radar_pane import RadarPane
from toolkit.dashboard.widgets.table import FindingsTable
from toolkit.errors import TenfoldError

__all__ = [
    "NO_LEVEL",
    "SUBTITLE",
    "Act",
    "Board",
    "FactorSettings",
    "FindingEntry",
    "Findings",
    "Header",
    "RadarColumn",
    "Redraw",
    "Switcher",
    "Toolbar",
]

#: The "none" choice of the target and consensus pickers.
NO_LEVEL = -1
SUBTITLE = "Tenfold assessment"
#: Runs a session event (returning what it did to the engagement, if anything), then redraws.
Act = Callable[[Callable[[], object]], None]


@dataclass(frozen=True)
class Redraw:
    """What one event changed: the view before and after, and what it did to the engagement."""

    session: AssessmentSession
    old: AssessmentView
    new: AssessmentView
    update: Update | None = None

    def changed(self, *fields: str) -> bool:
        return self.new.differs(self.old, *fields)

    @property
    def opened(self) -> bool:
        """Another engagement is shown (or the same one read anew, or none)."""
        return self.changed("engagement") or (self.update is not None and self.update.opened)

    @property
    def reseen(self) -> bool:
        """What this person may see changed: an engagement opened, the phase moved, or another
        rater named during a blind rating."""
        return (
            self.opened
            or self.changed("phase")
            or (self.changed("rater") and self.new.phase == "independent")
        )

    @property
    def data(self) -> bool:
        """The engagement shown changed, or what this person may see of it."""
        return self.reseen or (self.update is not None and not self.update.empty)


def _row(*children: widgets.Widget) -> widgets.HBox:
    return widgets.HBox(
        list(children),
        layout=widgets.Layout(grid_gap="6px", align_items="center", flex_flow="row wrap"),
    )


def _stamped(markup: str, cls: str, revision: int) -> str:
    return f'<span class="{cls}" data-rev="{revision}">{markup}</span>' if markup else ""


class Header:
    """Client and title, the phase note and the message line."""

    def __init__(self) -> None:
        self.header = widgets.HTML(header_html(None, subtitle=SUBTITLE))
        self.phase_note = style_widget(widgets.HTML(""), "tf-phase-note")
        self.message = widgets.HTML("")

    def render(self, r: Redraw) -> None:
        s, v = r.session, r.new
        if r.opened:
            self.header.value = header_html(s.engagement, subtitle=SUBTITLE)
        if r.changed("message", "tone"):
            self.message.value = message_html(v.message, v.tone)
        if r.opened or r.changed("phase", "rater"):
            e = s.engagement
            named = bool(v.rater.strip())
            self.phase_note.value = (
                "" if e is None else text.phase_note_html(e, by=s.by, named=named)
            )


class Toolbar:
    """ "Switch engagement…", Undo, the phase button, Present, the saved line, the notice."""

    def __init__(self, session: AssessmentSession, act: Act) -> None:
        self.switch = widgets.ToggleButton(
            description="Switch engagement…",
            tooltip="Open another engagement, or create a new one",
        )
        self.undo = widgets.Button(description="Undo", disabled=True, icon="undo")
        self.present = widgets.ToggleButton(
            description="Present",
            icon="desktop",
            tooltip="Radar and summary fill the screen; arrow keys step through the factors",
        )
        self.phase = widgets.Button(
            description="Start blind rating",
            tooltip="Each rater records alone, seeing only their own findings, until the lead "
            "reveals the panel",
        )
        self.phase.add_class("tf-phase-button")
        self.saved = widgets.HTML("")
        self.notice = widgets.HTML("")
        editing = style_widget(
            widgets.HBox([self.switch, self.undo]), "tf-editing-tools", "tf-toolbar"
        )
        self.view = style_widget(
            widgets.HBox([editing, self.phase, self.present, self.saved, self.notice]),
            "tf-toolbar",
        )
        self.switch.observe(lambda ch: act(lambda: session.switch(bool(ch["new"]))), "value")
        self.undo.on_click(lambda _b: act(lambda: session.undo()[1]))
        self.phase.on_click(lambda _b: act(session.next_phase))
        self.present.observe(lambda ch: act(lambda: session.set_present(bool(ch["new"]))), "value")

    def render(self, r: Redraw) -> None:
        s, v = r.session, r.new
        if r.opened:  # a stakeholder's page: "Switch engagement…" only (they read in the viewer)
            for tool in (self.undo, self.phase, self.present):
                tool.layout.display = None if s.sees_assessment else "none"
        if r.data or r.changed("rater"):
            entry = s.undoable()
            self.undo.disabled = entry is None
            self.undo.tooltip = f"Undo: {entry.summary}" if entry else "Nothing of yours to undo"
        e = s.engagement
        if e is not None and (r.opened or r.changed("phase", "rater")):
            _next, button, tip = text.NEXT_PHASE[e.phase]
            is_lead = s.reader.is_lead(e)
            self.phase.description = button
            self.phase.disabled = not is_lead
            self.phase.tooltip = tip if is_lead else f"Only the lead, {e.lead}, can do this"
        self.present.value = v.present
        self.switch.value = v.switching
        if r.changed("saved_at") and v.saved_at is not None:
            self.saved.value = _stamped(f"✔ saved {v.saved_at:%H:%M:%S}", "tf-saved", v.revision)
        if r.changed("notice"):
            self.notice.value = _stamped(esc(v.notice), "tf-notice", v.revision)


class Switcher:
    """Open another engagement of the store, or create one, behind "Switch engagement…".

    Other engagements are listed only while the panel is open: their clients' names are never
    in the page otherwise.
    """

    def __init__(self, session: AssessmentSession, act: Act) -> None:
        self.picker = widgets.Dropdown(
            description="Engagement",
            options=[],
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto", min_width="0", flex="1 1 360px"),
        )
        self.open = widgets.Button(description="Open", button_style="primary")
        self.client = widgets.Text(description="Client", placeholder="Client name")
        self.title = widgets.Text(description="Title", value="Service management diagnostic")
        # Signed in, whoever creates an engagement is its lead: the box shows the login, to read.
        signed_in = session.identity
        self.lead = widgets.Text(
            description="Lead (signed in)" if signed_in else "Lead",
            placeholder="Engagement lead",
            value=signed_in or "",
            disabled=signed_in is not None,
            style={"description_width": "initial"} if signed_in else {},
        )
        self.create = widgets.Button(description="Create")
        for w in (self.client, self.title, self.lead):
            w.layout = widgets.Layout(width="auto", min_width="0", flex="1 1 220px")
        # A stakeholder's login creates no engagement (the store refuses it): nothing to offer.
        creating = (
            [
                widgets.HTML('<div class="tf-muted">or a new engagement:</div>'),
                _row(self.client, self.title, self.lead, self.create),
            ]
            if session.store.may_create
            else []
        )
        panel = widgets.VBox(
            [_row(self.picker, self.open), *creating],
            layout=widgets.Layout(display="none", grid_gap="4px"),
        )
        self.view = style_widget(panel, "tf-card", "tf-editing-tools")

        def open_picked() -> Update | None:
            return session.open(self.picker.value) if self.picker.value else None

        def create() -> None:
            session.create(client=self.client.value, title=self.title.value, lead=self.lead.value)
            self.client.value = ""
            self.lead.value = signed_in or ""

        self.open.on_click(lambda _b: act(open_picked))
        self.create.on_click(lambda _b: act(create))

    def render(self, r: Redraw) -> None:
        if not r.changed("switching"):
            return
        on = r.new.switching
        self.view.layout.display = "flex" if on else "none"
        listed = [(i.label, i.ref) for i in r.session.engagements()] if on else []
        self.picker.options = listed  # the first is chosen; then the one open, if listed
        if on and r.new.engagement in dict(listed).values():
            self.picker.value = r.new.engagement


class FindingEntry:
    """The finding form and, beside it, what to ask about the factor and what to look for.

    The form's fields live in the browser: a save arrives as one message and is answered saved
    or refused (a refusal because the store cannot be reached offers a Retry), so nothing typed
    is lost.
    """

    def __init__(self, session: AssessmentSession, act: Act) -> None:
        fw = session.framework
        self.form = FindingForm(fw, signed_in=session.identity or "")
        self.prompts = style_widget(widgets.HTML(""), "tf-card", "tf-prompts")

        def submit(seq: int, draft: Draft) -> None:
            def save() -> Update:
                try:
                    fid, update = session.submit(draft)
                except Exception as exc:  # the page hears why; never a traceback
                    why = (
                        str(exc)
                        if isinstance(exc, TenfoldError)
                        else f"an unexpected problem ({type(exc).__name__})"
                    )
                    retry = unavailable(exc)
                    self.form.rejected(seq, f"{why}.", retry=retry)
                    kept = " Your finding is kept: Retry once it is back." if retry else ""
                    session.say(f"Not saved: {why}.{kept}", "error")
                    return Update()
                self.form.saved(seq, fid)
                return update

            act(save)

        def ready(rater: str) -> None:
            act(lambda: session.set_rater(rater))
            self.form.choose_factor(session.view.factor)  # the form was just drawn

        self.form.on_submit = submit
        self.form.on_draft = lambda factor, level: act(lambda: session.choose(factor, level))
        self.form.on_rater = lambda rater: act(lambda: session.set_rater(rater))
        self.form.on_cancel_edit = lambda: act(session.cancel_edit)
        self.form.on_ready = ready

    def render(self, r: Redraw) -> None:
        s, v = r.session, r.new
        if r.opened and s.engagement is not None:
            self.form.lead = s.engagement.lead
        if r.changed("editing"):
            if v.editing is not None and s.seen is not None:
                self.form.edit(s.seen.finding(v.editing))
            elif r.old.editing is not None:
                self.form.cancel_edit(r.old.editing)  # deleted, saved or no longer theirs
        if r.changed("factor") or r.opened:
            self.form.choose_factor(v.factor)
            self.prompts.value = text.prompts_html(s.framework, v.factor)


class FactorSettings:
    """The factor under discussion: its line, target, not applicable, consensus and history."""

    def __init__(self, session: AssessmentSession, act: Act) -> None:
        fw = session.framework
        self.title = widgets.HTML("")
        self.target = widgets.ToggleButtons(
            options=[("none", NO_LEVEL)] + [(str(lv), lv) for lv in range(5)],
            value=NO_LEVEL,
            description="Target",
            style={"button_width": "auto", "description_width": "56px"},
        )
        self.not_applicable = widgets.Checkbox(
            description="Not applicable to this client", indent=False
        )
        self.consensus = widgets.Dropdown(
            options=[("no consensus level", NO_LEVEL)]
            + [(f"{lv.level} {lv.name}", lv.level) for lv in fw.levels],
            value=NO_LEVEL,
            description="Consensus",
            style={"description_width": "72px"},
            layout=widgets.Layout(width="auto", min_width="0", flex="1 1 200px"),
        )
        self.agreed_by = widgets.Text(
            description="Agreed by",
            placeholder="Who agreed it (required)",
            style={"description_width": "72px"},
        )
        self.reason = widgets.Text(
            description="Reason",
            placeholder="Why the team agreed this level (required)",
            style={"description_width": "72px"},
        )
        self.apply = widgets.Button(description="Apply consensus")
        self.state = widgets.HTML("")
        self.history = widgets.HTML("")
        self.view = widgets.VBox(
            [
                self.title,
                self.target,
                self.not_applicable,
                _row(self.consensus, self.apply),
                self.agreed_by,
                self.reason,
                self.state,
                self.history,
            ],
            layout=widgets.Layout(grid_gap="4px"),
        )

        def level(value: Any) -> int | None:
            return None if value == NO_LEVEL else int(value)

        def apply_consensus() -> Update:
            update = session.set_consensus(
                session.view.factor,
                level(self.consensus.value),
                reason=self.reason.value.strip(),
                agreed_by=self.agreed_by.value.strip(),
            )
            self.reason.value = self.agreed_by.value = ""
            return update

        self.target.observe(
            lambda ch: act(lambda: session.set_target(session.view.factor, level(ch["new"]))),
            "value",
        )
        self.not_applicable.observe(
            lambda ch: act(
                lambda: session.set_not_applicable(session.view.factor, bool(ch["new"]))
            ),
            "value",
        )
        self.apply.on_click(lambda _b: act(apply_consensus))

    def render(self, r: Redraw) -> None:
        s, fid = r.session, r.new.factor
        e, scores = s.seen, s.scores  # in a blind rating, no consensus level is shown
        if e is None or scores is None or not (r.data or r.changed("factor")):
            return
        self.title.value = text.factor_title_html(scores, s.framework, fid)
        override = e.overrides.get(fid)
        self.target.value = e.targets.get(fid, NO_LEVEL)
        self.not_applicable.value = fid in e.not_applicable
        self.consensus.value = override.level if override else NO_LEVEL
        self.state.value = text.override_html(e, fid)
        self.history.value = text.history_html(s.history(fid))
        for widget in (self.consensus, self.agreed_by, self.reason, self.apply):
            widget.disabled = s.blind


class Board:
    """The consensus board: every rater's level side by side, settled in place."""

    def __init__(self, session: AssessmentSession, act: Act) -> None:
        self.board = ConsensusBoard(session.framework)

        def record(factor: str, level: int | None, reason: str, agreed_by: str) -> None:
            def save() -> Update:
                update = session.set_consensus(factor, level, reason=reason, agreed_by=agreed_by)
                self.board.recorded(factor)
                return update

            act(save)

        self.board.on_record = record

    def render(self, r: Redraw) -> None:
        if r.data:
            self.board.rows = r.session.board()


class RadarColumn:
    """The radar (a click on a factor discusses it), the present-mode panel, the summary and
    the downloads."""

    def __init__(
        self, session: AssessmentSession, act: Act, downloads: Sequence[widgets.Widget]
    ) -> None:
        self.box = style_widget(widgets.VBox(), "tf-radar-box")
        self.pane = RadarPane(self.box, previews=True)
        # Made now, in the preheated kernel, not while the person opening the page waits.
        self.pane.prepare(RadarOptions(framework=session.framework))
        self.pane.on_pick = lambda factor: act(lambda: session.select(factor))
        self.present = style_widget(widgets.HTML(""), "tf-present-panel")
        self.summary = widgets.HTML("")
        self.downloads = list(downloads)
        exports = style_widget(_row(*self.downloads), "tf-exports")
        side = style_widget(widgets.VBox([self.present, self.summary, exports]), "tf-side")
        self.view = style_widget(widgets.VBox([self.box, side]), "tf-radar-col")

    @property
    def radar(self) -> Any:
        """The chart widget (``radar.spec`` is what is drawn), once one is drawn."""
        return self.pane.widget

    def render(self, r: Redraw) -> None:
        s, v = r.session, r.new
        scores = s.scores
        if scores is None:
            return
        if r.data:
            self.summary.value = summary_html(scores, s.framework)
        if r.data or r.changed("phase", "rater"):
            for button in self.downloads:
                button.disabled = s.blind
        if r.data or r.changed("factor"):
            self.present.value = text.present_html(scores, s.framework, v.factor)
        if r.data or r.changed("factor", "preview", "present", "room"):
            self.pane.draw(
                scores, s.radar_options(), room=v.room, present=v.present, revision=v.revision
            )


class Findings:
    """Every finding of the engagement (as this person may see it) in one table."""

    def __init__(self, session: AssessmentSession, act: Act) -> None:
        self.table = FindingsTable(session.framework)
        self.table.rows = session.rows
        self.table.on_edit = lambda fid: act(lambda: session.edit(fid))
        self.table.on_delete = lambda fid: act(lambda: session.delete(fid))
        self.view = style_widget(widgets.VBox([self.table]), "tf-table-row")

    def render(self, r: Redraw) -> None:
        s, v = r.session, r.new
        t = self.table
        t.revision = v.revision
        if r.reseen:
            t.reset()
        elif r.update is not None:
            t.upsert(s.rows([*r.update.added, *r.update.changed]))
            t.remove(r.update.removed)
        t.factor = v.factor
        t.highlight = v.editing or ""
