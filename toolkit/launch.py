"""What ``tenfold dashboard`` settles before Voila starts: the folder it serves and its port.

A newcomer's first ``make dashboard`` opens the bundled sample engagements. What they type is
saved; it goes to a working copy (a git-ignored folder made from the committed sample on the
first run), never into the committed files, so ``git status`` stays clean after the session.
The copy is made once: later runs keep what was typed there. The port asked for (8866 by
default) is used when it is free; when it is taken, a free one is, and the output says so.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

from toolkit.errors import TenfoldError

__all__ = ["DEFAULT_PORT", "choose_port", "port_taken", "working_copy"]

#: The port a dashboard asks for first.
DEFAULT_PORT = 8866


def working_copy(sample: str | Path, folder: str | Path) -> list[Path]:
    """Copy into ``folder`` each engagement file of ``sample`` it does not hold yet.

    A file already in ``folder`` is kept as it is (it holds what was typed since); each new one
    is written whole (copied beside its place, then renamed), so an interrupted first run
    leaves no half file. Returns the files copied, none when the copy was made before.

    Raises
    ------
    TenfoldError
        ``sample`` is not a folder, or ``folder`` cannot be written.
    """
    source, dest = Path(sample), Path(folder)
    if not source.is_dir():
        raise TenfoldError(f"{source}: no such folder of sample engagements")
    copied = []
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for file in sorted(source.glob("*.json")):
            target = dest / file.name
            if target.exists():
                continue
            with tempfile.NamedTemporaryFile(dir=dest, suffix=".part", delete=False) as tmp:
                part = Path(tmp.name)
            try:
                shutil.copyfile(file, part)
                part.replace(target)
            finally:
                part.unlink(missing_ok=True)
            copied.append(target)
    except OSError as exc:
        raise TenfoldError(f"{dest}: cannot make the working copy ({exc.strerror})") from None
    return copied


def port_taken(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something already listens on ``host:port``, or the port cannot be bound."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        if sock.connect_ex((host, port)) == 0:
            return True
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def _any_free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def choose_port(
    wanted: int | None, *, host: str = "127.0.0.1", echo: Callable[[str], None] = print
) -> int:
    """``wanted`` (default :data:`DEFAULT_PORT`) when it is free, else a free port, said so.

    A port that is taken is never an error for someone opening a dashboard: another one is
    found and ``echo`` says which, e.g. ``"port 8866 is in use; serving on 40123 instead"``.
    """
    port = DEFAULT_PORT if wanted is None else wanted
    if not port_taken(port, host):
        return port
    found = _any_free_port(host)
    echo(f"port {port} is in use; serving on {found} instead")
    return found
