"""The assessment dashboard signed in to a PostgreSQL store: the person at the page is the
store's user, their role decides what the kernel lets them change, and the lead grants roles
from the page. Driven through the app's own handlers (what the page's buttons call) and tried
around them, straight on the session, as a person with a notebook could."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from folders import SAMPLE
from test_roles import Team
from test_roles import team as team  # the fixture

from toolkit import changes
from toolkit.access import ROLES, AccessError, BlindRatingError, sees_assessment
from toolkit.dashboard.assessment.access_panel import TeamAccess, viewer_href
from toolkit.dashboard.assessment.app import AssessmentApp
from toolkit.dashboard.assessment.next_cycle import start_from_open
from toolkit.dashboard.assessment.text import changed_elsewhere
from toolkit.dashboard.assessment.updates import Draft
from toolkit.dashboard.viewer.session import ViewerSession
from toolkit.errors import EngagementError, StoreError
from toolkit.framework import load_framework
from toolkit.stores import Store
from toolkit.stores.users import add_user

CLIENT = "Harbourline"


class People:
    """A lead, a rater and a stakeholder of X, someone with no role, and their stores."""

    def __init__(self, team: Team) -> None:
        self.lead, self.rater, self.stakeholder, self.nobody = (
            team.store(team.user(name)) for name in ("lead", "rater", "sam", "cy")
        )
        self.x = self.lead.push(SAMPLE.read_text(encoding="utf-8"))
        self.lead.grant(self.x, self.name(self.rater), "rater")
        self.lead.grant(self.x, self.name(self.stakeholder), "stakeholder")

    @staticmethod
    def name(store: Store) -> str:
        assert store.identity is not None
        return store.identity

    def app(self, store: Store) -> AssessmentApp:
        app = AssessmentApp(store)
        app.page_opened({"engagement": self.x})
        return app


@pytest.fixture
def people(team: Team) -> People:
    return People(team)


def _draft(rater: str = "", **fields: object) -> Draft:
    values: dict[str, object] = {
        "factor": "purpose",
        "level": 2,
        "evidence": "The rota is on the wall",
        "source": "interview",
        "rater": rater,
    }
    return Draft(**{**values, **fields})  # type: ignore[arg-type]


def test_the_rater_is_who_signed_in_whatever_the_page_sends(people: People) -> None:
    app = people.app(people.rater)
    s, me = app.session, people.name(people.rater)
    assert s.identity == me and s.role == "rater" and not s.read_only
    assert app.entry.form.signed_in == me and s.view.rater == me
    lead = people.name(people.lead)
    assert not s.set_rater(lead) and s.by == me  # a name typed in the box changes nothing
    fid, _update = s.submit(_draft(rater=lead))
    saved = people.lead.load(people.x).engagement
    assert saved.finding(fid).rater == me and saved.changes[-1].by == me
    assert f"Signed in as <strong>{me}</strong>, rater" in app.access.who.value
    # A rater changes their own findings only: a colleague's is refused in the kernel.
    theirs = next(f for f in saved.findings if f.rater != me)
    app.act(lambda: s.delete(theirs.id))
    assert "may not write findings credited to someone else" in app.message_text
    assert theirs.id in {f.id for f in people.lead.load(people.x).engagement.findings}
    app.act(s.next_phase)
    assert "may not change the phase" in app.message_text
    assert app.toolbar.phase.disabled


def test_a_stakeholder_reads_and_changes_nothing(people: People) -> None:
    app = people.app(people.stakeholder)
    s = app.session
    assert s.role == "stakeholder" and s.read_only and not s.sees_assessment
    assert "tf-stakeholder" in app.ui.view._dom_classes
    assert "tf-read-only" not in app.ui.view._dom_classes  # that page would hide the switcher
    app.act(lambda: s.select("authority"))  # the settings drawn anew are no attempt to save
    assert app.message_text == ""
    before = people.lead.load(people.x)
    # He reads X in its viewer: his assessment page holds the switcher and a link, and nothing
    # of the findings reaches it (no rows, no scores, no history, no board).
    assert before.engagement.findings and s.rows() == [] and s.history("purpose") == []
    assert s.scores is not None and s.scores["score"].isna().all()
    assert app.ui.body.layout.display == "none"
    assert all(w.layout.display == "none" for w in (app.toolbar.undo, app.toolbar.phase))
    assert app.toolbar.switch.layout.display != "none"
    assert app.next_cycle.view.layout.display == "none"
    href = f'href="viewer.ipynb?engagement={people.x}"'
    assert href in app.access.who.value and f"Open {CLIENT}" in app.access.who.value
    fid = before.engagement.findings[0].id
    attempts: dict[str, Callable[[], object]] = {
        "add": lambda: s.submit(_draft()),
        "edit": lambda: s.edit(fid),
        "delete": lambda: s.delete(fid),
        "target": lambda: s.set_target(
            "purpose", 4 if before.engagement.targets.get("purpose") != 4 else 3
        ),
        "not applicable": lambda: s.set_not_applicable(
            "purpose", "purpose" not in before.engagement.not_applicable
        ),
        "consensus": lambda: s.set_consensus("purpose", 2, reason="r", agreed_by="a"),
        "phase": s.next_phase,
        "apply": lambda: s.apply(changes.set_target("purpose", 1)),
        "roles": lambda: TeamAccess(s).grant("someone", "rater"),
        "next cycle": lambda: start_from_open(s),
    }
    for what, attempt in attempts.items():
        with pytest.raises(AccessError, match="stakeholder") as refused:
            attempt()
        assert "Traceback" not in str(refused.value), what
        app.act(attempt)
        assert "stakeholder sees the engagement and changes nothing" in app.message_text, what
    assert not people.lead.changed_since(before)  # nothing was written
    assert "stakeholder of this engagement" in app.access.who.value
    assert app.access.toggle.layout.display == "none"


def test_no_role_sees_nothing_of_the_engagement(people: People) -> None:
    app = people.app(people.nobody)
    s = app.session
    assert s.engagement is None and s.engagements() == []
    assert "no engagement with id" in app.message_text and CLIENT not in app.message_text
    assert CLIENT not in app.ui.header.value
    app.act(lambda: s.switch(True))
    assert app.switcher.picker.options == ()


def test_the_lead_grants_and_removes_roles_on_the_page(people: People) -> None:
    app = people.app(people.lead)
    panel, s = app.access, app.session
    assert s.role == "lead" and panel.toggle.layout.display != "none"
    panel.toggle.value = True
    listed = panel.members.value
    assert people.name(people.rater) in listed and people.name(people.stakeholder) in listed
    cy = people.name(people.nobody)
    answers: list[dict[str, object]] = []
    panel.form.send = lambda content, buffers=None: answers.append(content)
    # What the page sends on Grant (or Enter in the login box): the login and role together.
    panel.form.handle({"op": "grant", "seq": 1, "user": f" {cy} ", "role": "stakeholder"})
    assert f"{cy} is now stakeholder" in app.message_text and cy in panel.members.value
    assert people.nobody.role(people.x) == "stakeholder"
    assert answers[-1] == {"op": "done", "seq": 1, "user": f" {cy} "}  # the page empties its box
    panel.form.handle({"op": "revoke", "seq": 2, "user": cy})
    assert f"{cy} holds no role" in app.message_text and cy not in panel.members.value
    panel.form.handle({"op": "grant", "seq": 3, "user": cy, "role": "owner"})
    assert "not a role" in app.message_text and answers[-1] == {"op": "refused", "seq": 3}
    with pytest.raises(EngagementError, match="no engagement"):
        people.nobody.role(people.x)
    # A rater's kernel refuses it, whatever the page shows.
    rater = people.app(people.rater)
    assert rater.access.toggle.layout.display == "none"
    with pytest.raises(AccessError, match="may not grant, revoke or list roles"):
        TeamAccess(rater.session).grant(cy, "lead")
    with pytest.raises(StoreError):
        TeamAccess(s).grant("", "rater")


def test_a_laptop_store_signs_nobody_in() -> None:
    app = AssessmentApp(SAMPLE.parent)
    app.page_opened({"engagement": SAMPLE.name})
    s = app.session
    assert s.identity is None and s.role is None and not s.read_only
    assert app.entry.form.signed_in == "" and app.access.who.value == ""
    s.set_rater("Tom")
    assert s.by == "Tom" and s.reader.who == "Tom" and s.may("phase")
    assert app.access.toggle.layout.display == "none"


def test_whoever_creates_an_engagement_signed_in_is_its_lead(people: People) -> None:
    app = people.app(people.rater)
    me, switcher = people.name(people.rater), app.switcher
    assert switcher.lead.value == me and switcher.lead.disabled  # shown, not asked for
    assert switcher.lead.description == "Lead (signed in)"
    switcher.client.value = "Quayside Ferries"
    switcher.lead.value = people.name(people.lead)  # whatever the page sends
    switcher.create.click()
    s = app.session
    assert s.engagement is not None and s.engagement.client == "Quayside Ferries"
    assert s.engagement.lead == me and s.role == "lead"
    assert people.rater.role(s.engagement.id) == "lead"
    assert switcher.lead.value == me and switcher.client.value == ""
    with pytest.raises(EngagementError, match="no engagement"):
        people.lead.role(s.engagement.id)  # the lead of X was named, and holds no role in it


def test_a_clients_login_is_offered_no_new_engagement_and_creating_one_is_refused(
    people: People, team: Team
) -> None:
    client = team.store(add_user(team.admin_url, f"sam_{uuid.uuid4().hex[:6]}", stakeholder=True))
    people.lead.grant(people.x, people.name(client), "stakeholder")
    app = people.app(client)
    switcher = app.switcher
    shown = _tree(switcher.view)
    assert switcher.picker in shown and switcher.open in shown
    assert not {switcher.client, switcher.title, switcher.lead, switcher.create} & shown
    # A click sent anyway (the widget is still the kernel's): refused there, in words.
    switcher.client.value = "Quayside Ferries"
    switcher.create.click()
    assert "signs in as a stakeholder" in app.message_text
    assert [e.id for e in client.engagements()] == [people.x]
    assert app.session.engagement is not None and app.session.engagement.id == people.x
    # A consultant's login is offered it.
    consultants = people.app(people.rater).switcher
    assert consultants.create in _tree(consultants.view)


def _tree(widget: object) -> set[object]:
    """Every widget under ``widget``, itself included."""
    children = getattr(widget, "children", ())
    return {widget}.union(*(_tree(child) for child in children))


def test_a_laptop_asks_who_leads_a_new_engagement(tmp_path: Path) -> None:
    app = AssessmentApp(tmp_path)
    switcher = app.switcher
    assert switcher.lead.value == "" and not switcher.lead.disabled
    switcher.client.value, switcher.lead.value = "Quayside Ferries", "Tom"
    switcher.create.click()
    assert app.session.engagement is not None and app.session.engagement.lead == "Tom"


def test_only_a_stakeholder_reads_in_the_viewer_rather_than_on_the_assessment_page() -> None:
    assert [r for r in ROLES if not sees_assessment(r)] == ["stakeholder"]
    assert sees_assessment(None)  # a laptop: nobody signs in


def test_the_viewer_link_follows_where_the_viewer_is_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert viewer_href("3f9a 2b") == "viewer.ipynb?engagement=3f9a+2b"
    monkeypatch.setenv("TENFOLD_VIEWER_URL", "http://127.0.0.1:8867/")
    assert viewer_href("3f9a") == "http://127.0.0.1:8867/?engagement=3f9a"


def test_a_stakeholders_viewer_shows_only_what_he_holds_a_role_in(people: People) -> None:
    y = people.lead.push((SAMPLE.parent / "meridian-2026-09.json").read_text(encoding="utf-8"))
    viewer = ViewerSession(load_framework(), people.stakeholder, portfolio=True)
    assert [ref for _label, ref in viewer.choices()] == [people.x]  # Y is not listed
    shown = viewer.open(people.x)
    assert shown.engagement.client.startswith(CLIENT) and shown.engagement.findings
    with pytest.raises(EngagementError, match="no engagement of that name here") as refused:
        viewer.open(y)
    assert "Meridian" not in str(refused.value)
    # During a blind rating the raters' work is theirs alone: the viewer shows none of it.
    people.lead.apply(
        people.x,
        changes.set_phase("independent", by=people.name(people.lead), as_lead=True),
    )
    fresh = ViewerSession(load_framework(), people.stakeholder)
    with pytest.raises(BlindRatingError, match="blind rating"):
        fresh.open(people.x)


def test_a_blind_rater_hears_that_a_colleague_saved_though_the_database_hides_who() -> None:
    said = changed_elsewhere((), load_framework(), added=0, blind=True)
    assert said == "A colleague saved a change (kept from you until the reveal)"
    assert "file" not in said  # a database store holds no file
