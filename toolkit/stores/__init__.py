"""Where engagements are kept: one interface (:class:`Store`), three backends.

:func:`open_store` chooses by the address it is given:

- a folder path (the default, ``engagements/``): one JSON file per engagement, as on a laptop
  today (:class:`~toolkit.stores.folder.FolderStore`);
- ``postgresql+psycopg://user:password@host/database`` (or ``postgresql://...``): a shared
  PostgreSQL database, for a team (:class:`~toolkit.stores.sql.SqlStore`);
- ``sqlite:///file.db``: the same tables in one SQLite file.

``tenfold --store URL`` and the ``TENFOLD_STORE`` variable name it for the command line::

    with open_store("postgresql+psycopg://ana@db.example/tenfold") as store:
        ref = store.push(Path("acme.json").read_text())     # the engagement's id
        snapshot = store.load(ref)
        fid, change = changes.add_finding(factor="purpose", level=2, evidence="...")
        snapshot = store.apply(ref, change, known=snapshot)
"""

from __future__ import annotations

import os
import re

from toolkit.stores.base import EngagementInfo, Snapshot, Store, Watch
from toolkit.stores.folder import FolderStore

__all__ = [
    "DEFAULT_FOLDER",
    "EngagementInfo",
    "FolderStore",
    "Snapshot",
    "Store",
    "Watch",
    "is_database",
    "open_store",
]

#: The store when nothing names one: the folder of engagement files in the current folder.
DEFAULT_FOLDER = "engagements"
_DATABASE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def is_database(url: str | os.PathLike[str]) -> bool:
    """Whether ``url`` names a database (``scheme://...``) rather than a folder."""
    return bool(_DATABASE.match(os.fspath(url)))


def open_store(url: str | os.PathLike[str] | None = None) -> Store:
    """The store at ``url``: a database URL or a folder (see the module docstring).

    ``None`` means ``TENFOLD_STORE``, else :data:`DEFAULT_FOLDER`. A database is reached and
    its schema checked at once: :class:`~toolkit.errors.StoreUnavailableError` or
    :class:`~toolkit.errors.StoreSchemaError` otherwise, naming the server (never the password)
    and what to run. Close the store when done (it is a context manager).
    """
    where = url if url is not None else os.environ.get("TENFOLD_STORE") or DEFAULT_FOLDER
    if is_database(where):
        from toolkit.stores.sql import SqlStore

        return SqlStore(os.fspath(where))
    return FolderStore(where)
