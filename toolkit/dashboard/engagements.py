"""Where both dashboards find engagements: the store, the framework, what a page's address may
name, and an engagement's previous assessment. No widgets here.

The dashboards read and write only through a :class:`~toolkit.stores.Store`
(:func:`toolkit.stores.open_store`): ``TENFOLD_STORE`` names it (a database URL or a folder), as
``tenfold dashboard --store URL`` sets it for the kernels; without it, the folder of engagement
files ``TENFOLD_ENGAGEMENTS`` names, else the dashboards' ``../engagements``, so a laptop works
as it always has. A page names an engagement by the store's ref: a file name in a folder, an id
in a database (``?engagement=harbourline-2026-11.json``, ``?engagement=3f9a2b7c01de``).
"""

from __future__ import annotations

import os
from pathlib import Path

from toolkit.errors import EngagementError, TenfoldError
from toolkit.findings import Engagement
from toolkit.framework import Framework, load_framework
from toolkit.stores import EngagementInfo, Store, open_store

__all__ = [
    "default_framework",
    "default_store",
    "page_ref",
    "previous_assessment",
    "store_of",
]


def default_framework() -> Framework:
    """The framework: the TOML file named by ``TENFOLD_FRAMEWORK``, else the bundled one."""
    return load_framework(os.environ.get("TENFOLD_FRAMEWORK") or None)


def default_store(notebook_dir: str | Path = ".") -> str:
    """Where the dashboards' engagements are (see the module docstring): ``TENFOLD_STORE``, else
    ``TENFOLD_ENGAGEMENTS``, else the notebook's ``../engagements``."""
    url = os.environ.get("TENFOLD_STORE") or os.environ.get("TENFOLD_ENGAGEMENTS")
    if url:
        return url
    return str((Path(notebook_dir) / ".." / "engagements").resolve())


def store_of(where: Store | str | os.PathLike[str] | None) -> Store:
    """``where`` as an open store: a store as it is, a folder or a database URL opened, or
    :func:`default_store`'s when None."""
    if isinstance(where, Store):
        return where
    return open_store(default_store() if where is None else where)


def page_ref(name: str) -> str:
    """An engagement named by a page's address, checked before the store sees it.

    Raises :class:`~toolkit.errors.EngagementError` for a name holding a control character (the
    NUL of ``x.json%00.json``) or a path (``../``, an absolute path): an address names an
    engagement of the store, never a file elsewhere on the server.
    """
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise EngagementError(
            f"{name!r}: not an engagement file name (it holds a control character)"
        )
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise EngagementError(
            f"{name}: not an engagement file in this store; name a file of the folder or an "
            "engagement id"
        )
    return name


def _client(text: str) -> str:
    return text.casefold().strip()


def previous_assessment(
    store: Store, engagement: Engagement, *, framework: Framework | None = None
) -> tuple[EngagementInfo, Engagement] | None:
    """The latest earlier assessment of the same client in ``store``, if there is one.

    Compared by client name (case and surrounding spaces aside) and date; an entry that cannot
    be read is passed over.
    """
    earlier = sorted(
        (
            info
            for info in store.engagements()
            if not info.problem
            and info.date is not None
            and info.id != engagement.id
            and _client(info.client) == _client(engagement.client)
            and info.date < engagement.date
        ),
        key=lambda info: info.date or engagement.date,
        reverse=True,
    )
    for info in earlier:
        try:
            return info, store.load(info.ref, framework=framework).engagement
        except TenfoldError:
            continue
    return None
