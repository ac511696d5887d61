"""One way to write a score: the number shown always agrees with the level named beside it.

:func:`toolkit.framework.format_score` is what every surface shows. These properties hold for
every score from 0 to 4, and are tried hardest near each level boundary, where rounding to the
nearest tenth or hundredth would carry a score across it (0.75 reading 0.8, 0.996 reading 1.0).
"""

from __future__ import annotations

import math
import re

import pytest
from examples import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.framework import (
    LEVEL_TOLERANCE,
    LEVELS,
    format_score,
    level_reached,
    load_framework,
    score_number,
)
from toolkit.report.wording import change_mark, signed

FW = load_framework()
_SHOWN = re.compile(r"^(\d\.\d\d?) \(([A-Za-z ]+)\)$")

#: Scores within a tenth either side of each boundary between levels (1, 2, 3, 4), and of 0.
near_boundary = st.builds(
    lambda level, offset: level + offset,
    st.sampled_from(LEVELS),
    st.floats(min_value=-0.1, max_value=0.1, allow_nan=False),
).filter(lambda s: 0.0 <= s <= 4.0)
anywhere = st.floats(min_value=0.0, max_value=4.0, allow_nan=False)
scores = st.one_of(near_boundary, anywhere)


@settings(max_examples=examples(600), deadline=None)
@given(scores)
def test_the_number_shown_has_reached_the_level_named(score: float) -> None:
    text = format_score(score, framework=FW)
    found = _SHOWN.match(text)
    assert found is not None, text
    number, name = float(found.group(1)), found.group(2)
    assert name == FW.level_name(FW.level_reached(score))
    # Read back at the precision shown, the number names the same level as the score.
    assert FW.level_reached(number) == FW.level_reached(score), text


@settings(max_examples=examples(600), deadline=None)
@given(scores)
def test_the_number_shown_is_the_score_to_the_hundredth(score: float) -> None:
    text = format_score(score)
    shown = float(text)
    # Never further than a hundredth off, and never shown past the level it has reached.
    assert abs(shown - score) <= 0.01 + 1e-9, text
    reached = level_reached(score)
    assert reached is not None
    assert shown < reached + 1 or reached == LEVELS[-1]
    # One decimal only when the second would be 0: "1.5", never "1.50"; "0.75", never "0.8".
    decimals = len(text.split(".")[1])
    assert decimals == 2 or round(shown * 10) == shown * 10, text
    assert decimals == 1 or not text.endswith("0"), text


@settings(max_examples=examples(300), deadline=None)
@given(st.sampled_from(LEVELS[1:]), st.floats(min_value=1e-5, max_value=0.1))
def test_a_score_just_under_a_level_never_reads_as_that_level(level: int, short: float) -> None:
    score = level - short
    assert float(format_score(score)) < level
    assert format_score(score, framework=FW).endswith(f"({FW.level_name(level - 1)})")


@pytest.mark.parametrize(
    ("score", "text"),
    [
        (0.75, "0.75 (Absent)"),  # never "0.8"
        (0.996, "0.99 (Absent)"),  # never "1.0"
        (0.99999, "0.99 (Absent)"),
        (1 - LEVEL_TOLERANCE / 2, "1.0 (Ad hoc)"),  # a whole level up to rounding
        (sum([1 / 3] * 6), "2.0 (Partial)"),  # 1.9999999999999998
        (1.5, "1.5 (Ad hoc)"),
        (4 / 3, "1.33 (Ad hoc)"),
        (2 / 3, "0.67 (Absent)"),
        (3.0, "3.0 (Established)"),
        (4.0, "4.0 (Embedded)"),
        (0.0, "0.0 (Absent)"),
    ],
)
def test_scores_on_and_beside_levels_read_as_written(score: float, text: str) -> None:
    assert format_score(score, framework=FW) == text


def test_a_missing_score_reads_as_its_basis_never_as_zero() -> None:
    assert format_score(None) == ""
    assert format_score(math.nan, basis="not applicable", framework=FW) == "not applicable"
    assert format_score(math.nan, basis="findings") == "not assessed"


def test_the_number_is_what_a_workbook_cell_holds() -> None:
    assert score_number(0.75) == 0.75
    assert score_number(0.996) == 0.99
    assert score_number(2.999) == 2.99
    assert score_number(4.0) == 4.0


def test_changes_are_written_as_scores_are() -> None:
    # 0.75 then, 1.0 now: what a reader sees adds up to the change shown.
    assert signed(1.0 - 0.75) == "+0.25"
    assert change_mark(-0.5) == "\u25bc \u22120.5"
    assert change_mark(0.001) == "= 0.0"
