"""The engagement store as every surface sees it: one small interface, several backends.

A :class:`Store` keeps engagements and hands them out as :class:`Snapshot` values (the
engagement and a version token). Every change is an ``Engagement -> Engagement`` function from
:mod:`toolkit.changes`, applied by :meth:`Store.apply` to the latest state under the store's
lock (a file lock, ``SELECT ... FOR UPDATE``, ``BEGIN IMMEDIATE``), so two people saving at the
same moment both land, and undo, blind rating and consensus behave the same on every backend.

A store names each engagement by a *ref*: the file name in a folder of files, the engagement's
id in a database. :meth:`Store.load` takes either a ref or the engagement's id; the snapshot it
returns carries the ref to use from then on.
"""

from __future__ import annotations

import abc
import datetime as dt
import threading
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any

from toolkit.access import Reader, Role, seen
from toolkit.engagement_json import engagement_to_json
from toolkit.errors import StoreError
from toolkit.findings import Change, Engagement, Phase
from toolkit.framework import Framework

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EngagementInfo", "Member", "Snapshot", "Store", "Watch"]


@dataclass(frozen=True)
class EngagementInfo:
    """One engagement as a switcher or a portfolio lists it, without its findings.

    ``problem`` says why an entry cannot be opened (a broken file in a folder); its other fields
    are then empty.
    """

    ref: str
    id: str
    client: str
    title: str
    date: dt.date | None
    lead: str
    phase: Phase | None
    problem: str = ""

    @property
    def label(self) -> str:
        """``"Client — Title (16 Nov 2026)"``, or the ref and "cannot be opened"."""
        if self.problem or self.date is None:
            return f"{self.ref} (cannot be opened)"
        return f"{self.client} — {self.title} ({self.date:%d %b %Y})"


@dataclass(frozen=True)
class Member:
    """A user's role in an engagement, as :meth:`Store.members` lists it."""

    user: str
    role: Role
    granted_by: str
    granted_at: dt.datetime


@dataclass(frozen=True)
class Snapshot:
    """An engagement as a store last gave it out, with the version it had then.

    ``ref`` is the store's name for it (a file name, or the id in a database); ``version`` is
    an opaque token that changes whenever anyone writes the engagement (the file's signature,
    a row version). Hand the snapshot back to :meth:`Store.apply` as ``known`` and the store
    skips reading the engagement again when nobody else has written it since.
    """

    ref: str
    engagement: Engagement
    version: Hashable
    #: What a backend remembers about how this version is stored (row positions); not compared.
    detail: Any = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        """The engagement's id."""
        return self.engagement.id


class Watch:
    """What a store reports when someone writes an engagement: the refs written, nothing else.

    Iterate over it (each item is a ref; the iteration blocks until one comes and ends when the
    watch is closed), call :meth:`poll` for what came within a time, or give
    :meth:`Store.watch` a callback, which is then called from a background thread. Every write
    is reported, this process's own included: compare :attr:`Snapshot.version` (or call
    :meth:`Store.changed_since`) to tell a colleague's change from one's own. Reports carry
    refs only; re-read what they name through the store, under the user's own connection.
    """

    def __init__(self, wait: Callable[[float], list[str]], close: Callable[[], None]) -> None:
        self._wait = wait
        self._close = close
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def poll(self, timeout: float = 0.0) -> list[str]:
        """The refs written since the last call, waiting up to ``timeout`` seconds for one."""
        if self._closed.is_set():
            return []
        with self._lock:
            return self._wait(timeout)

    def __iter__(self) -> Iterator[str]:
        while not self._closed.is_set():
            yield from self.poll(0.5)

    def call(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(ref)`` for each write, from a background thread, until closed.

        A callback that raises does not end the watch: the next write is reported as usual.
        """

        def run() -> None:
            for ref in self:
                try:
                    callback(ref)
                except Exception:  # the caller's own fault: keep watching
                    continue

        self._thread = threading.Thread(target=run, name="tenfold-store-watch", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop watching (and stop the callback's thread); safe to call twice."""
        if self._closed.is_set():
            return
        self._closed.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        with self._lock:
            self._close()

    def __enter__(self) -> Watch:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Store(abc.ABC):
    """Where engagements are kept: a folder of files, or a SQL database (see the module doc).

    Errors are :class:`~toolkit.errors.TenfoldError` subclasses with one-line messages: an
    engagement that is not there or not valid is an :class:`~toolkit.errors.EngagementError`;
    a save that could not be made is a :class:`~toolkit.errors.StoreError` (its
    :class:`~toolkit.errors.StoreUnavailableError` and :class:`~toolkit.errors.StoreSchemaError`
    for a database that cannot be reached or needs ``tenfold store init``). Nothing is ever
    half-written: a change is saved whole or not at all.
    """

    #: Where the store is, as shown to people (a folder, or a database URL without password).
    location: str

    # -- reading -----------------------------------------------------------------------------
    @property
    @abc.abstractmethod
    def identity(self) -> str | None:
        """Who the store signs in as (the database user), or None where nobody signs in."""

    @property
    def may_create(self) -> bool:
        """Whether this user may create (or push) engagements: not a stakeholder's login."""
        return True

    @abc.abstractmethod
    def engagements(self) -> list[EngagementInfo]:
        """The engagements this user may see, newest assessment first."""

    @abc.abstractmethod
    def load(
        self, ref: str, *, framework: Framework | None = None, whole_panel: bool = False
    ) -> Snapshot:
        """The engagement named ``ref`` (its ref or its id), checked against ``framework``.

        Where users sign in (PostgreSQL), the engagement as the database lets this user read
        it: during a blind rating their own findings only, every rater's for the lead asking
        with ``whole_panel``. Elsewhere all of it; the surfaces cut it with
        :func:`toolkit.access.seen` either way.
        """

    # -- who reads ---------------------------------------------------------------------------
    def role(self, ref: str) -> Role | None:
        """The signed-in user's role in the engagement ``ref``, or None where nobody signs in.

        An engagement the user holds no role in is reported as a missing one
        (:class:`~toolkit.errors.EngagementError`), in the same words.
        """
        return None

    def reader(self, ref: str, *, name: str = "", whole_panel: bool = False) -> Reader:
        """Who reads ``ref`` through this store, for :mod:`toolkit.access`: the signed-in user
        with their role, where users sign in; otherwise ``name`` (as a person typed it)."""
        if self.identity is None:
            return Reader(name, whole_panel)
        return Reader(self.identity, whole_panel, self.role(ref))

    def members(self, ref: str) -> list[Member]:
        """Who holds which role in ``ref``, leads first (its lead only). Only where users sign
        in."""
        raise self._no_roles()

    def grant(self, ref: str, user: str, role: Role) -> None:
        """Give ``user`` the ``role`` in ``ref`` (its lead only). Only where users sign in."""
        raise self._no_roles()

    def revoke(self, ref: str, user: str) -> None:
        """Take ``user``'s role in ``ref`` away (its lead only). Only where users sign in."""
        raise self._no_roles()

    def _no_roles(self) -> StoreError:
        return StoreError(
            f"{self.location}: nobody signs in to this store, so it has no roles; roles per "
            "engagement need a PostgreSQL store (tenfold --store postgresql+psycopg://...)"
        )

    @abc.abstractmethod
    def changed_since(self, snapshot: Snapshot) -> bool:
        """Whether anyone has written the engagement since ``snapshot`` was taken (cheap)."""

    # -- writing -----------------------------------------------------------------------------
    @abc.abstractmethod
    def create(self, engagement: Engagement, *, name: str | None = None) -> Snapshot:
        """Store a new engagement; :class:`~toolkit.errors.StoreError` if its id is taken.

        ``name`` is the file name in a folder (default: the client and month); a database
        ignores it.
        """

    @abc.abstractmethod
    def apply(
        self,
        ref: str,
        change: Change,
        *,
        known: Snapshot | None = None,
        framework: Framework | None = None,
    ) -> Snapshot:
        """Apply ``change`` to the latest state of ``ref`` and save it, as one transaction.

        With ``known`` (this caller's last snapshot of ``ref``) the engagement is not read
        again when nobody has written it since. The result is checked against ``framework``
        when one is given. Raises whatever ``change`` raises, with nothing written.
        """

    # -- files in and out ----------------------------------------------------------------------
    @abc.abstractmethod
    def push(
        self,
        text: str,
        *,
        source: str = "<file>",
        name: str | None = None,
        replace: bool = False,
        framework: Framework | None = None,
    ) -> str:
        """Store the engagement file ``text``; return its id.

        The file is read as :func:`toolkit.load_engagement` reads one (older schemas migrated;
        errors name ``source``). An engagement whose id is already in the store is refused,
        unless ``replace``: then it becomes the file's content, as one change.
        """

    def pull(self, ref: str, *, whole_panel: bool = False) -> str:
        """The engagement file's text of ``ref``: byte for byte the file pushed, plus what
        changed since. Where users sign in, what this user may see of it
        (:func:`toolkit.access.seen`; ``whole_panel`` as for :meth:`load`)."""
        engagement = self.load(ref, whole_panel=whole_panel).engagement
        if self.identity is not None:
            engagement = seen(engagement, self.reader(ref, whole_panel=whole_panel))
        return engagement_to_json(engagement)

    # -- live ---------------------------------------------------------------------------------
    @abc.abstractmethod
    def _watch(self) -> Watch:
        """A new :class:`Watch` on every engagement of the store."""

    def watch(self, callback: Callable[[str], None] | None = None) -> Watch:
        """Report writes to any engagement (see :class:`Watch`); with ``callback``, call it
        with each ref from a background thread. Close the watch when done."""
        watch = self._watch()
        if callback is not None:
            watch.call(callback)
        return watch

    # -- a portfolio --------------------------------------------------------------------------
    @abc.abstractmethod
    def portfolio_scores(self, *, framework: Framework | None = None) -> pd.DataFrame:
        """Every engagement of the store scored, as :func:`toolkit.portfolio_scores` does."""

    # -- the end ------------------------------------------------------------------------------
    def close(self) -> None:  # noqa: B027 - a folder has nothing to close
        """Let go of connections; the store cannot be used afterwards."""

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
