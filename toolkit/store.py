"""Engagement files on disk: one engagement, one JSON file; atomic, locked, versioned.

The file is pretty-printed with sorted keys so that a change reads well in a git diff. Each
file carries ``schema_version``; older schemas are migrated on load, newer ones are refused
with a message saying so.

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

import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic_core
from filelock import FileLock, Timeout
from pydantic import ValidationError

from toolkit import limits
from toolkit._files import check_regular_file, resolve, write_atomic
from toolkit.errors import EngagementError, SchemaVersionError, StoreError
from toolkit.findings import Engagement, describe_validation_error
from toolkit.framework import Framework

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
    if not isinstance(factors, dict):
        raise ValueError(
            f"factors: expected a table of factors (schema 1), found {type(factors).__name__}"
        )
    for fid, spec in factors.items():
        if not isinstance(spec, dict):
            raise ValueError(
                f"factors.{fid}: expected a table with target and not_applicable, "
                f"found {type(spec).__name__}"
            )
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


def _sorted_keys(value: Any) -> Any:
    """``value`` with the keys of every mapping in sorted order (what ``sort_keys`` does)."""
    if isinstance(value, dict):
        return {
            k: _sorted_keys(v) if isinstance(v, dict | list) else v
            for k, v in sorted(value.items())
        }
    if isinstance(value, list):
        return [_sorted_keys(v) if isinstance(v, dict | list) else v for v in value]
    return value


def engagement_to_json(engagement: Engagement) -> str:
    """The file text of ``engagement``: indented, sorted keys, a trailing newline.

    The text is exactly what ``json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)``
    writes, produced by pydantic's compiled serialiser: a tenth of the time on a large file.
    Findings are written straight from the models, whose fields are declared in sorted order.
    """
    data = engagement.model_dump(mode="json", exclude={"findings"})
    data = _sorted_keys({"schema_version": SCHEMA_VERSION, "findings": [], **data})
    data["findings"] = engagement.findings
    return pydantic_core.to_json(data, indent=2).decode("utf-8") + "\n"


class _CurrentFile(Engagement):
    """A file of the current schema, parsed and validated in one compiled pass."""

    schema_version: int


def _fast_parse(text: str) -> Engagement | None:
    """The engagement in ``text`` when it is a valid file of the current schema, else ``None``.

    Anything unusual (an older schema, a bad field, broken JSON) returns ``None`` and is read
    again by the slower path, which words the error.
    """
    try:
        parsed = _CurrentFile.model_validate_json(text)
    except ValueError:  # ValidationError included
        return None
    if parsed.schema_version != SCHEMA_VERSION:
        return None
    fields = {name: getattr(parsed, name) for name in Engagement.model_fields}
    return Engagement.model_construct(
        _fields_set=parsed.model_fields_set - {"schema_version"}, **fields
    )


def _check_size(
    engagement: Engagement, source: str, error: type[EngagementError | StoreError]
) -> None:
    count = len(engagement.findings)
    if count > limits.MAX_FINDINGS:
        raise error(
            f"{source}: {count:,} findings; Tenfold supports up to {limits.MAX_FINDINGS:,} "
            f"finding{'s' if limits.MAX_FINDINGS != 1 else ''} per engagement: split it by "
            "team, site or period into several engagement files"
        )


def _check_unique_ids(engagement: Engagement, source: str) -> None:
    ids = [finding.id for finding in engagement.findings]
    if len(set(ids)) == len(ids):
        return
    where: dict[str, list[int]] = defaultdict(list)
    for number, fid in enumerate(ids, start=1):
        where[fid].append(number)
    shared = [(fid, numbers) for fid, numbers in where.items() if len(numbers) > 1]
    parts = [
        f"findings {', '.join(map(str, numbers[:-1]))} and {numbers[-1]} share the id {fid!r}"
        for fid, numbers in shared[:5]
    ]
    more = f" (and {len(shared) - 5} more ids)" if len(shared) > 5 else ""
    raise EngagementError(
        f"{source}: " + "; ".join(parts) + more + "; give each finding its own id"
    )


def engagement_from_json(text: str, *, source: str = "<engagement>") -> Engagement:
    """Parse, migrate and validate an engagement file's text; errors name ``source``."""
    engagement = _fast_parse(text)
    if engagement is None:
        engagement = _parse_slowly(text, source)
    _check_unique_ids(engagement, source)
    _check_size(engagement, source, EngagementError)
    return engagement


def _parse_slowly(text: str, source: str) -> Engagement:
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
    except RecursionError:
        raise EngagementError(
            f"{source}: nested too deeply to be an engagement file (lists or objects inside "
            "each other thousands of times); is it the right file?"
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
    findings = data.get("findings")
    if isinstance(findings, list) and len(findings) > limits.MAX_FINDINGS:
        raise EngagementError(
            f"{source}: {len(findings):,} findings; Tenfold supports up to "
            f"{limits.MAX_FINDINGS:,} findings per engagement: split it by team, site or "
            "period into several engagement files"
        )
    while version < SCHEMA_VERSION:
        try:
            data = MIGRATIONS[version](data)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise EngagementError(
                f"{source}: cannot read this schema {version} file: {exc}"
            ) from None
        version += 1
    try:
        return Engagement.model_validate(data)
    except ValidationError as exc:
        raise EngagementError(f"{source}: " + "; ".join(describe_validation_error(exc))) from None
    except RecursionError:
        raise EngagementError(f"{source}: nested too deeply to be an engagement file") from None


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
        from toolkit.framework import load_framework

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
    _check_size(engagement, str(path), StoreError)
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
                _check_size(updated, str(path), StoreError)
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
