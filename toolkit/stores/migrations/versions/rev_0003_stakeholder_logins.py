"""Stakeholders' logins: they read what they are given, create nothing, and hold no other role.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

A client's people sign in to a firm's store too, to read their engagement in the viewer. Their
logins (``tenfold store add-user --stakeholder``) are members of ``tenfold_stakeholders`` as
well as ``tenfold_users``. On PostgreSQL, from this revision:

- a stakeholder's login cannot create an engagement (the policy ``consultants_create`` replaces
  ``anyone_creates``): with no engagement of its own it leads none, so it writes nothing
  anywhere, whatever SQL it runs;
- a stakeholder's login can hold the stakeholder role only: a lead who grants it rater or lead
  is refused by the trigger ``membership_stakeholder_only`` (error TF004, in words).

Nothing changes on SQLite, where nobody signs in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

#: The role every stakeholder's login is a member of (besides ``tenfold_users``).
STAKEHOLDERS = "tenfold_stakeholders"
OWNER = "tenfold_owner"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    s = '"{}"'.format(bind.execute(sa.text("SELECT current_schema()")).scalar_one())
    safe = "SET search_path = pg_catalog, pg_temp"
    for statement in (
        # A role of the whole cluster, like tenfold_users: made once, shared by its databases.
        f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{STAKEHOLDERS}') THEN
                CREATE ROLE {STAKEHOLDERS} NOLOGIN;
            END IF;
        END $$
        """,
        # Whether login `who` signs in as a stakeholder only: a direct member of the role that is
        # neither a superuser nor an administrator (one that made the role holds an admin
        # option on it on PostgreSQL 16, which pg_has_role counts as membership). False for a
        # name that is no login.
        f"""
        CREATE FUNCTION tenfold_stakeholder_only(who text) RETURNS boolean
        LANGUAGE sql STABLE {safe} AS $$
            SELECT EXISTS (
                SELECT FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
                WHERE r.rolname = who AND m.roleid = '{STAKEHOLDERS}'::regrole
                AND NOT r.rolsuper AND NOT r.rolcreaterole)
        $$
        """,
        "DROP POLICY anyone_creates ON engagements",
        "CREATE POLICY consultants_create ON engagements FOR INSERT "
        "WITH CHECK (NOT tenfold_stakeholder_only(session_user))",
        f"""
        CREATE FUNCTION tenfold_membership_stakeholder_only() RETURNS trigger
        LANGUAGE plpgsql {safe} AS $$
        BEGIN
            IF NEW.role <> 'stakeholder' AND {s}.tenfold_stakeholder_only(NEW.user_name) THEN
                RAISE EXCEPTION '% signs in as a stakeholder, who may hold the stakeholder role '
                    'only', NEW.user_name USING ERRCODE = 'TF004';
            END IF;
            RETURN NEW;
        END $$
        """,
        "CREATE TRIGGER membership_stakeholder_only BEFORE INSERT OR UPDATE ON membership "
        "FOR EACH ROW EXECUTE FUNCTION tenfold_membership_stakeholder_only()",
        f"ALTER FUNCTION tenfold_stakeholder_only(text) OWNER TO {OWNER}",
        f"ALTER FUNCTION tenfold_membership_stakeholder_only() OWNER TO {OWNER}",
    ):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in (
        "DROP TRIGGER membership_stakeholder_only ON membership",
        "DROP FUNCTION tenfold_membership_stakeholder_only()",
        "DROP POLICY consultants_create ON engagements",
        "CREATE POLICY anyone_creates ON engagements FOR INSERT WITH CHECK (true)",
        "DROP FUNCTION tenfold_stakeholder_only(text)",
    ):
        op.execute(statement)
