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

Only :mod:`toolkit.survey.model` is imported by the engagement model; the rest loads when used.
"""

from __future__ import annotations

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
]
