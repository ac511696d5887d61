"""The stakeholders' read-only view of one engagement.

:class:`ViewerApp` (:mod:`~toolkit.dashboard.viewer.app`) joins the session
(:mod:`~toolkit.dashboard.viewer.session`, no widgets), the text it shows and the layout.
"""

from __future__ import annotations

from toolkit.dashboard.viewer.app import ViewerApp

__all__ = ["ViewerApp"]
