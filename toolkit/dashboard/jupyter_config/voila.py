"""Voila's settings, read from jupyter_server_config.json beside this file.

Standalone ``voila`` (what ``tenfold dashboard`` runs) reads ``voila.py`` from the Jupyter config
path; a Jupyter server with the Voila extension (Binder) reads ``jupyter_server_config.json``.
Both end up with the same settings, kept in one file.
"""

import json
from pathlib import Path

from traitlets.config import Config

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (provided by traitlets)
c.merge(Config(json.loads((Path(__file__).parent / "jupyter_server_config.json").read_text())))
