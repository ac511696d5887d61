"""Serving a dashboard, or any Jupyter server, in the background: for tests and benchmarks.

:class:`VoilaServer` runs a dashboard notebook with Voila on a free port, as ``tenfold dashboard``
serves it (the same command line and settings, from :mod:`toolkit.dashboard.serve`), and
:class:`BackgroundServer` any command that serves HTTP (JupyterLab, say). Each keeps its output
in a log file and stops with every process it started (its kernels). Nothing a served dashboard
runs imports this module.

    with VoilaServer.launch(dashboard_path("viewer"), "engagements", log="voila.log") as server:
        print(server.url)
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from toolkit.dashboard.serve import free_port, voila_command, voila_env

__all__ = ["BackgroundServer", "VoilaServer", "free_port"]


#: How many free ports :meth:`VoilaServer.launch` tries before it gives up.
_PORT_ATTEMPTS = 3
#: What Voila logs when the port it was given is taken.
_PORT_TAKEN = "is already in use"


@dataclass
class BackgroundServer:
    """A server running in the background, in its own process group, its output in ``log``.

    :meth:`start` runs any command that serves HTTP at ``url`` (JupyterLab, for instance) and
    returns once it answers; :class:`VoilaServer` serves a dashboard notebook. :meth:`stop` ends
    the whole process group, so the kernels the server started stop with it; the log stays for
    whoever wants to read what went wrong. A ``with`` block stops it too.
    """

    #: Where the server answers, ending in ``/``.
    url: str
    process: subprocess.Popen[bytes]
    #: The server's standard output and error.
    log: Path
    #: ``time.perf_counter()`` just before the process was started (for start-up timings).
    started: float

    @classmethod
    def start(
        cls,
        command: Sequence[str],
        *,
        url: str,
        log: str | Path,
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
        timeout: float = 90.0,
    ) -> BackgroundServer:
        """Run ``command`` in a new process group and wait until ``url`` answers.

        Raises
        ------
        RuntimeError
            The server exited, or did not answer within ``timeout`` seconds (it is stopped
            then); the message ends with the last lines of its log.
        """
        log = Path(log)
        started = time.perf_counter()
        with log.open("wb") as out:
            process = subprocess.Popen(
                list(command),
                env=None if env is None else dict(env),
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: its kernels stop with it
            )
        server = BackgroundServer(url if url.endswith("/") else url + "/", process, log, started)
        server.wait_until_up(timeout)
        return server

    def answers(self) -> bool:
        """Whether the server answers HTTP now (any status counts: it is up)."""
        try:
            with urllib.request.urlopen(self.url + "api/status", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except (urllib.error.URLError, OSError):
            return False

    def wait_until_up(self, timeout: float = 90.0) -> None:
        """Wait until the server answers.

        Raises
        ------
        RuntimeError
            It exited, or did not answer within ``timeout`` seconds (it is stopped then).
        """
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.process.args!r} exited with status {self.process.returncode}; "
                    f"its log ({self.log}) ends:\n{self.log_tail()}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"{self.url} did not answer within {timeout:.0f} s; "
                    f"its log ({self.log}) ends:\n{self.log_tail()}"
                )
            time.sleep(0.1)

    def stop(self, sig: int = signal.SIGTERM, *, timeout: float = 15.0) -> None:
        """Stop the server and every process it started with ``sig`` (SIGKILL after
        ``timeout`` seconds). Stopping a stopped server does nothing."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout)

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the server's log."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@dataclass
class VoilaServer(BackgroundServer):
    """A dashboard notebook served by Voila in the background, as ``tenfold dashboard`` serves it.

    Examples
    --------
    >>> with VoilaServer.launch(
    ...     dashboard_path("viewer"), "engagements", log="voila.log"
    ... ) as server:  # doctest: +SKIP
    ...     print(server.url)
    http://127.0.0.1:40123/
    """

    #: The engagements folder the dashboard reads and writes (for a database: see ``store``).
    engagements: Path
    #: Where the engagements are: the folder, or the database URL the dashboard was started on.
    store: str = ""

    @classmethod
    def launch(
        cls,
        notebook: str | Path,
        engagements: str | Path,
        *,
        log: str | Path,
        timeout: float = 90.0,
        env: Mapping[str, str] | None = None,
    ) -> VoilaServer:
        """Serve ``notebook`` with Voila on a free port of 127.0.0.1, on ``engagements`` (a
        folder, or a database URL: two servers of one database are two offices of one team).

        The environment is :func:`voila_env` of ``engagements`` on top of ``env`` (default: this
        process's environment), with the shared settings; the notebook's folder is the working
        directory.

        Raises
        ------
        RuntimeError
            Voila exited, or did not answer within ``timeout`` seconds; the message ends with
            the last lines of its log.
        """
        notebook = Path(notebook).resolve()
        for attempt in range(_PORT_ATTEMPTS):
            port = free_port()
            try:
                server = BackgroundServer.start(
                    voila_command(notebook, port=port),
                    url=f"http://127.0.0.1:{port}/",
                    log=log,
                    env=voila_env(engagements, base=env),
                    cwd=notebook.parent,
                    timeout=timeout,
                )
            except RuntimeError as exc:
                # Found free, then taken before Voila listened (a kernel's port, another
                # server's): Voila stops rather than move, and another free port is tried.
                if _PORT_TAKEN not in str(exc) or attempt == _PORT_ATTEMPTS - 1:
                    raise
            else:
                break
        return cls(
            server.url,
            server.process,
            server.log,
            server.started,
            Path(engagements),
            os.fspath(engagements),
        )
