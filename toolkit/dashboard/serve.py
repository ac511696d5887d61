"""Serving the dashboards with Voila: where the notebooks and the settings live, and the command.

The Voila and Jupyter server settings live in one folder, ``toolkit/dashboard/jupyter_config/``:
``jupyter_server_config.json`` holds them (read by a Jupyter server running the Voila extension,
as on Binder) and ``voila.py`` loads that same file for standalone Voila (what
``tenfold dashboard`` runs). Pointing ``JUPYTER_CONFIG_PATH`` at the folder applies them:

- no tracebacks on the page (``VoilaConfiguration.show_tracebacks``);
- idle kernels of closed tabs shut down after 15 minutes (``MappingKernelManager.cull_*``);
- a notebook stalling while it renders ends with a message after 120 s
  (``VoilaExecutor.timeout``);
- one preheated kernel per dashboard: the notebook has run before anyone asks for the page, so
  the page opens in about a second instead of ten; when it opens, the apps read the store
  again (the page bridge's ``opened`` event), so what a person sees is never stale.

The dashboard notebooks live in the repository's ``dashboards/`` folder (the same files Binder
shows and nbval runs); ``TENFOLD_DASHBOARDS`` points elsewhere for an installed package.

Running a dashboard in the background for tests and benchmarks is :mod:`toolkit.testing`'s
job, outside the path a served dashboard runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, Literal

from toolkit.errors import TenfoldError

__all__ = [
    "CONFIG_DIR",
    "Dashboard",
    "dashboard_path",
    "dashboards_dir",
    "engagement_in",
    "engagement_of",
    "free_port",
    "serve",
    "voila_command",
    "voila_env",
]

Dashboard = Literal["assessment", "viewer"]

#: The folder holding the Jupyter/Voila settings shared by ``tenfold dashboard`` and Binder.
CONFIG_DIR = Path(__file__).resolve().parent / "jupyter_config"
_REPO_DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"


def dashboards_dir() -> Path:
    """The folder of the dashboard notebooks.

    ``TENFOLD_DASHBOARDS`` when set, else the ``dashboards/`` folder of the source checkout the
    package is installed from (``pip install -e .``, as ``make`` does).

    Raises
    ------
    TenfoldError
        Neither exists; the message says how to point at the notebooks.
    """
    env = os.environ.get("TENFOLD_DASHBOARDS")
    folder = Path(env) if env else _REPO_DASHBOARDS
    if not (folder / "assessment.ipynb").is_file():
        raise TenfoldError(
            f"{folder}: the dashboard notebooks are not there; run from a source checkout of "
            "Tenfold (pip install -e .) or set TENFOLD_DASHBOARDS to the folder holding "
            "assessment.ipynb and viewer.ipynb"
        )
    return folder


def dashboard_path(which: Dashboard = "assessment") -> Path:
    """The notebook of the ``"assessment"`` or ``"viewer"`` dashboard."""
    return dashboards_dir() / f"{which}.ipynb"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` now (several servers may run on one machine)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def voila_env(
    store: str | Path,
    *,
    framework: str | Path | None = None,
    engagement: str | None = None,
    portfolio: bool = False,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment Voila runs in: the shared settings, the store, the framework.

    ``JUPYTER_CONFIG_PATH`` gets :data:`CONFIG_DIR` in front. Kernels inherit the environment,
    so the dashboards read their store from it: ``TENFOLD_STORE`` for a database URL,
    ``TENFOLD_ENGAGEMENTS`` (made absolute here) for a folder, and, for a custom framework,
    ``TENFOLD_FRAMEWORK``; ``TENFOLD_ENGAGEMENT`` names the engagement to open (the viewer then
    serves that one only), and ``TENFOLD_PORTFOLIO=1`` lets the viewer list every engagement of
    the store. None of these is inherited from the caller's environment: only the arguments set
    them, so a dashboard never opens a store other than the one it was started for.
    """
    from toolkit.stores import is_database

    env = dict(os.environ if base is None else base)
    for name in ("TENFOLD_ENGAGEMENT", "TENFOLD_PORTFOLIO", "TENFOLD_STORE", "TENFOLD_ENGAGEMENTS"):
        env.pop(name, None)
    if engagement is not None:
        env["TENFOLD_ENGAGEMENT"] = engagement
    if portfolio:
        env["TENFOLD_PORTFOLIO"] = "1"
    paths = [str(CONFIG_DIR)]
    if env.get("JUPYTER_CONFIG_PATH"):
        paths.append(env["JUPYTER_CONFIG_PATH"])
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(paths)
    if is_database(store):
        env["TENFOLD_STORE"] = os.fspath(store)
    else:
        env["TENFOLD_ENGAGEMENTS"] = str(Path(store).resolve())
    if framework is not None:
        env["TENFOLD_FRAMEWORK"] = str(Path(framework).resolve())
    return env


def engagement_of(store: str | Path, engagement: str | Path) -> str:
    """The store's name for ``engagement``: a file of the folder (by name or path), or an
    engagement id (or ref) of the database, checked before Voila starts.

    Raises
    ------
    TenfoldError
        The store has no such engagement, or cannot be reached; the message says what to pass.
    """
    from toolkit.stores import is_database, open_store

    if not is_database(store):
        return engagement_in(Path(store), engagement)
    with open_store(store) as opened:
        known = {r for info in opened.engagements() for r in (info.ref, info.id)}
        if str(engagement) not in known:
            raise TenfoldError(
                f"--engagement {engagement}: no such engagement in {opened.location}; "
                "tenfold store list shows the ids"
            )
    return str(engagement)


def engagement_in(folder: Path, engagement: str | Path) -> str:
    """The file name of ``engagement`` (a name in ``folder``, or a path to a file in it).

    Raises
    ------
    TenfoldError
        It is not a ``.json`` file in ``folder``; the message says what to pass instead.
    """
    given = Path(engagement)
    path = given if given.exists() or given.parent != Path() else folder / given
    if path.suffix != ".json" or not path.is_file() or path.resolve().parent != folder.resolve():
        raise TenfoldError(
            f"--engagement {engagement}: not an engagement file in {folder}; give the name of "
            "a .json file there, or pass its folder with --engagements DIR"
        )
    return path.name


def voila_command(
    notebook: str | Path, *, port: int, open_browser: bool = False, host: str = "127.0.0.1"
) -> list[str]:
    """The command line starting Voila on ``host:port`` for one dashboard notebook.

    Voila is told to take that port or stop: left to itself it moves to a neighbouring port when
    the one asked for is taken (by a kernel that took it since it was found free, say), and the
    address printed or waited on would then be someone else's.
    """
    voila = Path(sys.executable).with_name("voila")
    head = [str(voila)] if voila.exists() else [sys.executable, "-m", "voila"]
    return [
        *head,
        str(notebook),
        f"--port={port}",
        f"--Voila.ip={host}",
        "--Voila.port_retries=0",
        "--Voila.open_browser=" + ("True" if open_browser else "False"),
    ]


def _has_display() -> bool:
    """Whether a graphical browser can open here (not on a headless Linux server)."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _store_named(store: str | Path) -> str:
    """``store`` as the one line says where the dashboard's engagements are: a folder's full
    path, a database's address without its password. The store is reached here, so a wrong
    address is said before Voila starts."""
    from toolkit.stores import is_database, open_store

    if not is_database(store):
        folder = Path(store)
        if not folder.is_dir():
            raise TenfoldError(
                f"{folder}: no such engagements folder; create it or pass --engagements DIR"
            )
        return str(folder.resolve())
    with open_store(store) as opened:
        return opened.location


def serve(
    store: str | Path,
    *,
    which: Dashboard = "assessment",
    framework: str | Path | None = None,
    port: int | None = None,
    host: str = "127.0.0.1",
    open_browser: bool = True,
    echo: Callable[[str], None] = print,
    ready_timeout: float = 60.0,
    engagement: str | Path | None = None,
    portfolio: bool = False,
) -> int:
    """Run Voila with one dashboard until interrupted; returns Voila's exit status.

    ``store`` is where the engagements are: a folder of engagement files or a database URL
    (:func:`toolkit.stores.open_store`); every kernel of the server opens the same store, so
    colleagues on the same server, or on another server of the same database, see each other's
    changes as they are saved. Prints the dashboard's URL once the server answers. ``framework``
    is a custom framework TOML file (default: the bundled one). ``host`` is the address served
    on (default: this machine only; ``0.0.0.0`` for every network it is on). ``port`` defaults
    to 8866, or a free port when 8866 is taken. ``engagement`` (a file of the folder, an id of
    the database) is the one to open; the viewer then shows that engagement only.
    ``portfolio`` lets the viewer list every engagement of the store (an internal team's
    choice: clients' names side by side).

    Raises
    ------
    TenfoldError
        The store cannot be read, the engagement or the dashboard notebooks are missing, or the
        port is taken.
    """
    where = _store_named(store)
    name = None if engagement is None else engagement_of(store, engagement)
    notebook = dashboard_path(which)
    probe = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if port is None:
        port = 8866 if not _port_open(probe, 8866) else free_port(probe)
    elif _port_open(probe, port):
        raise TenfoldError(f"port {port} on {host} is in use; choose another with --port")
    command = voila_command(notebook, port=port, host=host)
    env = voila_env(store, framework=framework, engagement=name, portfolio=portfolio)
    shown_host = socket.gethostname() if host in ("0.0.0.0", "") else host
    url = f"http://{shown_host}:{port}/"

    def stop(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    # Ctrl+C and `kill` (SIGTERM) both stop the dashboard the same quiet way. Voila runs in a
    # session of its own, so a terminal's Ctrl+C reaches only this process, which then asks
    # Voila to stop (SIGTERM: Voila shuts its kernels down) instead of interrupting it
    # wherever it is. Its log is passed on while it serves; what it and its kernels say while
    # being stopped (a kernel still starting up prints a KeyboardInterrupt traceback when
    # Voila interrupts it on the way down) is not.
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    process: subprocess.Popen[bytes] | None = None
    log: threading.Thread | None = None
    stopping = threading.Event()
    try:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=notebook.parent,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert process.stdout is not None
        log = threading.Thread(target=_pass_on, args=(process.stdout, stopping), daemon=True)
        log.start()
        deadline = time.monotonic() + ready_timeout
        while process.poll() is None and not _port_open(probe, port):
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
        if process.poll() is not None:
            return process.returncode or 1
        echo(f"Tenfold {which} dashboard for {where}: {url}  (Ctrl+C stops it)")
        if not (host.startswith("127.") or host == "localhost"):
            echo(
                f"Served on {host or 'every address'}: anyone who can reach this machine on port "
                f"{port} can open the dashboard."
            )
        if open_browser and _has_display():
            webbrowser.open(f"http://{probe}:{port}/")
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for sig in previous:  # a second Ctrl+C does not cut the clean-up short
            signal.signal(sig, signal.SIG_IGN)
        stopping.set()
        try:
            if process is not None:
                _stop(process)
            if log is not None:
                log.join(timeout=5)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _pass_on(stream: IO[bytes], quiet: threading.Event) -> None:
    """Copy Voila's output to this process's standard error, line by line, until ``quiet`` is
    set; read on after that (so Voila never blocks on a full pipe) without passing it on."""
    out = sys.stderr.buffer if hasattr(sys.stderr, "buffer") else None
    for line in iter(stream.readline, b""):
        if quiet.is_set():
            continue
        if out is not None:
            out.write(line)
            out.flush()
        else:  # a stream without bytes (a test's capture)
            sys.stderr.write(line.decode("utf-8", "replace"))
    stream.close()


def _stop(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """Stop Voila and its kernels: SIGTERM (Voila shuts its kernels down and exits), then
    SIGKILL to whatever of its session is left (all of it, if Voila has not stopped within
    ``timeout`` seconds)."""
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
