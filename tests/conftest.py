"""Fixtures shared by the whole suite: the framework, the sample engagement, a scratch copy."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from cli_run import Run, cli_runner
from folders import copy_engagements

from toolkit import Engagement, Framework, load_engagement, load_framework
from toolkit.stores import throwaway
from toolkit.stores.database import parse_url, upgrade

if TYPE_CHECKING:
    from toolkit.dashboard.assessment.session import AssessmentSession

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"


@pytest.fixture(scope="session")
def framework() -> Framework:
    return load_framework()


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    """A scratch copy of the bundled sample engagement."""
    dest = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, dest)
    return dest


@pytest.fixture
def sample(sample_path: Path) -> Engagement:
    return load_engagement(sample_path)


@pytest.fixture
def empty() -> Engagement:
    return Engagement.new(client="Acme Care", lead="Ana Lima")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A scratch copy of the engagements folder."""
    return copy_engagements(tmp_path / "engagements")


@pytest.fixture
def session(folder: Path, framework: Framework) -> AssessmentSession:
    """The consultant dashboard's session, without widgets, on a scratch copy of the sample."""
    from toolkit.dashboard.assessment.session import AssessmentSession

    opened = AssessmentSession(framework, folder)
    opened.open("harbourline-2026-11.json")
    return opened


# -- stores ------------------------------------------------------------------------------------
# One throwaway PostgreSQL cluster per test session (per xdist worker), started only when a test
# asks for it; each test gets its own database, a copy of one the schema was created in.
TEMPLATE = "tenfold_template"


@pytest.fixture(scope="session")
def postgres() -> Iterator[throwaway.Cluster]:
    if throwaway.find_bindir() is None:
        message = "PostgreSQL is not installed (Debian: `make system-deps` installs it)"
        if os.environ.get("TENFOLD_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{message}; TENFOLD_REQUIRE_POSTGRES=1 requires the PostgreSQL tests")
        pytest.skip(f"{message}: the PostgreSQL store tests are skipped")
    cluster = throwaway.start()
    try:
        upgrade(parse_url(cluster.create_database(TEMPLATE)))
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["folder", "sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store of each kind, with its schema: a folder, a SQLite file, a PostgreSQL db."""
    if request.param == "folder":
        folder = tmp_path / "engagements"
        folder.mkdir()
        return str(folder)
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        upgrade(parse_url(url))
        return url
    cluster: throwaway.Cluster = request.getfixturevalue("postgres")
    return cluster.create_database(f"t_{uuid.uuid4().hex[:16]}", template=TEMPLATE)


@pytest.fixture(autouse=True)
def _no_store_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own TENFOLD_STORE must not redirect the tests' commands."""
    monkeypatch.delenv("TENFOLD_STORE", raising=False)


@pytest.fixture
def run() -> Run:
    """``tenfold`` in this process: ``run(*args)`` is (exit status, stdout, stderr)."""
    return cli_runner()
