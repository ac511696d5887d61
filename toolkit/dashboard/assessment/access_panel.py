"""Who the person at the page is, and the lead's "Team access" panel.

Where the store signs its user in (a PostgreSQL store, a team's JupyterHub server), one line
says who is signed in and as what (lead, rater, stakeholder of the engagement open), and the
engagement's lead gets a small panel: who holds which role, a role granted to a user (or
changed), a role taken away (:class:`~toolkit.dashboard.widgets.role_form.RoleForm`: the login
typed, a role, Grant or Enter, Remove role). It calls what ``tenfold access grant/revoke/list`` call
(:meth:`Store.grant <toolkit.stores.Store.grant>`, ``revoke``, ``members``); the kernel asks
:func:`toolkit.access.check` first (only a lead may), and the database checks again (row-level
security). On a laptop (nobody signs in) the panel is not there.

:class:`TeamAccess` is the kernel's side, plain Python over the session; :class:`AccessPanel`
draws it and turns what the lead does into its calls.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import urlencode

import ipywidgets as widgets

from toolkit.access import ROLES, Role
from toolkit.dashboard.assessment.panels import Act, Redraw
from toolkit.dashboard.assessment.session import AssessmentSession
from toolkit.dashboard.common import esc, style_widget
from toolkit.dashboard.widgets.role_form import RoleForm
from toolkit.errors import StoreError
from toolkit.stores.base import Member

__all__ = ["AccessPanel", "TeamAccess", "viewer_href"]

#: What each role may do, in the line under the toolbar.
_ROLE_WORDS: dict[Role, str] = {
    "lead": "you record findings and run the engagement",
    "rater": "you record and change your own findings",
    "stakeholder": "you read this engagement in its viewer and change nothing",
}


def viewer_href(ref: str) -> str:
    """Where the engagement ``ref``'s viewer is, from the assessment page: ``viewer.ipynb`` beside
    it (JupyterHub, Binder, ``voila dashboards/``), or ``TENFOLD_VIEWER_URL`` where the viewer is
    served apart (``tenfold dashboard --viewer`` on another port)."""
    base = os.environ.get("TENFOLD_VIEWER_URL") or "viewer.ipynb"
    return f"{base}?{urlencode({'engagement': ref})}"


class TeamAccess:
    """Roles in the engagement open, for its lead: list, grant, revoke (see the module)."""

    def __init__(self, session: AssessmentSession) -> None:
        self.session = session

    @property
    def shown(self) -> bool:
        """Whether the panel is there: signed in, an engagement open, and its lead."""
        s = self.session
        return s.identity is not None and s.snapshot is not None and s.may("roles")

    def _ref(self) -> str:
        self.session.check("roles")
        ref = self.session.ref
        assert ref is not None  # check() needs an engagement open
        return ref

    def members(self) -> list[Member]:
        """Who holds which role in the engagement open, leads first (its lead only)."""
        return self.session.store.members(self._ref())

    def grant(self, user: str, role: str) -> str:
        """Give ``user`` the ``role`` (or change theirs); returns what was done, in words."""
        ref, user = self._ref(), user.strip()
        if not user:
            raise StoreError("type the user's sign-in name to grant a role")
        wanted = next((r for r in ROLES if r == role), None)
        if wanted is None:
            raise StoreError(f"{role!r}: not a role; a role is one of {', '.join(ROLES)}")
        self.session.store.grant(ref, user, wanted)
        return f"{user} is now {wanted} of this engagement."

    def revoke(self, user: str) -> str:
        """Take ``user``'s role away; returns what was done, in words."""
        ref, user = self._ref(), user.strip()
        if not user:
            raise StoreError("type the user's sign-in name to remove their role")
        if user == self.session.identity:
            raise StoreError("you cannot remove your own role here: another lead can")
        self.session.store.revoke(ref, user)
        return f"{user} holds no role in this engagement any more."


def _who_html(session: AssessmentSession) -> str:
    role = session.role
    if session.identity is None or role is None:
        return ""
    line = (
        f'<div class="tf-signed-as tf-read-only-note">Signed in as '
        f"<strong>{esc(session.identity)}</strong>, {esc(role)} of this engagement: "
        f"{_ROLE_WORDS[role]}.</div>"
    )
    e = session.engagement
    if session.sees_assessment or e is None or session.ref is None:
        return line
    return line + (
        f'<div class="tf-card tf-viewer-link"><a href="{esc(viewer_href(session.ref))}">'
        f"Open {esc(e.client)} in the viewer</a>: its results, to read and download.</div>"
    )


def _members_html(members: list[Member]) -> str:
    rows = "".join(
        f"<tr><td>{esc(m.user)}</td><td>{esc(m.role)}</td>"
        f'<td class="tf-muted">granted by {esc(m.granted_by)}</td></tr>'
        for m in members
    )
    return f'<table class="tf-members">{rows}</table>'


class AccessPanel:
    """The line saying who is signed in, and the lead's "Team access" panel beneath it."""

    def __init__(self, session: AssessmentSession, act: Act) -> None:
        self.team = TeamAccess(session)
        run = act
        self.who = widgets.HTML("")
        self.toggle = widgets.ToggleButton(
            description="Team access…", tooltip="Who may see this engagement, and as what"
        )
        self.members = widgets.HTML("")
        # The login and role travel with the press (Grant, Enter in the box, Remove role) in one
        # message: a press straight after typing sends the whole login, never part of it.
        self.form = RoleForm()
        self.panel = style_widget(
            widgets.VBox(
                [
                    widgets.HTML('<div class="tf-section">Team access</div>'),
                    self.members,
                    self.form,
                ],
                layout=widgets.Layout(display="none", grid_gap="4px"),
            ),
            "tf-card",
            "tf-team-access",
        )
        self.toggle.layout.display = "none"
        self.view = style_widget(
            widgets.VBox([widgets.HBox([self.who, self.toggle]), self.panel]), "tf-access"
        )

        def redraw_members() -> None:
            self.members.value = _members_html(self.team.members())

        def answered(seq: int, user: str, do: Callable[[], str]) -> Callable[[], None]:
            def event() -> None:
                try:
                    done = do()
                except Exception:
                    self.form.refused(seq)
                    raise  # the app says why, in words
                self.form.done(seq, user)
                redraw_members()
                session.say(done, "ok")

            return event

        self.form.on_grant = lambda seq, user, role: run(
            answered(seq, user, lambda: self.team.grant(user, role))
        )
        self.form.on_revoke = lambda seq, user: run(
            answered(seq, user, lambda: self.team.revoke(user))
        )

        def toggled(on: bool) -> None:
            if on:
                redraw_members()  # the lead's alone: anyone else's kernel refuses, nothing shown
            self.panel.layout.display = "flex" if on else "none"

        self.toggle.observe(lambda ch: run(lambda: toggled(bool(ch["new"]))), "value")

    def render(self, r: Redraw) -> None:
        if not r.opened:
            return
        self.who.value = _who_html(r.session)
        shown = self.team.shown
        self.toggle.layout.display = "" if shown else "none"
        if not shown:
            self.toggle.value = False
            self.panel.layout.display = "none"
            self.members.value = ""
