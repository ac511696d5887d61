"""What a finding may contain, decided when it comes in: text without control characters, line
breaks stored as \\n, and dates written as dates, never bare numbers."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from toolkit import Engagement, EngagementError, load_engagement, score_findings
from toolkit.store import engagement_to_json


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [("before\x00after", "U+0000", 7), ("bell\x07", "U+0007", 5), ("\x1bescape", "U+001B", 1)],
)
def test_control_characters_in_evidence_are_refused_with_their_place(
    empty: Engagement, text: str, code: str, position: int
) -> None:
    with pytest.raises(EngagementError) as err:
        empty.add_finding(factor="purpose", level=2, evidence=text)
    message = str(err.value)
    assert message.startswith("evidence: contains a control character")
    assert f"({code}) at character {position}" in message
    assert "tabs and line breaks" in message


def test_control_characters_are_refused_in_every_text_field(empty: Engagement) -> None:
    with pytest.raises(EngagementError, match=r"rater: contains a control character \(U\+0008\)"):
        empty.add_finding(factor="purpose", level=2, evidence="x", rater="Ana\x08")
    with pytest.raises(EngagementError, match=r"reason: contains a control character"):
        empty.set_override("purpose", 2, reason="agreed\x0c")
    with pytest.raises(EngagementError, match=r"client: contains a control character"):
        Engagement.new(client="Acme\x00", lead="Ana")


def test_tabs_and_line_breaks_are_kept_and_crlf_becomes_lf(empty: Engagement) -> None:
    e = empty.add_finding(factor="purpose", level=2, evidence="a\tb\r\nc\rd\ne")
    assert e.findings[0].evidence == "a\tb\nc\nd\ne"
    e = e.model_copy(update={"notes": "line 1\r\nline 2"})
    assert Engagement.model_validate(e.model_dump()).notes == "line 1\nline 2"


def test_a_file_with_a_control_character_names_the_finding(
    tmp_path: Path, sample_path: Path
) -> None:
    data = json.loads(sample_path.read_text())
    data["findings"][2]["evidence"] = "nul\x00here"
    path = tmp_path / "e.json"
    path.write_text(json.dumps(data))
    with pytest.raises(
        EngagementError, match=r"e\.json: findings\.2\.evidence: contains a control"
    ):
        load_engagement(path)


@pytest.mark.parametrize("value", [45000, 0, 45000.5, "45000", " 0 ", "1.7e9", "-1"])
def test_a_bare_number_is_not_a_date(empty: Engagement, value: object) -> None:
    with pytest.raises(EngagementError) as err:
        empty.add_finding(
            factor="purpose",
            level=2,
            evidence="x",
            recorded_at=value,  # type: ignore[arg-type]
        )
    message = str(err.value)
    assert "recorded_at:" in message and "is a number, not a date" in message
    assert "2026-11-02" in message  # says how to write one


def test_a_number_in_a_file_is_not_read_as_1970(tmp_path: Path, empty: Engagement) -> None:
    data = json.loads(
        engagement_to_json(empty.add_finding(factor="purpose", level=2, evidence="x"))
    )
    data["findings"][0]["recorded_at"] = 45000
    path = tmp_path / "e.json"
    path.write_text(json.dumps(data))
    with pytest.raises(EngagementError, match=r"findings\.0\.recorded_at: 45000 is a number"):
        load_engagement(path)


def test_iso_dates_are_still_read(empty: Engagement) -> None:
    e = empty.add_finding(
        factor="purpose",
        level=2,
        evidence="x",
        recorded_at="2026-11-02T10:00:00Z",  # type: ignore[arg-type]
    )
    assert e.findings[0].recorded_at == dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (5, "5 is outside 0-4"),
        (-1, "-1 is outside 0-4"),
        (2.5, "2.5 is not a whole number from 0 to 4"),
        (True, "True is not a whole number from 0 to 4"),
        ("high", "'high' is not a whole number from 0 to 4"),
    ],
)
def test_a_bad_level_reads_the_same_wherever_it_is_checked(
    empty: Engagement, value: object, words: str
) -> None:
    with pytest.raises(EngagementError, match=re.escape(f"level: {words}")):
        empty.add_finding(factor="purpose", level=value, evidence="x")  # type: ignore[arg-type]
    with pytest.raises(EngagementError, match=re.escape(f"targets.purpose: {words}")):
        empty.set_target("purpose", value)  # type: ignore[arg-type]
    table = pd.DataFrame({"factor": ["purpose"], "level": [value], "rater": ["Ana"]})
    with pytest.raises(EngagementError, match=re.escape(f"findings, level: {words} (row 0")):
        score_findings(table)


@pytest.mark.parametrize("value", [0, 4, 2.0, "3"])
def test_a_whole_level_is_accepted_as_a_target_as_in_a_finding(
    empty: Engagement, value: object
) -> None:
    target = empty.set_target("purpose", value).targets["purpose"]  # type: ignore[arg-type]
    found = empty.add_finding(factor="purpose", level=value, evidence="x")  # type: ignore[arg-type]
    assert target == found.findings[0].level == int(value)  # type: ignore[call-overload]
