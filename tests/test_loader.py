"""One loader: a file's text is read by pydantic's own JSON validation, the same for every caller.

The store (``load_engagement``), an upload (``engagement_from_bytes``) and the portfolio
(``load_portfolio``) all read a file through :func:`toolkit.engagement_json.engagement_from_json`.
A file of the current schema is validated in one compiled pass; the fields that call Python
name a plain form pydantic checks first (:class:`toolkit._model.CompiledFirst`). These tests hold
that fast reading to the slow one (``json.loads``, then the models in Python mode, which every
import and form also goes through): whatever the text, both accept it or both refuse it, and an
accepted file reads as the same engagement.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from examples import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit as tf
from toolkit.engagement_json import (
    _fast_parse,
    _parse_slowly,
    engagement_from_json,
    engagement_to_json,
)
from toolkit.errors import EngagementError

ROOT = Path(__file__).resolve().parents[1]
ENGAGEMENTS = ROOT / "engagements"
SAMPLE = ENGAGEMENTS / "harbourline-2026-11.json"


def _slow(text: str) -> tf.Engagement | None:
    """What the Python-mode reading makes of ``text`` (None where it refuses it)."""
    try:
        return _parse_slowly(text, "x")
    except EngagementError:
        return None


def _agree(text: str, *, made_up: frozenset[str] = frozenset()) -> tf.Engagement | None:
    """Read ``text`` both ways, check they agree, and return the fast reading.

    ``made_up``: finding fields the text leaves out, so each reading makes its own (a new id, the
    time now); they are compared as present, not by value.
    """
    fast = _fast_parse(text)
    slow = _slow(text)
    assert (fast is None) == (slow is None), f"fast {fast is not None}, slow {slow is not None}"
    if fast is None or slow is None:
        return None
    assert type(fast) is tf.Engagement
    assert fast.model_fields_set == slow.model_fields_set
    if not made_up:
        assert fast == slow
    dumps = [e.model_dump(mode="json") for e in (fast, slow)]
    for dump in dumps:
        for finding in dump["findings"]:
            for field in made_up:
                assert finding.pop(field)
    assert dumps[0] == dumps[1]
    return fast


@pytest.mark.parametrize("path", sorted(ENGAGEMENTS.glob("*.json")), ids=lambda p: p.name)
def test_every_committed_file_reads_the_same_both_ways(path: Path) -> None:
    assert _agree(path.read_text(encoding="utf-8")) is not None


ODD_VALUES: dict[str, list[Any]] = {
    "id": ["", " a", "a ", "\u00a0a", None, 7, "a\u2028", "a\rb", "ok"],
    "factor": ["purpose", "Purpose", " purpose", "morale", "", 1],
    "level": [0, 4, 5, -1, True, False, 2.0, 2.5, "3", " 3", None, 10**30, [2]],
    "evidence": ["seen", "", "  ", "x\u3000", "\u200bx", "ok\n", "a\r\nb", "a\rb", "\r", ["x"]],
    "source": ["survey", "Survey", " survey", "email", None, ["survey"]],
    "rater": ["Ana", "", "Ana ", "\x1fAna", "Ana\r\nLima", 3],
    "recorded_at": [
        "2026-11-03T09:00:00Z",
        "2026-11-03T09:00:00+00:00",
        "2026-11-03T09:00:00.123456+05:30",
        "2026-11-03T09:00:00-08:00",
        "2026-11-03 09:00:00Z",
        "2026-11-03T09:00:00",
        " 2026-11-03T09:00:00Z",
        "2026-11-03T09:00:00Z ",
        "2026-11-03",
        "2026-02-30T09:00:00Z",
        "2026-W45-1T09:00:00Z",
        "2026-11-03T24:00:00Z",
        "20261103T090000Z",
        "45000",
        "1700000000",
        "1970-",
        1_700_000_000,
        45000.5,
        True,
        "",
    ],
}


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
def test_an_odd_finding_reads_the_same_both_ways(
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
    _agree(json.dumps(data, ensure_ascii=False), made_up=frozenset(drop & {"id", "recorded_at"}))


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.update(findings={}),
        lambda d: d.update(client=""),
        lambda d: d.update(client="Acme\r\nCare"),
        lambda d: d.update(date="2026-13-01"),
        lambda d: d.update(targets={"purpose": 9}),
        lambda d: d.update(targets={"purpose": True}),
        lambda d: d.update(targets={"purpose": "3"}),
        lambda d: d.update(surprise=1),
        lambda d: d.pop("findings"),
        lambda d: d.pop("phase"),
    ],
)
def test_an_odd_envelope_reads_the_same_both_ways(edit: Any) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    edit(data)
    _agree(json.dumps(data))


@pytest.mark.parametrize("version", [1, 2, 3, 4, 6, 5.0, "5", True, None])
def test_any_other_schema_version_is_left_to_the_slow_path(version: Any) -> None:
    # It migrates an older schema and words every refusal (``5.0``: not a whole number).
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["schema_version"] = version
    assert _fast_parse(json.dumps(data)) is None


def test_a_carriage_return_in_a_file_is_stored_as_a_line_break() -> None:
    # The plain, compiled form refuses the carriage return; the full validation converts it.
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["findings"][0]["evidence"] = "first line\r\nsecond line\rthird"
    data["findings"][0]["rater"] = "Maya\r\nOkafor"
    engagement = _agree(json.dumps(data))
    assert engagement is not None
    assert engagement.findings[0].evidence == "first line\nsecond line\nthird"
    assert engagement.findings[0].rater == "Maya\nOkafor"


@pytest.mark.parametrize(
    "text",
    [
        SAMPLE.read_text(encoding="utf-8").replace('"Maya Okafor"', '"Maya \\ud800"', 1),
        SAMPLE.read_text(encoding="utf-8")[:-40],  # truncated
        "[]",
        '{"schema_version": 2, "schema_version": 2}',
        SAMPLE.read_text(encoding="utf-8").replace('"level": 1,', '"level": 4, "level": 1,', 1),
    ],
    ids=["lone surrogate", "truncated", "a list", "only a version", "a duplicate key"],
)
def test_unusual_text_reads_the_same_both_ways(text: str) -> None:
    _agree(text)


def test_the_portfolio_reads_each_file_as_the_store_does(tmp_path: Path) -> None:
    portfolio = tf.load_portfolio(ENGAGEMENTS)
    for path, engagement in zip(portfolio.paths, portfolio, strict=True):
        assert engagement == tf.load_engagement(path)


def test_a_bad_file_gets_the_same_message_in_a_portfolio(tmp_path: Path) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    broken["findings"][2]["level"] = 7
    (tmp_path / "a.json").write_text(json.dumps(broken), encoding="utf-8")
    unknown = copy.deepcopy(data)
    unknown["findings"][0]["factor"] = "morale"
    (tmp_path / "b.json").write_text(json.dumps(unknown), encoding="utf-8")
    with pytest.raises(EngagementError) as portfolio:
        tf.load_portfolio(tmp_path)
    for name in ("a.json", "b.json"):
        with pytest.raises(EngagementError) as alone:
            tf.load_engagement(tmp_path / name)
        assert str(alone.value) in str(portfolio.value)
    assert "a.json: findings.2.level: 7 is outside 0-4" in str(portfolio.value)
    assert "b.json: findings[0] (id " in str(portfolio.value)


def test_an_older_schema_is_migrated_in_a_portfolio_as_alone(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "new.json")
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["schema_version"] = 1
    data["factors"] = {f: {"target": t} for f, t in data.pop("targets").items()}
    for fid in data.pop("not_applicable"):
        data["factors"].setdefault(fid, {})["not_applicable"] = True
    data.pop("changes")
    data.pop("phase")
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    old, new = tf.load_portfolio(tmp_path)
    assert old == tf.load_engagement(tmp_path / "old.json")
    assert old == new


def test_the_toolkit_builds_models_only_through_pydantics_public_validation() -> None:
    # No model written slot by slot, and none built without validation: every engagement, finding
    # and log entry comes out of model_validate, model_validate_json or model_copy.
    private = re.compile(r"__pydantic_(fields_set|extra|private)__|\b_fields_set|model_construct")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "toolkit").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if private.search(line)
    ]
    assert offenders == []


def test_the_portfolio_benchmark_s_files_are_what_the_store_writes(tmp_path: Path) -> None:
    """Its generated files read in the one compiled pass and write back byte for byte, so the
    benchmark times the path a store's files take (a file without an engagement id, say, takes
    the slow one, and the benchmark would time that instead)."""
    from benchmarks.bench_portfolio import SAMPLE as BENCH_SAMPLE
    from benchmarks.bench_portfolio import copy_sample, write_portfolio

    assert BENCH_SAMPLE == SAMPLE
    for kind in ("generated", "sample"):
        (tmp_path / kind).mkdir()
    for path in write_portfolio(tmp_path / "generated", 8) + copy_sample(tmp_path / "sample", 1):
        text = path.read_text(encoding="utf-8")
        assert _fast_parse(text) is not None, path.name
        assert engagement_to_json(engagement_from_json(text)) == text, path.name
