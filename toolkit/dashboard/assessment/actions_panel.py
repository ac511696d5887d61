"""The action plan on the consultant's page: the factor under discussion's actions, its remedies
(one click puts a remedy in the form) and the keyboard-first action form
(:class:`~toolkit.dashboard.widgets.action_form.ActionForm`).

Every change goes through :mod:`toolkit.changes` (``add_action``, ``update_action``) and the
session's :meth:`~toolkit.dashboard.assessment.session.AssessmentSession.apply`: one transaction
of the store, one entry in the engagement's change log, which the toolbar's Undo takes back, and
which a colleague's page hears as it hears a finding. Whether this person may change the plan is
decided here, in the kernel, by :func:`toolkit.access.plan_refusal` (a stakeholder never, a
rater signed in to a shared store never, and during a blind rating only the lead), before
anything is written; the page only shows the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from toolkit import access, changes
from toolkit._model import utcnow
from toolkit.action_plan import ACTION_STATUSES, Action, action_row
from toolkit.dashboard.assessment.panels import Act, Redraw
from toolkit.dashboard.assessment.session import AssessmentSession
from toolkit.dashboard.assessment.updates import Update
from toolkit.dashboard.widgets.action_form import ActionDraft, ActionForm
from toolkit.errors import EngagementError, TenfoldError

__all__ = ["ActionsPanel", "action_rows", "plan_refusal", "save_action", "set_action_status"]


def plan_refusal(session: AssessmentSession) -> str:
    """Why the person at this page may not change the plan now ("" when they may)."""
    e = session.engagement
    if e is None:
        return "no engagement is open"
    return access.plan_refusal(e, session.reader) or ""


def _allowed(session: AssessmentSession) -> None:
    why = plan_refusal(session)
    if why:
        raise access.AccessError(why)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def action_rows(
    session: AssessmentSession, factor: str, *, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The actions of ``factor`` as this person may see them (:func:`toolkit.access.seen`: none
    for a rater during a blind rating), open ones first, each as the action form lists it:
    :func:`toolkit.action_plan.action_row`'s fields and ``carried``, "carried from DATE" for
    an action an earlier cycle opened ("" otherwise)."""
    e = session.seen
    if e is None:
        return []
    day = today or utcnow().date()
    items = [a for a in e.actions if a.factor == factor]
    items.sort(key=lambda a: (not a.open, a.due))
    return [_row(a, session, e.id, day) for a in items]


def _row(
    a: Action, session: AssessmentSession, engagement_id: str, today: dt.date
) -> dict[str, Any]:
    # The list's fields (toolkit.action_plan.action_row, as `tenfold action list` gives them),
    # and the line the page shows under an action carried from an earlier cycle.
    carried = "" if a.opened_in == engagement_id else f"carried from {_day(a.opened_on)}"
    return {**action_row(a, session.framework, today), "carried": carried}


def _due(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise EngagementError(
            f"due: {text.strip()[:40]!r} is not a date; pick a day, such as 2027-06-30"
        ) from None


def _status(status: str) -> None:
    if status not in ACTION_STATUSES:
        raise EngagementError(f"status: {status!r} is not one of {', '.join(ACTION_STATUSES)}")


def save_action(session: AssessmentSession, draft: ActionDraft) -> tuple[str, Update]:
    """Add the action in the form, or change the one being edited; returns its id and what
    changed. Refused, with nothing written, to whoever may not change the plan
    (:func:`plan_refusal`) and for a field that is not right (the message names it)."""
    _allowed(session)
    fw = session.framework
    _status(draft.status)
    due = _due(draft.due)
    label = fw.factor(draft.factor).label if draft.factor in fw.factor_ids else draft.factor
    if draft.id is not None:
        change = changes.update_action(
            draft.id,
            by=session.by,
            framework=fw,
            what=draft.what,
            owner=draft.owner.strip(),
            due=due,
            status=draft.status,
            aim=draft.aim,
        )
        return draft.id, session.apply(change, f"Action changed in {label}.", action="plan")
    aid, change = changes.add_action(
        factor=draft.factor,
        what=draft.what,
        owner=draft.owner.strip(),
        due=due,
        aim=draft.aim,
        remedy=draft.remedy,
        status=draft.status,
        by=session.by,
        framework=fw,
    )
    return aid, session.apply(
        change, f"Action added to {label} (Undo takes it back).", action="plan"
    )


def set_action_status(session: AssessmentSession, action_id: str, status: str) -> Update:
    """Move one action to ``status`` (planned, in progress, done, dropped)."""
    _allowed(session)
    _status(status)
    change = changes.update_action(
        action_id, by=session.by, framework=session.framework, status=status
    )
    return session.apply(change, f"Action marked {status}.", action="plan")


class ActionsPanel:
    """The factor's action plan and the action form, below the factor's settings."""

    def __init__(self, session: AssessmentSession, act: Act) -> None:
        self.form = ActionForm(session.framework)
        self.view = self.form

        def answered(seq: int, work: Callable[[], tuple[str, Update]]) -> Update:
            try:
                aid, update = work()
            except Exception as exc:  # the page hears why; never a traceback
                why = (
                    str(exc)
                    if isinstance(exc, TenfoldError)
                    else f"an unexpected problem ({type(exc).__name__})"
                )
                self.form.rejected(seq, f"{why}.")
                session.say(f"Action not saved: {why}.", "error")
                return Update()
            self.form.saved(seq, aid)
            return update

        def save(seq: int, draft: ActionDraft) -> None:
            act(lambda: answered(seq, lambda: save_action(session, draft)))

        def status(seq: int, action_id: str, value: str) -> None:
            act(
                lambda: answered(
                    seq, lambda: (action_id, set_action_status(session, action_id, value))
                )
            )

        self.form.on_save = save
        self.form.on_status = status

    def render(self, r: Redraw) -> None:
        s, v = r.session, r.new
        f = self.form
        fw = s.framework
        factor = v.factor
        with f.hold_sync():
            f.factor = factor
            f.factor_label = fw.factor(factor).label if factor in fw.factor_ids else ""
            f.remedies = list(fw.factor(factor).remedies) if factor in fw.factor_ids else []
            f.refusal = plan_refusal(s)
            f.actions = action_rows(s, factor)
            f.revision = v.revision
