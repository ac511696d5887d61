"""Writing a file safely: one function, :func:`write_atomic`, behind every file Tenfold writes.

Engagements, findings exports, reports and charts all reach the disk through it, so each gets
the same guarantees:

- **complete or absent**: the bytes (produced in full before anything is written) go to a
  temporary file beside the target, are fsynced, and replace the target in one rename;
- **no leftovers**: a failed write (a full disk, a lost permission) removes its temporary file,
  and each write sweeps the *stale* temporaries of the same file that a killed process left
  behind (older than :data:`STALE_TEMPORARY_SECONDS`; a writer still at work is never touched);
- **links kept**: a symbolic link is followed, so the file it points to is replaced and the link
  stays a link (:func:`resolve` gives the path to lock);
- **permissions kept**: replacing a file keeps its mode (a folder shared by a team stays
  shared); a new file gets the usual ``0666`` less the umask;
- **read-only respected**: a file without write permission is refused, not replaced;
- **regular files only**: a FIFO, a folder or a device at the path is refused;
- optionally a **backup** of the previous content as ``NAME.bak`` (engagements keep one), and
  **exclusive** creation that refuses to replace an existing file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

from toolkit.errors import ExportError, TenfoldError

__all__ = [
    "STALE_TEMPORARY_SECONDS",
    "check_regular_file",
    "irregular",
    "resolve",
    "write_atomic",
]

#: A temporary file untouched for this long belongs to a writer that died; the next write of the
#: same file removes it. Writers produce their bytes before they create a temporary, so a live
#: temporary is seconds old at most.
STALE_TEMPORARY_SECONDS = 60.0

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def resolve(path: str | os.PathLike[str]) -> Path:
    """``path`` with every symbolic link followed (the file a write really replaces)."""
    return Path(os.path.realpath(path))


def irregular(st: os.stat_result) -> str | None:
    """What is wrong with a file of this stat when it is not a regular file, else ``None``:
    ``"is a FIFO (named pipe), not a regular file; give the path of a file"``."""
    if stat.S_ISREG(st.st_mode):
        return None
    kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
    return f"is {kind}, not a regular file; give the path of a file"


def check_regular_file(path: str | os.PathLike[str], error: type[TenfoldError]) -> os.stat_result:
    """The stat of ``path``; ``error`` when it exists but is not a regular file.

    ``FileNotFoundError`` propagates, so callers word a missing file their own way.
    """
    st = os.stat(path)
    problem = irregular(st)
    if problem is not None:
        raise error(f"{path}: {problem}")
    return st


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):  # pragma: no cover - not Linux
        pass
    mask = os.umask(0o022)  # pragma: no cover - not Linux: read it by setting it back
    os.umask(mask)  # pragma: no cover
    return mask  # pragma: no cover


def _temporary_pattern(name: str) -> re.Pattern[str]:
    # mkstemp's names: ".NAME." + 8 characters + ".tmp"; the backup's: ".NAME.bak." + 8 + ".tmp".
    return re.compile(rf"\.{re.escape(name)}\.(?:bak\.)?[a-z0-9_]{{8}}\.tmp")


def sweep_stale_temporaries(target: Path, *, now: float | None = None) -> list[Path]:
    """Remove the temporaries of ``target`` (and of its backup) that no writer has touched for
    :data:`STALE_TEMPORARY_SECONDS`; return what was removed. Nothing else in the folder is
    looked at twice, and a failure to remove one is not an error.
    """
    pattern = _temporary_pattern(target.name)
    cutoff = (time.time() if now is None else now) - STALE_TEMPORARY_SECONDS
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and st.st_mtime < cutoff:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _keep_backup(target: Path) -> None:
    """Make ``NAME.bak`` the current content of ``target``: a hard link, else a copy."""
    backup = target.with_name(target.name + ".bak")
    fd, tmp = tempfile.mkstemp(prefix=f".{backup.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        os.unlink(tmp)
        try:
            os.link(target, tmp)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP):
                raise
            shutil.copy2(target, tmp)  # a file system without hard links
        os.replace(tmp, backup)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _place_new(tmp: str, target: Path) -> None:
    """Give ``tmp`` the name ``target`` only if no file has that name (``FileExistsError``)."""
    try:
        os.link(tmp, target)  # atomic: fails if the file appeared meanwhile
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP):
            raise
        if os.path.lexists(target):  # a file system without hard links: check, then rename
            raise FileExistsError(errno.EEXIST, "File exists", str(target)) from None
        os.replace(tmp, target)
        return
    os.unlink(tmp)


def _fsync_folder(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(dir_fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on a folder
        pass
    finally:
        os.close(dir_fd)


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    backup: bool = False,
    exclusive: bool = False,
    error: type[TenfoldError] = ExportError,
) -> Path:
    """Write ``data`` to ``path`` as one step: the whole new file or the old one, never half.

    Parameters
    ----------
    path
        The file to write. A symbolic link is followed: its target is replaced, the link kept.
    data
        The complete content.
    backup
        Keep the previous content as ``NAME.bak`` beside the file (engagements do).
    exclusive
        Refuse when the file already exists (creating a new engagement).
    error
        The exception raised for every failure, with a message naming ``path``.

    Returns
    -------
    pathlib.Path
        The file written (the link's target when ``path`` is a link).

    Raises
    ------
    TenfoldError
        As ``error``: the path is not a regular file, the file is read-only, it exists and
        ``exclusive`` is set, or the disk refused the write; the previous file is untouched and
        no temporary file is left behind.
    """
    shown = Path(path)
    target = resolve(path)
    folder = target.parent
    try:
        old = check_regular_file(target, error)
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise error(f"{shown}: cannot save ({exc.strerror or exc})") from None
    if old is not None:
        if exclusive:
            raise error(f"{shown}: already exists; choose another name")
        if not old.st_mode & 0o222 or not os.access(target, os.W_OK):
            raise error(
                f"{shown}: the file is read-only, so it was not replaced; make it writable "
                "(chmod u+w) or write to another name"
            )
        mode = stat.S_IMODE(old.st_mode)
    else:
        mode = 0o666 & ~_umask()
    if not folder.is_dir():
        raise error(f"{shown}: the folder {str(folder)!r} does not exist")
    sweep_stale_temporaries(target)
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        try:
            _write_all(fd, data)
            os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        if exclusive:
            _place_new(tmp, target)
        else:
            if backup and old is not None:
                _keep_backup(target)
            os.replace(tmp, target)
        tmp = ""
        _fsync_folder(folder)
    except FileExistsError:
        raise error(f"{shown}: already exists; choose another name") from None
    except OSError as exc:
        raise error(
            f"{shown}: could not save ({exc.strerror or exc}); the previous file is untouched"
        ) from None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return target
