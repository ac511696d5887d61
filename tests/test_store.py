"""Engagement files: stable JSON, schema versions, atomic saves with a backup, and locking."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from pathlib import Path

import pytest
from examples import REFUSED_CHARACTERS, examples
from filelock import FileLock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit import (
    Engagement,
    EngagementError,
    SchemaVersionError,
    StoreError,
    TenfoldError,
    limits,
    load_engagement,
    save_engagement,
    store,
    update_engagement,
)
from toolkit.store import SCHEMA_VERSION, engagement_to_json


def test_save_and_load_round_trip(tmp_path: Path, sample: Engagement) -> None:
    path = save_engagement(sample, tmp_path / "e.json")
    assert load_engagement(path) == sample


def test_file_is_pretty_sorted_and_identical_on_resave(tmp_path: Path, sample: Engagement) -> None:
    path = save_engagement(sample, tmp_path / "e.json")
    first = path.read_bytes()
    save_engagement(load_engagement(path), path)
    assert path.read_bytes() == first
    data = json.loads(first)
    assert data["schema_version"] == SCHEMA_VERSION
    assert list(data) == sorted(data)
    assert first.decode().startswith('{\n  "changes": [],\n  "client"')
    assert "Tomás Herrera" in first.decode()  # readable, not \u-escaped


def test_previous_version_is_kept_as_backup(tmp_path: Path, empty: Engagement) -> None:
    path = save_engagement(empty, tmp_path / "e.json")
    before = path.read_text()
    save_engagement(empty.add_finding(factor="purpose", level=2, evidence="x"), path)
    assert path.with_name("e.json.bak").read_text() == before
    assert len(load_engagement(path).findings) == 1


def test_failed_save_leaves_the_old_file_and_no_temp_files(
    tmp_path: Path, empty: Engagement, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save_engagement(empty, tmp_path / "e.json")
    before = path.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(StoreError, match=r"could not save.*No space left"):
        save_engagement(empty.add_finding(factor="purpose", level=2, evidence="x"), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == ["e.json"]


def test_truncated_file_is_reported_with_its_name(tmp_path: Path, sample_path: Path) -> None:
    text = sample_path.read_text()
    broken = tmp_path / "broken.json"
    broken.write_text(text[: len(text) // 2])
    with pytest.raises(EngagementError, match=r"broken\.json: not valid JSON.*truncated"):
        load_engagement(broken)


def test_newer_schema_is_refused_with_advice(tmp_path: Path, sample_path: Path) -> None:
    data = json.loads(sample_path.read_text())
    data["schema_version"] = SCHEMA_VERSION + 1
    path = tmp_path / "future.json"
    path.write_text(json.dumps(data))
    with pytest.raises(
        SchemaVersionError,
        match=rf"future\.json: written with schema version {SCHEMA_VERSION + 1}.*upgrade",
    ):
        load_engagement(path)


def test_missing_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text('{"client": "x"}')
    with pytest.raises(SchemaVersionError, match="schema_version is missing"):
        load_engagement(path)


def test_schema_1_is_migrated(tmp_path: Path, empty: Engagement) -> None:
    data = json.loads(engagement_to_json(empty))
    del data["targets"], data["not_applicable"]
    data["schema_version"] = 1
    data["factors"] = {
        "purpose": {"target": 3, "not_applicable": False},
        "composure": {"target": None, "not_applicable": True},
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    migrated = load_engagement(path)
    assert migrated.targets == {"purpose": 3}
    assert migrated.not_applicable == ("composure",)


def test_bad_field_in_file_names_file_and_field(tmp_path: Path, sample_path: Path) -> None:
    data = json.loads(sample_path.read_text())
    data["findings"][3]["level"] = 7
    data["findings"][5]["evidence"] = ""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(EngagementError) as err:
        load_engagement(path)
    message = str(err.value)
    assert "bad.json" in message
    assert "findings.3.level: 7 is outside 0-4" in message
    assert "findings.5.evidence: is empty" in message


def test_unknown_factor_in_file_is_refused(tmp_path: Path, sample_path: Path) -> None:
    data = json.loads(sample_path.read_text())
    data["findings"][0]["factor"] = "morale"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(EngagementError, match="unknown factor 'morale'"):
        load_engagement(path)


def test_update_replays_the_change_on_the_latest_file(tmp_path: Path, empty: Engagement) -> None:
    path = save_engagement(empty, tmp_path / "e.json")
    stale = load_engagement(path)
    update_engagement(path, lambda e: e.add_finding(factor="purpose", level=1, evidence="tab 1"))
    # A second editor still holding the stale copy adds through update: the change is replayed
    # on the file as it is now, so both findings survive (saving the stale copy would not).
    update_engagement(path, lambda e: e.add_finding(factor="purpose", level=3, evidence="tab 2"))
    assert [f.evidence for f in load_engagement(path).findings] == ["tab 1", "tab 2"]
    save_engagement(stale.add_finding(factor="purpose", level=3, evidence="stale"), path)
    assert [f.evidence for f in load_engagement(path).findings] == ["stale"]


def test_failing_change_writes_nothing(tmp_path: Path, empty: Engagement) -> None:
    path = save_engagement(empty, tmp_path / "e.json")
    before = path.read_bytes()
    with pytest.raises(EngagementError):
        update_engagement(path, lambda e: e.add_finding(factor="purpose", level=2, evidence=" "))
    assert path.read_bytes() == before


def test_lock_held_elsewhere_times_out_with_a_message(
    tmp_path: Path, empty: Engagement, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save_engagement(empty, tmp_path / "e.json")
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.2)
    other = FileLock(str(path) + ".lock")
    with other, pytest.raises(StoreError, match="held the lock"):
        update_engagement(path, lambda e: e.set_target("purpose", 3))


def _add_many(path: str, who: str, count: int) -> None:
    for i in range(count):

        def add(e: Engagement, i: int = i) -> Engagement:
            return e.add_finding(factor="purpose", level=i % 5, evidence=f"{who} {i}", rater=who)

        update_engagement(path, add)


@pytest.mark.slow
def test_two_processes_adding_at_once_keep_every_finding(tmp_path: Path, empty: Engagement) -> None:
    path = save_engagement(empty, tmp_path / "e.json")
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_add_many, args=(str(path), who, 25)) for who in ("ana", "ben")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
        assert w.exitcode == 0
    evidence = {f.evidence for f in load_engagement(path).findings}
    assert evidence == {f"{who} {i}" for who in ("ana", "ben") for i in range(25)}
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_save_creates_the_folder(tmp_path: Path, empty: Engagement) -> None:
    path = save_engagement(empty, tmp_path / "new" / "client" / "e.json")
    assert load_engagement(path) == empty


def test_a_linked_engagement_is_saved_to_its_target_and_stays_a_link(
    tmp_path: Path, empty: Engagement
) -> None:
    real = save_engagement(empty, tmp_path / "team" / "e.json")
    link = tmp_path / "mine.json"
    link.symlink_to(real)
    update_engagement(link, lambda e: e.add_finding(factor="purpose", level=2, evidence="x"))
    assert link.is_symlink()
    assert [f.evidence for f in load_engagement(real).findings] == ["x"]
    assert (tmp_path / "team" / "e.json.bak").is_file()  # the backup sits beside the target


def test_a_link_and_its_target_share_one_lock(
    tmp_path: Path, empty: Engagement, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = save_engagement(empty, tmp_path / "team" / "e.json")
    link = tmp_path / "mine.json"
    link.symlink_to(real)
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.2)
    with FileLock(str(real) + ".lock"), pytest.raises(StoreError, match="held the lock"):
        update_engagement(link, lambda e: e.set_target("purpose", 3))


@pytest.mark.timeout(20)
def test_a_fifo_is_refused_not_waited_on(tmp_path: Path, empty: Engagement) -> None:
    fifo = tmp_path / "e.json"
    os.mkfifo(fifo)
    with pytest.raises(EngagementError, match=r"e\.json: is a FIFO.*not a regular file"):
        load_engagement(fifo)
    with pytest.raises(TenfoldError, match=r"e\.json: is a FIFO.*not a regular file"):
        update_engagement(fifo, lambda e: e.set_target("purpose", 3))
    with pytest.raises(StoreError, match=r"e\.json: is a FIFO.*not a regular file"):
        save_engagement(empty, fifo)


def test_updating_a_missing_file_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(EngagementError, match="no such engagement file"):
        update_engagement(tmp_path / "missing.json", lambda e: e)
    assert list(tmp_path.iterdir()) == []


def test_exclusive_save_creates_once_among_concurrent_creators(
    tmp_path: Path, empty: Engagement
) -> None:
    path = tmp_path / "same.json"
    results: list[str] = []

    def create(i: int) -> None:
        try:
            save_engagement(empty.model_copy(update={"notes": f"by {i}"}), path, exclusive=True)
            results.append(f"created by {i}")
        except StoreError as exc:
            assert "already exists" in str(exc)
            results.append("refused")

    threads = [threading.Thread(target=create, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    created = [r for r in results if r.startswith("created")]
    assert len(results) == 6 and len(created) == 1
    assert load_engagement(path).notes == created[0].replace("created ", "")


@pytest.mark.parametrize("opening", ["[", '{"a": '])
def test_deeply_nested_json_is_an_error_not_a_crash(tmp_path: Path, opening: str) -> None:
    path = tmp_path / "deep.json"
    closing = "]" if opening == "[" else "}"
    path.write_text(opening * 100_000 + "1" + closing * 100_000)
    with pytest.raises(EngagementError, match=r"deep\.json: .*nested too deeply"):
        load_engagement(path)


@pytest.mark.parametrize(
    ("factors", "expected"),
    [
        (["purpose"], "factors: expected a table of factors"),
        ({"purpose": 3}, "factors.purpose: expected a table"),
        ({"purpose": {"target": "high"}}, "targets.purpose"),
    ],
)
def test_schema_1_with_malformed_factors_names_the_field(
    tmp_path: Path, empty: Engagement, factors: object, expected: str
) -> None:
    data = json.loads(engagement_to_json(empty))
    del data["targets"], data["not_applicable"]
    data["schema_version"] = 1
    data["factors"] = factors
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    with pytest.raises(EngagementError, match=r"old\.json: ") as err:
        load_engagement(path)
    assert expected in str(err.value)


def test_duplicate_finding_ids_are_reported_with_file_and_ids(
    tmp_path: Path, sample_path: Path
) -> None:
    data = json.loads(sample_path.read_text())
    shared = data["findings"][0]["id"]
    data["findings"][4]["id"] = shared
    path = tmp_path / "dupes.json"
    path.write_text(json.dumps(data))
    with pytest.raises(EngagementError) as err:
        load_engagement(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ")
    assert f"findings 1 and 5 share the id {shared!r}" in message


def test_an_engagement_beyond_the_supported_size_is_refused(
    tmp_path: Path, empty: Engagement, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save_engagement(
        empty.add_finding(factor="purpose", level=1, evidence="a").add_finding(
            factor="purpose", level=2, evidence="b"
        ),
        tmp_path / "e.json",
    )
    monkeypatch.setattr(limits, "MAX_FINDINGS", 2)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"e\.json: 3 findings.*supports up to 2 findings"):
        update_engagement(path, lambda e: e.add_finding(factor="purpose", level=3, evidence="c"))
    assert path.read_bytes() == before
    monkeypatch.setattr(limits, "MAX_FINDINGS", 1)
    with pytest.raises(EngagementError, match=r"e\.json: 2 findings.*supports up to 1 finding"):
        load_engagement(path)


def test_an_engagement_file_beyond_the_size_limit_is_not_read(
    tmp_path: Path, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_ENGAGEMENT_BYTES", 1000)
    with pytest.raises(EngagementError, match=r"is 14\.\d KB.*up to 1\.0 KB"):
        load_engagement(sample_path)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    evidence=st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc"), blacklist_characters=REFUSED_CHARACTERS
        )
        | st.sampled_from("\t\n\"\\/'"),
        min_size=1,
    ).filter(lambda s: s.strip())
)
def test_file_text_is_what_the_standard_json_module_writes(evidence: str) -> None:
    engagement = Engagement.new(client="Acme", lead="Ana").add_finding(
        factor="purpose", level=2, evidence=evidence
    )
    engagement = engagement.set_target("purpose", 3).set_override(
        "purpose", 2, reason="agreed", by="Ana"
    )
    data = {"schema_version": SCHEMA_VERSION, **engagement.model_dump(mode="json")}
    expected = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert engagement_to_json(engagement) == expected
