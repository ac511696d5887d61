"""The consultant's live session: record findings in the client's meeting room.

:class:`AssessmentApp` (:mod:`~toolkit.dashboard.assessment.app`) joins the session
(:mod:`~toolkit.dashboard.assessment.session`, no widgets), the panels that show it and the
layout that places them.
"""

from __future__ import annotations

from toolkit.dashboard.assessment.app import AssessmentApp

__all__ = ["AssessmentApp"]
