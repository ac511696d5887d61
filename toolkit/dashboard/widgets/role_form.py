"""The lead's form to grant and remove roles, as a widget whose fields live in the browser (see
``static/role_form.js``).

A press on Grant (or Enter in the login box) or on Remove role sends the login and the role as
the person saw them, in one message, so nothing typed is lost or cut short on its way to the
kernel, however quickly the press follows the typing. The kernel answers :meth:`RoleForm.done`
(the box is emptied, if it still holds that login) or :meth:`RoleForm.refused` (it is kept).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

from toolkit.access import ROLES
from toolkit.dashboard.widgets.assets import ignore, widget_module

__all__ = ["RoleForm"]


class RoleForm(anywidget.AnyWidget):
    """Login, role, Grant and Remove role. Its handler attributes receive what the lead did:

    - ``on_grant(seq, user, role)``: give ``user`` the ``role``; answer :meth:`done` or
      :meth:`refused`;
    - ``on_revoke(seq, user)``: take ``user``'s role away; answered the same.
    """

    on_grant: Callable[[int, str, str], Any] = ignore
    on_revoke: Callable[[int, str], Any] = ignore

    _esm = widget_module("role_form.js")
    roles = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(roles=list(ROLES), **kwargs)
        self.on_msg(lambda _w, content, _b: self.handle(content))

    def handle(self, content: Any) -> None:
        """Act on one message from the page (public so tests can send what a page sends)."""
        if not isinstance(content, dict):
            return
        seq = content.get("seq")
        seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else 0
        user = str(content.get("user", ""))
        if content.get("op") == "grant":
            self.on_grant(seq, user, str(content.get("role", "")))
        elif content.get("op") == "revoke":
            self.on_revoke(seq, user)

    def done(self, seq: int, user: str) -> None:
        """What ``seq`` asked is done: the page empties the box if it still holds ``user``."""
        self.send({"op": "done", "seq": seq, "user": user})

    def refused(self, seq: int) -> None:
        """What ``seq`` asked was refused (the page's message says why): the box keeps it."""
        self.send({"op": "refused", "seq": seq})
