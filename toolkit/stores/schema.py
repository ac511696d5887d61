"""The SQL store's tables: engagements, their findings, their change log, and who holds which
role in each (membership).

An engagement is one row of ``engagements``: its scalar fields as columns, everything else it
holds (targets, not-applicable factors, consensus overrides, notes, what a shared copy
withheld, and whatever later schema versions of the file add) in one JSON ``document``, so a
new engagement field needs no table migration; ``schema_version`` says which version of the
file's schema the document follows, and ``version`` counts its saves. Findings and change log
entries are rows with typed columns, so portfolio questions can be asked of the database; each
has a ``position`` that keeps the file's order. Every child table carries ``engagement_id``,
which per-engagement access rules (row-level security) can key on.

The tables are created and changed only by the Alembic revisions in
``toolkit/stores/migrations/versions`` (``tenfold store init URL``); this module describes the
head revision for the code that reads and writes them. An engagement's document is read through
the view ``engagement_documents`` (:data:`DOCUMENTS`), which on PostgreSQL leaves out what a
blind rating hides (see revision 0002).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "DOCUMENTS",
    "ROLES",
    "Base",
    "ChangeRow",
    "EngagementRow",
    "FindingRow",
    "MembershipRow",
    "UtcDateTime",
    "metadata",
]

#: The roles a user can hold in an engagement (see :mod:`toolkit.access`).
ROLES = ("lead", "rater", "stakeholder")

#: Constraint names every database spells the same, so later revisions can name them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment stored in UTC, read back as an aware UTC datetime on every database.

    (SQLite keeps no time zone; PostgreSQL's ``timestamptz`` answers in the session's zone.)
    The zone the moment was written with is a column of its own beside it.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        moment: dt.datetime = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC)


#: A JSON document: ``jsonb`` on PostgreSQL (queryable, indexable), JSON text elsewhere.
Document = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


metadata = Base.metadata


class EngagementRow(Base):
    """One engagement: scalar fields, the JSON document, and a version bumped by every save."""

    __tablename__ = "engagements"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    client: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(Text)
    date: Mapped[dt.date] = mapped_column(Date)
    framework_id: Mapped[str] = mapped_column(Text)
    framework_version: Mapped[str] = mapped_column(Text)
    phase: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    schema_version: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    #: The position the next change log entry takes (entries a reader cannot see included).
    log_next: Mapped[int] = mapped_column(Integer, server_default="0")

    __table_args__ = (
        CheckConstraint("phase IN ('open', 'independent', 'consensus')", name="phase"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_engagements_client_date", "client", "date"),
    )


class FindingRow(Base):
    """One finding of one engagement, in the file's order by ``position``."""

    __tablename__ = "findings"

    engagement_id: Mapped[str] = mapped_column(
        Text, ForeignKey("engagements.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(Text, primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    factor: Mapped[str] = mapped_column(Text)
    level: Mapped[int] = mapped_column(SmallInteger)
    evidence: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    rater: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    #: The offset from UTC, in seconds, the time was written with (0 for ``...Z``).
    recorded_offset: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("level BETWEEN 0 AND 4", name="level"),
        CheckConstraint(
            "source IN ('interview', 'observation', 'document', 'survey', 'metric', 'other')",
            name="source",
        ),
        CheckConstraint("evidence <> '' AND rater <> '' AND factor <> ''", name="text"),
        Index("ix_findings_engagement_position", "engagement_id", "position"),
        Index("ix_findings_factor", "factor"),
    )


class ChangeRow(Base):
    """One entry of an engagement's change log, in saving order by ``position``."""

    __tablename__ = "change_log"

    engagement_id: Mapped[str] = mapped_column(
        Text, ForeignKey("engagements.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    at_offset: Mapped[int] = mapped_column(Integer)
    by: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    factor: Mapped[str | None] = mapped_column(Text, nullable=True)
    subject: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
    after: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
    undoes: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("ix_change_log_engagement_id", "engagement_id", "id"),)


class MembershipRow(Base):
    """A user's role in an engagement: lead, rater or stakeholder (PostgreSQL enforces them;
    elsewhere nobody signs in and the table stays empty)."""

    __tablename__ = "membership"

    engagement_id: Mapped[str] = mapped_column(
        Text, ForeignKey("engagements.id", ondelete="CASCADE"), primary_key=True
    )
    #: The login's name: the PostgreSQL role the user signs in as.
    user_name: Mapped[str] = mapped_column(Text, primary_key=True)
    role: Mapped[str] = mapped_column(Text)
    granted_by: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("role IN ('lead', 'rater', 'stakeholder')", name="role"),
        Index("ix_membership_user_name", "user_name"),
    )


#: The view an engagement's document is read through (kept out of :data:`metadata`: Alembic
#: compares tables, and this is a view).
DOCUMENTS = Table(
    "engagement_documents",
    MetaData(),
    Column("id", Text, primary_key=True),
    Column("document", Document),
)
