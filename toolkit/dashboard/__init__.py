"""The Voila dashboards: ipywidgets apps that the notebooks in ``dashboards/`` display.

- :class:`AssessmentApp` (``assessment/``): the consultant's live session (record findings,
  overrides, targets; every change saved at once; undo; exports).
- :class:`ViewerApp` (``viewer/``): the stakeholders' read-only view.
- ``widgets/``: the browser widgets both are built from (the page bridge, the finding form, the
  findings table, the consensus board, the drop zone, :class:`DownloadButton`, the radar pane),
  with their scripts and stylesheet in ``widgets/static/``.

What both apps share sits here: the page's text and messages (:mod:`~toolkit.dashboard.common`),
which engagements a page may open (:mod:`~toolkit.dashboard.engagements`), the report downloads
(:mod:`~toolkit.dashboard.reports`) and serving with Voila (:mod:`~toolkit.dashboard.serve`,
with the shared settings in ``jupyter_config/``).

The dashboards need the ``dashboard`` extra; without it, importing this package raises
:class:`~toolkit.errors.MissingExtraError` naming the package that is missing.
"""

from __future__ import annotations

import importlib.util

from toolkit.errors import MissingExtraError

#: What the dashboards cannot run without (the ``dashboard`` extra brings them).
NEEDS = ("ipywidgets", "anywidget", "IPython")

for _name in NEEDS:
    if importlib.util.find_spec(_name) is None:
        raise MissingExtraError("dashboard", "the dashboards (toolkit.dashboard)", _name)

from toolkit.dashboard.assessment import AssessmentApp  # noqa: E402
from toolkit.dashboard.serve import CONFIG_DIR, dashboard_path  # noqa: E402
from toolkit.dashboard.viewer import ViewerApp  # noqa: E402
from toolkit.dashboard.widgets.download import DownloadButton  # noqa: E402

__all__ = [
    "CONFIG_DIR",
    "AssessmentApp",
    "DownloadButton",
    "ViewerApp",
    "dashboard_path",
]
