"""Staff surveys: a second source of evidence beside the consultants', with anonymity that holds.

A questionnaire from the framework's statements (:mod:`toolkit.survey.questionnaire`), the
exports of Microsoft Forms, Google Forms, LimeSurvey and Qualtrics read into aggregates with
every identifying group suppressed (:mod:`toolkit.survey.importer`), kept in the engagement
(:class:`StaffSurvey`), and shown beside the consultants' scores, never blended into them
unless the engagement opts in (:mod:`toolkit.survey.compare`)::

    from toolkit.survey import survey_from_bytes, import_survey, staff_view
    found = survey_from_bytes(path.read_bytes(), path.name, k=5, segment="Team")
    tf.update_engagement("acme.json", import_survey(found.survey, source=path.name))
    staff_view(engagement, scores)        # per factor: consultants, staff, gap, flag

pandas in and out: :func:`survey_from_frame` reads a DataFrame of responses (columns headed by
the statements' text or codes), :func:`survey_frame` gives every group kept as a DataFrame::

    found = survey_from_frame(pd.read_excel("pulse.xlsx"), segment="Team")
    survey_frame(found.survey)            # factor, segment, n, mean, favourable, sd, low, high

Only :mod:`toolkit.survey.model` is imported by the engagement model; the rest loads when used.
"""

from __future__ import annotations

from typing import Any

from toolkit.survey.model import (
    DEFAULT_COMMENT_K,
    DEFAULT_K,
    MIN_K,
    StaffSurvey,
    SurveyComment,
    SurveyGroup,
)

__all__ = [
    "DEFAULT_COMMENT_K",
    "DEFAULT_K",
    "MIN_K",
    "StaffSurvey",
    "SurveyComment",
    "SurveyGroup",
    "SurveyImport",
    "import_survey",
    "staff_view",
    "survey_frame",
    "survey_from_bytes",
    "survey_from_frame",
]

#: Loaded on first use (pandas, the readers), so the engagement model does not pay for them.
_LAZY = {
    "SurveyImport": "toolkit.survey.importer",
    "import_survey": "toolkit.survey.importer",
    "survey_from_bytes": "toolkit.survey.importer",
    "survey_from_frame": "toolkit.survey.importer",
    "staff_view": "toolkit.survey.compare",
    "survey_frame": "toolkit.survey.compare",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'toolkit.survey' has no attribute {name!r}")
