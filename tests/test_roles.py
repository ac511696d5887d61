"""Roles per engagement, enforced by PostgreSQL row-level security, tried from users' own
connections: through the store, and around it with plain SQL, as a consultant with a terminal
and their own credentials would."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
from folders import SAMPLE
from sqlalchemy import make_url

from toolkit import Engagement, access, changes
from toolkit.access import ACTIONS, Reader, Role
from toolkit.errors import EngagementError, StoreError
from toolkit.stores import Store, open_store, throwaway
from toolkit.stores.database import head_revision, parse_url, upgrade
from toolkit.stores.sql import SqlStore
from toolkit.stores.users import add_user

TABLES = ("engagements", "findings", "change_log", "membership", "engagement_documents")


def connect(url: str) -> psycopg.Connection[Any]:
    """A plain psycopg connection signed in as the URL's user: no Tenfold code in between."""
    u = make_url(url)
    return psycopg.connect(
        host=str(u.query["host"]),
        port=int(str(u.query["port"])),
        user=u.username,
        password=u.password,
        dbname=u.database,
        autocommit=True,
    )


@dataclass
class Team:
    """A store database with a way to make users and open their stores."""

    cluster: throwaway.Cluster
    admin_url: str
    opened: list[Store] = field(default_factory=list)

    def user(self, name: str) -> str:
        """A new user's login (a unique name beginning with ``name``); their URL."""
        return add_user(self.admin_url, f"{name}_{uuid.uuid4().hex[:6]}")

    def store(self, url: str) -> SqlStore:
        store = open_store(url)
        assert isinstance(store, SqlStore)
        self.opened.append(store)
        return store


@pytest.fixture
def team(postgres: throwaway.Cluster) -> Iterator[Team]:
    url = postgres.create_database(f"t_{uuid.uuid4().hex[:16]}", template="tenfold_template")
    made = Team(postgres, url)
    yield made
    for store in made.opened:
        store.close()


@pytest.fixture
def lead(team: Team) -> SqlStore:
    return team.store(team.user("lead"))


@pytest.fixture
def x(lead: SqlStore) -> str:
    """Engagement X: the sample, pushed by the lead."""
    return lead.push(SAMPLE.read_text(encoding="utf-8"))


def _count(conn: psycopg.Connection[Any], table: str, engagement_id: str) -> int:
    column = "id" if table in ("engagements", "engagement_documents") else "engagement_id"
    row = conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = %s", (engagement_id,))
    found = row.fetchone()
    assert found is not None
    return int(found[0])


def _add(store: Store, ref: str, rater: str, evidence: str = "Seen on the floor") -> str:
    fid, change = changes.add_finding(
        factor="purpose", level=2, evidence=evidence, rater=rater, by=rater
    )
    store.apply(ref, change)
    return fid


# -- no role: nothing -----------------------------------------------------------------------------
def test_a_user_without_a_role_reads_nothing_of_an_engagement_in_any_table(
    team: Team, x: str
) -> None:
    outsider_url = team.user("carol")
    with connect(outsider_url) as conn:
        assert {t: _count(conn, t, x) for t in TABLES} == dict.fromkeys(TABLES, 0)
        total = conn.execute("SELECT count(*) FROM findings").fetchone()
        assert total is not None and total[0] == 0
    outsider = team.store(outsider_url)
    assert outsider.engagements() == []
    assert outsider.portfolio_scores().empty


def test_no_access_and_no_such_engagement_read_the_same(team: Team, x: str) -> None:
    outsider = team.store(team.user("carol"))
    with pytest.raises(EngagementError) as hidden:
        outsider.load(x)
    with pytest.raises(EngagementError) as missing:
        outsider.load("0123456789ab")
    assert str(hidden.value).replace(x, "ID") == str(missing.value).replace("0123456789ab", "ID")
    assert "Harbourline" not in str(hidden.value)


def test_a_user_without_a_role_cannot_write_to_an_engagement(
    team: Team, lead: SqlStore, x: str
) -> None:
    outsider_url = team.user("carol")
    name = make_url(outsider_url).username
    before = lead.load(x)
    with connect(outsider_url) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO findings (engagement_id, id, position, factor, level, evidence, "
                "source, rater, recorded_at, recorded_offset) VALUES "
                "(%s, 'f1', 1, 'purpose', 4, 'x', 'interview', %s, now(), 0)",
                (x, name),
            )
        assert conn.execute("UPDATE engagements SET phase = 'consensus'").rowcount == 0
        assert conn.execute("DELETE FROM findings WHERE engagement_id = %s", (x,)).rowcount == 0
        assert conn.execute("DELETE FROM change_log").rowcount == 0
        # Making oneself a member is a lead's grant, refused to anyone else:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO membership (engagement_id, user_name, role) VALUES (%s, %s, 'lead')",
                (x, name),
            )
        # The document is read through the view only; the table's column is not granted:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT document FROM engagements")
    assert not lead.changed_since(before)
    outsider = team.store(outsider_url)
    _, change = changes.add_finding(factor="purpose", level=1, evidence="x", rater=name)
    with pytest.raises(EngagementError, match="no engagement with id"):
        outsider.apply(x, change)


def test_a_notification_carries_the_id_and_a_listener_without_a_role_reads_nothing(
    team: Team, lead: SqlStore, x: str
) -> None:
    outsider = team.store(team.user("carol"))
    with outsider.watch() as watch:
        _add(lead, x, lead.identity or "")
        heard = watch.poll(5)
    assert heard == [x]
    with pytest.raises(EngagementError):
        outsider.load(heard[0])


# -- a client's person: a stakeholder's login ----------------------------------------------------
def test_a_stakeholders_login_reads_what_it_is_given_and_creates_nothing(
    team: Team, lead: SqlStore, x: str
) -> None:
    sam_url = add_user(team.admin_url, f"sam_{uuid.uuid4().hex[:6]}", stakeholder=True)
    sam_name = make_url(sam_url).username or ""
    sam = team.store(sam_url)
    assert not sam.may_create and lead.may_create
    lead.grant(x, sam_name, "stakeholder")
    assert sam.role(x) == "stakeholder" and len(sam.load(x).engagement.findings) == 45
    # Through the store, in words: no engagement of its own, pushed or created.
    other = Engagement.new(client="Sam's Own Co", lead=sam_name)
    with pytest.raises(access.AccessError, match="signs in as a stakeholder"):
        sam.create(other)
    with pytest.raises(access.AccessError, match="signs in as a stakeholder"):
        sam.push(SAMPLE.read_text(encoding="utf-8").replace(x, "5a3e0c1d9b77"))
    # Around it, with plain SQL on the same login: the database refuses the row.
    with (
        connect(sam_url) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"),
    ):
        conn.execute(
            "INSERT INTO engagements (id, client, title, lead, date, framework_id, "
            "framework_version, phase, document, schema_version, version) VALUES "
            "('5a3e0c1d9b77', 'S', 'S', %s, '2026-12-01', 'f', '1', 'fact-finding', '{}', "
            "1, 1)",
            (sam_name,),
        )
    assert [e.id for e in sam.engagements()] == [x]


def test_a_stakeholders_login_holds_no_role_but_stakeholder(
    team: Team, lead: SqlStore, x: str
) -> None:
    sam_url = add_user(team.admin_url, f"sam_{uuid.uuid4().hex[:6]}", stakeholder=True)
    sam_name = make_url(sam_url).username or ""
    for role in ("rater", "lead"):
        with pytest.raises(StoreError, match=f"{sam_name} signs in as a stakeholder"):
            lead.grant(x, sam_name, role)
    lead.grant(x, sam_name, "stakeholder")
    lead_url = lead.url.render_as_string(hide_password=False)
    with (  # the lead's own SQL is refused the same
        connect(lead_url) as conn,
        pytest.raises(psycopg.Error, match="signs in as a stakeholder"),
    ):
        conn.execute(
            "UPDATE membership SET role = 'rater' WHERE engagement_id = %s AND user_name = %s",
            (x, sam_name),
        )
    assert team.store(sam_url).role(x) == "stakeholder"


def test_a_consultant_becomes_a_stakeholder_only_without_a_working_role(
    team: Team, lead: SqlStore, x: str
) -> None:
    ben_url = team.user("ben")
    ben_name = make_url(ben_url).username or ""
    lead.grant(x, ben_name, "rater")
    with pytest.raises(StoreError, match=f"{ben_name} is lead or rater of 1 engagement"):
        add_user(team.admin_url, ben_name, stakeholder=True)
    assert team.store(ben_url).may_create  # refused whole: his password and login unchanged
    lead.grant(x, ben_name, "stakeholder")
    as_stakeholder = team.store(add_user(team.admin_url, ben_name, stakeholder=True))
    assert not as_stakeholder.may_create and as_stakeholder.role(x) == "stakeholder"
    assert team.store(add_user(team.admin_url, ben_name)).may_create  # and back again


# -- the lead ------------------------------------------------------------------------------------
def test_whoever_pushes_an_engagement_is_its_lead_in_the_database(
    team: Team, lead: SqlStore, x: str
) -> None:
    assert lead.role(x) == "lead"
    assert lead.load(x).engagement.lead == "Maya Okafor"  # the file's name for its lead: a label
    [member] = lead.members(x)
    assert (member.user, member.role, member.granted_by) == (lead.identity, "lead", lead.identity)
    other = team.store(team.user("tom"))
    created = other.create(Engagement.new(client="Globex", lead="Whoever The File Says"))
    assert other.role(created.ref) == "lead"
    with pytest.raises(EngagementError):
        lead.role(created.ref)


def test_the_lead_grants_lists_and_revokes_roles(team: Team, lead: SqlStore, x: str) -> None:
    tom_url = team.user("tom")
    tom = team.store(tom_url)
    tom_name = tom.identity or ""
    with pytest.raises(EngagementError):
        tom.load(x)
    lead.grant(x, tom_name, "rater")
    assert tom.role(x) == "rater" and len(tom.load(x).engagement.findings) == 45
    assert [(m.user, m.role) for m in lead.members(x)] == [
        (lead.identity, "lead"),
        (tom_name, "rater"),
    ]
    with pytest.raises(access.AccessError, match="only the lead"):
        tom.members(x)
    with pytest.raises(access.AccessError, match="only the lead"):
        tom.grant(x, tom_name, "lead")
    lead.revoke(x, tom_name)
    with pytest.raises(EngagementError):
        tom.load(x)
    with pytest.raises(StoreError, match="holds no role"):
        lead.revoke(x, tom_name)


def test_a_grant_names_a_tenfold_user_and_an_engagement_keeps_a_lead(
    team: Team, lead: SqlStore, x: str
) -> None:
    with pytest.raises(StoreError, match="no Tenfold user named nobody_here"):
        lead.grant(x, "nobody_here", "rater")
    with pytest.raises(StoreError, match="no Tenfold user named postgres"):
        lead.grant(x, "postgres", "stakeholder")
    me = lead.identity or ""
    with pytest.raises(StoreError, match="would have no lead"):
        lead.revoke(x, me)
    with pytest.raises(StoreError, match="would have no lead"):
        lead.grant(x, me, "rater")
    # Handing the engagement over: another lead first, then leave.
    successor = team.store(team.user("beth"))
    lead.grant(x, successor.identity or "", "lead")
    lead.revoke(x, me)
    assert successor.role(x) == "lead"
    with pytest.raises(EngagementError):
        lead.load(x)


# -- stakeholders and raters ---------------------------------------------------------------------
def test_a_stakeholder_reads_the_engagement_and_cannot_write(
    team: Team, lead: SqlStore, x: str
) -> None:
    url = team.user("sam")
    sam = team.store(url)
    lead.grant(x, sam.identity or "", "stakeholder")
    assert len(sam.load(x).engagement.findings) == 45
    before = lead.load(x)
    _, change = changes.add_finding(factor="purpose", level=1, evidence="x", rater=sam.identity)
    with pytest.raises(access.AccessError, match="stakeholder"):
        sam.apply(x, change)
    with connect(url) as conn:
        assert conn.execute("UPDATE engagements SET phase = 'consensus'").rowcount == 0
        assert conn.execute("UPDATE findings SET level = 0").rowcount == 0
        assert conn.execute("DELETE FROM change_log").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO change_log (engagement_id, position, id, at, at_offset, by, kind, "
                "subject, summary) VALUES (%s, 999, 'c', now(), 0, %s, 'note', 'x', 'x')",
                (x, sam.identity),
            )
    assert not lead.changed_since(before)


def test_a_rater_writes_their_own_findings_and_nothing_else(
    team: Team, lead: SqlStore, x: str
) -> None:
    url = team.user("tom")
    tom = team.store(url)
    me = tom.identity or ""
    lead.grant(x, me, "rater")
    own = _add(tom, x, me)
    assert tom.load(x).engagement.finding(own).rater == me
    _, credited = changes.add_finding(factor="purpose", level=4, evidence="x", rater="Maya Okafor")
    with pytest.raises(StoreError, match="may not make this change"):
        tom.apply(x, credited)
    with pytest.raises(StoreError, match="only the engagement's lead may change its phase"):
        tom.apply(x, changes.set_phase("independent", by=me, as_lead=True))
    with pytest.raises(StoreError, match="only the engagement's lead"):
        tom.apply(x, changes.set_target("purpose", 4, by=me))
    theirs = lead.load(x).engagement.findings[0].id
    with pytest.raises(StoreError, match="may not change"):
        tom.apply(x, changes.update_finding(theirs, level=0, by=me))
    with connect(url) as conn:
        assert conn.execute("UPDATE findings SET level = 0 WHERE rater <> %s", (me,)).rowcount == 0
    tom.apply(x, changes.update_finding(own, level=3, by=me))
    tom.apply(x, changes.remove_finding(own, by=me))
    assert own not in {f.id for f in lead.load(x).engagement.findings}


def test_a_save_from_ones_current_snapshot_is_refused_or_kept_as_any_save(
    team: Team, lead: SqlStore, x: str
) -> None:
    # The usual save (one statement from the caller's current snapshot) meets the same rules.
    sam, tom = team.store(team.user("sam")), team.store(team.user("tom"))
    lead.grant(x, sam.identity or "", "stakeholder")
    lead.grant(x, tom.identity or "", "rater")
    before = lead.load(x)
    _, change = changes.add_finding(factor="purpose", level=1, evidence="x", rater=sam.identity)
    with pytest.raises(access.AccessError, match="stakeholder"):
        sam.apply(x, change, known=sam.load(x))
    mine = tom.load(x)
    _, credited = changes.add_finding(factor="purpose", level=4, evidence="x", rater="Maya Okafor")
    with pytest.raises(StoreError, match="may not make this change"):
        tom.apply(x, credited, known=mine)
    with pytest.raises(StoreError, match="only the engagement's lead"):
        tom.apply(x, changes.set_target("purpose", 4, by=tom.identity or ""), known=mine)
    assert not lead.changed_since(before)
    fid, own = changes.add_finding(factor="purpose", level=2, evidence="y", rater=tom.identity)
    saved = tom.apply(x, own, known=mine)
    assert isinstance(mine.version, int)
    assert saved.version == mine.version + 1 and not tom.changed_since(saved)
    assert saved.engagement.finding(fid).rater == tom.identity
    assert lead.load(x).engagement == saved.engagement


# -- blind rating ---------------------------------------------------------------------------------
def test_in_a_blind_rating_a_rater_reads_only_their_own_findings_and_log(
    team: Team, lead: SqlStore, x: str
) -> None:
    tom_url, amy_url, sam_url = team.user("tom"), team.user("amy"), team.user("sam")
    tom, amy, sam = team.store(tom_url), team.store(amy_url), team.store(sam_url)
    for who, role in ((tom, "rater"), (amy, "rater"), (sam, "stakeholder")):
        lead.grant(x, who.identity or "", role)  # type: ignore[arg-type]
    lead.apply(x, changes.set_override("sponsorship", 1, reason="Agreed", by="Maya Okafor"))
    lead.apply(x, lambda e: e.model_copy(update={"notes": "Tom thinks purpose is a 1"}))
    lead.apply(x, changes.set_phase("independent", by="Maya Okafor"))
    tom_finding = _add(tom, x, tom.identity or "", "Tom's blind view")
    amy_finding = _add(amy, x, amy.identity or "", "Amy's blind view")
    lead_finding = _add(lead, x, lead.identity or "", "The lead's own view")

    seen = tom.load(x).engagement
    assert [f.id for f in seen.findings] == [tom_finding]
    assert seen.notes == "" and seen.overrides == {}
    assert {c.by for c in seen.changes} == {tom.identity}
    with connect(tom_url) as conn:
        assert _count(conn, "findings", x) == 1
        rows = conn.execute("SELECT DISTINCT by FROM change_log WHERE engagement_id = %s", (x,))
        assert [r[0] for r in rows] == [tom.identity]
        doc = conn.execute("SELECT document FROM engagement_documents WHERE id = %s", (x,))
        found = doc.fetchone()
        assert found is not None and found[0]["notes"] == "" and found[0]["overrides"] == {}
        # Asking for the whole panel is a lead's right only:
        conn.execute("SET tenfold.whole_panel = on")
        assert _count(conn, "findings", x) == 1
    assert sam.load(x).engagement.findings == ()
    assert [f.id for f in lead.load(x).engagement.findings] == [lead_finding]
    # Each rater saves on from their own blind snapshot, current or a save old (Tom's last):
    # every save lands, its log entry numbered on after those the rater cannot see.
    old = tom.load(x)
    for who, known in ((tom, None), (amy, None), (tom, old)):
        fid, change = changes.add_finding(
            factor="purpose", level=1, evidence="Later", rater=who.identity, by=who.identity
        )
        saved = who.apply(x, change, known=known or who.load(x))
        assert fid in {f.id for f in saved.engagement.findings}
        assert saved.engagement == who.load(x).engagement
    whole = lead.load(x, whole_panel=True).engagement
    assert {tom_finding, amy_finding, lead_finding} <= {f.id for f in whole.findings}
    assert len(whole.findings) == 51 and whole.overrides["sponsorship"].level == 1
    # Raters saving blind kept everyone's work and the log in order:
    lead.apply(x, changes.set_phase("consensus", by="Maya Okafor"))
    revealed = tom.load(x).engagement
    assert len(revealed.findings) == 51 and revealed.notes == "Tom thinks purpose is a 1"
    assert len({c.id for c in revealed.changes}) == len(revealed.changes)
    assert [c.kind for c in revealed.changes][-8:] == ["phase", *["finding added"] * 6, "phase"]


def test_a_lead_saving_during_a_blind_rating_loses_nobodys_findings(
    team: Team, lead: SqlStore, x: str
) -> None:
    tom = team.store(team.user("tom"))
    lead.grant(x, tom.identity or "", "rater")
    lead.apply(x, changes.set_phase("independent", by="Maya Okafor"))
    tom_finding = _add(tom, x, tom.identity or "")
    partial = lead.load(x)
    lead.apply(x, changes.set_target("purpose", 3, by="Maya Okafor"), known=partial)
    lead.apply(x, changes.set_phase("open", by="Maya Okafor"))
    after = lead.load(x).engagement
    assert tom_finding in {f.id for f in after.findings} and after.targets["purpose"] == 3


# -- the kernel and the database agree ------------------------------------------------------------
def _attempt(store: SqlStore, ref: str, action: str, me: str, own: str) -> Callable[[], Any]:
    attempts: dict[str, Callable[[], Any]] = {
        "add own finding": lambda: _add(store, ref, me),
        "change own finding": lambda: store.apply(ref, changes.update_finding(own, level=1, by=me)),
        "credit another rater": lambda: _add(store, ref, "Maya Okafor"),
        "settings": lambda: store.apply(ref, changes.set_target("purpose", 2, by=me)),
        "phase": lambda: store.apply(ref, changes.set_phase("independent", by=me, as_lead=True)),
        "consensus": lambda: store.apply(
            ref, changes.set_override("purpose", 3, reason="Agreed", by=me)
        ),
        "replace": lambda: store.push(SAMPLE.read_text(encoding="utf-8"), replace=True),
        "roles": lambda: store.members(ref),
        "whole panel": lambda: None,  # a read: tried in the blind rating test above
        "plan": lambda: store.apply(
            ref,
            changes.add_action(
                factor="purpose", what="Write the purpose down", owner=me, due="2099-01-01", by=me
            )[1],
        ),
    }
    return attempts[action]


@pytest.mark.parametrize("role", ["lead", "rater", "stakeholder"])
def test_what_the_database_lets_each_role_write_is_what_access_says(
    team: Team, lead: SqlStore, x: str, role: Role
) -> None:
    store = team.store(team.user(role))
    me = store.identity or ""
    lead.grant(x, me, role)
    own = _add(lead, x, me, "Credited to them by the lead")
    refused = []
    for action in ACTIONS:
        if action == "whole panel":
            continue
        try:
            _attempt(store, x, action, me, own)()
        except (StoreError, EngagementError):
            refused.append(action)
    expected = [
        a for a in ACTIONS if a != "whole panel" and not access.may(Reader(me, role=role), a)
    ]
    assert refused == expected


# -- set-up --------------------------------------------------------------------------------------
def test_a_store_set_up_and_used_without_any_superuser(postgres: throwaway.Cluster) -> None:
    """An administrator login (CREATEROLE, not a superuser) owns the database, creates the
    schema and the users' logins; the users work; no login that reads the data bypasses RLS."""
    admin = f"admin_{uuid.uuid4().hex[:6]}"
    database = f"t_{uuid.uuid4().hex[:12]}"
    postgres.sql(f"CREATE ROLE {admin} LOGIN CREATEROLE")
    postgres.sql(f"CREATE DATABASE {database} OWNER {admin}")
    admin_url = postgres.url(database, user=admin)
    assert upgrade(parse_url(admin_url))[1] is not None
    ana_url = add_user(admin_url, f"ana_{uuid.uuid4().hex[:6]}")
    tom_url = add_user(admin_url, f"tom_{uuid.uuid4().hex[:6]}")
    with open_store(ana_url) as ana, open_store(tom_url) as tom:
        x = ana.push(SAMPLE.read_text(encoding="utf-8"))
        assert tom.engagements() == []
        ana.grant(x, tom.identity or "", "rater")
        assert [i.id for i in tom.engagements()] == [x]
    with open_store(admin_url) as as_admin:
        assert as_admin.engagements() == []  # the administrator holds no role: reads nothing
    with connect(admin_url) as conn:
        tables = conn.execute(
            "SELECT c.relname, pg_get_userbyid(c.relowner), c.relrowsecurity, "
            "c.relforcerowsecurity FROM pg_class c WHERE c.relname = ANY(%s)",
            (["engagements", "findings", "change_log", "membership"],),
        ).fetchall()
        assert sorted(tables) == sorted(
            (t, "tenfold_owner", True, True)
            for t in ("engagements", "findings", "change_log", "membership")
        )
        owner = conn.execute(
            "SELECT rolcanlogin, rolbypassrls FROM pg_roles WHERE rolname = 'tenfold_owner'"
        ).fetchone()
        assert owner == (False, False)
        users = conn.execute(
            "SELECT r.rolname, r.rolcanlogin, r.rolsuper OR r.rolbypassrls OR r.rolcreaterole "
            "FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
            "WHERE m.roleid = 'tenfold_users'::regrole AND r.rolname = ANY(%s)",
            ([make_url(ana_url).username, make_url(tom_url).username],),
        ).fetchall()
        assert sorted(u[1:] for u in users) == [(True, False), (True, False)]


def test_add_user_refuses_an_administrators_login_and_gives_a_user_a_new_password(
    team: Team,
) -> None:
    dba = f"dba_{uuid.uuid4().hex[:6]}"
    team.cluster.sql(f"CREATE ROLE {dba} LOGIN")
    with pytest.raises(StoreError, match="not a Tenfold user's"):
        add_user(team.admin_url, dba)
    with pytest.raises(StoreError, match="not a user name"):
        add_user(team.admin_url, "postgres")
    with pytest.raises(StoreError, match="not a user name"):
        add_user(team.admin_url, "pg_monitor")
    first = team.user("ana")
    name = make_url(first).username or ""
    second = add_user(team.admin_url, name)
    assert make_url(second).username == name
    assert make_url(second).password != make_url(first).password


# -- the migration from the previous revision ----------------------------------------------------
def test_upgrading_a_store_with_engagements_keeps_them_and_gives_them_a_lead(
    postgres: throwaway.Cluster,
) -> None:
    """A database at revision 0001 with an engagement in it (a change log included) upgrades:
    the engagement is unchanged, the login that migrated it leads it, its log goes on after
    the entries already there, and a user it grants a role reads it."""
    from sqlalchemy import insert

    from toolkit import load_engagement
    from toolkit.engagement_json import engagement_to_json
    from toolkit.stores import rows
    from toolkit.stores.database import make_engine
    from toolkit.stores.schema import metadata

    url = postgres.create_database(f"t_{uuid.uuid4().hex[:12]}")
    parsed = parse_url(url)
    upgrade(parsed, revision="0001")
    _, change = changes.add_finding(factor="purpose", level=3, evidence="Before 0002", rater="Ana")
    engagement = change(load_engagement(SAMPLE))
    engine = make_engine(parsed)
    with engine.begin() as conn:
        conn.execute(
            insert(metadata.tables["engagements"]).values(
                **rows.engagement_values(engagement), version=2
            )
        )
        places = rows.positions([f.id for f in engagement.findings], {})
        conn.execute(
            insert(metadata.tables["findings"]),
            [rows.finding_values(engagement.id, f, places[f.id]) for f in engagement.findings],
        )
        conn.execute(
            insert(metadata.tables["change_log"]),
            [rows.change_values(engagement.id, c, i) for i, c in enumerate(engagement.changes)],
        )
    engine.dispose()
    assert upgrade(parsed) == ("0001", head_revision())
    with open_store(url) as migrator:
        assert migrator.pull(engagement.id) == engagement_to_json(engagement)
        assert [(m.user, m.role) for m in migrator.members(engagement.id)] == [("postgres", "lead")]
        tom_url = add_user(url, f"tom_{uuid.uuid4().hex[:6]}")
        tom_name = make_url(tom_url).username or ""
        migrator.grant(engagement.id, tom_name, "rater")
    with open_store(tom_url) as tom:
        assert tom.load(engagement.id).engagement == engagement
        _add(tom, engagement.id, tom_name, "After 0002")
        log = tom.load(engagement.id).engagement.changes
        assert [c.kind for c in log] == ["finding added", "finding added"]
        assert [c.by for c in log] == ["Ana", tom_name]


def test_the_stakeholder_logins_revision_goes_down_and_up_again(
    postgres: throwaway.Cluster,
) -> None:
    from alembic import command

    from toolkit.stores.database import _config, make_engine

    url = postgres.create_database(f"t_{uuid.uuid4().hex[:12]}")
    parsed = parse_url(url)
    upgrade(parsed)

    def rules() -> tuple[set[str], set[str]]:
        with connect(url) as conn:
            policies = conn.execute(
                "SELECT policyname FROM pg_policies WHERE tablename = 'engagements'"
            ).fetchall()
            triggers = conn.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'membership'::regclass "
                "AND NOT tgisinternal"
            ).fetchall()
        return {p for (p,) in policies}, {t for (t,) in triggers}

    policies, triggers = rules()
    assert "consultants_create" in policies and "anyone_creates" not in policies
    assert "membership_stakeholder_only" in triggers
    engine = make_engine(parsed)
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    engine.dispose()
    policies, triggers = rules()
    assert "anyone_creates" in policies and "consultants_create" not in policies
    assert "membership_stakeholder_only" not in triggers
    assert upgrade(parsed) == ("0002", head_revision())
    assert "consultants_create" in rules()[0]
