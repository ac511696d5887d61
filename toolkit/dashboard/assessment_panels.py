"""Two parts of the assessment dashboard, each showing and changing one thing:

- :class:`FactorSettings`: the factor under discussion: its title, target, not-applicable flag,
  consensus level (with who agreed it and why) and history;
- :class:`PhaseControls`: blind rating then consensus: the phase button and note, the board,
  what a blind rating switches off.

Each shows the session's state on the layout's widgets and turns a person's change into a
session call; :class:`~toolkit.dashboard.assessment.AssessmentApp` wires their handlers and
shows what a save changed (``after``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from toolkit.dashboard import panels
from toolkit.dashboard.assessment_layout import NO_LEVEL, AssessmentLayout
from toolkit.dashboard.session import AssessmentSession, Update

__all__ = ["FactorSettings", "PhaseControls"]

After = Callable[[Update, str], None]


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
        e, scores = s.engagement, s.scores
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
