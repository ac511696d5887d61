"""Reaching a store's database: its URL, its engine, its schema revision, and its faults in words.

Two databases are supported: PostgreSQL through psycopg 3 (``postgresql+psycopg://...``; a
plain ``postgresql://`` means the same) and SQLite through Python's own driver
(``sqlite:///file.db``). Every fault of the database or the network becomes one
:class:`~toolkit.errors.StoreError` line naming the server, never the password, and what to
do: :class:`~toolkit.errors.StoreUnavailableError` when it cannot be reached or refuses the
sign-in, :class:`~toolkit.errors.StoreSchemaError` when its tables need ``tenfold store init``.

The schema is Alembic's (``toolkit/stores/migrations``): :func:`upgrade` brings a database to
the head revision, :func:`check_schema` refuses to work on one that is not there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy import exc as sa_exc

from toolkit.errors import StoreError, StoreSchemaError, StoreUnavailableError

__all__ = [
    "check_schema",
    "database_errors",
    "head_revision",
    "make_engine",
    "parse_url",
    "server",
    "shown",
    "upgrade",
]

#: Seconds to wait for a PostgreSQL server to answer before saying it cannot be reached.
CONNECT_TIMEOUT = 10
#: Seconds a save waits for a colleague's save of the same engagement before giving up.
LOCK_TIMEOUT = 10
#: The execution option that makes a SQLite transaction take the write lock at BEGIN.
WRITE = "tenfold_write"


def parse_url(url: str) -> URL:
    """The SQLAlchemy URL of a store: PostgreSQL with psycopg 3, or SQLite."""
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError:
        raise StoreError(f"{url!r}: not a database URL") from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        if parsed.get_driver_name() not in ("psycopg", "psycopg2", "") and "+" in url.split(":")[0]:
            raise StoreError(
                f"{shown(parsed)}: Tenfold talks to PostgreSQL through psycopg 3; "
                "write the URL as postgresql+psycopg://..."
            )
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if parsed.get_driver_name() not in ("pysqlite", ""):
            raise StoreError(f"{shown(parsed)}: SQLite is read through Python's own driver")
        if not parsed.database or parsed.database == ":memory:":
            raise StoreError(
                f"{shown(parsed)}: name the database file, as sqlite:///engagements.db "
                "(a database in memory is gone when the program ends)"
            )
        return parsed.set(drivername="sqlite")
    raise StoreError(
        f"{shown(parsed)}: Tenfold keeps engagements in a folder, in PostgreSQL "
        f"(postgresql+psycopg://...) or in SQLite (sqlite:///file.db), not in {backend}"
    )


def shown(url: URL) -> str:
    """``url`` as it may be printed: the password replaced by ``***``."""
    text = url.render_as_string(hide_password=True)
    base, sep, query = text.partition("?")
    return base + sep + unquote(query)  # ?host=/run/postgresql, as people write it


def server(url: URL) -> str:
    """Where the database is, in words: "the PostgreSQL server at HOST:PORT (database D,
    user U)", or "the SQLite database PATH"."""
    if url.get_backend_name() == "sqlite":
        return f"the SQLite database {url.database}"
    query_host = url.query.get("host")
    host = url.host or (query_host if isinstance(query_host, str) else None) or "local socket"
    query_port = url.query.get("port")
    port = url.port or (query_port if isinstance(query_port, str) else None) or 5432
    user = url.username or "(your login name)"
    return f"the PostgreSQL server at {host}:{port} (database {url.database}, user {user})"


def make_engine(url: URL, *, create: bool = False) -> Engine:
    """An engine for ``url``: pooled connections checked before use, and on SQLite a write
    lock taken at ``BEGIN`` by transactions that write (``execution_options(tenfold_write=True)``).

    A SQLite file that does not exist is refused unless ``create`` (``tenfold store init``).
    """
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        if not create and not path.is_file():
            raise StoreUnavailableError(
                f"no SQLite database at {path}: create it with `tenfold store init {shown(url)}`"
            )
        if create and not path.parent.is_dir():
            raise StoreUnavailableError(f"{path}: the folder {path.parent} does not exist")
        engine = create_engine(url, connect_args={"timeout": LOCK_TIMEOUT})
        event.listen(engine, "connect", _sqlite_connected)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    # A save waits at most LOCK_TIMEOUT for a colleague's save of the same engagement: set once
    # per connection (a server option), not once per save.
    given = url.query.get("options")
    given_text = given if isinstance(given, str) else " ".join(given or ())
    connect_args["options"] = f"{given_text} -c lock_timeout={LOCK_TIMEOUT * 1000}".strip()
    url = url.difference_update_query(["options"])
    return create_engine(url, pool_pre_ping=True, pool_size=2, connect_args=connect_args)


def _sqlite_connected(dbapi_connection: Any, _record: Any) -> None:
    # Python's sqlite3 would begin transactions itself, late and without a lock; SQLAlchemy
    # begins them instead (_sqlite_begin). WAL lets readers go on while one writer saves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


# -- faults ------------------------------------------------------------------------------------
_REASON = re.compile(r".*failed: (?:FATAL:\s*)?(.*)$")


def _first_line(exc: BaseException, url: URL) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc) else ""
    if url.password:
        text = text.replace(str(url.password), "***")
    return text.strip()


def _fault(exc: sa_exc.DBAPIError, url: URL) -> StoreError:
    """The one-line error for a database fault (see the module docstring)."""
    where = server(url)
    line = _first_line(exc, url)
    state = getattr(exc.orig, "sqlstate", None)
    low = line.lower()
    if state == "55P03" or "database is locked" in low or "lock timeout" in low:
        return StoreError(
            f"{where}: another save of this engagement has taken more than {LOCK_TIMEOUT} s; "
            "nothing was saved, try again"
        )
    if state is not None and state.startswith("TF"):  # the access rules' own words (0002)
        return StoreError(f"{where}: {line}; nothing was saved")
    if state == "42501":  # row-level security or a missing privilege
        return StoreError(
            f"{where}: the database refused: {url.username or 'this user'} may not make this "
            f"change to the engagement ({line}); nothing was saved"
        )
    if state == "23505" and "pk_engagements" in line:
        return StoreError(
            f"{where}: an engagement with this id is already in the store (one you hold no "
            "role in, or just added by someone else); nothing was saved"
        )
    if state == "42P01" or "no such table" in low:
        return StoreSchemaError(
            f"{where} has no Tenfold tables: run `tenfold store init {shown(url)}` as the "
            "database's owner"
        )
    if isinstance(exc, sa_exc.IntegrityError | sa_exc.DataError | sa_exc.ProgrammingError):
        return StoreError(f"{where}: the database refused the save ({line}); nothing was saved")
    reason = _REASON.search(line)
    said = (reason.group(1) if reason else line).rstrip(".")
    if "password authentication failed" in low or ("role" in low and "does not exist" in low):
        return StoreUnavailableError(
            f"{where} refused the sign-in ({said}): check the user name and password in the "
            "store URL (--store or TENFOLD_STORE)"
        )
    if "database" in low and "does not exist" in low:
        return StoreUnavailableError(
            f"{where}: {said}; create it (createdb) and run `tenfold store init {shown(url)}`"
        )
    return StoreUnavailableError(
        f"cannot reach {where} ({said}): check the store URL (--store or TENFOLD_STORE) and "
        "that the server is running; nothing was saved"
    )


@contextmanager
def database_errors(url: URL) -> Iterator[None]:
    """Turn every database fault inside the block into a :class:`StoreError` (see above)."""
    try:
        yield
    except sa_exc.DBAPIError as exc:
        raise _fault(exc, url) from None
    except sa_exc.SQLAlchemyError as exc:  # pragma: no cover - a fault outside the driver
        raise StoreError(f"{server(url)}: {exc}; nothing was saved") from None


# -- the schema --------------------------------------------------------------------------------
def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", "toolkit.stores:migrations")
    return config


def head_revision() -> str:
    """The schema revision this Tenfold works with."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def check_schema(connection: Connection, url: URL) -> None:
    """Refuse a database whose tables are missing, or older or newer than this Tenfold's."""
    current = MigrationContext.configure(connection).get_current_revision()
    head = head_revision()
    if current == head:
        return
    run = f"run `tenfold store init {shown(url)}` as the database's owner"
    if current is None:
        raise StoreSchemaError(f"{server(url)} has no Tenfold tables yet: {run}")
    try:
        known = ScriptDirectory.from_config(_config()).get_revision(current) is not None
    except CommandError:
        known = False
    if not known:
        raise StoreSchemaError(
            f"{server(url)} was set up by a newer Tenfold (schema revision {current}; this one "
            f"knows up to {head}): upgrade the tenfold package"
        )
    raise StoreSchemaError(
        f"{server(url)} has schema revision {current}, this Tenfold needs {head}: {run} to "
        "migrate it"
    )


def upgrade(url: URL, *, revision: str = "head") -> tuple[str | None, str | None]:
    """Create or migrate the store's tables to ``revision`` in one transaction; return the
    revision before and after. Needs the rights to create tables (the database's owner)."""
    engine = make_engine(url, create=True)
    config = _config()
    try:
        with database_errors(url), engine.execution_options(**{WRITE: True}).begin() as conn:
            before = MigrationContext.configure(conn).get_current_revision()
            config.attributes["connection"] = conn
            try:
                command.upgrade(config, revision)
            except CommandError as exc:
                raise StoreSchemaError(
                    f"{server(url)}: cannot migrate ({exc}); is it a newer Tenfold's database?"
                ) from None
            after = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    return before, after
