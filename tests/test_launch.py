"""A newcomer's first minutes: `make dashboard PORT=...`, a taken port, a clean `git status`."""

from __future__ import annotations

import contextlib
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from toolkit.cli import cli
from toolkit.errors import TenfoldError
from toolkit.launch import choose_port, port_taken, working_copy
from toolkit.store import load_engagement, save_engagement

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "engagements"


@pytest.fixture
def listening() -> Iterator[int]:
    """A port something already listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What `tenfold dashboard` asks the server for, with no Voila started."""
    import toolkit.dashboard.serve as serve_module

    calls: list[dict[str, Any]] = []

    def serve(engagements: Path, **options: Any) -> int:
        calls.append({"engagements": Path(engagements), **options})
        return 0

    monkeypatch.setattr(serve_module, "serve", serve)
    return calls


def test_a_taken_port_gives_a_free_one_and_says_which(
    listening: int, served: list[dict[str, Any]], tmp_path: Path
) -> None:
    args = ["dashboard", "--engagements", str(tmp_path), "--port", str(listening), "--no-browser"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    port = served[0]["port"]
    assert port != listening and not port_taken(port)
    assert f"port {listening} is in use; serving on {port} instead" in result.output


def test_a_free_port_is_used_as_asked_and_nothing_is_said(
    served: list[dict[str, Any]], tmp_path: Path
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = int(sock.getsockname()[1])
    args = ["dashboard", "--engagements", str(tmp_path), "--port", str(free), "--no-browser"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0 and served[0]["port"] == free
    assert "in use" not in result.output


def test_the_default_port_is_8866_or_a_free_one(listening: int) -> None:
    said: list[str] = []
    assert choose_port(listening, echo=said.append) != listening
    assert said and said[0].startswith(f"port {listening} is in use; serving on ")
    said.clear()
    if not port_taken(8866):
        assert choose_port(None, echo=said.append) == 8866 and said == []


def test_make_dashboard_passes_port_and_serves_a_working_copy() -> None:
    if shutil.which("make") is None:
        pytest.skip("no make on this machine")
    for target in ("dashboard", "viewer"):
        dry = subprocess.run(
            ["make", "-n", "-s", "-C", str(ROOT), target, "PORT=8871"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        line = next(x for x in dry.splitlines() if "tenfold dashboard" in x)
        assert "--port 8871" in line
        assert re.search(r"--engagements \.work/engagements\b", line), line
        assert "--sample engagements" in line
    dry = subprocess.run(
        ["make", "-n", "-s", "-C", str(ROOT), "dashboard"], capture_output=True, text=True
    ).stdout
    assert "--port" not in next(x for x in dry.splitlines() if "tenfold dashboard" in x)


def test_the_working_copy_is_made_once_and_keeps_what_was_typed(tmp_path: Path) -> None:
    copy = tmp_path / "work"
    made = working_copy(SAMPLE, copy)
    assert sorted(p.name for p in made) == sorted(p.name for p in SAMPLE.glob("*.json"))
    first = copy / "harbourline-2026-11.json"
    assert first.read_bytes() == (SAMPLE / first.name).read_bytes()
    e = load_engagement(first)
    save_engagement(e.add_finding(factor="purpose", level=2, evidence="typed", rater="Ana"), first)
    assert working_copy(SAMPLE, copy) == []  # a second run copies nothing ...
    assert "typed" in first.read_text(encoding="utf-8")  # ... and keeps the edit
    assert not list(copy.glob("*.part"))
    with pytest.raises(TenfoldError, match="no such folder"):
        working_copy(tmp_path / "nope", copy)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def test_git_status_stays_clean_after_a_newcomers_session(
    tmp_path: Path, served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("git") is None:
        pytest.skip("no git on this machine")
    repo = tmp_path / "clone"
    repo.mkdir()
    shutil.copy(ROOT / ".gitignore", repo / ".gitignore")
    shutil.copytree(SAMPLE, repo / "engagements")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "sample")
    monkeypatch.chdir(repo)
    # What `make dashboard` runs (see the Makefile's SERVE_ARGS), then what the newcomer types.
    args = ["dashboard", "--engagements", ".work/engagements", "--sample", "engagements"]
    result = CliRunner().invoke(cli, [*args, "--no-browser"])
    assert result.exit_code == 0, result.output
    assert "copied 6 sample engagements" in result.output
    assert served[0]["engagements"] == Path(".work/engagements")
    opened = repo / ".work" / "engagements" / "harbourline-2026-11.json"
    e = load_engagement(opened)
    save_engagement(e.add_finding(factor="purpose", level=1, evidence="new", rater="N"), opened)
    assert _git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    again = CliRunner().invoke(cli, [*args, "--no-browser"])
    assert again.exit_code == 0 and "copied" not in again.output
    assert "new" in opened.read_text(encoding="utf-8")


@pytest.mark.slow
def test_tenfold_dashboard_on_a_taken_port_serves_on_the_one_it_names(
    tmp_path: Path, listening: int
) -> None:
    tenfold = Path(sys.executable).with_name("tenfold")
    command = [str(tenfold), "dashboard", "--engagements", str(tmp_path), "--no-browser"]
    process = subprocess.Popen(
        [*command, "--port", str(listening)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        said = process.stdout.readline()
        found = re.search(rf"port {listening} is in use; serving on (\d+) instead", said)
        assert found is not None, said
        port = int(found.group(1))
        url = process.stdout.readline()  # printed once Voila answers
        assert f"http://127.0.0.1:{port}/" in url
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
