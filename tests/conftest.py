"""Fixtures shared by the whole suite: the framework, the sample engagement, a scratch copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from folders import copy_engagements

from toolkit import Engagement, Framework, load_engagement, load_framework

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
