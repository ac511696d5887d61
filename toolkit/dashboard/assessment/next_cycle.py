"""*Switch engagement… > New from this one*: the next assessment of the client starts from the
one open.

:func:`start_from_open` calls what ``tenfold new --from`` calls
(:func:`toolkit.cycles.start_next_cycle`), in the same store: targets, not-applicable factors,
the team and the open actions carried, findings and consensus not, and a firm link to the one it
was started from. The new engagement opens in the page, and the message says what was carried.
"""

from __future__ import annotations

import ipywidgets as widgets

from toolkit.cycles import carried, start_next_cycle
from toolkit.dashboard.assessment.panels import Act, Redraw
from toolkit.dashboard.assessment.session import AssessmentSession
from toolkit.dashboard.assessment.updates import Update
from toolkit.dashboard.common import esc, style_widget
from toolkit.errors import EngagementError

__all__ = ["NextCycle", "carried_sentence", "start_from_open"]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


def carried_sentence(what: dict[str, object]) -> str:
    """What :func:`toolkit.cycles.carried` returned, in words."""
    targets = what["targets"]
    not_applicable = what["not_applicable"]
    team = what["team"]
    actions = what["actions"]
    assert isinstance(targets, dict) and isinstance(not_applicable, tuple)
    assert isinstance(team, tuple) and isinstance(actions, tuple)
    return (
        f"{_plural(len(targets), 'target')}, "
        f"{_plural(len(not_applicable), 'factor')} not applicable, "
        f"the team ({', '.join(str(p) for p in team)}) and "
        f"{_plural(len(actions), 'open action')}"
    )


def start_from_open(session: AssessmentSession) -> tuple[str, Update]:
    """Start the next cycle of the engagement open, open it, and say what was carried; returns
    the new engagement's ref and what changed on the page. Refused with nothing written when
    the open one cannot be started from (another framework, a blind rating, dated today)."""
    snapshot = session.snapshot
    if snapshot is None:
        raise EngagementError("open the engagement to start the next cycle from first")
    if not session.sees_assessment:  # a stakeholder reads the engagement; its next is the lead's
        session.check("settings")
    previous = snapshot.engagement
    created = start_next_cycle(
        session.store, snapshot.ref, framework=session.framework, by=session.by
    )
    update = session.open(created.ref)
    session.say(
        f"Started the next assessment of {previous.client} from the one of "
        f"{previous.date:%d %b %Y}: carried {carried_sentence(carried(previous))}. Findings "
        "and consensus start fresh; every comparison is with the assessment it was started "
        "from.",
        "ok",
    )
    return created.ref, update


class NextCycle:
    """The "New from this one" row of the switch panel."""

    def __init__(self, session: AssessmentSession, act: Act) -> None:
        self.button = widgets.Button(
            description="New from this one",
            icon="forward",
            tooltip="Start the client's next assessment from this one: targets, not-applicable "
            "factors, the team and open actions carried; findings start fresh",
        )
        self.note = widgets.HTML("")
        self.view = style_widget(
            widgets.HBox(
                [self.button, self.note],
                layout=widgets.Layout(grid_gap="6px", align_items="center", flex_flow="row wrap"),
            ),
            "tf-next-cycle",
        )
        self.button.on_click(lambda _b: act(lambda: start_from_open(session)[1]))

    def render(self, r: Redraw) -> None:
        if not (r.opened or r.changed("switching")):
            return
        e = r.session.engagement
        self.view.layout.display = None if r.session.sees_assessment else "none"
        self.button.disabled = e is None
        self.note.value = (
            ""
            if e is None
            else '<span class="tf-muted">or the next assessment of '
            f"{esc(e.client)}, from this one: targets, not-applicable factors, the team and open "
            "actions carried.</span>"
        )
