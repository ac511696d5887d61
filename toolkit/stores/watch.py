"""Hearing that a colleague wrote an engagement: LISTEN/NOTIFY on PostgreSQL, a version poll
on SQLite (the folder store polls its files' signatures itself).

PostgreSQL: each write to an engagement's row fires a trigger that sends the engagement's id,
and nothing else, on the channel :data:`CHANNEL`; a watch holds one connection of its own that
listens there. Notifications are not filtered by the database's access rules, which is why they
carry ids only: whoever hears one re-reads the engagement through the store, under their own
connection.

SQLite: a watch holds a connection of its own and asks ``PRAGMA data_version`` (which moves
when another connection commits) every :data:`POLL_INTERVAL` seconds; when it moved, it compares
the engagements' versions with the last ones it saw.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import psycopg
from sqlalchemy import Engine

from toolkit.stores.base import Watch

__all__ = ["CHANNEL", "POLL_INTERVAL", "postgres_watch", "sqlite_watch"]

#: The PostgreSQL notification channel of engagement writes (see the schema's trigger).
CHANNEL = "tenfold_engagements"
#: How often a SQLite watch looks for a commit, in seconds.
POLL_INTERVAL = 0.1


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def postgres_watch(engine: Engine) -> Watch:
    """A :class:`Watch` listening on :data:`CHANNEL` through a connection of its own."""
    args, kwargs = engine.dialect.create_connect_args(engine.url)
    kwargs.setdefault("connect_timeout", 10)

    def connect() -> psycopg.Connection[Any]:
        conn = psycopg.connect(*args, **kwargs, autocommit=True)
        conn.execute(f"LISTEN {CHANNEL}")
        return conn

    state: dict[str, psycopg.Connection[Any] | None] = {"conn": connect()}

    def wait(timeout: float) -> list[str]:
        conn = state["conn"]
        try:
            if conn is None or conn.closed:
                conn = state["conn"] = connect()
            heard = [n.payload for n in conn.notifies(timeout=timeout, stop_after=1)]
            if heard:  # whatever came in the same moment, without waiting again
                heard += [n.payload for n in conn.notifies(timeout=0.0)]
            return _unique(heard)
        except psycopg.Error:
            # The server went away: listen again once it is back, and wait meanwhile.
            if conn is not None:
                conn.close()
            state["conn"] = None
            time.sleep(timeout)
            return []

    def close() -> None:
        conn = state["conn"]
        if conn is not None:
            conn.close()

    return Watch(wait, close)


def sqlite_watch(engine: Engine) -> Watch:
    """A :class:`Watch` polling a SQLite database's data version (see the module docstring)."""
    conn = sqlite3.connect(str(engine.url.database), isolation_level=None, check_same_thread=False)

    def versions() -> dict[str, int]:
        return dict(conn.execute("SELECT id, version FROM engagements").fetchall())

    seen = versions()
    data_version = conn.execute("PRAGMA data_version").fetchone()[0]

    def wait(timeout: float) -> list[str]:
        nonlocal seen, data_version
        deadline = time.monotonic() + timeout
        while True:
            try:
                now_version = conn.execute("PRAGMA data_version").fetchone()[0]
                if now_version != data_version:
                    data_version = now_version
                    now = versions()
                    written = [i for i in now.keys() | seen.keys() if now.get(i) != seen.get(i)]
                    seen = now
                    if written:
                        return sorted(written)
            except sqlite3.Error:  # busy or gone for a moment: look again on the next round
                pass
            left = deadline - time.monotonic()
            if left <= 0:
                return []
            time.sleep(min(POLL_INTERVAL, left))

    return Watch(wait, conn.close)
