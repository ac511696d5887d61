"""The committed notebooks carry exactly the outputs nbval compares, and nothing stale.

``make notebooks`` runs them under ``--nbval-lax``: only cells marked ``# NBVAL_CHECK_OUTPUT``
are compared with their saved outputs. Any other saved output would never be checked and
would go stale (and a chart widget's saved state is about 1 MB), so it must not be committed.
``scripts/refresh_notebooks.py`` rewrites the notebooks this way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKER = "# NBVAL_CHECK_OUTPUT"
ANALYST = sorted((ROOT / "notebooks").glob("*.ipynb"))
DASHBOARDS = sorted((ROOT / "dashboards").glob("*.ipynb"))


def _cells(path: Path) -> list[dict[str, Any]]:
    cells: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


def _source(cell: dict[str, Any]) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else str(source)


def test_the_three_analyst_notebooks_exist() -> None:
    assert [p.name for p in ANALYST] == [
        "01-quickstart.ipynb",
        "02-custom-framework.ipynb",
        "03-portfolio.ipynb",
    ]


@pytest.mark.parametrize("path", ANALYST, ids=lambda p: p.name)
def test_checked_cells_keep_their_outputs_and_no_other_cell_has_any(path: Path) -> None:
    checked = [c for c in _cells(path) if MARKER in _source(c)]
    assert checked, f"{path.name} has no {MARKER} cell: nbval would compare nothing"
    for cell in checked:
        assert cell["outputs"], f"{path.name}: a checked cell was saved without its output"
        assert cell["execution_count"] is not None
    unchecked_with_outputs = [
        _source(c).splitlines()[0]
        for c in _cells(path)
        if MARKER not in _source(c) and c["outputs"]
    ]
    assert unchecked_with_outputs == []


@pytest.mark.parametrize("path", ANALYST + DASHBOARDS, ids=lambda p: p.name)
def test_no_widget_state_is_committed(path: Path) -> None:
    metadata = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    assert "widgets" not in metadata
    assert path.stat().st_size < 100_000


@pytest.mark.parametrize("path", ANALYST, ids=lambda p: p.name)
def test_notebooks_use_the_public_api_and_paths_relative_to_themselves(path: Path) -> None:
    text = "\n".join(_source(c) for c in _cells(path))
    assert "import toolkit as tf" in text
    assert "/work/" not in text and "/home/" not in text
    assert "from toolkit." not in text  # analysts learn the curated API, not module internals
