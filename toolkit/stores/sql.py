"""The SQL store: engagements in PostgreSQL (psycopg 3) or SQLite, on SQLAlchemy 2.

Every change is one transaction (:meth:`SqlStore.apply`): the engagement's row is locked
(``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the transaction takes the write lock at
``BEGIN IMMEDIATE``), the change function runs on the latest state (read again only when the
caller's snapshot is not current), and only the differences are written: findings added,
changed or removed, log entries appended, the row's fields and its version. On PostgreSQL the
usual save, a change that appends findings and log entries to the caller's current snapshot, is
one statement instead (:meth:`SqlStore._append`): the row's version bumped only where it is
still the snapshot's, the new rows inserted only if it was, the new version returned; when a
colleague saved in between, the save goes the long way above. On PostgreSQL the row's trigger
then notifies listeners with the engagement's id (see :mod:`toolkit.stores.watch`).
Two people saving at the same moment both land; a save that fails, or a process killed in the
middle of one, leaves nothing behind.

On PostgreSQL each user signs in as themselves, and the database decides what the connection
reads and writes (row-level security, revision 0002): only engagements where the user holds a
role, and during a blind rating only their own findings and log entries. So a save writes
only what changed, never rows it did not read: the engagement's columns that differ, findings
added, changed or removed among those it can see, log entries appended at the engagement's
``log_next`` (after entries it cannot see). Roles are granted and listed here too
(:meth:`SqlStore.grant`, :meth:`SqlStore.revoke`, :meth:`SqlStore.members`).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import URL, FromClause, bindparam, delete, insert, select, text, update
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.orm import Session

from toolkit.access import ROLES, AccessError, Role
from toolkit.engagement_json import check_size, engagement_from_json
from toolkit.errors import EngagementError, StoreError, StoreUnavailableError, TenfoldError
from toolkit.findings import Change, Engagement
from toolkit.framework import Framework
from toolkit.store import _fits
from toolkit.stores import rows
from toolkit.stores.base import EngagementInfo, Member, Snapshot, Store, Watch
from toolkit.stores.database import (
    WRITE,
    check_schema,
    database_errors,
    make_engine,
    parse_url,
    server,
    shown,
)
from toolkit.stores.schema import (
    DOCUMENTS,
    ChangeRow,
    EngagementRow,
    FindingRow,
    MembershipRow,
    metadata,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SqlStore"]

T = TypeVar("T")

#: The tables, for plain (Core) statements: a save's few rows need no ORM bookkeeping.
_ENGAGEMENTS = metadata.tables[EngagementRow.__tablename__]
_FINDINGS = metadata.tables[FindingRow.__tablename__]
_LOG = metadata.tables[ChangeRow.__tablename__]
_MEMBERS = metadata.tables[MembershipRow.__tablename__]

#: A finding row's key.
_KEY = ("engagement_id", "id")
#: An engagement's columns as a load reads them; its document comes through the view.
_ENGAGEMENT_COLUMNS = (
    *(
        _ENGAGEMENTS.c[name]
        for name in (
            "id", "client", "title", "lead", "date", "framework_id", "framework_version",
            "phase", "schema_version", "version", "log_next",
        )
    ),
    DOCUMENTS.c.document,
)  # fmt: skip

_FINDING_COLUMNS = (
    FindingRow.id,
    FindingRow.position,
    FindingRow.factor,
    FindingRow.level,
    FindingRow.evidence,
    FindingRow.source,
    FindingRow.rater,
    FindingRow.recorded_at,
    FindingRow.recorded_offset,
)


class SqlStore(Store):
    """Engagements in the database at ``url`` (see the module docstring).

    Opening checks that the database is reachable and at this Tenfold's schema revision:
    :class:`~toolkit.errors.StoreUnavailableError` or :class:`~toolkit.errors.StoreSchemaError`
    otherwise, naming the server and what to run.
    """

    def __init__(self, url: str | URL) -> None:
        self.url = parse_url(url) if isinstance(url, str) else url
        self.location = shown(self.url)
        self.postgres = self.url.get_backend_name() == "postgresql"
        self._engine = make_engine(self.url)
        self._writer = self._engine.execution_options(**{WRITE: True})
        # A save that only appends to the caller's current snapshot is one statement, its own
        # transaction (see _append): no BEGIN and COMMIT of their own to wait for.
        self._one_statement = self._engine.execution_options(isolation_level="AUTOCOMMIT")
        # A load reads three tables: on PostgreSQL they must show one moment's state.
        self._reader = (
            self._engine.execution_options(isolation_level="REPEATABLE READ")
            if self.postgres
            else self._engine
        )
        try:
            with database_errors(self.url), self._engine.connect() as conn:
                check_schema(conn, self.url)
                self._identity: str | None = None
                self._may_create = True
                if self.postgres:
                    self._identity, self._may_create = conn.execute(
                        text("SELECT session_user, NOT tenfold_stakeholder_only(session_user)")
                    ).one()
        except TenfoldError:
            self._engine.dispose()
            raise
        except Exception as exc:  # the driver refused an option of the URL, say
            self._engine.dispose()
            raise StoreUnavailableError(
                f"cannot connect to {server(self.url)} ({type(exc).__name__}: {exc}): check the "
                "options in the store URL"
            ) from None

    @property
    def identity(self) -> str | None:
        return self._identity

    @property
    def may_create(self) -> bool:
        return self._may_create

    def _run(
        self, work: Callable[[Session], T], *, write: bool = False, whole_panel: bool = False
    ) -> T:
        """``work`` in one transaction, database faults in words. ``whole_panel``: the
        transaction asks for every rater's findings during a blind rating (granted by the
        database to the engagement's lead only)."""
        with (
            database_errors(self.url),
            Session(self._writer if write else self._reader) as session,
            session.begin(),
        ):
            if whole_panel and self.postgres:
                session.execute(text("SELECT set_config('tenfold.whole_panel', 'on', true)"))
            return work(session)

    def _missing(self, ref: str) -> EngagementError:
        # The same words whether the engagement is not there or the user holds no role in it.
        if self._identity is not None:
            return EngagementError(
                f"{self.location}: no engagement with id {ref!r} that {self._identity} holds a "
                "role in"
            )
        return EngagementError(f"{self.location}: no engagement with id {ref!r}")

    # -- reading ------------------------------------------------------------------------------
    def engagements(self) -> list[EngagementInfo]:
        e = EngagementRow
        query = select(e.id, e.client, e.title, e.date, e.lead, e.phase).order_by(
            e.date.desc(), e.client, e.id
        )
        found = self._run(lambda s: s.execute(query).all())
        return [
            EngagementInfo(r.id, r.id, r.client, r.title, r.date, r.lead, r.phase) for r in found
        ]

    def _read(self, session: Session, ref: str) -> tuple[Engagement, rows.Layout, int] | None:
        conn = session.connection()  # plain rows: no ORM bookkeeping
        row = conn.execute(
            select(*_ENGAGEMENT_COLUMNS)
            .join_from(_ENGAGEMENTS, DOCUMENTS, DOCUMENTS.c.id == _ENGAGEMENTS.c.id)
            .where(_ENGAGEMENTS.c.id == ref)
        ).first()
        if row is None:
            return None
        # By position; by id where two raters' findings, written blind, took the same one.
        findings = conn.execute(
            select(*_FINDING_COLUMNS)
            .where(FindingRow.engagement_id == ref)
            .order_by(FindingRow.position, FindingRow.id)
        ).all()
        log = conn.execute(
            select(_LOG).where(ChangeRow.engagement_id == ref).order_by(ChangeRow.position)
        ).all()
        source = f"{self.location}, engagement {ref}"
        engagement, layout = rows.engagement_from_rows(row, findings, log, source=source)
        return engagement, layout, row.version

    def load(
        self, ref: str, *, framework: Framework | None = None, whole_panel: bool = False
    ) -> Snapshot:
        found = self._run(lambda s: self._read(s, ref), whole_panel=whole_panel)
        if found is None:
            raise self._missing(ref)
        engagement, layout, version = found
        _fits(engagement, framework, f"{self.location}, engagement {ref}")
        return Snapshot(ref, engagement, version, layout)

    def changed_since(self, snapshot: Snapshot) -> bool:
        query = select(EngagementRow.version).where(EngagementRow.id == snapshot.ref)
        return self._run(lambda s: s.execute(query).scalar()) != snapshot.version

    def _refused(self, session: Session, ref: str) -> EngagementError:
        """Why the engagement ``ref`` could not be locked for a save: not there (or no role in
        it), or a role that saves nothing (a stakeholder)."""
        if self.postgres:
            role = session.execute(text("SELECT tenfold_role(:ref)"), {"ref": ref}).scalar()
            if role is not None:
                return AccessError(
                    f"{self.location}, engagement {ref}: {self._identity} is its {role} and "
                    "changes nothing (a stakeholder sees the engagement only); nothing was saved"
                )
        return self._missing(ref)

    # -- roles --------------------------------------------------------------------------------
    def role(self, ref: str) -> Role | None:
        if not self.postgres:
            return None
        query = text("SELECT tenfold_role(:ref)")
        found = self._run(lambda s: s.execute(query, {"ref": ref}).scalar())
        if found is None:
            raise self._missing(ref)
        return cast(Role, found)

    def _lead_only(self, ref: str, what: str) -> None:
        if not self.postgres:
            raise self._no_roles()
        role = self.role(ref)
        if role != "lead":
            raise AccessError(
                f"{self.location}: only the lead of engagement {ref} may {what} "
                f"({self._identity} is its {role})"
            )

    def members(self, ref: str) -> list[Member]:
        self._lead_only(ref, "list who holds roles in it")
        m = _MEMBERS.c
        query = select(m.user_name, m.role, m.granted_by, m.granted_at).where(
            m.engagement_id == ref
        )
        found = self._run(lambda s: s.connection().execute(query).all())
        order = {role: i for i, role in enumerate(ROLES)}
        return sorted(
            (Member(r.user_name, r.role, r.granted_by, r.granted_at) for r in found),
            key=lambda member: (order[member.role], member.user),
        )

    def grant(self, ref: str, user: str, role: Role) -> None:
        if role not in ROLES:
            raise StoreError(f"{role!r}: not a role; a role is one of {', '.join(ROLES)}")
        if not user.strip():
            raise StoreError("name the user to grant a role to")
        self._lead_only(ref, "grant roles in it")
        from sqlalchemy.dialects.postgresql import insert as upsert

        statement = upsert(_MEMBERS).values(engagement_id=ref, user_name=user, role=role)
        statement = statement.on_conflict_do_update(
            index_elements=[_MEMBERS.c.engagement_id, _MEMBERS.c.user_name],
            set_={"role": role, "granted_by": text("session_user"), "granted_at": text("now()")},
        )
        self._run(lambda s: s.connection().execute(statement), write=True)

    def revoke(self, ref: str, user: str) -> None:
        self._lead_only(ref, "revoke roles in it")
        m = _MEMBERS.c
        statement = delete(_MEMBERS).where(m.engagement_id == ref, m.user_name == user)
        gone = self._run(lambda s: s.connection().execute(statement).rowcount, write=True)
        if not gone:
            raise StoreError(f"{self.location}: {user} holds no role in engagement {ref}")

    # -- writing ------------------------------------------------------------------------------
    def create(self, engagement: Engagement, *, name: str | None = None) -> Snapshot:
        check_size(engagement, self.location, StoreError)
        if not self._may_create:  # in words; the database refuses it anyway (revision 0003)
            raise AccessError(
                f"{self.location}: {self._identity} signs in as a stakeholder, who reads the "
                "engagements they are given and creates none; nothing was saved"
            )

        def work(session: Session) -> rows.Layout:
            taken = session.execute(
                select(EngagementRow.id).where(EngagementRow.id == engagement.id)
            ).scalar()
            if taken is not None:
                raise StoreError(f"{self.location}: engagement {engagement.id} is already here")
            session.connection().execute(
                insert(_ENGAGEMENTS).values(
                    **rows.engagement_values(engagement),
                    version=1,
                    log_next=len(engagement.changes),
                )
            )
            layout = rows.Layout(
                rows.positions([f.id for f in engagement.findings], {}),
                len(engagement.changes),
            )
            self._write_children(session, engagement.id, engagement, layout)
            return layout

        layout = self._run(work, write=True)
        return Snapshot(engagement.id, engagement, 1, layout)

    def apply(
        self,
        ref: str,
        change: Change,
        *,
        known: Snapshot | None = None,
        framework: Framework | None = None,
    ) -> Snapshot:
        return self._apply(ref, change, known=known, framework=framework)

    def _apply(
        self,
        ref: str,
        change: Change,
        *,
        known: Snapshot | None = None,
        framework: Framework | None = None,
        whole_panel: bool = False,
    ) -> Snapshot:
        if (
            self.postgres
            and not whole_panel
            and known is not None
            and known.ref == ref
            and isinstance(known.detail, rows.Layout)
        ):
            saved = self._append(ref, change, known, known.detail, framework)
            if saved is not None:
                return saved

        def work(session: Session) -> Snapshot:
            locked = (
                session.connection()
                .execute(
                    select(_ENGAGEMENTS.c.version, _ENGAGEMENTS.c.log_next)
                    .where(_ENGAGEMENTS.c.id == ref)
                    .with_for_update()
                )
                .first()
            )
            if locked is None:
                raise self._refused(session, ref)
            version, log_next = locked
            if (
                known is not None
                and known.ref == ref
                and known.version == version
                and isinstance(known.detail, rows.Layout)
            ):
                current, layout = known.engagement, known.detail
            else:
                found = self._read(session, ref)
                assert found is not None  # the row is locked
                current, layout, _ = found
            updated = change(current)
            if framework is not None:
                updated.check(framework)
            if updated is current or updated == current:
                return Snapshot(ref, current, version, layout)
            if updated.id != current.id:
                raise EngagementError(f"engagement {ref}: a change cannot alter its id")
            if len(updated.findings) > len(current.findings):
                check_size(updated, f"{self.location}, engagement {ref}", StoreError)
            new_layout, log_next = self._write_differences(
                session, ref, current, updated, layout, log_next
            )
            # Only the columns that changed: a rater's save moves the version and nothing else
            # of the engagement's row (the database refuses more from anyone but the lead).
            was = rows.engagement_values(current)
            columns = {k: v for k, v in rows.engagement_values(updated).items() if was[k] != v}
            session.connection().execute(
                update(_ENGAGEMENTS)
                .where(_ENGAGEMENTS.c.id == ref)
                .values(**columns, version=version + 1, log_next=log_next)
            )
            return Snapshot(ref, updated, version + 1, new_layout)

        return self._run(work, write=True, whole_panel=whole_panel)

    def _append(
        self,
        ref: str,
        change: Change,
        known: Snapshot,
        layout: rows.Layout,
        framework: Framework | None,
    ) -> Snapshot | None:
        """The usual save on PostgreSQL in one statement: a change that appends findings and
        log entries to the caller's snapshot, saved only if that snapshot is still the latest.

        The statement bumps the engagement's version where it is still ``known.version`` (a
        compare-and-set: a colleague's save in between, or no right to save, matches no row),
        inserts the new findings and log entries only if it did, and returns the new version.
        A colleague saving the same engagement at the same moment waits for this row's lock and
        then matches nothing. ``None`` when this does not apply or did not match: the caller
        then saves the long way, locking the row and applying the change to the latest state
        (which also gives the words for a change that fails or may not be saved).
        """
        current, version = known.engagement, known.version
        if not isinstance(version, int):
            return None
        try:
            updated = change(current)
            if framework is not None:
                updated.check(framework)
            if len(updated.findings) > len(current.findings):
                check_size(updated, f"{self.location}, engagement {ref}", StoreError)
        except Exception:  # said from the latest state, not from a snapshot that may be old
            return None
        n, log, m = len(current.findings), updated.changes, layout.log_length
        if (
            updated is current
            or updated.id != current.id
            or len(updated.findings) < n
            or not all(map(operator.is_, current.findings, updated.findings[:n]))
            or len(log) < m
            or not _same(log[:m], current.changes)
            or updated == current
        ):
            return None
        was = rows.engagement_values(current)
        columns = {k: v for k, v in rows.engagement_values(updated).items() if was[k] != v}
        ids = [f.id for f in updated.findings]
        new_positions = rows.positions(ids, layout.positions)
        findings = [rows.finding_values(ref, f, new_positions[f.id]) for f in updated.findings[n:]]
        entries = [rows.change_values(ref, c, i) for i, c in enumerate(log[m:])]
        statement, params = _append_statement(ref, version, columns, findings, entries)
        with database_errors(self.url), self._one_statement.connect() as conn:
            bumped = conn.exec_driver_sql(statement, tuple(params)).scalar()
        if bumped is None:
            return None
        return Snapshot(ref, updated, bumped, rows.Layout(new_positions, len(log)))

    def _write_differences(
        self,
        session: Session,
        ref: str,
        current: Engagement,
        updated: Engagement,
        layout: rows.Layout,
        log_next: int,
    ) -> tuple[rows.Layout, int]:
        """Write what ``updated`` changed of ``current``; return the new layout and the log's
        next position."""
        ids = [f.id for f in updated.findings]
        new_positions = rows.positions(ids, layout.positions)
        kept, n = current.findings, len(current.findings)
        if len(ids) >= n and all(map(operator.is_, kept, updated.findings[:n])):
            # findings only appended (the usual save): no need to look at the others
            added = [rows.finding_values(ref, f, new_positions[f.id]) for f in updated.findings[n:]]
            if added:
                session.connection().execute(insert(_FINDINGS), added)
        else:
            self._write_findings(session, ref, current, updated, layout, new_positions)
        log_next = self._append_log(session, ref, current, updated, layout, log_next)
        return rows.Layout(new_positions, len(updated.changes)), log_next

    def _write_findings(
        self,
        session: Session,
        ref: str,
        current: Engagement,
        updated: Engagement,
        layout: rows.Layout,
        new_positions: dict[str, int],
    ) -> None:
        """Write the findings ``updated`` added, changed, moved or removed of ``current``'s."""
        old = {f.id: f for f in current.findings}
        ids = new_positions.keys()
        gone = old.keys() - set(ids)
        if gone:
            session.execute(
                delete(FindingRow).where(
                    FindingRow.engagement_id == ref, FindingRow.id.in_(sorted(gone))
                )
            )
        added, changed = [], []
        was = layout.positions
        for f in updated.findings:
            before = old.get(f.id)
            position = new_positions[f.id]
            if before is None:
                added.append(rows.finding_values(ref, f, position))
            elif (before is not f and before != f) or was[f.id] != position:
                changed.append(rows.finding_values(ref, f, position))
        if changed:
            result = session.connection().execute(
                update(_FINDINGS)
                .where(
                    _FINDINGS.c.engagement_id == bindparam("v_engagement_id"),
                    _FINDINGS.c.id == bindparam("v_id"),
                )
                .values({c: bindparam(f"v_{c}") for c in changed[0] if c not in _KEY}),
                [{f"v_{k}": v for k, v in values.items()} for values in changed],
            )
            counted = self._engine.dialect.supports_sane_multi_rowcount or len(changed) == 1
            if counted and result.rowcount != len(changed):
                # Row-level security hid or refused some: write nothing rather than part.
                raise StoreError(
                    f"{self.location}, engagement {ref}: this change would alter findings that "
                    f"{self._identity or 'this user'} may not change; nothing was saved"
                )
        if added:
            session.connection().execute(insert(_FINDINGS), added)

    def _append_log(
        self,
        session: Session,
        ref: str,
        current: Engagement,
        updated: Engagement,
        layout: rows.Layout,
        log_next: int,
    ) -> int:
        """Append the log entries ``updated`` has beyond ``current``'s from position
        ``log_next`` (or write it again whole when it was rewritten); return the next one."""
        n = layout.log_length
        log = updated.changes
        if len(log) >= n and _same(log[:n], current.changes):
            entries = [rows.change_values(ref, c, log_next + i) for i, c in enumerate(log[n:])]
            log_next += len(entries)
        else:  # the log was rewritten (a replaced engagement): write it again whole
            gone = (
                session.connection()
                .execute(delete(_LOG).where(_LOG.c.engagement_id == ref))
                .rowcount
            )
            if gone != n:  # row-level security kept some: only a lead rewrites the log
                raise StoreError(
                    f"{self.location}, engagement {ref}: {self._identity or 'this user'} may not "
                    "rewrite its change log (its lead may); nothing was saved"
                )
            # Numbered on from log_next: positions only grow, whoever reads which entries.
            entries = [rows.change_values(ref, c, log_next + i) for i, c in enumerate(log)]
            log_next += len(entries)
        if entries:
            session.connection().execute(insert(_LOG), entries)
        return log_next

    def _write_children(
        self, session: Session, ref: str, e: Engagement, layout: rows.Layout
    ) -> None:
        if e.findings:
            session.connection().execute(
                insert(_FINDINGS),
                [rows.finding_values(ref, f, layout.positions[f.id]) for f in e.findings],
            )
        if e.changes:
            session.connection().execute(
                insert(_LOG), [rows.change_values(ref, c, i) for i, c in enumerate(e.changes)]
            )

    def push(
        self,
        text: str,
        *,
        source: str = "<file>",
        name: str | None = None,
        replace: bool = False,
        framework: Framework | None = None,
    ) -> str:
        engagement = engagement_from_json(text, source=source)
        _fits(engagement, framework, source)
        query = select(EngagementRow.id).where(EngagementRow.id == engagement.id)
        here = self._run(lambda s: s.execute(query).scalar()) is not None
        if here and not replace:
            raise StoreError(
                f"{source}: engagement {engagement.id} is already in {self.location}; pull it, "
                "or push again with --replace to overwrite it"
            )
        if here:  # the whole engagement is replaced: every rater's findings read, by its lead
            self._apply(engagement.id, lambda _: engagement, framework=framework, whole_panel=True)
        else:
            self.create(engagement)
        return engagement.id

    # -- live ---------------------------------------------------------------------------------
    def _watch(self) -> Watch:
        import sqlite3

        import psycopg

        from toolkit.stores.watch import postgres_watch, sqlite_watch

        try:
            return postgres_watch(self._engine) if self.postgres else sqlite_watch(self._engine)
        except (psycopg.Error, sqlite3.Error) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if self.url.password:
                reason = reason.replace(str(self.url.password), "***")
            raise StoreUnavailableError(
                f"cannot watch {server(self.url)} for colleagues' changes ({reason})"
            ) from None

    # -- a portfolio --------------------------------------------------------------------------
    def portfolio_scores(self, *, framework: Framework | None = None) -> pd.DataFrame:
        from toolkit.stores.sql_portfolio import portfolio_scores

        return self._run(lambda s: portfolio_scores(s, self.location, framework=framework))

    def close(self) -> None:
        self._engine.dispose()


def _casts(table: FromClause, *, leave: tuple[str, ...] = ()) -> dict[str, str]:
    """Each column of ``table`` (but ``leave``) with its PostgreSQL type, in the table's order:
    a saving statement's placeholders are cast, as a ``VALUES`` list has no column types of its
    own. Read from the schema, so a column it gains is written by the one-statement save too."""
    dialect = PGDialect()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it unannotated
    return {c.name: c.type.compile(dialect=dialect) for c in table.columns if c.name not in leave}


_FINDING_CASTS = _casts(FindingRow.__table__)
_LOG_CASTS = _casts(ChangeRow.__table__)
#: What a change may set on an engagement's row (its id never changes; the version and the log's
#: next position are counted by the statement itself).
_ENGAGEMENT_CASTS = _casts(EngagementRow.__table__, leave=("id", "version", "log_next"))


def _bound(cast_to: str, value: Any) -> Any:
    """A value as psycopg sends it for a column of type ``cast_to`` (what the schema's types do
    on a save)."""
    from psycopg.types.json import Json, Jsonb

    if value is None:
        return None
    if cast_to == "TIMESTAMP WITH TIME ZONE":
        return value.astimezone(dt.UTC)
    if cast_to == "JSONB":
        return Jsonb(value)
    if cast_to == "JSON":
        return Json(value)
    return value


def _values_list(
    rows_: list[dict[str, Any]], casts: dict[str, str], params: list[Any]
) -> tuple[str, str]:
    """A ``VALUES`` list of ``rows_`` (each column cast), its column names; fills ``params``."""
    names = list(casts)
    row = "(" + ", ".join(f"%s::{casts[c]}" for c in names) + ")"
    for values in rows_:
        params.extend(_bound(casts[c], values[c]) for c in names)
    return ", ".join([row] * len(rows_)), ", ".join(f'"{c}"' for c in names)


def _append_statement(
    ref: str,
    version: int,
    columns: dict[str, Any],
    findings: list[dict[str, Any]],
    entries: list[dict[str, Any]],
) -> tuple[str, list[Any]]:
    """The one statement of :meth:`SqlStore._append` and its parameters. Log entries are
    numbered on from the row's ``log_next`` as the statement finds it (``position`` in
    ``entries`` counts from 0), so they follow entries this user cannot see."""
    params: list[Any] = []
    sets = "".join(f'"{c}" = %s::{_ENGAGEMENT_CASTS[c]}, ' for c in columns)
    params.extend(_bound(_ENGAGEMENT_CASTS[c], v) for c, v in columns.items())
    params.extend([len(entries), ref, version])
    parts = [
        "WITH bumped AS (UPDATE engagements SET "
        f"{sets}version = version + 1, log_next = log_next + %s "
        "WHERE id = %s AND version = %s RETURNING version, log_next)"
    ]
    if findings:
        values, names = _values_list(findings, _FINDING_CASTS, params)
        parts.append(
            f"added AS (INSERT INTO findings ({names}) "
            f"SELECT v.* FROM bumped, (VALUES {values}) AS v({names}))"
        )
    if entries:
        values, names = _values_list(entries, _LOG_CASTS, params)
        chosen = ", ".join(
            f"b.log_next - {len(entries)} + v.position" if c == "position" else f'v."{c}"'
            for c in _LOG_CASTS
        )
        parts.append(
            f"logged AS (INSERT INTO change_log ({names}) "
            f"SELECT {chosen} FROM bumped b, (VALUES {values}) AS v({names}))"
        )
    return ", ".join(parts) + " SELECT version FROM bumped", params


def _same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return len(a) == len(b) and all(x is y or x == y for x, y in zip(a, b, strict=True))
