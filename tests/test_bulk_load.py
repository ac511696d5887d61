"""The portfolio's fast path accepts only what the full validation accepts, and builds the same."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from examples import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import toolkit as tf
from toolkit import bulk_load
from toolkit.bulk_load import canonical_engagement, read_engagement
from toolkit.errors import EngagementError
from toolkit.store import engagement_from_json

ENGAGEMENTS = Path(__file__).resolve().parents[1] / "engagements"
SAMPLE = ENGAGEMENTS / "harbourline-2026-11.json"


def _reference(text: str) -> tf.Engagement | None:
    """What the full validation makes of ``text`` (None where it refuses it)."""
    try:
        return engagement_from_json(text, source="x")
    except EngagementError:
        return None


def _agrees(text: str) -> tf.Engagement | None:
    """Check the fast path against the full validation on ``text``; return the fast result."""
    fast = canonical_engagement(text)
    if fast is not None:
        full = _reference(text)
        assert full is not None, "the fast path accepted what the full validation refuses"
        assert fast == full
        assert fast.model_dump(mode="json") == full.model_dump(mode="json")
    return fast


def test_the_fast_path_builds_findings_with_exactly_the_models_fields() -> None:
    assert bulk_load.ENABLED, "Finding's fields changed: update toolkit/bulk_load.py"


@pytest.mark.parametrize("path", sorted(ENGAGEMENTS.glob("*.json")), ids=lambda p: p.name)
def test_every_file_the_store_writes_takes_the_fast_path(path: Path) -> None:
    assert _agrees(path.read_text(encoding="utf-8")) is not None


def test_fast_findings_behave_like_validated_ones() -> None:
    fast = canonical_engagement(SAMPLE.read_text(encoding="utf-8"))
    assert fast is not None
    finding = fast.findings[0]
    changed = finding.model_copy(update={"level": 4})
    assert (finding.level, changed.level) == (1, 4)
    assert fast.update_finding(finding.id, level=2).finding(finding.id).level == 2
    assert hash(fast.findings) == hash(tf.load_engagement(SAMPLE).findings)
    with pytest.raises(ValidationError, match="frozen"):
        finding.level = 3  # type: ignore[misc]


ODD_VALUES: dict[str, list[Any]] = {
    "id": ["", " a", "a ", "\u00a0a", None, 7, "a\u2028", "ok"],
    "factor": ["purpose", "Purpose", " purpose", "morale", "", 1],
    "level": [0, 4, 5, -1, True, 2.0, "3", None, 10**30],
    "evidence": ["seen", "", "  ", "x\u3000", "\u200bx", "ok\n", ["x"]],
    "source": ["survey", "Survey", " survey", "email", None, ["survey"]],
    "rater": ["Ana", "", "Ana ", "\x1fAna", 3],
    "recorded_at": [
        "2026-11-03T09:00:00Z",
        "2026-11-03T09:00:00+00:00",
        "2026-11-03T09:00:00.123456+05:30",
        "2026-11-03T09:00:00-08:00",
        "2026-11-03 09:00:00Z",
        "2026-11-03T09:00:00",
        "2026-02-30T09:00:00Z",
        "2026-W45-1T09:00:00Z",
        "2026-11-03T24:00:00Z",
        "2026-11-03T09:00:00.1234567Z",
        "20261103T090000Z",
        1_700_000_000,
        "",
    ],
}


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.lists(
        st.sampled_from(list(ODD_VALUES)).flatmap(
            lambda field: st.tuples(st.just(field), st.sampled_from(ODD_VALUES[field]))
        ),
        max_size=3,
    ),
    drop=st.sets(st.sampled_from(list(ODD_VALUES))),
    extra=st.booleans(),
)
def test_an_odd_finding_is_left_to_the_full_validation_or_read_the_same(
    changes: list[tuple[str, Any]], drop: set[str], extra: bool
) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    finding = data["findings"][3]
    for field, value in changes:
        finding[field] = value
    for field in drop:
        finding.pop(field)
    if extra:
        finding["note"] = "x"
    _agrees(json.dumps(data, ensure_ascii=False))


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.update(schema_version=1),
        lambda d: d.update(schema_version=True),
        lambda d: d.update(schema_version=2.0),
        lambda d: d.update(findings={}),
        lambda d: d.update(client=""),
        lambda d: d.update(date="2026-13-01"),
        lambda d: d.update(targets={"purpose": 9}),
        lambda d: d.update(surprise=1),
        lambda d: d.pop("findings"),
    ],
)
def test_an_odd_envelope_is_left_to_the_full_validation(edit: Any) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    edit(data)
    assert canonical_engagement(json.dumps(data)) is None


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff" + SAMPLE.read_text(encoding="utf-8"),  # a byte-order mark: json.loads refuses
        SAMPLE.read_text(encoding="utf-8").replace('"Maya Okafor"', '"Maya \\ud800"', 1),
        SAMPLE.read_text(encoding="utf-8")[:-40],  # truncated
        "[]",
        '{"schema_version": 2, "schema_version": 2}',
    ],
)
def test_unusual_text_is_left_to_the_full_validation(text: str) -> None:
    assert canonical_engagement(text) is None


def test_duplicate_keys_read_as_the_full_validation_reads_them() -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace('"level": 1,', '"level": 4, "level": 1,', 1)
    assert _agrees(text) is not None


def test_a_bad_file_gets_the_full_validations_message(tmp_path: Path) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    broken["findings"][2]["level"] = 7
    (tmp_path / "a.json").write_text(json.dumps(broken), encoding="utf-8")
    unknown = copy.deepcopy(data)
    unknown["findings"][0]["factor"] = "morale"
    (tmp_path / "b.json").write_text(json.dumps(unknown), encoding="utf-8")
    for name in ("a.json", "b.json"):
        with pytest.raises(EngagementError) as fast:
            read_engagement(tmp_path / name)
        with pytest.raises(EngagementError) as full:
            tf.load_engagement(tmp_path / name)
        assert str(fast.value) == str(full.value)
    with pytest.raises(EngagementError, match=r"a\.json: findings\.2\.level: 7 is outside 0-4"):
        tf.load_portfolio(tmp_path)


def test_an_older_schema_is_migrated_as_alone(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "new.json")
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["schema_version"] = 1
    data["factors"] = {f: {"target": t} for f, t in data.pop("targets").items()}
    for fid in data.pop("not_applicable"):
        data["factors"].setdefault(fid, {})["not_applicable"] = True
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    assert read_engagement(tmp_path / "old.json") == tf.load_engagement(tmp_path / "old.json")
    assert read_engagement(tmp_path / "old.json") == read_engagement(tmp_path / "new.json")
