"""The copy sent to a client: people anonymised everywhere, evidence left out, still valid."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from anyascii import anyascii
from click.testing import CliRunner
from examples import examples
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from toolkit import (
    Engagement,
    EngagementError,
    Finding,
    load_engagement,
    load_framework,
    score_engagement,
)
from toolkit import changes as log
from toolkit.cli import cli
from toolkit.engagement_json import SCHEMA_VERSION
from toolkit.person_names import PARTICLES
from toolkit.share import (
    EVIDENCE_REMOVED,
    LEAD_ALIAS,
    names_left,
    rater_aliases,
    shared_copy,
)
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


def fold(text: str) -> str:
    """Text as compared here: transliterated to ASCII and case-folded (the test's own folding,
    so a mistake in the toolkit's cannot hide a name)."""
    return anyascii(text).casefold()


def _named(text: str, part: str) -> bool:
    """Whether ``part`` of a name stands in ``text`` as a word, in any case or accent."""
    return re.search(rf"(?<![a-z0-9]){re.escape(fold(part))}(?![a-z0-9])", fold(text)) is not None


@pytest.fixture
def engagement() -> Engagement:
    return _with_history()


def test_every_person_gets_one_alias_in_a_random_order_per_copy(engagement: Engagement) -> None:
    aliases = rater_aliases(engagement, rng=random.Random(7))
    assert set(aliases) == set(PEOPLE)
    assert sorted(aliases.values()) == ["Rater A", "Rater B", "Rater C", "Rater D"]
    assert rater_aliases(engagement, rng=random.Random(7)) == aliases  # the draw decides
    # Not the order of appearance: over many copies the first rater gets every letter.
    letters = {rater_aliases(engagement)["Ana Lima"] for _ in range(60)}
    assert letters == {"Rater A", "Rater B", "Rater C", "Rater D"}


def test_no_name_survives_anywhere_in_the_anonymised_file(
    engagement: Engagement, tmp_path: Path
) -> None:
    original = engagement_to_json(engagement)
    assert all(name in original for name in PEOPLE)  # the test would catch a survivor
    copy = shared_copy(engagement, anonymise_raters=True, rng=random.Random(3))
    aliases = rater_aliases(engagement, rng=random.Random(3))
    path = save_engagement(copy, tmp_path / "shared.json")
    text = path.read_text(encoding="utf-8")
    assert [p for name in PEOPLE for p in name.split() if _named(text, p)] == []
    # Consistent: the same person is the same alias in findings, overrides and the log.
    assert [f.rater for f in copy.findings] == [
        aliases[n] for n in ("Ana Lima", "Tomás Herrera", "Priya Nair")
    ]
    assert copy.overrides["purpose"].by == aliases["Priya Nair"]
    assert [c.by for c in copy.changes][-3:] == [
        aliases["Tomás Herrera"],
        LEAD_ALIAS,  # the lead set the consensus: their role, not their rater alias
        aliases["Priya Nair"],
    ]
    before = copy.changes[-1].before
    assert isinstance(before, dict) and before["rater"] == aliases["Ben Okoro"]
    assert copy.overrides["purpose"].reason == (
        f"{aliases['Priya Nair']} and {aliases['Ben Okoro']} met"
    )
    # Whole words only: "Analysis" keeps its letters; the lead named in text reads as the lead.
    assert copy.notes == f"Analysis by {LEAD_ALIAS}; Analysts kept apart"
    assert copy.withheld == ("rater names",)


def test_the_lead_s_findings_cannot_be_told_from_the_lead_s_role(engagement: Engagement) -> None:
    copy = shared_copy(engagement, anonymise_raters=True)
    assert copy.lead == LEAD_ALIAS
    lead_rater = copy.findings[0].rater  # Ana Lima's finding
    assert lead_rater.startswith("Rater ") and lead_rater != LEAD_ALIAS
    roles = [copy.lead, *(o.by for o in copy.overrides.values())]
    roles += [c.by for c in copy.changes if c.kind in ("consensus", "phase", "target")]
    assert lead_rater not in roles
    # her own changes to findings keep her rater alias, so a finding and its entry agree
    added = [
        c for c in copy.changes if c.kind == "finding added" and c.subject == copy.findings[0].id
    ]
    assert [c.by for c in added] == [lead_rater]


def _issue_engagement() -> Engagement:
    """The names of the report that found names surviving a share, in the forms it listed."""
    fw = load_framework()
    e = Engagement.new(client="Acme Care", lead="Ana Lima", framework=fw)
    for rater in ("Tom Reyes", "Priya Natarajan", "Ana Lima"):
        _id, step = log.add_finding(
            factor="purpose", level=2, evidence=f"Seen on the floor walk by {rater}", rater=rater
        )
        e = step(e)
    imported = [Finding(factor="purpose", level=1, evidence="Quoted in notes", rater="Tom Reyes")]
    e = log.add_findings(imported, source="Tom-Reyes interview notes.csv", by="Ana Lima")(e)
    text = (
        "TOM REYES and priya natarajan agreed; Tom and Priya again; T. Reyes wrote it up, "
        "T.R. signed, Ana's view, REYES, Tom on the call, and tom_reyes.xlsx; Tomás too"
    )
    e = log.set_override("purpose", 2, reason=text, agreed_by="Priya Natarajan", framework=fw)(e)
    return e.model_copy(update={"notes": text})


def test_every_form_of_a_name_the_report_listed_is_replaced() -> None:
    e = _issue_engagement()
    copy = shared_copy(e, anonymise_raters=True)
    text = engagement_to_json(copy)
    for form in (
        "TOM REYES",
        "priya natarajan",
        "Tom",
        "Priya",
        "T. Reyes",
        "T.R.",
        "Ana",
        "Reyes",
        "Natarajan",
        "Lima",
        "tom_reyes",
        "Tom-Reyes",
    ):
        assert not _named(text, form), form
    summary = next(c.summary for c in copy.changes if c.kind == "findings imported")
    assert summary.startswith("1 finding imported from Rater ") and summary.endswith(
        " interview notes.csv"
    )
    assert f"{LEAD_ALIAS}'s view" in copy.notes  # the possessive kept, the name gone
    # "Tomás" is nobody the engagement knows: left in the text, and listed for the sender
    left = names_left(copy)
    assert left["Tomás"][:2] == ["notes", "consensus on purpose, reason"]
    assert not {fold(w) for w in left} & {"tom", "reyes", "priya", "natarajan", "ana", "lima"}


def test_share_lists_capitalised_words_it_cannot_place_and_waits_for_yes(
    tmp_path: Path,
) -> None:
    e = _issue_engagement()
    e = e.add_finding(factor="purpose", level=1, evidence="Maria Kowalczyk runs the rota alone")
    source = save_engagement(e, tmp_path / "acme.json")
    out = tmp_path / "acme-shared.json"
    args = ["share", str(source), "-o", str(out), "--anonymise-raters"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "Maria: finding 5 evidence" in result.output
    assert "Kowalczyk: finding 5 evidence" in result.output
    assert "not written" in result.output.splitlines()[-1] and not out.exists()
    result = CliRunner().invoke(cli, [*args, "--yes"])
    assert result.exit_code == 0, result.output
    assert "Maria Kowalczyk runs the rota alone" in out.read_text(encoding="utf-8")
    # without the evidence, only what the notes and the reason say is left to list
    result = CliRunner().invoke(cli, [*args, "--without-evidence"])
    assert result.exit_code == 2 and "Maria" not in result.output
    assert "Tomás: notes, consensus on purpose, reason" in result.output


#: Letters a name is written with, accents included; names are drawn from them.
_LETTERS = "abcdefghijklmnoprstuvwyz" + "áéíñóöüçøå"
_part = st.text(alphabet=_LETTERS, min_size=3, max_size=8).filter(
    lambda p: fold(p) not in PARTICLES
)
_person = st.tuples(_part, _part).map(lambda p: (p[0].capitalize(), p[1].capitalize()))


def _forms(first: str, last: str) -> list[str]:
    """A person's name written as people write it, in every case and form."""
    full = f"{first} {last}"
    plain = fold(full).title()
    return [
        full,
        full.upper(),
        full.lower(),
        first,
        last,
        first.upper(),
        last.lower(),
        f"{first[0]}. {last}",
        f"{first[0]}.{last[0]}.",
        f"{first} {last[0]}.",
        f"{first}'s",
        f"{last}\u2019s",  # a typographic apostrophe
        f"{last.upper()}, {first}",
        plain,
        plain.upper(),
        f"{first}-{last} interview notes.csv",
        f"{first.lower()}_{last.lower()}.xlsx",
    ]


def _engagement_naming(people: list[tuple[str, str]], picks: list[int]) -> Engagement:
    fw = load_framework()
    names = [f"{a} {b}" for a, b in people]
    e = Engagement.new(client="Acme Care", lead=names[0], framework=fw)
    forms = [form for a, b in people for form in _forms(a, b)]
    chosen = [forms[i % len(forms)] for i in picks] or forms[:3]
    text = " and ".join(chosen)
    for name in names:
        _id, step = log.add_finding(
            factor="purpose", level=2, evidence=f"Heard: {text}", rater=name, framework=fw
        )
        e = step(e)
    e = log.add_findings([], source=f"{chosen[0]} {forms[-2]}", by=names[-1])(e)
    e = log.set_override("purpose", 1, reason=text, agreed_by=names[-1], framework=fw)(e)
    e = log.set_phase("consensus", by=names[0])(e)
    return e.model_copy(update={"notes": " ; ".join(forms), "title": f"Review by {chosen[-1]}"})


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    people=st.lists(_person, min_size=1, max_size=4, unique_by=lambda p: fold(p[0] + p[1])),
    picks=st.lists(st.integers(0, 200), max_size=12),
)
def test_no_form_of_any_name_is_left_in_the_shared_text(
    people: list[tuple[str, str]], picks: list[int]
) -> None:
    parts = {fold(p) for person in people for p in person}
    baseline = set(
        re.findall(
            r"[a-z0-9]+",
            fold(
                engagement_to_json(
                    shared_copy(_engagement_naming([("Qzx", "Vzq")], []), anonymise_raters=True)
                )
            ),
        )
    )
    assume(not parts & baseline)  # a name that is also a word of the file's own keys
    e = _engagement_naming(people, picks)
    assert all(p in fold(engagement_to_json(e)) for p in parts)  # the names are there to find
    copy = shared_copy(e, anonymise_raters=True)
    text = engagement_to_json(copy)
    assert [p for p in parts if _named(text, p)] == []
    # and no initial left beside an alias ("T. Rater A", "Rater A R."), nor initials alone
    folded = fold(text)
    alias = r"(?:rater [a-z]+|engagement lead|\(name removed\))"
    assert re.findall(rf"(?<![a-z0-9])[a-z]\.\s*{alias}|{alias}\s+[a-z]\.", folded) == []
    initials = {fold(f"{a[0]}.{b[0]}.") for a, b in people}
    assert [i for i in initials if i in folded] == []


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
    args = ["share", str(source), "-o", str(out), "--anonymise-raters", "--without-evidence"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2  # the notes' "Analysis" and "Analysts" are listed first
    assert "Analysts: notes" in result.output and not out.exists()
    result = CliRunner().invoke(cli, [*args, "--yes"])
    assert result.exit_code == 0, result.output
    assert "withheld: evidence, rater names" in result.output
    assert source.read_bytes() == before
    shared = load_engagement(out)  # as `tenfold validate` reads it
    assert shared.withheld == ("evidence", "rater names")
    assert json.loads(out.read_text(encoding="utf-8"))["schema_version"] == SCHEMA_VERSION
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
