"""Fixtures for tests that drive real dashboards in Chromium through Playwright.

- ``browser``: one Chromium per test module (Debian's ``/usr/bin/chromium``, or
  ``TENFOLD_CHROMIUM``). Where it is missing the browser tests are skipped with the reason, and
  the run ends with one line saying so; with ``TENFOLD_REQUIRE_BROWSER=1`` (CI) a missing
  browser fails the run instead. Every fixture here that starts a server or a browser context
  asks for ``browser`` first, so a machine without Chromium starts nothing.
- ``offline``: a browser context in which every request that is not to localhost is blocked (and
  recorded), as in a meeting room without internet; its pages record page errors and console
  errors.
- ``start_voila``: start a Voila server for a notebook on a free port (several servers run on one
  machine at once), with the environment ``tenfold dashboard`` sets; stopped afterwards with its
  kernels. The servers are :class:`toolkit.testing.VoilaServer`, as in the
  benchmarks; their logs stay in the test's temporary folder.
- ``engagements_copy``, ``assessment_server``, ``viewer_server``: the two dashboards served on a
  scratch copy of ``engagements/``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from toolkit.dashboard.serve import Dashboard, dashboard_path
from toolkit.testing import VoilaServer

ROOT = Path(__file__).resolve().parents[2]
#: Debian's Chromium; ``TENFOLD_CHROMIUM`` names another build (or a missing one, to see the skip).
CHROMIUM = Path(os.environ.get("TENFOLD_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL = (
    "http://127.0.0.1",
    "http://localhost",
    "ws://127.0.0.1",
    "ws://localhost",
    "data:",
    "blob:",
)
#: Voila's page template asks a CDN for Font Awesome CSS; offline only its icons are missing.
EXPECTED_BLOCKED = ("https://cdn.jsdelivr.net/npm/@fortawesome/",)
#: On leaving a page Voila asks to shut its kernel down without an XSRF token and is refused
#: (403; voila-dashboards/voila#1458). The shared settings cull such idle kernels instead.
REFUSED_SHUTDOWN = "/voila/api/shutdown/"
START_TIMEOUT = 90.0

_skipped: list[str] = []


def _why_no_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (install it with `apt-get install -y chromium`)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped:
        terminalreporter.write_line(f"browser tests skipped: {_skipped[0]}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, launched once per test module.

    Not once per session: Playwright's sync API allows one instance per thread at a time, and
    other test modules (reports, Binder) start their own.
    """
    reason = _why_no_browser()
    if reason is not None:
        if os.environ.get("TENFOLD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here (TENFOLD_REQUIRE_BROWSER=1): {reason}")
        _skipped.append(reason)
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # Playwright hides scrollbars by default; a person's Chromium shows them (15 px).
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            ignore_default_args=["--hide-scrollbars"],
        )
        yield chromium
        chromium.close()


@dataclass
class Offline:
    """A browser context with no internet: what was blocked, and what went wrong in pages."""

    context: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def new_page(self) -> Any:
        page = self.context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("console", self._console)
        return page

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if (
            where.startswith(EXPECTED_BLOCKED)
            or ("net::ERR_FAILED" in message.text and where in self.blocked)
            or (REFUSED_SHUTDOWN in where and "403" in message.text)
        ):
            return
        self.errors.append(f"console error: {message.text} ({where})")

    @property
    def unexpected_blocked(self) -> list[str]:
        """Blocked requests other than Voila's Font Awesome CSS."""
        return [u for u in self.blocked if not u.startswith(EXPECTED_BLOCKED)]


def _offline_context(browser: Any, width: int, height: int) -> Offline:
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    state = Offline(context)

    def route(r: Any) -> None:
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            state.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return state


@pytest.fixture
def offline(browser: Any) -> Iterator[Offline]:
    """A fresh context that blocks (and records) every request not to localhost."""
    state = _offline_context(browser, 1400, 1000)
    yield state
    state.context.close()


@pytest.fixture
def offline_at(browser: Any) -> Iterator[Callable[[int, int], Offline]]:
    """A factory of offline contexts with a given window size (a laptop, a projector...):
    each is another person's browser, with its own storage."""
    made: list[Offline] = []

    def make(width: int, height: int) -> Offline:
        made.append(_offline_context(browser, width, height))
        return made[-1]

    yield make
    for state in made:
        state.context.close()


def _serve(notebook: Path, folder: str | Path, log: Path) -> VoilaServer:
    try:
        return VoilaServer.launch(notebook, folder, log=log, timeout=START_TIMEOUT)
    except RuntimeError as exc:
        pytest.fail(f"Voila did not start: {exc}")


@pytest.fixture
def start_voila(browser: Any, tmp_path: Path) -> Iterator[Callable[..., VoilaServer]]:
    """A factory: ``start_voila(notebook, store)`` -> a running server on a folder or a database
    URL (default: the test's folder), stopped after the test."""
    servers: list[VoilaServer] = []

    def start(notebook: str | Path, folder: str | Path | None = None) -> VoilaServer:
        data = folder if folder is not None else tmp_path
        server = _serve(Path(notebook), data, tmp_path / f"voila-{len(servers)}.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def engagements_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch copy of the project's engagements folder, one per test module."""
    folder = tmp_path_factory.mktemp("engagements")
    for path in sorted((ROOT / "engagements").glob("*.json")):
        shutil.copy(path, folder / path.name)
    return folder


def _module_server(
    which: Dashboard, folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VoilaServer]:
    log = tmp_path_factory.mktemp("voila") / f"{which}.log"
    with _serve(dashboard_path(which), folder, log) as server:
        yield server


@pytest.fixture(scope="module")
def assessment_server(
    browser: Any, engagements_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VoilaServer]:
    """The assessment dashboard served on :func:`engagements_copy`."""
    yield from _module_server("assessment", engagements_copy, tmp_path_factory)


@pytest.fixture(scope="module")
def viewer_server(
    browser: Any, engagements_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VoilaServer]:
    """The viewer dashboard served on :func:`engagements_copy`."""
    yield from _module_server("viewer", engagements_copy, tmp_path_factory)


def _wait_for_dashboard(page: Any, timeout: float = 90.0) -> None:
    page.wait_for_selector(".vega-embed svg, .vega-embed canvas", timeout=timeout * 1000)
    page.wait_for_function(
        "() => !document.body.innerText.includes('Loading widget')", timeout=timeout * 1000
    )


@pytest.fixture
def wait_for_dashboard() -> Callable[..., None]:
    """``wait_for_dashboard(page)``: wait until a chart is drawn and no widget is loading."""
    return _wait_for_dashboard
