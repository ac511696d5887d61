"""The change log: every change says who, when, what, before and after; undo works from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from toolkit import Engagement, EngagementError, load_engagement, store, update_engagement
from toolkit import changes as ch
from toolkit.store import SCHEMA_VERSION, engagement_to_json, read_snapshot, update_snapshot


def test_an_added_finding_is_logged_with_who_what_and_after(empty: Engagement) -> None:
    fid, change = ch.add_finding(factor="purpose", level=2, evidence="Posters only", rater="Tom")
    e = change(empty)
    (entry,) = e.changes
    assert (entry.kind, entry.by, entry.factor, entry.subject) == (
        "finding added",
        "Tom",
        "purpose",
        fid,
    )
    assert entry.before is None and isinstance(entry.after, dict)
    assert entry.after["evidence"] == "Posters only" and entry.after["rater"] == "Tom"


def test_by_defaults_to_the_lead_and_is_kept_apart_from_the_rater(empty: Engagement) -> None:
    _, change = ch.add_finding(factor="purpose", level=2, evidence="x", rater="Tom", by="Ana")
    e = change(empty)
    assert e.findings[0].rater == "Tom" and e.changes[0].by == "Ana"
    e2 = ch.set_target("purpose", 3)(e)
    assert e2.changes[-1].by == "Ana Lima"  # the lead


def test_undo_takes_back_the_persons_latest_change_only(empty: Engagement) -> None:
    fa, add_a = ch.add_finding(factor="purpose", level=1, evidence="A", by="Ana")
    _fb, add_b = ch.add_finding(factor="purpose", level=3, evidence="B", by="Tom")
    e = add_b(add_a(empty))
    entry = ch.last_undoable(e, "Ana")
    assert entry is not None and entry.subject == fa
    e = ch.undo(entry.id, by="Ana")(e)
    assert [f.evidence for f in e.findings] == ["B"]
    assert e.changes[-1].kind == "undo" and e.changes[-1].undoes == entry.id
    assert ch.last_undoable(e, "Ana") is None  # nothing more of Ana's
    with pytest.raises(EngagementError, match="already undone"):
        ch.undo(entry.id, by="Ana")(e)


def test_undo_of_a_deleted_finding_puts_it_back_in_place(sample: Engagement) -> None:
    victim = sample.findings[3]
    e = ch.remove_finding(victim.id, by="Ana")(sample)
    e = ch.undo(e.changes[-1].id, by="Ana")(e)
    assert e.findings == sample.findings


def test_undo_refuses_when_someone_changed_the_thing_since(empty: Engagement) -> None:
    fid, add = ch.add_finding(factor="purpose", level=1, evidence="A", by="Ana")
    e = add(empty)
    e = ch.update_finding(fid, by="Tom", level=2)(e)
    mine = ch.last_undoable(e, "Ana")
    assert mine is not None
    with pytest.raises(EngagementError, match=r"Tom at .* changed it since"):
        ch.undo(mine.id, by="Ana")(e)


@pytest.mark.parametrize(
    "change",
    [
        ch.set_target("purpose", 3, by="Ana"),
        ch.set_not_applicable("composure", True, by="Ana"),
        ch.set_override("purpose", 2, reason="Agreed in the workshop", agreed_by="Team", by="Ana"),
    ],
)
def test_settings_are_logged_and_undone(empty: Engagement, change: ch.Change) -> None:
    before = empty.model_dump(exclude={"changes"})
    e = change(empty)
    assert e.model_dump(exclude={"changes"}) != before
    e = ch.undo(e.changes[-1].id, by="Ana")(e)
    assert e.model_dump(exclude={"changes"}) == before
    assert [c.kind for c in e.changes][-1] == "undo"


def test_a_consensus_names_who_agreed_it_apart_from_who_typed_it(empty: Engagement) -> None:
    e = ch.set_override("purpose", 2, reason="Workshop", agreed_by="Board", by="Ana")(empty)
    assert e.overrides["purpose"].by == "Board"
    assert e.changes[-1].by == "Ana"


def test_a_change_that_changes_nothing_is_not_logged(empty: Engagement) -> None:
    assert ch.set_target("purpose", None)(empty) is empty
    assert ch.set_not_applicable("purpose", False)(empty) is empty


def test_factor_history_is_newest_first(empty: Engagement) -> None:
    e = ch.set_target("purpose", 2, by="Ana")(empty)
    e = ch.set_target("purpose", 3, by="Tom")(e)
    e = ch.set_target("composure", 1, by="Tom")(e)
    assert [c.summary for c in ch.factor_history(e, "purpose")] == [
        "Target of purpose set to 3",
        "Target of purpose set to 2",
    ]


def test_the_log_survives_a_save_and_a_load(tmp_path: Path, empty: Engagement) -> None:
    path = store.save_engagement(empty, tmp_path / "e.json")
    _, add = ch.add_finding(factor="purpose", level=2, evidence="x", by="Ana")
    update_engagement(path, add)
    loaded = load_engagement(path)
    assert [c.kind for c in loaded.changes] == ["finding added"]
    assert ch.last_undoable(loaded, "Ana") is not None


def test_a_schema_2_file_is_migrated_with_an_empty_log(tmp_path: Path, sample_path: Path) -> None:
    data = json.loads(sample_path.read_text())
    del data["changes"]
    data["schema_version"] = 2
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data))
    migrated = load_engagement(old)
    assert migrated.changes == ()
    assert json.loads(engagement_to_json(migrated))["schema_version"] == SCHEMA_VERSION == 5


def test_update_snapshot_reads_the_file_again_only_when_someone_else_wrote_it(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    known = read_snapshot(sample_path)
    reads: list[int] = []
    real = store.load_engagement

    def counted(path: str | Path, **kwargs: Any) -> Engagement:
        reads.append(1)
        return real(path, **kwargs)

    monkeypatch.setattr(store, "load_engagement", counted)
    _, add = ch.add_finding(factor="purpose", level=2, evidence="mine")
    mine = update_snapshot(sample_path, add, known=known)
    assert reads == [] and mine.current
    # another program writes: the next update reads the file and keeps its finding
    _, theirs = ch.add_finding(factor="purpose", level=3, evidence="theirs")
    update_engagement(sample_path, theirs)
    reads.clear()
    _, again = ch.add_finding(factor="purpose", level=1, evidence="mine again")
    last = update_snapshot(sample_path, again, known=mine)
    assert reads == [1]
    assert [f.evidence for f in last.engagement.findings][-3:] == ["mine", "theirs", "mine again"]


def test_the_file_text_of_a_log_is_sorted_json_written_in_one_pass(empty: Engagement) -> None:
    e = empty
    fid, add = ch.add_finding(factor="purpose", level=2, evidence="Line one\nline two", by="Ana")
    for change in (
        add,
        ch.update_finding(fid, by="Tom", level=3),
        ch.set_target("purpose", 3, by="Ana"),
        ch.set_not_applicable("composure", True, by="Ana"),
        ch.set_override("purpose", 2, reason="Workshop", agreed_by="Board", by="Ana"),
        ch.remove_finding(fid, by="Ana"),
    ):
        e = change(e)
    e = ch.undo(e.changes[-1].id, by="Ana")(e)
    plain = {"schema_version": SCHEMA_VERSION, **e.model_dump(mode="json")}
    expected = json.dumps(plain, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert engagement_to_json(e) == expected
