"""The shared Voila settings as a person meets them: an error in a dashboard shows no traceback."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest

from toolkit import testing
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


def test_a_port_taken_before_voila_listens_is_not_followed_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A port found free can be taken (by a kernel, by another server) before Voila listens on
    it. Voila then stops instead of moving to a neighbour nobody waits on, and the server is
    started again on another free port; the address it gives is the one that answers."""
    notebook = tmp_path / "page.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('served')")]
    nbformat.write(nb, notebook)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        taken_port = taken.getsockname()[1]
        ports = iter([taken_port])
        real_free_port = testing.free_port
        monkeypatch.setattr(testing, "free_port", lambda: next(ports, None) or real_free_port())
        with VoilaServer.launch(notebook, tmp_path, log=tmp_path / "voila.log") as server:
            assert f":{taken_port}/" not in server.url
            assert server.answers()
