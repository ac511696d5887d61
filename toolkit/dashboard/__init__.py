"""The Voila dashboards: ipywidgets apps that the notebooks in ``dashboards/`` display.

- :class:`AssessmentApp`: the consultant's live session (record findings, overrides, targets;
  every change saved at once; undo; exports).
- :class:`ViewerApp`: the stakeholders' read-only view.
- :class:`DownloadButton`: a button that makes the browser download bytes made in Python.

Serving (``tenfold dashboard``) and the shared Voila settings are in :mod:`toolkit.dashboard.serve`.
"""

from __future__ import annotations

from toolkit.dashboard.assessment import AssessmentApp
from toolkit.dashboard.download import DownloadButton
from toolkit.dashboard.serve import CONFIG_DIR, dashboard_path
from toolkit.dashboard.viewer import ViewerApp

__all__ = [
    "CONFIG_DIR",
    "AssessmentApp",
    "DownloadButton",
    "ViewerApp",
    "dashboard_path",
]
