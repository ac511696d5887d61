"""Engagement files on disk: one engagement, one JSON file; atomic, locked, versioned.

The file is pretty-printed with sorted keys so that a change reads well in a git diff. Each
file carries ``schema_version``; older schemas are migrated on load, newer ones are refused
with a message saying so.

Saving is atomic: the new content goes to a temporary file in the same folder, is fsynced and
then replaces the old file, which is kept beside it as ``NAME.json.bak``. A lock file
(``NAME.json.lock``) serialises writers; :func:`update_engagement` re-reads the file under the
lock and applies a change to the latest content, so two processes adding findings to the same
engagement at once keep every finding.

A live dashboard keeps the engagement it last read or wrote as a :class:`Snapshot` with the
file's :func:`signature`; :func:`update_snapshot` then skips reading the file again when nobody
else has written it since, so a change costs the same at 45 findings as at 2,000.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from pydantic import ValidationError

from toolkit.errors import EngagementError, SchemaVersionError, StoreError
from toolkit.findings import Engagement, describe_validation_error
from toolkit.framework import Framework

__all__ = [
    "SCHEMA_VERSION",
    "Signature",
    "Snapshot",
    "engagement_from_json",
    "engagement_to_json",
    "load_engagement",
    "read_snapshot",
    "save_engagement",
    "signature",
    "update_engagement",
    "update_snapshot",
]

#: The schema this version writes. Schema 1 kept targets and not-applicable flags in a
#: per-factor ``factors`` table; schema 2 splits them into ``targets`` and ``not_applicable``;
#: schema 3 adds the change log, ``changes`` (empty for an older file).
SCHEMA_VERSION = 3
LOCK_TIMEOUT = 10.0

#: What identifies one version of a file on disk: device, inode, size, mtime and ctime in ns.
#: Every save replaces the file (a new inode), so any write by anyone changes it.
Signature = tuple[int, int, int, int, int]


def _migrate_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    factors = data.pop("factors", {}) or {}
    data["targets"] = {
        fid: spec["target"] for fid, spec in factors.items() if spec.get("target") is not None
    }
    data["not_applicable"] = sorted(
        fid for fid, spec in factors.items() if spec.get("not_applicable")
    )
    return data


def _migrate_2_to_3(data: dict[str, Any]) -> dict[str, Any]:
    data.setdefault("changes", [])
    return data


#: from-version -> function turning that schema's dict into the next version's.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
}


def engagement_to_json(engagement: Engagement) -> str:
    """The file text of ``engagement``: indented, sorted keys, a trailing newline."""
    data = {"schema_version": SCHEMA_VERSION, **engagement.model_dump(mode="json")}
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def engagement_from_json(text: str, *, source: str = "<engagement>") -> Engagement:
    """Parse, migrate and validate an engagement file's text; errors name ``source``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        end = text.rstrip()
        truncated = exc.pos >= len(end) or not end.endswith("}")
        hint = (
            f" (the file looks truncated; the backup {source}.bak may be whole)"
            if truncated
            else ""
        )
        raise EngagementError(
            f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}{hint}"
        ) from None
    if not isinstance(data, dict):
        raise EngagementError(f"{source}: expected a JSON object, found {type(data).__name__}")
    version = data.pop("schema_version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        raise SchemaVersionError(f"{source}: schema_version is missing or not a whole number")
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{source}: written with schema version {version}, but this Tenfold reads up to "
            f"{SCHEMA_VERSION}; upgrade the tenfold package to open it"
        )
    if version < 1:
        raise SchemaVersionError(f"{source}: schema_version {version} does not exist")
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    try:
        return Engagement.model_validate(data)
    except ValidationError as exc:
        raise EngagementError(f"{source}: " + "; ".join(describe_validation_error(exc))) from None


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
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EngagementError(f"{path}: no such engagement file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EngagementError(f"{path}: cannot read the engagement file ({exc})") from None
    engagement = engagement_from_json(text, source=str(path))
    fw = framework
    if fw is None:
        from toolkit.framework import load_framework

        default = load_framework()
        fw = default if engagement.framework.id == default.id else None
    if fw is not None:
        problems = engagement.problems(fw)
        if problems:
            raise EngagementError(f"{path}: " + "; ".join(problems))
    return engagement


@contextmanager
def _locked(path: Path, *, create_folder: bool = False) -> Iterator[None]:
    """Hold the file's lock; a lock timeout or a disk error becomes a StoreError."""
    try:
        if create_folder:
            path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT):
            yield
    except Timeout:
        raise StoreError(
            f"{path}: another program has held the lock for {LOCK_TIMEOUT:.0f} s; not saved"
        ) from None
    except OSError as exc:
        raise StoreError(
            f"{path}: could not save ({exc}); the previous file is untouched"
        ) from None


def _write_atomic(path: Path, text: str) -> None:
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            backup = path.with_name(path.name + ".bak")
            fd_b, tmp_b = tempfile.mkstemp(prefix=f".{backup.name}.", suffix=".tmp", dir=folder)
            os.close(fd_b)
            shutil.copy2(path, tmp_b)
            os.replace(tmp_b, backup)
        os.replace(tmp, path)
        tmp = ""
        try:
            dir_fd = os.open(folder, os.O_RDONLY)
        except OSError:  # pragma: no cover - platforms without directory fds
            return
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def save_engagement(engagement: Engagement, path: str | Path) -> Path:
    """Write ``engagement`` to ``path`` atomically, under the file's lock.

    The previous content is kept as ``path + ".bak"``. Overwrites whatever is on disk: to
    change an engagement that others may be editing, use :func:`update_engagement`.
    """
    path = Path(path)
    text = engagement_to_json(engagement)
    with _locked(path, create_folder=True):
        _write_atomic(path, text)
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

    Returns the engagement as saved. Raises whatever ``change`` raises, with nothing written.
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
    with _locked(path):
        if known is not None and known.path == path and known.current:
            current = known.engagement
        else:
            current = load_engagement(path, framework=framework)
        updated = change(current)
        if framework is not None:
            updated.check(framework)
        if updated != current:
            _write_atomic(path, engagement_to_json(updated))
        return Snapshot(path, updated, signature(path))
