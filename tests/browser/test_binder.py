"""Binder's environment, built here the way repo2docker builds it, serves the viewer.

repo2docker (and so mybinder.org) cannot run on these machines, so this test does what it does
with the files in binder/: a fresh Python 3.11 virtual environment (runtime.txt), then
``pip install -r binder/requirements.txt`` and ``binder/postBuild`` from the root of a copy of
the repository, then ``binder/start jupyter lab ...``. The README's Voila badge opens
``/voila/render/dashboards/viewer.ipynb`` on that server; Chromium, with every request that
leaves 127.0.0.1 blocked, must show the radar there, and the notice that the session is
temporary.

Slow (about two minutes: most of it is pip installing the pinned stack from the local wheel
cache). Skipped with a message when python3.11 is missing, and, through the shared ``browser``
fixture, when Chromium is; with TENFOLD_REQUIRE_BROWSER=1 (CI) either is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from toolkit.testing import BackgroundServer, free_port

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"
VIEWER_PATH = "/voila/render/dashboards/viewer.ipynb"
REQUIRED = os.environ.get("TENFOLD_REQUIRE_BROWSER") == "1"


def _missing(what: str) -> None:
    message = f"{what}; the Binder test needs it"
    if REQUIRED:
        pytest.fail(f"{message} (TENFOLD_REQUIRE_BROWSER=1)")
    pytest.skip(message)


def _python311() -> str:
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11", f"binder/runtime.txt pins {runtime!r}"
    found = shutil.which("python3.11")
    if found is None:
        _missing("python3.11 is not on PATH")
    assert found is not None
    return found


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-40:])
        pytest.fail(f"{' '.join(cmd)} failed with status {done.returncode}:\n{tail}")


def _copy_repository(dest: Path) -> Path:
    """The files a clone would hold: tracked plus untracked-but-not-ignored, as they are now."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(repository copy, virtual environment) built from binder/ as repo2docker does."""
    python = _python311()
    base = tmp_path_factory.mktemp("binder")
    repo = _copy_repository(base / "repo")
    venv = base / "venv"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env.pop("JUPYTER_CONFIG_PATH", None)
    _run([python, "-m", "venv", str(venv)], cwd=repo, env=env)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    # What repo2docker runs, from the repository root: requirements, then postBuild.
    _run(["pip", "install", "--quiet", "-r", "binder/requirements.txt"], cwd=repo, env=env)
    _run([str(repo / "binder" / "postBuild")], cwd=repo, env=env)
    yield repo, venv


@pytest.fixture(scope="module")
def binder_server(binder_env: tuple[Path, Path]) -> Iterator[str]:
    """JupyterLab with the Voila server extension, started through binder/start."""
    repo, venv = binder_env
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENFOLD_")}
    env.pop("JUPYTER_CONFIG_PATH", None)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    # Keep the server's runtime and user files inside the test's folder.
    env["JUPYTER_RUNTIME_DIR"] = str(repo.parent / "runtime")
    env["JUPYTER_DATA_DIR"] = str(repo.parent / "data")
    env["IPYTHONDIR"] = str(repo.parent / "ipython")
    command = [
        str(repo / "binder" / "start"),
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={repo}",
        # Binder runs as an ordinary user; CI containers often run as root.
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    try:
        server = BackgroundServer.start(
            command,
            url=f"http://127.0.0.1:{port}/",
            log=repo.parent / "server.log",
            env=env,
            cwd=repo,
            timeout=60,
        )
    except RuntimeError as exc:
        pytest.fail(f"the Binder server did not start: {exc}")
    with server:
        yield server.url.rstrip("/")


def test_binder_pins_python_and_installs_from_the_binder_lock() -> None:
    assert (BINDER / "runtime.txt").read_text() == "python-3.11\n"
    lines = [
        line.strip()
        for line in (BINDER / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == ["-r ../requirements/binder.txt"]
    start = (BINDER / "start").read_text()
    assert start.rstrip().endswith('exec "$@"')
    assert "toolkit/dashboard/jupyter_config" in start
    assert (ROOT / "toolkit" / "dashboard" / "jupyter_config").is_dir()
    for script in ("postBuild", "start"):
        assert os.access(BINDER / script, os.X_OK), f"binder/{script} is not executable"


def test_start_exports_the_shared_settings_and_runs_the_command(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "JUPYTER_CONFIG_PATH": "/elsewhere",
        "TENFOLD_PORTFOLIO": "1",  # an image or a hub that set it must not list the folder
        "TENFOLD_ENGAGEMENT": "harbourline-2026-05.json",
    }
    out = subprocess.run(
        [str(BINDER / "start"), "env"], env=env, capture_output=True, text=True, check=True
    ).stdout
    seen = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    shared = ROOT / "toolkit" / "dashboard" / "jupyter_config"
    assert seen["JUPYTER_CONFIG_PATH"].split(":") == [str(shared), "/elsewhere"]
    assert seen["TENFOLD_BINDER"] == "1"
    assert seen["TENFOLD_ENGAGEMENTS"] == str(ROOT / "engagements")
    assert "TENFOLD_PORTFOLIO" not in seen and "TENFOLD_ENGAGEMENT" not in seen


def test_shared_settings_leave_the_server_address_to_binder() -> None:
    # On mybinder.org the Jupyter server is JupyterHub's single-user server, which takes its
    # address from JUPYTERHUB_SERVICE_URL as a default; an address in a config file overrides
    # that default, and a server bound to 127.0.0.1 inside the container never answers the hub.
    # `tenfold dashboard` passes --Voila.ip on its command line instead.
    settings = json.loads(
        (
            ROOT / "toolkit" / "dashboard" / "jupyter_config" / "jupyter_server_config.json"
        ).read_text()
    )
    assert "ip" not in settings.get("ServerApp", {}), (
        "toolkit/dashboard/jupyter_config/jupyter_server_config.json sets ServerApp.ip; "
        "Binder's server would listen on it instead of the address the hub gives it"
    )


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(480)  # the first test to run pays for the build (~2 min)
def test_binder_environment_has_the_pinned_versions(binder_env: tuple[Path, Path]) -> None:
    _, venv = binder_env
    pins = {
        line.split("==")[0].lower().replace("_", "-"): line.split("==")[1].strip()
        for line in (ROOT / "requirements" / "binder.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    probe = (
        "import importlib.metadata as m, sys; "
        "print(sys.version_info[:2]); "
        "[print(n, m.version(n)) for n in ('pandas', 'altair', 'voila', 'ipywidgets', 'tenfold')]"
    )
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", probe], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "(3, 11)"
    versions = dict(line.split() for line in out[1:])
    for name in ("pandas", "altair", "voila", "ipywidgets"):
        assert versions[name] == pins[name], name
    assert versions["tenfold"] == "0.1.0"


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(480)  # the first test to run pays for the build (~2 min)
def test_jupyterlab_opens_on_the_notebooks(binder_server: str) -> None:
    with urllib.request.urlopen(f"{binder_server}/lab/tree/notebooks", timeout=30) as response:
        assert response.status == 200
        assert b"JupyterLab" in response.read()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(480)  # the first test to run pays for the build (~2 min)
def test_viewer_renders_the_radar_at_the_binder_url(
    browser: Any, binder_server: str, tmp_path: Path
) -> None:
    from playwright.sync_api import Route

    blocked: list[str] = []
    errors: list[str] = []

    def only_localhost(route: Route) -> None:
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.route("**/*", only_localhost)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(binder_server + VIEWER_PATH, timeout=90_000)
        # The first screen asks for the visitor's own file and names no client.
        page.get_by_text("Open your engagement file").wait_for(timeout=120_000)
        first = page.inner_text("body")
        example = page.get_by_role("button", name="Or open the example engagement")
        example.click()  # the sample, one click away and said to be an example
        page.get_by_text("is a fictional client").wait_for(timeout=60_000)
        radar = page.locator(".vega-embed .marks").first
        radar.wait_for(state="visible", timeout=120_000)
        page.screenshot(path=str(tmp_path / "binder-viewer.png"), full_page=True)
        box, body = radar.bounding_box(), page.inner_text("body")
    finally:
        page.close()
    assert "Harbourline" not in first
    assert box is not None and box["width"] > 200 and box["height"] > 200
    assert "Harbourline Contact Services" in body
    assert "temporary" in body.lower(), "the viewer does not say the session is temporary"
    assert "Traceback" not in body
    assert errors == []
    # Voila's own page template asks CDNs for Font Awesome CSS and MathJax (STACK-NOTES: the
    # page works without them). Nothing else, in particular nothing the radar needs, may.
    assert [u for u in blocked if "fontawesome" not in u and "mathjax" not in u] == []


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(480)  # the first test to run pays for the build (~2 min)
def test_a_stakeholder_opens_their_own_file_and_sees_its_radar(
    browser: Any, binder_server: str, binder_env: tuple[Path, Path], tmp_path: Path
) -> None:
    """On Binder only the public sample is in the folder: the client's file comes from the page."""
    from toolkit import Engagement
    from toolkit.store import engagement_to_json

    repo, _ = binder_env
    before = {p.name: p.read_bytes() for p in (repo / "engagements").iterdir()}
    e = Engagement.new(client="Brightwater Care", lead="Rater A")
    for factor, level in (("sponsorship", 1), ("purpose", 2), ("connection", 3)):
        e = e.add_finding(factor=factor, level=level, evidence="Seen", rater="Rater A")
    mine = tmp_path / "brightwater-shared.json"
    mine.write_text(engagement_to_json(e), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(binder_server + VIEWER_PATH, timeout=90_000)
        page.get_by_text("Open your engagement file").wait_for(timeout=120_000)
        page.locator("input.tf-drop-input").set_input_files(str(mine))
        page.locator(".tf-header .tf-client", has_text="Brightwater Care").wait_for(timeout=60_000)
        # Its radar: seven spokes without a score, marked "not assessed", three with one.
        page.wait_for_function(
            """() => [...document.querySelectorAll('.tf-radar-box svg text')]
                .filter(t => t.textContent.includes('(not assessed)')).length === 7""",
            timeout=30_000,
        )
        body = page.inner_text("body")
    finally:
        page.close()
    assert "Harbourline" not in body
    assert "public service" in body  # the page says where the file went
    assert {p.name: p.read_bytes() for p in (repo / "engagements").iterdir()} == before
