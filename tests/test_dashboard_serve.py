"""Serving: the shared Voila settings, the environment, the notebooks, `tenfold dashboard`."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from click.testing import CliRunner
from traitlets.config.loader import PyFileConfigLoader

from toolkit import TenfoldError
from toolkit.cli import cli
from toolkit.dashboard import DownloadButton
from toolkit.dashboard.serve import (
    CONFIG_DIR,
    Dashboard,
    dashboard_path,
    dashboards_dir,
    engagement_in,
    free_port,
    voila_command,
    voila_env,
)

ROOT = Path(__file__).resolve().parents[1]


def test_settings_turn_off_tracebacks_cull_idle_kernels_and_time_out() -> None:
    config = json.loads((CONFIG_DIR / "jupyter_server_config.json").read_text(encoding="utf-8"))
    assert config["VoilaConfiguration"]["show_tracebacks"] is False
    assert config["MappingKernelManager"]["cull_idle_timeout"] > 0
    assert config["MappingKernelManager"]["cull_interval"] > 0
    assert config["MappingKernelManager"]["cull_connected"] is False
    assert 0 < config["VoilaExecutor"]["timeout"] <= 300
    assert config["VoilaConfiguration"]["preheat_kernel"] is True


def test_standalone_voila_reads_the_same_settings() -> None:
    """voila.py (read by standalone Voila) carries exactly what the server config holds."""
    loaded = PyFileConfigLoader("voila.py", path=str(CONFIG_DIR)).load_config()
    config = json.loads((CONFIG_DIR / "jupyter_server_config.json").read_text(encoding="utf-8"))
    for section, values in config.items():
        for key, value in values.items():
            assert loaded[section][key] == value, f"{section}.{key}"


def test_environment_points_voila_at_the_settings_and_the_folder(tmp_path: Path) -> None:
    env = voila_env(tmp_path / "x" / "..", base={"JUPYTER_CONFIG_PATH": "/elsewhere"})
    assert env["JUPYTER_CONFIG_PATH"].split(":") == [str(CONFIG_DIR), "/elsewhere"]
    assert env["TENFOLD_ENGAGEMENTS"] == str(tmp_path.resolve())


def test_the_kernels_open_only_the_store_the_server_was_started_for(tmp_path: Path) -> None:
    url = "postgresql+psycopg://ana:pw@db.example/tenfold"
    inherited = {"TENFOLD_STORE": "sqlite:///other.db", "TENFOLD_ENGAGEMENTS": "/elsewhere"}
    env = voila_env(url, base=inherited)
    assert env["TENFOLD_STORE"] == url and "TENFOLD_ENGAGEMENTS" not in env
    env = voila_env(tmp_path, base=inherited)
    assert env["TENFOLD_ENGAGEMENTS"] == str(tmp_path.resolve()) and "TENFOLD_STORE" not in env


def test_command_binds_to_localhost_on_the_given_port() -> None:
    command = voila_command(Path("dashboards/viewer.ipynb"), port=9123)
    assert "--port=9123" in command and "--Voila.ip=127.0.0.1" in command
    assert "--Voila.open_browser=False" in command
    assert "--Voila.port_retries=0" in command  # that port or none: never a neighbour's
    assert "dashboards/viewer.ipynb" in command


def test_free_port_is_usable() -> None:
    assert 1024 < free_port() < 65536


@pytest.mark.parametrize("which", ["assessment", "viewer"])
def test_dashboard_notebooks_are_thin_and_saved_without_outputs(which: Dashboard) -> None:
    path = dashboard_path(which)
    assert path.parent == dashboards_dir() == ROOT / "dashboards"
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert 1 <= len(code) <= 3
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert code[-1].source.splitlines()[-1].startswith("_ = ")  # no repr on the page
    assert sum(len(c.source.splitlines()) for c in code) <= 12


def test_missing_notebooks_are_explained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TENFOLD_DASHBOARDS", str(tmp_path))
    with pytest.raises(TenfoldError, match="TENFOLD_DASHBOARDS"):
        dashboards_dir()


def test_dashboard_command_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["dashboard", "--engagements", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such engagements folder" in result.output


def test_download_button_sends_the_bytes_to_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[Any, Any]] = []
    button = DownloadButton("CSV", lambda: "a.csv", lambda: b"x,y\n1,2\n")
    monkeypatch.setattr(
        button, "send", lambda content, buffers=None: sent.append((content, buffers))
    )
    button.handle({"event": "other"})
    button.handle(["request"])
    assert sent == []
    button.handle({"event": "request"})  # what the page sends on a click
    assert sent == [({"event": "file", "filename": "a.csv", "mime": "text/csv"}, [b"x,y\n1,2\n"])]
    assert button.sent == [("a.csv", 8)]


def test_download_failure_is_reported_and_nothing_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    errors: list[Exception] = []
    sent: list[Any] = []

    def broken() -> bytes:
        raise OSError("disk full")

    button = DownloadButton("PNG", "r.png", broken, on_error=errors.append)
    monkeypatch.setattr(button, "send", lambda *a, **k: sent.append(a))
    assert button.click() is False
    assert [str(e) for e in errors] == ["disk full"] and sent == []
    assert button.busy is False


def test_environment_names_a_custom_framework(tmp_path: Path) -> None:
    custom = tmp_path / "custom.toml"
    assert voila_env(tmp_path, framework=custom, base={})["TENFOLD_FRAMEWORK"] == str(custom)
    assert "TENFOLD_FRAMEWORK" not in voila_env(tmp_path, base={})


def test_environment_names_one_engagement_and_the_portfolio_only_when_asked(
    tmp_path: Path,
) -> None:
    inherited = {"TENFOLD_PORTFOLIO": "1", "TENFOLD_ENGAGEMENT": "other.json"}
    env = voila_env(tmp_path, base=inherited)
    assert "TENFOLD_PORTFOLIO" not in env and "TENFOLD_ENGAGEMENT" not in env
    env = voila_env(tmp_path, engagement="acme.json", portfolio=True, base={})
    assert (env["TENFOLD_ENGAGEMENT"], env["TENFOLD_PORTFOLIO"]) == ("acme.json", "1")


def test_the_engagement_to_serve_must_be_a_json_file_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "engagements"
    folder.mkdir()
    (folder / "acme.json").write_text("{}", encoding="utf-8")
    (tmp_path / "elsewhere.json").write_text("{}", encoding="utf-8")
    assert engagement_in(folder, "acme.json") == "acme.json"
    assert engagement_in(folder, folder / "acme.json") == "acme.json"
    for wrong in ("missing.json", tmp_path / "elsewhere.json", "../elsewhere.json"):
        with pytest.raises(TenfoldError, match="not an engagement file in"):
            engagement_in(folder, wrong)


def test_tenfold_dashboard_refuses_a_portfolio_assessment_and_a_stray_engagement(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(cli, ["dashboard", "--engagements", str(tmp_path), "--portfolio"])
    assert result.exit_code == 2 and "--portfolio applies to --viewer only" in result.output
    result = CliRunner().invoke(
        cli, ["dashboard", "--engagements", str(tmp_path), "--viewer", "--engagement", "x.json"]
    )
    assert result.exit_code == 2 and "--engagement x.json: not an engagement file" in result.output


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _descendants(pid: int) -> list[int]:
    out = []
    for child in _children(pid):
        out += [child, *_descendants(child)]
    return out


@pytest.mark.slow
@pytest.mark.parametrize("how", ["kill", "ctrl-c"])
def test_tenfold_dashboard_prints_the_url_and_stops_cleanly_with_voila_and_its_kernels(
    tmp_path: Path, how: str
) -> None:
    port = free_port()
    tenfold = Path(sys.executable).with_name("tenfold")
    command = [str(tenfold), "dashboard", "--engagements", str(tmp_path), "--port", str(port)]
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as err:
        process = subprocess.Popen(
            [*command, "--no-browser"],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            start_new_session=True,  # its own process group, as a terminal gives a command
        )
    started: list[int] = []
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # printed once Voila answers
        assert f"http://127.0.0.1:{port}/" in line and "assessment dashboard" in line
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        deadline = time.monotonic() + 60
        while len(started) < 2 and time.monotonic() < deadline:  # Voila and its kernel
            started = _descendants(process.pid)
            time.sleep(0.2)
        assert len(started) >= 2, "Voila started no kernel"
        if how == "kill":
            process.send_signal(signal.SIGTERM)
        else:
            os.killpg(process.pid, signal.SIGINT)  # what Ctrl+C in its terminal sends
        assert process.wait(timeout=30) == 0
        deadline = time.monotonic() + 15
        while [p for p in started if _alive(p)] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [p for p in started if _alive(p)] == []  # Voila and every kernel stopped
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0
        said = errors.read_text(encoding="utf-8", errors="replace")
        assert "Traceback" not in said and "KeyboardInterrupt" not in said, said[-2000:]
    finally:
        for pid in [process.pid, *started]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie nobody has reaped yet counts as stopped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
