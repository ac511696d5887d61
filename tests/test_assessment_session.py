"""The consultant's session without widgets: saving, editing, undo, the preview, colleagues."""

from __future__ import annotations

from pathlib import Path

import pytest
from survey_exports import TEAM_QUESTION, export

from toolkit import EngagementError, load_engagement, update_engagement
from toolkit import changes as ch
from toolkit.dashboard.assessment.session import AssessmentSession, Draft
from toolkit.framework import Framework
from toolkit.survey.importer import import_survey, survey_from_bytes

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"
MAY = ROOT / "engagements" / "harbourline-2026-05.json"


def draft(factor: str, level: int | None, evidence: str, **kw: str) -> Draft:
    """What the form sends: it always carries the Rater box, empty for the lead."""
    return Draft(factor=factor, level=level, evidence=evidence, **kw)


def test_open_finds_the_previous_assessment_of_the_same_client(session: AssessmentSession) -> None:
    assert session.previous is not None and session.previous.ref == MAY.name
    assert session.previous_scores is not None
    assert session.scores is not None and len(session.scores) == 10


def test_only_engagement_files_in_the_folder_can_be_opened(
    session: AssessmentSession, tmp_path: Path
) -> None:
    for name in ("../etc/passwd", "notes.txt", str(SAMPLE)):  # outside, not JSON, elsewhere
        with pytest.raises(
            EngagementError, match=r"not an engagement file|no engagement file or id"
        ):
            session.open(name)
    assert session.ref == SAMPLE.name  # still open


def test_a_finding_is_saved_credited_and_logged(session: AssessmentSession, folder: Path) -> None:
    session.set_rater("Ines Duarte")
    fid, update = session.submit(
        draft("composure", 3, "  Calm through the outage  ", rater="Ines Duarte")
    )
    on_disk = load_engagement(folder / SAMPLE.name)
    saved = on_disk.finding(fid)
    assert (saved.level, saved.evidence, saved.rater) == (
        3,
        "Calm through the outage",
        "Ines Duarte",
    )
    assert update.added == (fid,) and update.others == ()
    assert on_disk.changes[-1].by == "Ines Duarte"
    assert session.scores is not None and session.scores.loc["composure", "score"] == 3.0


def test_a_draft_without_level_or_evidence_is_refused_and_nothing_written(
    session: AssessmentSession, folder: Path
) -> None:
    before = (folder / SAMPLE.name).read_bytes()
    with pytest.raises(EngagementError, match=r"choose a level.*write the evidence"):
        session.submit(draft("composure", None, "  "))
    assert (folder / SAMPLE.name).read_bytes() == before


def test_an_edit_keeps_the_findings_rater_and_the_sessions_rater(
    session: AssessmentSession, folder: Path
) -> None:
    session.set_rater("Tom Reyes")
    assert session.engagement is not None
    victim = next(f for f in session.engagement.findings if f.rater != "Tom Reyes")
    session.edit(victim.id)
    session.submit(
        draft(victim.factor, 4, "Corrected by Tom", editing=victim.id, rater="Tom Reyes")
    )
    saved = load_engagement(folder / SAMPLE.name).finding(victim.id)
    assert (saved.level, saved.evidence, saved.rater) == (4, "Corrected by Tom", victim.rater)
    assert session.editing is None and session.rater == "Tom Reyes"
    fid, _ = session.submit(draft("purpose", 2, "Next one", rater="Tom Reyes"))
    assert load_engagement(folder / SAMPLE.name).finding(fid).rater == "Tom Reyes"


def test_undo_takes_back_only_this_persons_change_and_survives_a_new_session(
    folder: Path, framework: Framework
) -> None:
    mine, theirs = AssessmentSession(framework, folder), AssessmentSession(framework, folder)
    for s, who in ((mine, "Ana Lima"), (theirs, "Tom Reyes")):
        s.open(SAMPLE.name)
        s.set_rater(who)
    mine.submit(draft("composure", 2, "Mine", rater="Ana Lima"))
    theirs.submit(draft("composure", 4, "Theirs", rater="Tom Reyes"))
    reopened = AssessmentSession(framework, folder)  # a reload: a new kernel, the same file
    reopened.open(SAMPLE.name)
    reopened.set_rater("Ana Lima")
    entry, _ = reopened.undo()
    assert entry.summary == "Finding added to Composure (level 2)"
    evidence = [f.evidence for f in load_engagement(folder / SAMPLE.name).findings]
    assert "Mine" not in evidence and "Theirs" in evidence
    with pytest.raises(EngagementError, match="nothing of yours to undo"):
        reopened.undo()


def test_delete_then_undo_restores_the_same_finding(
    session: AssessmentSession, folder: Path
) -> None:
    original = load_engagement(folder / SAMPLE.name).findings
    update = session.delete(original[0].id)
    assert update.removed == (original[0].id,)
    session.undo()
    assert load_engagement(folder / SAMPLE.name).findings == original


def test_target_not_applicable_and_consensus_are_saved_and_undone(
    session: AssessmentSession, folder: Path
) -> None:
    path = folder / SAMPLE.name
    session.set_target("purpose", 4)
    session.set_not_applicable("composure", True)
    with pytest.raises(EngagementError, match="needs who agreed it"):
        session.set_consensus("authority", 2, reason="Rota evidence", agreed_by="")
    session.set_consensus("authority", 2, reason="Rota evidence", agreed_by="Steering group")
    e = load_engagement(path)
    assert e.targets["purpose"] == 4 and "composure" in e.not_applicable
    assert e.overrides["authority"].by == "Steering group"
    for _ in range(3):
        session.undo()
    e = load_engagement(path)
    assert e.targets["purpose"] != 4 and "composure" not in e.not_applicable
    assert "authority" not in e.overrides


def test_preview_scores_only_the_factor_with_the_finding_added(session: AssessmentSession) -> None:
    # Sponsorship: raters Maya (1, 1), Tomás (0, 1), Priya (1, 2) -> median of 1, 0.5, 1.5 = 1.
    assert session.preview("sponsorship", 4) == 1.5  # Maya (the lead) becomes (1 + 1 + 4) / 3
    assert session.preview("sponsorship", 0) == pytest.approx(2 / 3)
    session.set_rater("Ines Duarte")  # a fourth rater: median of 0.5, 1, 1.5 and 0 = 0.75
    assert session.preview("sponsorship", 0) == 0.75
    assert session.preview("composure", 2) == 2.0  # not assessed yet: where it would start
    assert session.preview("cx_executive", 3) is None  # not applicable: no score
    assert session.preview("sponsorship", None) is None


def test_poll_sees_a_colleagues_change_and_who_made_it(
    session: AssessmentSession, folder: Path
) -> None:
    assert session.poll() is None  # nothing changed: one stat
    _, add = ch.add_finding(factor="connection", level=1, evidence="From the CLI", by="Tom Reyes")
    update_engagement(folder / SAMPLE.name, add)
    update = session.poll()
    assert update is not None and len(update.added) == 1
    assert [(c.by, c.kind, c.factor) for c in update.others] == [
        ("Tom Reyes", "finding added", "connection")
    ]
    assert session.poll() is None


def test_own_changes_are_not_reported_as_a_colleagues(session: AssessmentSession) -> None:
    _, update = session.submit(draft("purpose", 2, "Mine"))
    assert update.others == ()
    assert session.poll() is None


def test_a_change_replays_on_a_file_a_colleague_saved_meanwhile(
    session: AssessmentSession, folder: Path
) -> None:
    _, add = ch.add_finding(factor="connection", level=1, evidence="Theirs", by="Tom Reyes")
    update_engagement(folder / SAMPLE.name, add)
    _, update = session.submit(draft("purpose", 2, "Mine"))
    evidence = [f.evidence for f in load_engagement(folder / SAMPLE.name).findings]
    assert evidence[-2:] == ["Theirs", "Mine"]
    assert [c.by for c in update.others] == ["Tom Reyes"]


def test_a_deleted_finding_being_edited_leaves_edit_mode(
    session: AssessmentSession, folder: Path
) -> None:
    assert session.engagement is not None
    victim = session.engagement.findings[0]
    session.edit(victim.id)
    update_engagement(folder / SAMPLE.name, ch.remove_finding(victim.id, by="Tom Reyes"))
    session.poll()
    assert session.editing is None


def test_table_rows_carry_every_column(session: AssessmentSession) -> None:
    rows = session.rows()
    assert len(rows) == 45
    assert set(rows[0]) == {
        "id",
        "factor",
        "factor_label",
        "level",
        "evidence",
        "source",
        "rater",
        "recorded_at",
    }
    assert session.rows([rows[3]["id"]]) == [rows[3]]


def test_a_blind_rating_shows_each_rater_only_their_own(folder: Path, framework: Framework) -> None:
    lead, tom = AssessmentSession(framework, folder), AssessmentSession(framework, folder)
    for s, who in ((lead, "Maya Okafor"), (tom, "Tomás Herrera")):
        s.open(SAMPLE.name)
        s.set_rater(who)
    lead.set_phase("independent")
    tom.poll()
    assert tom.blind and {r["rater"] for r in tom.rows()} == {"Tomás Herrera"}
    mine = [f for f in load_engagement(folder / SAMPLE.name).findings if f.rater == "Tomás Herrera"]
    assert len(tom.rows()) == len(mine)
    # his radar is his own levels, no consensus override, no other rater
    assert tom.scores is not None and set(tom.scores["n_raters"].unique()) <= {0, 1}
    assert tom.scores.loc["accountability", "basis"] == "findings"  # the panel's override hidden
    assert tom.board() == [] and all(c.by == "Tomás Herrera" for c in tom.history("purpose"))
    with pytest.raises(EngagementError, match="only the engagement lead, Maya Okafor"):
        tom.set_phase("consensus")
    lead.set_phase("consensus")
    update = tom.poll()
    assert update is not None and update.phase and not tom.blind
    assert len(tom.rows()) == 45
    board = {row["factor"]: row for row in tom.board()}
    acc = board["accountability"]
    assert [r["name"] for r in acc["raters"]] == ["Maya Okafor", "Priya Nair", "Tomás Herrera"]
    assert acc["low_agreement"] and acc["median"] == 0.5 and acc["consensus"]["level"] == 1
    kinds = [c.kind for c in load_engagement(folder / SAMPLE.name).changes]
    assert kinds == ["phase", "phase"]


def test_naming_oneself_in_a_blind_rating_changes_what_is_shown(
    session: AssessmentSession,
) -> None:
    session.set_rater("Maya Okafor")
    session.set_phase("independent")
    as_lead = len(session.rows())
    assert session.set_rater("Priya Nair")  # what she may see differs
    assert {r["rater"] for r in session.rows()} == {"Priya Nair"} and len(session.rows()) != as_lead


def test_a_blind_ratings_notice_goes_when_the_panel_is_revealed(
    folder: Path, framework: Framework
) -> None:
    lead, tom = AssessmentSession(framework, folder), AssessmentSession(framework, folder)
    for s, who in ((lead, "Maya Okafor"), (tom, "Tomás Herrera")):
        s.open(SAMPLE.name)
        s.set_rater(who)
    lead.set_phase("independent")
    tom.poll()
    tom.submit(draft("purpose", 2, "Blind: the rota", rater="Tomás Herrera"))
    lead.poll()
    assert lead.view.notice == "Tomás Herrera saved 1 change (kept from you until the reveal)"
    lead.set_phase("consensus")  # the reveal: nothing is kept from anyone any more
    assert lead.view.notice == ""
    tom.poll()  # he hears the reveal: the lead's change, said plainly
    assert "kept from you" not in tom.view.notice and "Maya Okafor" in tom.view.notice
    lead.set_phase("open")  # the board closes
    assert lead.view.notice == ""


def test_the_live_radar_draws_the_staff_survey_but_not_in_a_blind_rating(
    session: AssessmentSession, folder: Path
) -> None:
    data, name = export("Google Forms", "csv")
    survey = survey_from_bytes(data, name, segment=TEAM_QUESTION).survey
    update_engagement(folder / SAMPLE.name, import_survey(survey, source=name))
    session.open(SAMPLE.name)
    options = session.radar_options()
    assert options.staff_label == "Staff survey, n=10"
    assert options.staff is not None
    # Composure is shown (n=10); authority's group is under k and is left out, never a zero.
    assert [factor for factor, _ in options.staff] == ["composure"]
    assert dict(options.staff)["composure"].level == 2.0
    update_engagement(folder / SAMPLE.name, lambda e: e.model_copy(update={"phase": "independent"}))
    session.set_rater("Ines Duarte")
    session.open(SAMPLE.name)
    assert session.seen is not None and session.scores is not None
    assert session.radar_options().staff is None
