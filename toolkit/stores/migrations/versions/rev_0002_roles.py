"""Roles per engagement (lead, rater, stakeholder), enforced by PostgreSQL row-level security.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04

Every database gets the ``membership`` table (who holds which role in which engagement), the
``log_next`` counter of each engagement's change log (the next entry's position: a rater who
sees only their own entries during a blind rating still appends after everyone's), and the
``engagement_documents`` view through which an engagement's JSON document is read.

On PostgreSQL, besides:

- the tables, the view and the functions below belong to ``tenfold_owner``, a role that cannot
  sign in; each user signs in with a login of their own (``tenfold store add-user``), a member
  of ``tenfold_users``, which holds the table privileges; nobody else has any;
- row-level security is enabled and forced (the owner is subject to it too) on engagements,
  findings, change_log and membership; a policy lets a login reach only the engagements where
  it holds a role, and within them only what its role lets it read and write (the README's
  "How access is enforced" says it in words; :mod:`toolkit.access` is the same rule in Python);
- whoever inserts an engagement becomes its lead, by the trigger ``engagement_created`` (a
  SECURITY DEFINER function: the client claims nothing); an engagement keeps at least one lead;
- during a blind rating (phase ``independent``) a login reads only the findings and change log
  entries that are its own (``findings.rater`` and ``change_log.by`` are the login's name), and
  a document without notes or consensus levels, unless it is the engagement's lead; a lead
  reads every rater's findings only when asking for them: ``SET LOCAL tenfold.whole_panel = on``.

Engagements already in the database when it is upgraded get the login that runs
``tenfold store init`` as their lead; it hands each over with ``tenfold access grant ID USER
lead`` and ``tenfold access revoke ID ITSELF``.

A later data migration that must see every row runs as ``tenfold_owner`` (or a superuser) and
turns FORCE ROW LEVEL SECURITY off for its own transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

#: The role that owns the tables (no login) and the role every user's login is a member of.
OWNER = "tenfold_owner"
USERS = "tenfold_users"
TABLES = ("engagements", "findings", "change_log", "membership")

#: The view an engagement's document is read through (see the module docstring).
_VIEW_SQLITE = "CREATE VIEW engagement_documents AS SELECT id, document FROM engagements"


#: A finding the login may write: any, for a lead; their own, for a rater; none otherwise.
_OWN_FINDING = (
    "CASE tenfold_role(findings.engagement_id) WHEN 'lead' THEN true "
    "WHEN 'rater' THEN findings.rater = session_user ELSE false END"
)


def _postgres_sql(schema: str) -> list[str]:
    """The PostgreSQL part: roles, functions, triggers, policies, privileges, ownership."""
    s = f'"{schema}"'
    definer = "SECURITY DEFINER SET search_path = pg_catalog, pg_temp"
    return [
        # -- roles (of the whole cluster: made once, shared by its Tenfold databases) ----------
        f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER}') THEN
                CREATE ROLE {OWNER} NOLOGIN;
            END IF;
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{USERS}') THEN
                CREATE ROLE {USERS} NOLOGIN;
            END IF;
            IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                EXECUTE format('GRANT {OWNER} TO %I', current_user);
            END IF;
        END $$
        """,
        # -- who the caller is in an engagement ------------------------------------------------
        # The login's role in engagement eid, or NULL. SECURITY DEFINER: membership's own
        # policy asks it, which would otherwise read membership through that policy again.
        # session_user is the login the connection signed in as, whatever SET ROLE says.
        f"""
        CREATE FUNCTION tenfold_role(eid text) RETURNS text
        LANGUAGE sql STABLE {definer} AS $$
            SELECT m.role FROM {s}.membership m
            WHERE m.engagement_id = eid AND m.user_name = session_user
        $$
        """,
        # Whether the login asks, as a lead of eid, for the whole panel during a blind rating.
        f"""
        CREATE FUNCTION tenfold_whole_panel(eid text) RETURNS boolean
        LANGUAGE sql STABLE {definer} AS $$
            SELECT coalesce(current_setting('tenfold.whole_panel', true), '') = 'on'
                   AND {s}.tenfold_role(eid) IS NOT DISTINCT FROM 'lead'
        $$
        """,
        # Whether a log entry's before/after holds only the login's own findings (or none).
        """
        CREATE FUNCTION tenfold_own_values(before json, after json) RETURNS boolean
        LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT coalesce(
                (CASE WHEN json_typeof(before) = 'object' THEN before ->> 'rater' END),
                session_user) = session_user
               AND coalesce(
                (CASE WHEN json_typeof(after) = 'object' THEN after ->> 'rater' END),
                session_user) = session_user
        $$
        """,
        # -- whoever creates an engagement is its lead -----------------------------------------
        f"""
        CREATE FUNCTION tenfold_engagement_created() RETURNS trigger
        LANGUAGE plpgsql {definer} AS $$
        BEGIN
            INSERT INTO {s}.membership (engagement_id, user_name, role, granted_by)
            VALUES (NEW.id, session_user, 'lead', session_user);
            RETURN NULL;
        END $$
        """,
        "CREATE TRIGGER engagement_created AFTER INSERT ON engagements "
        "FOR EACH ROW EXECUTE FUNCTION tenfold_engagement_created()",
        # -- only a lead changes an engagement's settings; a rater's save moves its version ----
        f"""
        CREATE FUNCTION tenfold_engagement_guard() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            IF NEW.id IS DISTINCT FROM OLD.id THEN
                RAISE EXCEPTION 'an engagement''s id cannot change' USING ERRCODE = 'TF003';
            END IF;
            IF (NEW.client, NEW.title, NEW.lead, NEW.date, NEW.framework_id,
                NEW.framework_version, NEW.phase, NEW.document, NEW.schema_version)
               IS DISTINCT FROM
               (OLD.client, OLD.title, OLD.lead, OLD.date, OLD.framework_id,
                OLD.framework_version, OLD.phase, OLD.document, OLD.schema_version)
               AND {s}.tenfold_role(OLD.id) IS DISTINCT FROM 'lead'
               AND NOT pg_has_role(current_user, '{OWNER}', 'MEMBER') THEN
                RAISE EXCEPTION 'only the engagement''s lead may change its phase, targets, '
                    'notes, consensus levels or details' USING ERRCODE = 'TF003';
            END IF;
            RETURN NEW;
        END $$
        """,
        "CREATE TRIGGER engagement_guard BEFORE UPDATE ON engagements "
        "FOR EACH ROW EXECUTE FUNCTION tenfold_engagement_guard()",
        # -- a role goes to a Tenfold user's login; an engagement keeps a lead ------------------
        f"""
        CREATE FUNCTION tenfold_membership_check() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            IF NEW.user_name <> session_user AND NOT EXISTS (
                SELECT FROM pg_roles r WHERE r.rolname = NEW.user_name AND r.rolcanlogin
                AND NOT r.rolsuper AND NOT r.rolbypassrls
            AND pg_has_role(r.rolname, '{USERS}', 'MEMBER')) THEN
                RAISE EXCEPTION 'no Tenfold user named %', NEW.user_name USING ERRCODE = 'TF001';
            END IF;
            RETURN NEW;
        END $$
        """,
        "CREATE TRIGGER membership_check BEFORE INSERT OR UPDATE ON membership "
        "FOR EACH ROW EXECUTE FUNCTION tenfold_membership_check()",
        f"""
        CREATE FUNCTION tenfold_keep_a_lead() RETURNS trigger
        LANGUAGE plpgsql {definer} AS $$
        BEGIN
            -- pg_trigger_depth() > 1: the engagement itself is being deleted (a cascade)
            IF OLD.role = 'lead' AND pg_trigger_depth() < 2
               AND NOT EXISTS (SELECT FROM {s}.membership m
                               WHERE m.engagement_id = OLD.engagement_id AND m.role = 'lead') THEN
                RAISE EXCEPTION 'engagement % would have no lead: grant another user the lead '
                    'role first', OLD.engagement_id USING ERRCODE = 'TF002';
            END IF;
            RETURN NULL;
        END $$
        """,
        "CREATE TRIGGER membership_keeps_a_lead AFTER UPDATE OR DELETE ON membership "
        "FOR EACH ROW EXECUTE FUNCTION tenfold_keep_a_lead()",
        # -- the document as the login may read it ---------------------------------------------
        """
        CREATE OR REPLACE VIEW engagement_documents WITH (security_barrier) AS
        SELECT e.id,
               CASE WHEN e.phase = 'independent'
                         AND tenfold_role(e.id) IS DISTINCT FROM 'lead'
                    THEN e.document || '{"notes": "", "overrides": {}}'::jsonb
                    ELSE e.document END AS document
        FROM engagements e
        """,
        # -- the engagements already here: the login that migrates them leads them -------------
        "INSERT INTO membership (engagement_id, user_name, role, granted_by) "
        "SELECT id, session_user, 'lead', session_user FROM engagements",
        # -- policies ---------------------------------------------------------------------------
        # engagements: read where one holds a role; anyone may create one (and leads it); the
        # panel saves (a rater's save moves only the version: see engagement_guard); a lead
        # deletes.
        "CREATE POLICY member_reads ON engagements FOR SELECT "
        "USING (tenfold_role(engagements.id) IS NOT NULL)",
        "CREATE POLICY anyone_creates ON engagements FOR INSERT WITH CHECK (true)",
        "CREATE POLICY panel_saves ON engagements FOR UPDATE "
        "USING (tenfold_role(engagements.id) IN ('lead', 'rater')) "
        "WITH CHECK (tenfold_role(engagements.id) IN ('lead', 'rater'))",
        "CREATE POLICY lead_deletes ON engagements FOR DELETE "
        "USING (tenfold_role(engagements.id) = 'lead')",
        # findings: read every finding of one's engagements, but during a blind rating only
        # one's own (a lead: all of them when asking); a lead writes any, a rater their own.
        """
        CREATE POLICY member_reads ON findings FOR SELECT USING (EXISTS (
            SELECT FROM engagements e WHERE e.id = findings.engagement_id
            AND (e.phase <> 'independent' OR findings.rater = session_user
                 OR tenfold_whole_panel(e.id))))
        """,
        f"CREATE POLICY panel_adds ON findings FOR INSERT WITH CHECK ({_OWN_FINDING})",
        f"CREATE POLICY panel_edits ON findings FOR UPDATE USING ({_OWN_FINDING}) "
        f"WITH CHECK ({_OWN_FINDING})",
        f"CREATE POLICY panel_removes ON findings FOR DELETE USING ({_OWN_FINDING})",
        # change_log: the same reading rule (one's own entries, none of a consensus, none
        # holding a colleague's finding); appended by the panel, each rater as themselves;
        # rewritten only by a lead (a replaced engagement).
        """
        CREATE POLICY member_reads ON change_log FOR SELECT USING (EXISTS (
            SELECT FROM engagements e WHERE e.id = change_log.engagement_id
            AND (e.phase <> 'independent' OR tenfold_whole_panel(e.id)
                 OR (change_log.by = session_user AND change_log.kind <> 'consensus'
                     AND tenfold_own_values(change_log.before, change_log.after)))))
        """,
        """
        CREATE POLICY panel_appends ON change_log FOR INSERT
        WITH CHECK (CASE tenfold_role(change_log.engagement_id)
                        WHEN 'lead' THEN true
                        WHEN 'rater' THEN change_log.by = session_user
                        ELSE false END)
        """,
        "CREATE POLICY lead_rewrites ON change_log FOR DELETE "
        "USING (tenfold_role(change_log.engagement_id) = 'lead')",
        # membership: one's own role, and every role of the engagements one leads; only a lead
        # grants, changes or revokes one, in their own name. The owner (the SECURITY DEFINER
        # functions above) reads and writes all of it.
        "CREATE POLICY own_and_led ON membership FOR SELECT "
        "USING (membership.user_name = session_user "
        "OR tenfold_role(membership.engagement_id) = 'lead')",
        "CREATE POLICY lead_grants ON membership FOR INSERT "
        "WITH CHECK (tenfold_role(membership.engagement_id) = 'lead' "
        "AND membership.granted_by = session_user)",
        "CREATE POLICY lead_changes ON membership FOR UPDATE "
        "USING (tenfold_role(membership.engagement_id) = 'lead') "
        "WITH CHECK (tenfold_role(membership.engagement_id) = 'lead' "
        "AND membership.granted_by = session_user)",
        "CREATE POLICY lead_revokes ON membership FOR DELETE "
        "USING (tenfold_role(membership.engagement_id) = 'lead')",
        f"CREATE POLICY owner_all ON membership TO {OWNER} USING (true) WITH CHECK (true)",
        # -- privileges: the users' role, nobody else; the owner: everything -------------------
        *[f"REVOKE ALL ON {t} FROM PUBLIC" for t in (*TABLES, "engagement_documents")],
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON findings, change_log, membership TO {USERS}",
        # The document is read through engagement_documents only.
        f"GRANT INSERT, UPDATE, DELETE ON engagements TO {USERS}",
        f"GRANT SELECT (id, client, title, lead, date, framework_id, framework_version, phase, "
        f"schema_version, version, log_next) ON engagements TO {USERS}",
        f"GRANT SELECT ON engagement_documents TO {USERS}",
        f"GRANT SELECT ON alembic_version TO {USERS}",
        # The owner needs CREATE in the schema to own tables and functions there; users only USAGE.
        f"GRANT USAGE, CREATE ON SCHEMA {s} TO {OWNER}",
        f"GRANT USAGE ON SCHEMA {s} TO {USERS}",
        *[
            f"ALTER FUNCTION {f} OWNER TO {OWNER}"
            for f in (
                "tenfold_role(text)",
                "tenfold_whole_panel(text)",
                "tenfold_own_values(json, json)",
                "tenfold_engagement_created()",
                "tenfold_engagement_guard()",
                "tenfold_membership_check()",
                "tenfold_keep_a_lead()",
                "tenfold_engagement_written()",
            )
        ],
        *[f"ALTER TABLE {t} OWNER TO {OWNER}" for t in (*TABLES, "alembic_version")],
        f"ALTER VIEW engagement_documents OWNER TO {OWNER}",
        *[f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY" for t in TABLES],
        *[f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY" for t in TABLES],
    ]


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    op.add_column(
        "engagements", sa.Column("log_next", sa.Integer(), nullable=False, server_default="0")
    )
    op.execute(
        "UPDATE engagements SET log_next = coalesce((SELECT max(c.position) + 1 FROM change_log c "
        "WHERE c.engagement_id = engagements.id), 0)"
    )
    op.create_table(
        "membership",
        sa.Column("engagement_id", sa.Text(), nullable=False),
        sa.Column("user_name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column(
            "granted_by",
            sa.Text(),
            nullable=False,
            server_default=sa.text("session_user") if postgres else sa.text("''"),
        ),
        sa.Column(
            "granted_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now() if postgres else sa.text("CURRENT_TIMESTAMP"),
        ),
        sa.CheckConstraint("role IN ('lead', 'rater', 'stakeholder')", name="ck_membership_role"),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagements.id"],
            name="fk_membership_engagement_id_engagements",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("engagement_id", "user_name", name="pk_membership"),
    )
    op.create_index("ix_membership_user_name", "membership", ["user_name"])
    if not postgres:
        op.execute(_VIEW_SQLITE)
        return
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    for statement in _postgres_sql(schema):
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for table, policies in {
            "engagements": ("member_reads", "anyone_creates", "panel_saves", "lead_deletes"),
            "findings": ("member_reads", "panel_adds", "panel_edits", "panel_removes"),
            "change_log": ("member_reads", "panel_appends", "lead_rewrites"),
        }.items():
            for policy in policies:
                op.execute(f"DROP POLICY {policy} ON {table}")
        op.execute("DROP TRIGGER engagement_created ON engagements")
        op.execute("DROP TRIGGER engagement_guard ON engagements")
    op.execute("DROP VIEW engagement_documents")
    op.drop_index("ix_membership_user_name", table_name="membership")
    op.drop_table("membership")  # its policies and triggers go with it
    if bind.dialect.name == "postgresql":
        for function in (
            "tenfold_engagement_created()",
            "tenfold_engagement_guard()",
            "tenfold_membership_check()",
            "tenfold_keep_a_lead()",
            "tenfold_whole_panel(text)",
            "tenfold_own_values(json, json)",
            "tenfold_role(text)",
        ):
            op.execute(f"DROP FUNCTION {function}")
        op.execute(f"REVOKE ALL ON engagements, findings, change_log, alembic_version FROM {USERS}")
    with op.batch_alter_table("engagements") as batch:
        batch.drop_column("log_next")
