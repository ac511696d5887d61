"""The team deployment as CI runs it: deploy/start.sh (PostgreSQL from Debian, JupyterHub with
its test sign-in, the proxy from npm through `make hub-deps`), two people signing in over
HTTP, each getting a server of their own with their own store login and the dashboards."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from folders import SAMPLE

from toolkit.stores import open_store, throwaway

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "a-test-password"
USERS = ("ana", "tom")

pytestmark = pytest.mark.slow


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass
class Hub:
    url: str
    state: Path


@pytest.fixture(scope="module")
def hub() -> Iterator[Hub]:
    missing = [
        why
        for why, ok in (
            ("root", os.geteuid() == 0),
            ("PostgreSQL", throwaway.find_bindir() is not None),
            ("npm", shutil.which("npm") is not None),
        )
        if not ok
    ]
    if missing:
        message = f"the team deployment needs {', '.join(missing)} (`make system-deps` as root)"
        if os.environ.get("TENFOLD_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    subprocess.run(["make", "-s", "hub-deps"], cwd=ROOT, check=True, timeout=300)
    # Not under pytest's own temporary folder: its folders are root's alone (0700), and the
    # database runs as the postgres account, which must reach its data folder.
    state = Path(tempfile.mkdtemp(prefix="tenfold-team-"))
    state.chmod(0o755)
    hub_port, api_port, proxy_port, pg_port = _free_ports(4)
    env = {
        **os.environ,
        "TENFOLD_STATE": str(state),
        "TENFOLD_AUTH": "test",
        "TENFOLD_TEST_PASSWORD": PASSWORD,
        "TENFOLD_USERS": " ".join(USERS),
        "TENFOLD_HUB_PORT": str(hub_port),
        "TENFOLD_HUB_API_PORT": str(api_port),
        "TENFOLD_PROXY_API_PORT": str(proxy_port),
        "TENFOLD_PG_PORT": str(pg_port),
    }
    env.pop("TENFOLD_STORE", None)
    started = time.monotonic()
    run = subprocess.run(
        [str(ROOT / "deploy" / "start.sh")], env=env, capture_output=True, text=True, timeout=300
    )
    try:
        assert run.returncode == 0, run.stderr + run.stdout
        print(f"deploy/start.sh: {time.monotonic() - started:.1f} s")
        yield Hub(f"http://127.0.0.1:{hub_port}", state)
    finally:
        subprocess.run(
            [str(ROOT / "deploy" / "stop.sh"), "--purge"], env=env, capture_output=True, timeout=120
        )


def _sign_in(hub: Hub, name: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{hub.url}/hub/login", timeout=30)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
    assert xsrf, page.text[:500]
    signed = session.post(
        f"{hub.url}/hub/login",
        data={"username": name, "password": PASSWORD, "_xsrf": xsrf.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    assert signed.status_code == 302, signed.text[:500]
    return session


def _spawn(hub: Hub, session: requests.Session, name: str) -> float:
    """Start ``name``'s server through the hub's API, signed in as them; seconds it took."""
    started = time.monotonic()
    headers = {"X-XSRFToken": session.cookies.get("_xsrf", path="/hub/") or ""}
    asked = session.post(f"{hub.url}/hub/api/users/{name}/server", headers=headers, timeout=60)
    assert asked.status_code in (201, 202), asked.text
    while time.monotonic() - started < 120:
        user = session.get(f"{hub.url}/hub/api/users/{name}", headers=headers, timeout=30).json()
        server = user.get("servers", {}).get("", {})
        if server.get("ready"):
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"{name}'s server did not start; see {hub.state}/hub/hub.log")


def _server_environment(name: str) -> dict[str, str]:
    """The environment of ``name``'s single-user server process (read from /proc, as root)."""
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if "jupyterhub.singleuser" not in cmdline:
                continue
            pairs = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        env = dict(p.decode().split("=", 1) for p in pairs if b"=" in p)
        if env.get("JUPYTERHUB_USER") == name:
            return env
    raise AssertionError(f"no server process of {name}")


def test_two_people_sign_in_and_each_gets_their_own_server_store_and_dashboard(hub: Hub) -> None:
    sessions = {name: _sign_in(hub, name) for name in USERS}
    for name, session in sessions.items():
        print(f"{name}'s server started in {_spawn(hub, session, name):.1f} s")
    envs = {name: _server_environment(name) for name in USERS}
    stores = {name: envs[name]["TENFOLD_STORE"] for name in USERS}
    assert stores["ana"] != stores["tom"]
    for name in USERS:
        assert envs[name]["JUPYTERHUB_USER"] == name
        with open_store(stores[name]) as store:  # the URL signs in as that person, no one else
            assert store.identity == name
    with open_store(stores["ana"]) as ana, open_store(stores["tom"]) as tom:
        x = ana.push(SAMPLE.read_text(encoding="utf-8"))
        assert ana.role(x) == "lead" and tom.engagements() == []
    admin_url = (hub.state / "admin-store.url").read_text(encoding="utf-8")
    assert all("tenfold_admin" not in env.get("TENFOLD_STORE", "") for env in envs.values())
    assert all(admin_url.strip() not in "\n".join(env.values()) for env in envs.values())

    for name, session in sessions.items():
        started = time.monotonic()
        page = session.get(
            f"{hub.url}/user/{name}/voila/render/dashboards/assessment.ipynb", timeout=120
        )
        print(f"{name}'s assessment page rendered in {time.monotonic() - started:.1f} s")
        assert page.status_code == 200, page.text[:500]
        assert page.url.endswith(f"/user/{name}/voila/render/dashboards/assessment.ipynb")
        assert "application/vnd.jupyter.widget-view+json" in page.text
    # One person's cookies do not open another's server.
    other = sessions["tom"].get(
        f"{hub.url}/user/ana/voila/render/dashboards/assessment.ipynb", timeout=60
    )
    assert "application/vnd.jupyter.widget-view+json" not in other.text
