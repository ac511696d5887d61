"""The store contract: every backend (a folder of files, SQLite, PostgreSQL) behaves the same.

Each test runs once per backend (the ``store_url`` fixture). A colleague is a second store
object on the same address (its own connection), or a second program.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from folders import SAMPLE

from toolkit import changes, portfolio_scores
from toolkit.engagement_json import SCHEMA_VERSION, engagement_to_json
from toolkit.errors import EngagementError, StoreError
from toolkit.findings import Engagement, Finding, LoggedChange, Override
from toolkit.framework import load_framework
from toolkit.stores import Snapshot, Store, open_store
from toolkit.survey.aggregate import aggregate
from toolkit.survey.model import StaffSurvey

WORKER = Path(__file__).with_name("store_worker.py")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        yield opened


@pytest.fixture
def colleague(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        yield opened


@pytest.fixture
def ref(store: Store) -> str:
    """The sample engagement, pushed into the store; its ref there."""
    engagement_id = store.push(SAMPLE.read_text(encoding="utf-8"), source=SAMPLE.name)
    return store.load(engagement_id).ref


def _add(
    store: Store, ref: str, evidence: str, *, rater: str = "Ana Lima", known: Snapshot | None = None
) -> Snapshot:
    _, change = changes.add_finding(factor="purpose", level=3, evidence=evidence, rater=rater)
    return store.apply(ref, change, known=known)


# -- add, edit, delete, the change log -----------------------------------------------------------
def test_add_edit_delete_are_kept_with_their_log(store: Store, ref: str) -> None:
    before = store.load(ref)
    n = len(before.engagement.findings)
    fid, add = changes.add_finding(
        factor="purpose", level=3, evidence="Team huddles daily", rater="Ana"
    )
    store.apply(ref, add)
    store.apply(ref, changes.update_finding(fid, by="Ana", level=1, evidence="Huddles stopped"))
    gone = before.engagement.findings[0].id
    store.apply(ref, changes.remove_finding(gone, by="Tom"))
    after = store.load(ref).engagement
    assert len(after.findings) == n  # one added, one removed
    assert after.finding(fid).level == 1 and after.finding(fid).evidence == "Huddles stopped"
    assert gone not in {f.id for f in after.findings}
    assert [f.id for f in after.findings][-1] == fid  # order kept: the new one last
    log = after.changes[-3:]
    assert [c.kind for c in log] == ["finding added", "finding changed", "finding deleted"]
    assert [c.by for c in log] == ["Ana", "Ana", "Tom"]
    assert isinstance(log[1].before, dict) and log[1].before["level"] == 3
    assert isinstance(log[1].after, dict) and log[1].after["level"] == 1
    assert changes.factor_history(after, "purpose")[0].kind == "finding changed"


def test_a_change_to_nothing_writes_nothing(store: Store, ref: str) -> None:
    before = store.load(ref)
    same = store.apply(ref, changes.set_target("purpose", before.engagement.targets.get("purpose")))
    assert same.version == before.version
    assert not store.changed_since(before)


def test_a_failing_change_writes_nothing(store: Store, ref: str) -> None:
    before = store.load(ref)
    with pytest.raises(EngagementError, match="no finding with id"):
        store.apply(ref, changes.remove_finding("no-such-id"))
    assert not store.changed_since(before)
    assert store.load(ref).engagement == before.engagement


# -- undo ---------------------------------------------------------------------------------------
def test_undo_takes_back_ones_own_last_change_and_puts_a_deletion_back_in_place(
    store: Store, ref: str
) -> None:
    before = store.load(ref).engagement
    middle = before.findings[10]
    store.apply(ref, changes.remove_finding(middle.id, by="Ana"))
    entry = changes.last_undoable(store.load(ref).engagement, "Ana")
    assert entry is not None and entry.subject == middle.id
    store.apply(ref, changes.undo(entry.id, by="Ana"))
    after = store.load(ref).engagement
    assert [f.id for f in after.findings] == [f.id for f in before.findings]
    assert after.finding(middle.id) == middle
    assert after.changes[-1].kind == "undo" and after.changes[-1].undoes == entry.id


def test_undo_is_refused_when_a_colleague_changed_it_since(
    store: Store, colleague: Store, ref: str
) -> None:
    fid, add = changes.add_finding(factor="purpose", level=3, evidence="Huddles", rater="Ana")
    store.apply(ref, add)
    colleague.apply(ref, changes.update_finding(fid, by="Tom", level=0))
    entry = changes.last_undoable(store.load(ref).engagement, "Ana")
    assert entry is not None
    before = store.load(ref)
    with pytest.raises(EngagementError, match=r"cannot undo .*Tom .* changed it since"):
        store.apply(ref, changes.undo(entry.id, by="Ana"), known=before)
    assert not store.changed_since(before)
    assert store.load(ref).engagement.finding(fid).level == 0


# -- blind rating and consensus -----------------------------------------------------------------
def test_blind_phase_is_the_leads_to_change_and_is_kept(store: Store, ref: str) -> None:
    lead = store.load(ref).engagement.lead
    with pytest.raises(EngagementError, match="only the engagement lead"):
        store.apply(ref, changes.set_phase("independent", by="Tom"))
    store.apply(ref, changes.set_phase("independent", by=lead))
    assert store.load(ref).engagement.phase == "independent"
    listed = {i.ref: i for i in store.engagements()}
    assert listed[ref].phase == "independent"
    store.apply(ref, changes.set_phase("consensus", by=lead))
    e = store.load(ref).engagement
    assert e.phase == "consensus"
    assert [c.after for c in e.changes if c.kind == "phase"] == ["independent", "consensus"]


def test_consensus_is_recorded_with_reason_and_who_agreed(store: Store, ref: str) -> None:
    store.apply(
        ref,
        changes.set_override(
            "purpose", 2, reason="Agreed after the site visit", agreed_by="Panel", by="Ana"
        ),
    )
    e = store.load(ref).engagement
    assert e.overrides["purpose"].level == 2
    assert e.overrides["purpose"].reason == "Agreed after the site visit"
    assert e.overrides["purpose"].by == "Panel"
    store.apply(ref, changes.set_override("purpose", None, by="Ana"))
    assert "purpose" not in store.load(ref).engagement.overrides


# -- no lost update -----------------------------------------------------------------------------
def test_a_stale_snapshot_does_not_lose_a_colleagues_finding(
    store: Store, colleague: Store, ref: str
) -> None:
    mine = store.load(ref)
    theirs = _add(colleague, ref, "seen by Tom", rater="Tom")
    assert store.changed_since(mine)
    saved = _add(store, ref, "seen by Ana", known=mine)
    evidence = {f.evidence for f in saved.engagement.findings}
    assert {"seen by Tom", "seen by Ana"} <= evidence
    assert saved.version != theirs.version
    assert store.load(ref).engagement == saved.engagement


def test_a_current_snapshot_is_changed_without_reading_again(store: Store, ref: str) -> None:
    first = _add(store, ref, "one")
    second = _add(store, ref, "two", known=first)
    assert store.load(ref).engagement == second.engagement
    assert not store.changed_since(second)


# -- files in and out ---------------------------------------------------------------------------
def _rich_engagement() -> Engagement:
    """An engagement with every kind of content the file can hold, in unusual forms."""
    plus_two = dt.timezone(dt.timedelta(hours=2))
    findings = [
        Finding(
            id=f"f{i}",
            factor=factor,
            level=i % 5,
            evidence=text,
            source=source,
            rater=rater,
            recorded_at=at,
        )
        for i, (factor, text, source, rater, at) in enumerate(
            [
                (
                    "purpose",
                    "Plain evidence",
                    "interview",
                    "Ana",
                    dt.datetime(2026, 1, 2, 9, tzinfo=dt.UTC),
                ),
                (
                    "purpose",
                    "Zürich: «quotes», emoji 🚀, line\nbreak\tand tab",
                    "survey",
                    "Zoë",
                    dt.datetime(2026, 1, 2, 9, 30, 5, 250_000, tzinfo=plus_two),
                ),
                (
                    "authority",
                    '=HYPERLINK("x") and "quotes" \\ backslash',
                    "metric",
                    "Tom",
                    dt.datetime(
                        2026,
                        1,
                        3,
                        23,
                        59,
                        59,
                        tzinfo=dt.timezone(-dt.timedelta(hours=5, minutes=30)),
                    ),
                ),
            ]
        )
    ]
    e = Engagement.new(client="Café Nord", lead="Ana", title="Review", date=dt.date(2026, 1, 5))
    e = e.with_findings(findings).set_target("purpose", 3).set_not_applicable("composure")
    e = e.model_copy(
        update={
            "notes": "Two\nlines",
            "survey": _survey(),
            "phase": "consensus",
            "withheld": ("evidence",),
            "overrides": {
                "authority": Override(
                    level=1,
                    reason="Calibrated",
                    by="Ana",
                    at=dt.datetime(2026, 1, 4, 8, tzinfo=plus_two),
                )
            },
            "changes": (
                LoggedChange(
                    by="Ana",
                    kind="target",
                    factor="purpose",
                    subject="purpose",
                    summary="Target set",
                    before=None,
                    after=3,
                ),
                LoggedChange(
                    by="Ana",
                    kind="not applicable",
                    subject="composure",
                    factor="composure",
                    summary="n/a",
                    before=False,
                    after=True,
                    at=dt.datetime(2026, 1, 4, tzinfo=plus_two),
                ),
                LoggedChange(
                    by="Zoë",
                    kind="finding changed",
                    subject="f1",
                    factor="purpose",
                    summary="Changed",
                    before={"level": 2, "b": [1, "x", None]},
                    after={"level": 1, "a": {"z": 1, "y": 2}},
                ),
            ),
        }
    )
    return e


def _survey(*, count_as_rater: bool = False) -> StaffSurvey:
    """A staff survey of twelve in two teams (one of them under k, so both are hidden), with a
    comment in unusual text."""
    values = np.array([[float(i % 5), float((i + 2) % 5)] for i in range(12)])
    survey = aggregate(
        values,
        ["purpose", "authority"],
        tool="Qualtrics",
        segments=["Zürich «Nord»"] * 9 + ["Back office"] * 3,
        segment_column="Team",
        comments=[["Line\nbreak, «quotes» 🚀"]] + [[]] * 11,
        k=5,
        comment_k=10,
        expected=15,
        factor_order=load_framework().factor_ids,
    )
    return survey.model_copy(update={"count_as_rater": count_as_rater})


def test_push_then_pull_gives_the_file_back_byte_for_byte(store: Store) -> None:
    for text in (SAMPLE.read_text(encoding="utf-8"), engagement_to_json(_rich_engagement())):
        engagement_id = store.push(text, source="pushed.json")
        assert store.pull(engagement_id) == text
        assert store.pull(store.load(engagement_id).ref) == text


def test_pull_gives_the_file_pushed_plus_what_changed_since(store: Store) -> None:
    engagement_id = store.push(engagement_to_json(_rich_engagement()), source="rich.json")
    ref = store.load(engagement_id).ref
    saved = store.apply(ref, changes.remove_finding("f0", by="Ana"))
    saved = _add(store, ref, "after the push", known=saved)
    assert store.pull(ref) == engagement_to_json(saved.engagement)


def test_an_old_file_is_pushed_migrated_with_its_derived_id(store: Store, tmp_path: Path) -> None:
    import json

    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    del data["id"]
    data["schema_version"] = 3
    text = json.dumps(data)
    engagement_id = store.push(text, source="old.json")
    from toolkit.engagement_json import engagement_from_json

    assert engagement_id == engagement_from_json(text).id
    pulled = json.loads(store.pull(engagement_id))
    assert pulled["schema_version"] == SCHEMA_VERSION and pulled["id"] == engagement_id


def test_pushing_an_engagement_twice_is_refused_unless_replaced(store: Store, ref: str) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    _add(store, ref, "kept in the store")
    with pytest.raises(StoreError, match=r"already in .*--replace"):
        store.push(text, source="again.json")
    assert "kept in the store" in store.pull(ref)
    assert store.push(text, source="again.json", replace=True) == store.load(ref).id
    assert store.pull(ref) == text


def test_an_engagement_is_found_by_its_id_and_a_missing_one_is_named(
    store: Store, ref: str
) -> None:
    snapshot = store.load(ref)
    assert store.load(snapshot.id).engagement == snapshot.engagement
    with pytest.raises(EngagementError, match="no-such-engagement"):
        store.load("no-such-engagement")


def test_the_list_names_each_engagement_without_its_findings(store: Store, ref: str) -> None:
    other = Engagement.new(client="Acme Care", lead="Ana Lima", date=dt.date(2027, 1, 1))
    store.create(other)
    listed = store.engagements()
    assert [i.client for i in listed] == ["Acme Care", "Harbourline Contact Services"]
    assert listed[1].ref == ref and listed[1].lead == "Maya Okafor"
    with pytest.raises(StoreError, match="already"):
        store.create(other)


def test_the_portfolio_is_scored_as_from_the_engagements(store: Store, ref: str) -> None:
    store.create(Engagement.new(client="Acme Care", lead="Ana Lima"))
    table = store.portfolio_scores()
    expected = portfolio_scores([store.load(i.ref).engagement for i in store.engagements()])
    columns = [
        "client",
        "title",
        "date",
        "factor",
        "score",
        "basis",
        "n_findings",
        "spread",
        "target",
        "gap",
    ]
    pd.testing.assert_frame_equal(table[columns], expected[columns])


def test_the_portfolio_counts_a_survey_only_where_the_engagement_opts_in(
    store: Store, ref: str
) -> None:
    e = Engagement.new(client="Acme Care", lead="Ana Lima")
    e = e.add_finding(factor="purpose", level=4, evidence="Clear goals", rater="Ana Lima")
    e = e.add_finding(factor="authority", level=0, evidence="Bypassed", rater="Ana Lima")
    store.create(e.model_copy(update={"survey": _survey(count_as_rater=True)}))
    other = Engagement.new(client="Bay Care", lead="Ana Lima")
    other = other.add_finding(factor="purpose", level=4, evidence="Clear goals", rater="Ana")
    store.create(other.model_copy(update={"survey": _survey()}))
    table = store.portfolio_scores()
    expected = portfolio_scores([store.load(i.ref).engagement for i in store.engagements()])
    columns = ["client", "factor", "score", "basis", "n_findings", "n_raters", "spread"]
    pd.testing.assert_frame_equal(table[columns], expected[columns])
    acme = table[(table["client"] == "Acme Care") & (table["factor"] == "purpose")].iloc[0]
    bay = table[(table["client"] == "Bay Care") & (table["factor"] == "purpose")].iloc[0]
    assert acme["n_raters"] == 2 and acme["score"] < 4  # the staff joined the consultant
    assert bay["n_raters"] == 1 and bay["score"] == 4  # not opted in: the survey changes nothing


# -- live ---------------------------------------------------------------------------------------
def test_watch_reports_a_colleagues_change(store: Store, colleague: Store, ref: str) -> None:
    seen = store.load(ref)
    with store.watch() as watch:
        _add(colleague, ref, "from the other laptop", rater="Tom")
        deadline = time.monotonic() + 5
        heard: list[str] = []
        while ref not in heard and time.monotonic() < deadline:
            heard += watch.poll(0.5)
    assert ref in heard
    assert store.changed_since(seen)
    assert "from the other laptop" in {f.evidence for f in store.load(ref).engagement.findings}


def test_watch_calls_back_from_its_thread(store: Store, colleague: Store, ref: str) -> None:
    import threading

    heard = threading.Event()
    with store.watch(lambda r: heard.set() if r == ref else None):
        time.sleep(0.3)  # the watch has taken its first look
        _add(colleague, ref, "called back", rater="Tom")
        assert heard.wait(5)


# -- several programs ---------------------------------------------------------------------------
@pytest.mark.slow
def test_four_programs_adding_fifty_findings_each_keep_all_200(
    store: Store, store_url: str, ref: str, tmp_path: Path
) -> None:
    before = len(store.load(ref).engagement.findings)
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(WORKER),
                "add",
                store_url,
                ref,
                "50",
                f"rater{k}",
                str(tmp_path / f"ready{k}"),
                str(go),
            ]
        )
        for k in range(4)
    ]
    try:
        deadline = time.monotonic() + 120
        while not all((tmp_path / f"ready{k}").exists() for k in range(4)):
            assert time.monotonic() < deadline and all(w.poll() is None for w in workers)
            time.sleep(0.05)
        go.touch()
        assert [w.wait(timeout=300) for w in workers] == [0, 0, 0, 0]
    finally:
        for w in workers:
            w.kill()
    e = store.load(ref).engagement
    assert len(e.findings) == before + 200
    for k in range(4):
        mine = [f.evidence for f in e.findings if f.rater == f"rater{k}"]
        assert sorted(mine) == sorted(f"rater{k} note {i}" for i in range(50))
    assert sum(c.kind == "finding added" for c in e.changes) == 200
    assert len({c.id for c in e.changes}) == len(e.changes)
    assert len({f.id for f in e.findings}) == len(e.findings)


@pytest.mark.slow
def test_a_program_killed_in_the_middle_of_a_save_leaves_nothing_half_written(
    store: Store, store_url: str, ref: str, tmp_path: Path
) -> None:
    before = store.load(ref)
    inside = tmp_path / "inside"
    worker = subprocess.Popen([sys.executable, str(WORKER), "hang", store_url, ref, str(inside)])
    try:
        deadline = time.monotonic() + 120
        while not inside.exists():
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        worker.kill()
    assert not store.changed_since(before)
    assert store.load(ref).engagement == before.engagement
    assert store.pull(ref) == SAMPLE.read_text(encoding="utf-8")
    saved = _add(store, ref, "after the crash")  # the lock died with the program
    assert len(saved.engagement.findings) == len(before.engagement.findings) + 1


def test_the_identity_is_the_database_user_where_there_is_one(store: Store, store_url: str) -> None:
    expected = "postgres" if store_url.startswith("postgresql") else None
    assert store.identity == expected
