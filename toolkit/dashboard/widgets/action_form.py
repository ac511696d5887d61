"""The action form: a factor's action plan, its remedies and the form to add or change an
action, as a widget whose fields live in the browser (see ``static/action_form.js``).

The kernel sets what the page lists (:attr:`ActionForm.actions`, :attr:`ActionForm.remedies`)
and why this person may not change the plan, if so (:attr:`ActionForm.refusal`, decided by
:func:`toolkit.access.plan_refusal`); a save or a status change arrives as one message
(:class:`ActionDraft`, or an id and a status) and is answered with :meth:`ActionForm.saved` or
:meth:`ActionForm.rejected`.

Keys, with the focus in the form: Ctrl/Cmd+Enter saves; Esc leaves the edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anywidget
import traitlets

from toolkit.action_plan import ACTION_STATUSES
from toolkit.dashboard.widgets.assets import STATIC, ignore, widget_module
from toolkit.framework import Framework

__all__ = ["ActionDraft", "ActionForm"]


@dataclass(frozen=True)
class ActionDraft:
    """What the action form holds when it is saved: a new action (``id`` None) or a change."""

    factor: str
    what: str
    owner: str
    due: str
    status: str = "planned"
    aim: int | None = None
    remedy: int | None = None
    id: str | None = None


def _number(value: Any) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ActionForm(anywidget.AnyWidget):
    """The action form. Its handler attributes receive what the person did:

    - ``on_save(seq, draft)``: add or change an action; answer with :meth:`saved` or
      :meth:`rejected`;
    - ``on_status(seq, action_id, status)``: move an action to ``status``; answered the same.
    """

    on_save: Callable[[int, ActionDraft], Any] = ignore
    on_status: Callable[[int, str, str], Any] = ignore

    _esm = widget_module("action_form.js")
    _css = (STATIC / "action_form.css").read_text(encoding="utf-8")
    statuses = traitlets.List(traitlets.Unicode()).tag(sync=True)
    levels = traitlets.List(traitlets.Dict()).tag(sync=True)
    #: The factor under discussion (its id) and its label.
    factor = traitlets.Unicode("").tag(sync=True)
    factor_label = traitlets.Unicode("").tag(sync=True)
    #: The factor's actions as this person may see them (see ``actions_panel.action_rows``).
    actions = traitlets.List(traitlets.Dict()).tag(sync=True)
    #: The framework's remedies for the factor, in order (remedy 1 first).
    remedies = traitlets.List(traitlets.Unicode()).tag(sync=True)
    #: Why this person may not change the plan now ("" when they may).
    refusal = traitlets.Unicode("").tag(sync=True)
    #: The revision of the page's view the list was drawn from.
    revision = traitlets.Int(0).tag(sync=True)

    def __init__(self, framework: Framework, **kwargs: Any) -> None:
        super().__init__(
            statuses=list(ACTION_STATUSES),
            levels=[{"level": lv.level, "name": lv.name} for lv in framework.levels],
            **kwargs,
        )
        self.on_msg(lambda _w, content, _b: self.handle(content))

    def handle(self, content: Any) -> None:
        """Act on one message from the page (public so tests can send what a page sends)."""
        if not isinstance(content, dict):
            return
        op = content.get("op")
        seq = _number(content.get("seq")) or 0
        if op == "save":
            draft = ActionDraft(
                factor=str(content.get("factor", "")),
                what=str(content.get("what", "")),
                owner=str(content.get("owner", "")),
                due=str(content.get("due", "")),
                status=str(content.get("status", "planned")),
                aim=_number(content.get("aim")),
                remedy=_number(content.get("remedy")),
                id=str(content["id"]) if content.get("id") else None,
            )
            self.on_save(seq, draft)
        elif op == "status":
            self.on_status(seq, str(content.get("id", "")), str(content.get("status", "")))

    # -- answers to the page -------------------------------------------------------------------
    def saved(self, seq: int, action_id: str) -> None:
        self.send({"op": "saved", "seq": seq, "id": action_id})

    def rejected(self, seq: int, message: str) -> None:
        self.send({"op": "rejected", "seq": seq, "message": message})

    def cancel_edit(self, action_id: str) -> None:
        """Leave the edit of ``action_id`` (deleted elsewhere)."""
        self.send({"op": "cancel_edit", "id": action_id})
