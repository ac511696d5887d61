"""The analyst's way in and out of a staff survey: a DataFrame of responses in, the groups kept
as a DataFrame out, with the same rules (and the same messages) as a tool's export."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from survey_exports import (
    AUTHORITY_1,
    COMPOSURE,
    EXPECTED,
    RESPONDENTS,
    TEAM_QUESTION,
    export,
)

from toolkit.errors import SurveyImportError
from toolkit.survey import (
    survey_frame,
    survey_from_bytes,
    survey_from_frame,
)
from toolkit.survey.compare import SURVEY_FRAME_COLUMNS
from toolkit.survey.matching import COMMENT_QUESTION


def _responses() -> pd.DataFrame:
    """The made-up exports' ten respondents as an analyst would hold them."""
    rows = [
        {
            "Name": r[0],
            "Email": r[1],
            TEAM_QUESTION: r[2],
            **dict(zip([*COMPOSURE, AUTHORITY_1], r[3:7], strict=True)),
            COMMENT_QUESTION: r[7],
        }
        for r in RESPONDENTS
    ]
    return pd.DataFrame(rows).replace("", np.nan)


def test_a_frame_gives_the_hand_counted_table() -> None:
    found = survey_from_frame(_responses(), segment=TEAM_QUESTION)
    assert found.tool == "a table"
    assert found.responses == 10 and found.dropped == 1
    for (factor, segment), figures in EXPECTED.items():
        group = found.survey.group(factor, segment)
        assert group is not None
        if figures is None:
            assert not group.shown
            continue
        n, mean, favourable, *_ = figures
        assert (group.n, group.mean) == (n, pytest.approx(mean, abs=0.001))
        assert group.favourable == pytest.approx(favourable, abs=0.05)
    text = found.survey.model_dump_json()
    assert "Tom Reyes" not in text and "tom.reyes" not in text
    assert "Reyes" not in " ".join(c.text for c in found.survey.comments)


def test_a_frame_of_numbers_headed_by_codes_is_read() -> None:
    """Statements by their codes, answers as 1-5 (a float column, as pandas reads one with
    gaps), with the reverse-worded second statement turned round."""
    frame = pd.DataFrame(
        {
            "composure.1": [5, 4, 3, 2, 1, np.nan],
            "composure.2": [1.0, 2.0, 3.0, 4.0, 5.0, 3.0],
        }
    )
    group = survey_from_frame(frame).survey.group("composure")
    assert group is not None and group.n == 6
    # Respondents' means on 0-4: 4, 3, 2, 1, 0, 2 -> 12 / 6 = 2.0
    assert group.mean == pytest.approx(2.0)


def test_a_bad_value_in_a_frame_is_named_by_row_and_column() -> None:
    frame = _responses()
    frame.loc[6, COMPOSURE[0]] = "Sometimes"
    with pytest.raises(SurveyImportError) as caught:
        survey_from_frame(frame, source="pulse")
    message = str(caught.value)
    assert message.startswith("pulse: row 6, column D (")
    assert "'Sometimes' is not an answer on the agreement scale" in message
    assert "nothing was imported" in message


def test_a_frame_under_k_shows_nothing() -> None:
    frame = pd.DataFrame({"composure.1": [5, 4, 3], "composure.2": [1, 2, 3]})
    found = survey_from_frame(frame, k=3)
    assert found.survey.group("composure") is not None
    with pytest.raises(SurveyImportError, match="k is 2"):
        survey_from_frame(frame, k=2)
    table = survey_frame(survey_from_frame(frame).survey)
    assert table["n"].isna().all() and table["mean"].isna().all()
    assert (table["suppressed"] != "").all()


def test_the_groups_out_as_a_frame() -> None:
    data, name = export("Google Forms", "csv")
    survey = survey_from_bytes(data, name, segment=TEAM_QUESTION).survey
    table = survey_frame(survey)
    assert tuple(table.columns) == SURVEY_FRAME_COLUMNS
    assert str(table["n"].dtype) == "Int64" and table["mean"].dtype == np.float64
    assert len(table) == len(survey.groups)
    everyone = table[table["segment"].isna()].set_index("factor")
    assert everyone.loc["composure", "mean"] == pytest.approx(2.0)
    assert everyone.loc["composure", "n"] == 10
    assert math.isnan(everyone.loc["authority", "mean"])
    assert everyone.loc["authority", "suppressed"].startswith("fewer than 5")
    # Nothing under k in it: every shown group has at least k respondents.
    shown = table[table["suppressed"] == ""]
    assert (shown["n"] >= survey.k).all()
    assert survey_frame(None).columns.tolist() == list(SURVEY_FRAME_COLUMNS)


def test_not_a_frame_is_refused() -> None:
    with pytest.raises(TypeError, match="pandas DataFrame"):
        survey_from_frame([[1, 2]])


def test_counting_the_survey_as_a_rater_only_when_the_engagement_opts_in() -> None:
    from toolkit import Engagement, score_engagement

    data, name = export("Google Forms", "csv")
    survey = survey_from_bytes(data, name, segment=TEAM_QUESTION).survey
    e = Engagement.new(client="Acme", lead="Morgan Blake")
    e = e.add_finding(factor="composure", level=4, evidence="Calm under pressure")
    e = e.add_finding(factor="purpose", level=2, evidence="Goals unclear")
    beside = score_engagement(e.model_copy(update={"survey": survey}))
    assert beside.loc["composure", "score"] == 4.0 and beside.loc["composure", "n_raters"] == 1
    counted = score_engagement(
        e.model_copy(update={"survey": survey.model_copy(update={"count_as_rater": True})})
    )
    # The consultant's 4 and the staff's 2.0: median 3.0 of two raters, still one finding.
    assert counted.loc["composure", "score"] == pytest.approx(3.0)
    assert counted.loc["composure", "n_raters"] == 2
    assert counted.loc["composure", "n_findings"] == 1
    assert counted.loc["purpose", "score"] == 2.0  # not in the survey: unchanged
    # Authority's staff group is under k: it counts for nothing, and with no findings the
    # factor stays not assessed.
    assert counted.loc["authority", "basis"] == "not assessed"
    assert counted["score"].isna()["authority"]
