"""Re-run the analyst notebooks and keep only the outputs nbval compares.

Cells marked ``# NBVAL_CHECK_OUTPUT`` (deterministic score tables) keep their fresh outputs, so
``make test`` (``pytest --nbval-lax``) checks the toolkit still produces them; every other
output is stripped (charts carry ~1 MB of widget state and change on every run), along with
execution counts and widget metadata. Run it after a change that is meant to move a score:

    .venv/bin/python scripts/refresh_notebooks.py               # every notebook in notebooks/
    .venv/bin/python scripts/refresh_notebooks.py notebooks/03-portfolio.ipynb
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
MARKER = "# NBVAL_CHECK_OUTPUT"


def refresh(path: Path, *, timeout: int = 300) -> int:
    """Execute ``path`` in its own folder and rewrite it; return the number of kept outputs."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": path.parent}}
    ).execute()
    kept = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        if MARKER in cell.source:
            kept += 1  # nbval needs the execution count of a cell it compares
        else:
            cell.execution_count = None
            cell.outputs = []
    nb.metadata.pop("widgets", None)
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"{path}: kept the outputs of {refresh(path)} checked cell(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
