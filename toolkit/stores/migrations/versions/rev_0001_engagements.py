"""Engagements, their findings and their change log; PostgreSQL notifies each write.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

#: Each write to an engagement row tells the listeners its id, and only its id: a listener
#: re-reads the engagement under its own connection and rights (notifications bypass them).
_NOTIFY = """
CREATE FUNCTION tenfold_engagement_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tenfold_engagements', COALESCE(NEW.id, OLD.id));
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "engagements",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("client", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("lead", sa.Text(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("framework_id", sa.Text(), nullable=False),
        sa.Column("framework_version", sa.Text(), nullable=False),
        sa.Column("phase", sa.Text(), nullable=False),
        sa.Column("document", _DOCUMENT, nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "phase IN ('open', 'independent', 'consensus')", name="ck_engagements_phase"
        ),
        sa.CheckConstraint("version >= 1", name="ck_engagements_version"),
        sa.PrimaryKeyConstraint("id", name="pk_engagements"),
    )
    op.create_index("ix_engagements_client_date", "engagements", ["client", "date"])
    op.create_table(
        "findings",
        sa.Column("engagement_id", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("factor", sa.Text(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("rater", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_offset", sa.Integer(), nullable=False),
        sa.CheckConstraint("level BETWEEN 0 AND 4", name="ck_findings_level"),
        sa.CheckConstraint(
            "source IN ('interview', 'observation', 'document', 'survey', 'metric', 'other')",
            name="ck_findings_source",
        ),
        sa.CheckConstraint(
            "evidence <> '' AND rater <> '' AND factor <> ''", name="ck_findings_text"
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagements.id"],
            name="fk_findings_engagement_id_engagements",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("engagement_id", "id", name="pk_findings"),
    )
    op.create_index("ix_findings_engagement_position", "findings", ["engagement_id", "position"])
    op.create_index("ix_findings_factor", "findings", ["factor"])
    op.create_table(
        "change_log",
        sa.Column("engagement_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("at_offset", sa.Integer(), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("factor", sa.Text(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("undoes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagements.id"],
            name="fk_change_log_engagement_id_engagements",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("engagement_id", "position", name="pk_change_log"),
    )
    op.create_index("ix_change_log_engagement_id", "change_log", ["engagement_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_NOTIFY)
        op.execute(
            "CREATE TRIGGER engagement_written AFTER INSERT OR UPDATE OR DELETE ON engagements "
            "FOR EACH ROW EXECUTE FUNCTION tenfold_engagement_written()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER engagement_written ON engagements")
        op.execute("DROP FUNCTION tenfold_engagement_written()")
    op.drop_table("change_log")
    op.drop_table("findings")
    op.drop_table("engagements")
