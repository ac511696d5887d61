"""Four parts of the assessment dashboard, each showing and changing one thing:

- :class:`FindingActions`: a finding saved from the form, edited or deleted from the table;
- :class:`FactorSettings`: the factor under discussion: its title, target, not-applicable flag,
  consensus level (with who agreed it and why) and history;
- :class:`PhaseControls`: blind rating then consensus: the phase button and note, the board,
  what a blind rating switches off;
- :class:`EngagementSwitch`: the "Switch engagement…" panel, the only place other engagements
  are named (and only while it is open), and where a new engagement is created.

Each shows the session's state on the layout's widgets and turns a person's change into a
session call; :class:`~toolkit.dashboard.assessment.app.AssessmentApp` wires their handlers and
shows what a save changed (``after``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from toolkit.dashboard.assessment import text as panels
from toolkit.dashboard.assessment.layout import NO_LEVEL, AssessmentLayout
from toolkit.dashboard.assessment.session import AssessmentSession, Draft, Update
from toolkit.dashboard.common import Tone
from toolkit.errors import TenfoldError

__all__ = ["EngagementSwitch", "FactorSettings", "FindingActions", "PhaseControls"]

After = Callable[[Update, str], None]


class FindingActions:
    """Save the form's finding (the page is told saved, or why not), edit and delete.

    ``saved(factor, update, note)`` shows what a change did (``factor``: the one whose level
    the page cleared, None for a deletion); ``say(text, tone)`` shows a message.
    """

    def __init__(
        self,
        session: AssessmentSession,
        ui: AssessmentLayout,
        saved: Callable[[str | None, Update, str], None],
        say: Callable[[str, Tone], None],
    ) -> None:
        self.session, self.ui, self.saved, self.say = session, ui, saved, say

    def submit(self, seq: int, draft: Draft) -> None:
        """Save the finding the form sent as ``seq``; a refusal goes back to the form."""
        self.session.rater = draft.rater
        try:
            fid, update = self.session.submit(draft)
        except Exception as exc:
            why = (
                str(exc)
                if isinstance(exc, TenfoldError)
                else (f"an unexpected problem ({type(exc).__name__})")
            )
            self.ui.form.rejected(seq, f"{why}.")
            self.say(f"Not saved: {why}.", "error")
            return
        self.ui.form.saved(seq, fid)
        label = self.session.framework.factor(draft.factor).label
        what = "changed" if draft.editing else "added to"
        self.saved(draft.factor, update, f"Finding {what} {label}.")
        if draft.editing:
            self.ui.table.highlight = ""

    def edit(self, finding_id: str) -> None:
        finding = self.session.edit(finding_id)
        self.ui.form.edit(finding)
        self.ui.table.highlight = finding_id

    def cancel_edit(self) -> None:
        self.session.cancel_edit()
        self.ui.table.highlight = ""

    def delete(self, finding_id: str) -> None:
        editing = self.session.editing == finding_id
        update = self.session.delete(finding_id)
        if editing:
            self.ui.form.cancel_edit(finding_id)
            self.ui.table.highlight = ""
        self.saved(None, update, "Finding deleted (Undo puts it back).")


class FactorSettings:
    """The selected factor's settings and history, beside the form."""

    def __init__(self, session: AssessmentSession, ui: AssessmentLayout, after: After) -> None:
        self.session, self.ui, self.after = session, ui, after
        self.factor = session.framework.factor_ids[0]
        self._muted = False

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        """Set widgets from the file without their handlers saving it back."""
        self._muted = True
        try:
            yield
        finally:
            self._muted = False

    def show(self) -> None:
        s, ui, fid, fw = self.session, self.ui, self.factor, self.session.framework
        e, scores = s.seen, s.scores  # in a blind rating, no consensus level is shown
        if e is None or scores is None:
            return
        ui.factor_title.value = panels.factor_title_html(scores, fw, fid)
        with self._quiet():
            ui.not_applicable.value = fid in e.not_applicable
            ui.target.value = e.targets.get(fid, NO_LEVEL)
            override = e.overrides.get(fid)
            ui.override_level.value = override.level if override else NO_LEVEL
        ui.override_state.value = panels.override_html(e, fid)
        ui.history.value = panels.history_html(s.history(fid))
        ui.present_panel.value = panels.present_html(scores, fw, fid)

    def on_target(self, change: dict[str, Any]) -> None:
        if not self._muted:
            level = None if change["new"] == NO_LEVEL else int(change["new"])
            self.after(self.session.set_target(self.factor, level), "Target saved.")

    def on_not_applicable(self, change: dict[str, Any]) -> None:
        if not self._muted:
            update = self.session.set_not_applicable(self.factor, bool(change["new"]))
            self.after(update, "Saved.")

    def apply_consensus(self) -> None:
        ui = self.ui
        level = None if ui.override_level.value == NO_LEVEL else int(ui.override_level.value)
        update = self.session.set_consensus(
            self.factor,
            level,
            reason=ui.override_reason.value.strip(),
            agreed_by=ui.override_by.value.strip(),
        )
        ui.override_reason.value = ui.override_by.value = ""
        self.after(update, "Consensus level saved." if level is not None else "Consensus cleared.")


class PhaseControls:
    """Blind rating, then consensus: the button, the note, the board."""

    def __init__(self, session: AssessmentSession, ui: AssessmentLayout, after: After) -> None:
        self.session, self.ui, self.after = session, ui, after

    def next_phase(self) -> None:
        """Move to the next phase: blind rating, then the panel revealed, then open again."""
        e = self.session.engagement
        if e is not None:
            phase, button, _tip = panels.NEXT_PHASE[e.phase]
            self.after(self.session.set_phase(phase), f"{button}: done.")

    def show(self) -> None:
        """What the phase changes on the page: the note, the board, what can be exported."""
        s, ui = self.session, self.ui
        e = s.engagement
        if e is None:
            return
        _next, button, tip = panels.NEXT_PHASE[e.phase]
        is_lead = s.by == e.lead
        ui.phase_button.description = button
        ui.phase_button.disabled = not is_lead
        ui.phase_button.tooltip = tip if is_lead else f"Only the lead, {e.lead}, can do this"
        for cls, on in (("tf-blind", s.blind), ("tf-consensus", e.phase == "consensus")):
            (ui.view.add_class if on else ui.view.remove_class)(cls)
        for widget in (*ui.downloads, ui.override_level, ui.override_by, ui.override_reason):
            widget.disabled = s.blind
        ui.override_button.disabled = s.blind
        ui.phase_note.value = panels.phase_note_html(e, by=s.by, named=bool(s.rater.strip()))
        self.show_board()

    def show_board(self) -> None:
        e = self.session.engagement
        self.ui.board.rows = (
            self.session.board() if e is not None and e.phase == "consensus" else []
        )

    def record(self, factor: str, level: int | None, reason: str, agreed_by: str) -> None:
        """A consensus level recorded on the board, in place."""
        update = self.session.set_consensus(factor, level, reason=reason, agreed_by=agreed_by)
        self.ui.board.recorded(factor)
        label = self.session.framework.factor(factor).label
        self.after(update, f"Consensus on {label} saved.")


class EngagementSwitch:
    """Open another engagement, or create one, behind a deliberate "Switch engagement…" toggle.

    ``open_file(path)`` opens an engagement (``False`` when it could not, after saying why);
    ``opened(note)`` shows a note once the switch is done.
    """

    def __init__(
        self,
        session: AssessmentSession,
        ui: AssessmentLayout,
        open_file: Callable[[str | Path], bool],
        opened: Callable[[str], None],
    ) -> None:
        self.session, self.ui = session, ui
        self.open_file, self.opened = open_file, opened

    def show(self, on: bool) -> None:
        """Open or close the panel; the other engagements are listed only while it is open."""
        ui = self.ui
        ui.switch_panel.layout.display = "flex" if on else "none"
        ui.picker.options = [(f.label, str(f.path)) for f in self.session.files()] if on else []
        if on and self.session.path is not None:
            ui.picker.value = str(self.session.path)

    def open_picked(self) -> None:
        if self.ui.picker.value and self.open_file(self.ui.picker.value):
            self.ui.switch_button.value = False
            self.opened("")

    def create(self) -> None:
        """Create a new engagement from the client, title and lead fields, and open it."""
        ui = self.ui
        path = self.session.create(
            client=ui.new_client.value, title=ui.new_title.value, lead=ui.new_lead.value
        )
        ui.new_client.value = ui.new_lead.value = ""
        ui.switch_button.value = False
        if self.open_file(path):
            self.opened(f"Created {path.name}.")
