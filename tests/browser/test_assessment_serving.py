"""The shared Voila settings as a person meets them: an error in a dashboard shows no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest

from toolkit.testing import VoilaServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_error_in_a_dashboard_shows_no_traceback(
    offline: Any, start_voila: Callable[..., VoilaServer], tmp_path: Path
) -> None:
    notebook = tmp_path / "broken.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("print('before the failure')"),
        nbformat.v4.new_code_cell("raise ValueError('internal detail /srv/secret/path')"),
    ]
    nbformat.write(nb, notebook)
    server = start_voila(notebook, tmp_path)
    page = offline.new_page()
    page.goto(server.url, timeout=90_000)
    page.wait_for_selector("text=before the failure", timeout=60_000)
    text = page.inner_text("body")
    assert "Traceback" not in text
    assert "/srv/secret/path" not in text
