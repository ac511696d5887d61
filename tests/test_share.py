"""The copy sent to a client: raters anonymised everywhere, evidence left out, still valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit import Engagement, EngagementError, load_engagement, load_framework, score_engagement
from toolkit import changes as log
from toolkit.cli import cli
from toolkit.share import EVIDENCE_REMOVED, rater_aliases, shared_copy
from toolkit.store import engagement_from_bytes, engagement_to_json, save_engagement

PEOPLE = ("Ana Lima", "Tomás Herrera", "Priya Nair", "Ben Okoro")


def _with_history() -> Engagement:
    """Four people in findings, the lead, a consensus, the change log and free text."""
    fw = load_framework()
    e = Engagement.new(client="Acme Care", lead="Ana Lima", framework=fw)
    steps = []
    for rater, factor, level in (
        ("Ana Lima", "sponsorship", 1),
        ("Tomás Herrera", "sponsorship", 3),
        ("Priya Nair", "purpose", 2),
        ("Ben Okoro", "purpose", 0),
    ):
        _id, step = log.add_finding(
            factor=factor,
            level=level,
            evidence=f"Heard by {rater} in the floor walk; Ana Lima agreed",
            rater=rater,
            framework=fw,
        )
        steps.append(step)
    for step in steps:
        e = step(e)
    first = e.findings[0].id
    e = log.update_finding(first, by="Tomás Herrera", framework=fw, evidence="Reworded by Ben")(e)
    e = log.set_override(
        "purpose", 1, reason="Priya Nair and Ben Okoro met", agreed_by="Priya Nair", framework=fw
    )(e)
    e = log.remove_finding(e.findings[-1].id, by="Priya Nair", framework=fw)(e)
    return e.model_copy(update={"notes": "Analysis by Ana Lima; Analysts kept apart"})


@pytest.fixture
def engagement() -> Engagement:
    return _with_history()


def test_every_person_gets_one_letter_in_order_of_appearance(engagement: Engagement) -> None:
    assert rater_aliases(engagement) == {
        "Ana Lima": "Rater A",
        "Tomás Herrera": "Rater B",
        "Priya Nair": "Rater C",
        "Ben Okoro": "Rater D",
    }


def test_no_name_survives_anywhere_in_the_anonymised_file(
    engagement: Engagement, tmp_path: Path
) -> None:
    original = engagement_to_json(engagement)
    assert all(name in original for name in PEOPLE)  # the test would catch a survivor
    copy = shared_copy(engagement, anonymise_raters=True)
    path = save_engagement(copy, tmp_path / "shared.json")
    text = path.read_text(encoding="utf-8")
    assert [name for name in PEOPLE if name in text] == []
    # Consistent: the same person is the same letter in findings, overrides and the log.
    assert [f.rater for f in copy.findings] == ["Rater A", "Rater B", "Rater C"]
    assert copy.lead == "Rater A"
    assert copy.overrides["purpose"].by == "Rater C"
    assert [c.by for c in copy.changes][-3:] == ["Rater B", "Rater A", "Rater C"]
    before = copy.changes[-1].before
    assert isinstance(before, dict) and before["rater"] == "Rater D"
    assert copy.overrides["purpose"].reason == "Rater C and Rater D met"
    assert copy.notes == "Analysis by Rater A; Analysts kept apart"  # whole names only
    assert copy.withheld == ("rater names",)


def test_without_evidence_keeps_scores_levels_and_counts(engagement: Engagement) -> None:
    copy = shared_copy(engagement, without_evidence=True)
    assert {f.evidence for f in copy.findings} == {EVIDENCE_REMOVED}
    text = engagement_to_json(copy)
    assert "floor walk" not in text and "Reworded" not in text  # the log's copies too
    assert [(f.factor, f.level, f.source) for f in copy.findings] == [
        (f.factor, f.level, f.source) for f in engagement.findings
    ]
    assert score_engagement(copy).equals(score_engagement(engagement))
    assert copy.withheld == ("evidence",)
    assert [f.rater for f in copy.findings] == [f.rater for f in engagement.findings]


def test_tenfold_share_writes_a_valid_file_that_says_what_was_withheld(
    engagement: Engagement, tmp_path: Path
) -> None:
    source = save_engagement(engagement, tmp_path / "acme.json")
    before = source.read_bytes()
    out = tmp_path / "acme-shared.json"
    result = CliRunner().invoke(
        cli, ["share", str(source), "-o", str(out), "--anonymise-raters", "--without-evidence"]
    )
    assert result.exit_code == 0, result.output
    assert "withheld: evidence, rater names" in result.output
    assert source.read_bytes() == before
    shared = load_engagement(out)  # as `tenfold validate` reads it
    assert shared.withheld == ("evidence", "rater names")
    assert json.loads(out.read_text(encoding="utf-8"))["schema_version"] == 4
    validate = CliRunner().invoke(cli, ["validate", str(out)])
    assert validate.exit_code == 0 and "ok (Acme Care, 3 findings" in validate.output


def test_tenfold_share_refuses_to_overwrite_the_engagement(
    engagement: Engagement, tmp_path: Path
) -> None:
    source = save_engagement(engagement, tmp_path / "acme.json")
    before = source.read_bytes()
    result = CliRunner().invoke(
        cli, ["share", str(source), "-o", str(source), "--without-evidence"]
    )
    assert result.exit_code == 2
    assert "is the engagement itself" in result.output
    assert source.read_bytes() == before
    result = CliRunner().invoke(cli, ["share", str(source), "-o", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 2 and "end the name in .json" in result.output


def test_older_files_load_with_nothing_withheld_and_save_unchanged() -> None:
    sample = Path(__file__).resolve().parents[1] / "engagements" / "harbourline-2026-11.json"
    e = load_engagement(sample)
    assert e.withheld == ()
    assert engagement_to_json(e) == sample.read_text(encoding="utf-8")  # no new key written


def test_bytes_are_checked_as_a_file_is(engagement: Engagement) -> None:
    good = engagement_to_json(engagement).encode("utf-8")
    assert engagement_from_bytes(good, source="acme.json").client == "Acme Care"
    data = json.loads(good)
    data["findings"][1]["level"] = 7
    bad = json.dumps(data).encode("utf-8")
    with pytest.raises(EngagementError, match=r"acme\.json: findings\.1\.level: 7 is outside 0-4"):
        engagement_from_bytes(bad, source="acme.json")
    with pytest.raises(EngagementError, match=r"x\.json: not valid JSON at line 1"):
        engagement_from_bytes(b"{oops", source="x.json")
    with pytest.raises(EngagementError, match=r"x\.json: cannot read the engagement file"):
        engagement_from_bytes(b"\xff\xfe{}", source="x.json")


def test_bytes_over_the_engagement_limit_are_refused_unread(
    engagement: Engagement, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit import limits

    monkeypatch.setattr(limits, "MAX_ENGAGEMENT_BYTES", 100)
    with pytest.raises(EngagementError, match=r"big\.json: the file is .* up to 100 bytes"):
        engagement_from_bytes(b"{" + b" " * 200 + b"}", source="big.json")
