"""Each user's own login to a PostgreSQL store, made by an administrator.

Row-level security tells users apart by the database user a connection signs in as, so every
person needs a login of their own, with a password nobody else holds. :func:`add_user` makes
one (or gives an existing Tenfold user a new password) and returns that user's connection URL;
``tenfold store add-user URL NAME`` prints it, and the team deployment's JupyterHub calls the
same function each time it starts a user's server, handing the URL to that server as
``TENFOLD_STORE`` (see ``deploy/``)::

    url = add_user("postgresql+psycopg://tenfold_admin:...@db/tenfold", "ana")
    # postgresql+psycopg://ana:<new password>@db/tenfold

``admin_url`` signs in as an administrator: a login with CREATEROLE (not a superuser) on a
database whose schema ``tenfold store init`` has made. The login made is a member of
``tenfold_users`` and nothing else: no superuser, no BYPASSRLS, no CREATEROLE or CREATEDB.
A client's person gets a stakeholder's login (``stakeholder=True``): a member of
``tenfold_stakeholders`` too, which the database lets create no engagement and hold no role
but stakeholder (revision 0003). Its password travels to the server already hashed
(SCRAM-SHA-256), so it is in no log there.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from psycopg import sql

from toolkit.errors import StoreError
from toolkit.stores.database import check_schema, database_errors, make_engine, parse_url, server

__all__ = ["NAME_PATTERN", "add_user", "check_name"]

#: The names a user's login may have: what JupyterHub and identity providers give (``ana``,
#: ``ana.lima``, ``ana@firm.example``), at most 63 characters (PostgreSQL's limit).
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,62}$")
_RESERVED = ("tenfold_owner", "tenfold_users", "tenfold_stakeholders", "public", "postgres")
_STAKEHOLDERS = "tenfold_stakeholders"
#: Characters of a generated password (URL-safe: it goes into a connection URL unescaped).
PASSWORD_BYTES = 24


def check_name(name: str) -> str:
    """``name`` if it can be a user's login; :class:`StoreError` saying why not otherwise."""
    if not NAME_PATTERN.match(name) or name.lower().startswith("pg_") or name in _RESERVED:
        raise StoreError(
            f"{name!r}: not a user name Tenfold gives a login (letters, digits and . _ @ + -, "
            "at most 63, not starting with pg_, not postgres or a tenfold_ role)"
        )
    return name


def add_user(
    admin_url: str, name: str, *, password: str | None = None, stakeholder: bool = False
) -> str:
    """Make ``name``'s login (or give an existing Tenfold user a new password); return the
    user's own store URL, with the password in it (see the module docstring).

    ``stakeholder``: the login is a stakeholder's, which reads the engagements it is given and
    creates none; otherwise a consultant's. An existing user's login becomes what is asked.

    Refuses a name that belongs to a login which is not a Tenfold user (an administrator's,
    say): its password is not Tenfold's to change; and making a stakeholder of a user who
    still holds a lead's or rater's role in an engagement.
    """
    url = parse_url(admin_url)
    if url.get_backend_name() != "postgresql":
        raise StoreError(
            f"{server(url)}: users sign in to a PostgreSQL store only; a folder or SQLite store "
            "has no logins"
        )
    check_name(name)
    password = password or secrets.token_urlsafe(PASSWORD_BYTES)
    engine = make_engine(url)
    try:
        with database_errors(url), engine.begin() as conn:
            check_schema(conn, url)
            driver: Any = conn.connection.driver_connection
            cursor = driver.cursor()
            cursor.execute(
                "SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb "
                "OR pg_has_role(rolname, 'tenfold_owner', 'MEMBER'), "
                "pg_has_role(rolname, 'tenfold_users', 'MEMBER'), "
                "tenfold_stakeholder_only(rolname) "  # the database's own rule (0003)
                "FROM pg_roles WHERE rolname = %s",
                (name,),
            )
            existing = cursor.fetchone()
            if existing is not None and (existing[0] or not existing[1]):
                raise StoreError(
                    f"{server(url)}: {name} is a login of its own there, not a Tenfold user's; "
                    "choose another name"
                )
            hashed = driver.pgconn.encrypt_password(
                password.encode(), name.encode(), b"scram-sha-256"
            ).decode()
            if existing is None:
                statement = sql.SQL(
                    "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                    "NOBYPASSRLS INHERIT PASSWORD {} IN ROLE tenfold_users"
                )
            else:
                statement = sql.SQL("ALTER ROLE {} WITH LOGIN PASSWORD {}")
            cursor.execute(statement.format(sql.Identifier(name), sql.Literal(hashed)))
            was_stakeholder = existing is not None and existing[2]
            if stakeholder != was_stakeholder:
                if stakeholder and existing is not None:
                    _check_no_working_roles(cursor, url, name)
                change = "GRANT {} TO {}" if stakeholder else "REVOKE {} FROM {}"
                cursor.execute(
                    sql.SQL(change).format(sql.Identifier(_STAKEHOLDERS), sql.Identifier(name))
                )
    finally:
        engine.dispose()
    user_url = url.set(username=name, password=password)
    return user_url.render_as_string(hide_password=False)


def _check_no_working_roles(cursor: Any, url: Any, name: str) -> None:
    """Refuse to make a stakeholder of ``name`` while they lead or rate an engagement (the
    administrator's login, which ran ``tenfold store init``, reads every role)."""
    cursor.execute(
        "SELECT count(*) FROM membership WHERE user_name = %s AND role <> 'stakeholder'", (name,)
    )
    (held,) = cursor.fetchone()
    if held:
        raise StoreError(
            f"{server(url)}: {name} is lead or rater of {held} engagement(s); a stakeholder "
            "holds the stakeholder role only: revoke those roles first (tenfold access revoke)"
        )
