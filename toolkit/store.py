"""Engagement files on disk: one engagement, one JSON file; atomic, locked, versioned.

These functions are the engine of the folder store (:class:`toolkit.stores.FolderStore`), the
default behind the store interface of :mod:`toolkit.stores`.

The file's form (pretty-printed JSON with sorted keys, so a change reads well in a git diff;
``schema_version``, older schemas migrated on load, newer ones refused) is
:mod:`toolkit.engagement_json`'s.

Saving is atomic (:func:`toolkit._files.write_atomic`): the new content goes to a temporary
file in the same folder, is fsynced and then replaces the old file, which is kept beside it as
``NAME.json.bak``; the file's permissions are kept, a read-only file is refused, and a linked
engagement is saved to the file the link points to. A lock file beside that file
(``NAME.json.lock``) serialises writers; :func:`update_engagement` re-reads the file under the
lock and applies a change to the latest content, so two processes adding findings to the same
engagement at once keep every finding.

A live dashboard keeps the engagement it last read or wrote as a :class:`Snapshot` with the
file's :func:`signature`; :func:`update_snapshot` then skips reading the file again when nobody
else has written it since, so a change costs the same at 45 findings as at 2,000.

An engagement holds at most :data:`toolkit.limits.MAX_FINDINGS` findings and its file at most
:data:`toolkit.limits.MAX_ENGAGEMENT_BYTES`; both are checked before the file is parsed or saved.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from toolkit import limits
from toolkit._files import check_regular_file, resolve, write_atomic
from toolkit.engagement_json import (
    SCHEMA_VERSION,
    check_size,
    engagement_from_json,
    engagement_to_json,
)
from toolkit.errors import EngagementError, StoreError
from toolkit.findings import Engagement
from toolkit.framework import Framework, load_framework

__all__ = [
    "SCHEMA_VERSION",
    "Signature",
    "Snapshot",
    "engagement_from_bytes",
    "engagement_from_json",
    "engagement_to_json",
    "load_engagement",
    "read_snapshot",
    "save_engagement",
    "signature",
    "update_engagement",
    "update_snapshot",
]

LOCK_TIMEOUT = 10.0

#: What identifies one version of a file on disk: device, inode, size, mtime and ctime in ns.
#: Every save replaces the file (a new inode), so any write by anyone changes it.
Signature = tuple[int, int, int, int, int]


def signature(path: str | Path) -> Signature | None:
    """The :data:`Signature` of the file at ``path`` now, or None if there is no such file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass(frozen=True)
class Snapshot:
    """An engagement as read from or written to its file, and that file's signature then."""

    path: Path
    engagement: Engagement
    signature: Signature | None

    @property
    def current(self) -> bool:
        """Whether the file on disk is still the one this snapshot was taken of."""
        return self.signature is not None and signature(self.path) == self.signature


def read_snapshot(path: str | Path, *, framework: Framework | None = None) -> Snapshot:
    """Load an engagement with its file's signature (see :func:`load_engagement`)."""
    path = Path(path)
    for _ in range(3):  # a save landing between stat and read: read again
        before = signature(path)
        engagement = load_engagement(path, framework=framework)
        if signature(path) == before:
            return Snapshot(path, engagement, before)
    return Snapshot(path, engagement, None)


def load_engagement(path: str | Path, *, framework: Framework | None = None) -> Engagement:
    """Load an engagement file, migrating older schemas.

    Parameters
    ----------
    path
        The engagement's JSON file.
    framework
        Check the engagement against this framework (default: the bundled one when the file
        names it; a file made with another framework is then checked only for its structure).

    Raises
    ------
    EngagementError
        The file is missing, unreadable, not JSON, or invalid; the message names the file and
        the field. :class:`SchemaVersionError` for a schema this version cannot read.
    """
    path = Path(path)
    engagement = engagement_from_json(_read_text(path), source=str(path))
    return _fits(engagement, framework, str(path))


def engagement_from_bytes(
    data: bytes, *, source: str, framework: Framework | None = None
) -> Engagement:
    """An engagement file's content (an upload, say), checked exactly as :func:`load_engagement`
    checks a file on disk: size, UTF-8, JSON, schema, every field, the framework.

    Nothing is written anywhere. Errors are :class:`EngagementError` naming ``source``.
    """
    _check_bytes(len(data), source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EngagementError(f"{source}: cannot read the engagement file ({exc})") from None
    return _fits(engagement_from_json(text, source=source), framework, source)


def _fits(engagement: Engagement, framework: Framework | None, source: str) -> Engagement:
    """``engagement`` if it fits ``framework`` (default: the bundled one when the file names it)."""
    fw = framework
    if fw is None:
        default = load_framework()
        fw = default if engagement.framework.id == default.id else None
    if fw is not None:
        problems = engagement.problems(fw)
        if problems:
            raise EngagementError(f"{source}: " + "; ".join(problems))
    return engagement


def _check_bytes(size: int, source: str) -> None:
    if size > limits.MAX_ENGAGEMENT_BYTES:
        raise EngagementError(
            f"{source}: the file is {limits.describe_bytes(size)}; Tenfold opens engagement "
            f"files up to {limits.describe_bytes(limits.MAX_ENGAGEMENT_BYTES)} "
            f"({limits.MAX_FINDINGS:,} findings): split it into several engagements"
        )


def _read_text(path: Path) -> str:
    """The text of an engagement file, after checking it is a regular file of a sane size."""
    try:
        size = check_regular_file(path, EngagementError).st_size
    except FileNotFoundError:
        raise EngagementError(f"{path}: no such engagement file") from None
    except OSError as exc:
        raise EngagementError(f"{path}: cannot read the engagement file ({exc})") from None
    _check_bytes(size, str(path))
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EngagementError(f"{path}: cannot read the engagement file ({exc})") from None


@contextmanager
def _locked(path: Path, *, create_folder: bool = False) -> Iterator[None]:
    """Hold the lock of the file ``path`` stands for (a link's target); a lock timeout or a
    disk error becomes a StoreError."""
    target = resolve(path)
    try:
        if create_folder:
            target.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(target) + ".lock", timeout=LOCK_TIMEOUT):
            yield
    except Timeout:
        raise StoreError(
            f"{path}: another program has held the lock for {LOCK_TIMEOUT:.0f} s; not saved"
        ) from None
    except OSError as exc:
        raise StoreError(
            f"{path}: could not save ({exc}); the previous file is untouched"
        ) from None


def _write_atomic(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write an engagement file's text with a backup of the previous one (see ``write_atomic``)."""
    write_atomic(path, text.encode("utf-8"), backup=True, exclusive=exclusive, error=StoreError)


def save_engagement(engagement: Engagement, path: str | Path, *, exclusive: bool = False) -> Path:
    """Write ``engagement`` to ``path`` atomically, under the file's lock.

    The previous content is kept as ``path + ".bak"``. Overwrites whatever is on disk: to
    change an engagement that others may be editing, use :func:`update_engagement`. A link is
    followed (the file it points to is saved, the link kept); the file's permissions are kept.

    Parameters
    ----------
    exclusive
        Create the file, refusing if it exists (checked under the lock, so of several programs
        creating the same engagement at once exactly one succeeds).

    Raises
    ------
    StoreError
        The file is read-only, is not a regular file, exists while ``exclusive`` is set, the
        lock is held elsewhere, the disk refused the write, or the engagement has more than
        :data:`toolkit.limits.MAX_FINDINGS` findings. Nothing is written.
    """
    path = Path(path)
    check_size(engagement, str(path), StoreError)
    text = engagement_to_json(engagement)
    with _locked(path, create_folder=True):
        _write_atomic(path, text, exclusive=exclusive)
    return path


def update_engagement(
    path: str | Path,
    change: Callable[[Engagement], Engagement],
    *,
    framework: Framework | None = None,
) -> Engagement:
    """Apply ``change`` to the latest engagement on disk and save it, all under the lock.

    This is how concurrent editors (two dashboard tabs, a script and the dashboard) keep each
    other's work: the change is replayed on what is on disk now, not on a stale copy.

    Returns the engagement as saved. Raises whatever ``change`` raises, with nothing written;
    :class:`EngagementError` when the file is missing or invalid (no lock file is left for a
    missing one); :class:`StoreError` as :func:`save_engagement` does.
    """
    return update_snapshot(path, change, framework=framework).engagement


def update_snapshot(
    path: str | Path,
    change: Callable[[Engagement], Engagement],
    *,
    framework: Framework | None = None,
    known: Snapshot | None = None,
) -> Snapshot:
    """:func:`update_engagement`, returning the saved engagement with the file's signature.

    With ``known`` (the snapshot this caller last read or wrote), the file is read again under
    the lock only if its signature has changed since: another tab, person or program wrote it.
    Otherwise ``known.engagement`` is the latest content and the change is applied to it.
    """
    path = Path(path)
    _check_exists(path)
    with _locked(path):
        if known is not None and known.path == path and known.current:
            current = known.engagement
        else:
            current = load_engagement(path, framework=framework)
        updated = change(current)
        if framework is not None:
            updated.check(framework)
        if updated != current:
            if len(updated.findings) > len(current.findings):
                check_size(updated, str(path), StoreError)
            _write_atomic(path, engagement_to_json(updated))
        return Snapshot(path, updated, signature(path))


def _check_exists(path: Path) -> None:
    """Refuse a missing or irregular file before its lock file is created."""
    try:
        check_regular_file(path, EngagementError)
    except FileNotFoundError:
        raise EngagementError(f"{path}: no such engagement file") from None
    except OSError as exc:
        raise EngagementError(f"{path}: cannot read the engagement file ({exc})") from None
