"""The background servers the browser tests and benchmarks run dashboards with."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest

from toolkit.testing import BackgroundServer, free_port


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie nobody has reaped yet counts as stopped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_a_background_server_answers_then_stops_with_what_it_started(tmp_path: Path) -> None:
    port = free_port()
    # A server that started a process of its own, as Voila starts kernels.
    script = f"sleep 60 & echo child $!; exec {sys.executable} -m http.server -b 127.0.0.1 {port}"
    server = BackgroundServer.start(
        ["sh", "-c", script], url=f"http://127.0.0.1:{port}", log=tmp_path / "s.log", cwd=tmp_path
    )
    with server:
        assert server.url == f"http://127.0.0.1:{port}/" and server.answers()
        child = int(server.log.read_text().split()[1])
        assert _alive(child)
    assert server.process.returncode is not None and not server.answers()
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)
    server.stop()  # stopping again does nothing


def test_a_background_server_that_exits_says_why_from_its_log(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "print('no such notebook: x.ipynb'); raise SystemExit(3)"]
    with pytest.raises(RuntimeError, match=r"status 3(.|\n)*no such notebook: x\.ipynb"):
        BackgroundServer.start(command, url="http://127.0.0.1:9/", log=tmp_path / "s.log")
    assert "no such notebook" in (tmp_path / "s.log").read_text()


#: What waits on a clock instead of on what the page shows.
CLOCK_WAITS = re.compile(r"wait_for_timeout\(|time\.sleep\(|\bsleep\(|asyncio\.sleep\(")


def test_browser_tests_wait_on_meaning_never_on_a_clock() -> None:
    """The browser tests wait for a revision, a text, a stamp: never for a quiet period."""
    browser = Path(__file__).resolve().parent / "browser"
    found = [
        f"{path.relative_to(browser)}:{n}: {line.strip()}"
        for path in sorted(browser.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if CLOCK_WAITS.search(line)
    ]
    assert found == []
