"""A portfolio of engagements: loading a folder, the tidy scores table, and its views."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from examples import examples
from frames import blank
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit as tf
from toolkit.store import engagement_to_json

ROOT = Path(__file__).resolve().parents[1]
ENGAGEMENTS = ROOT / "engagements"
GENERATED = (
    "harbourline-2026-05.json",
    "larkspur-2026-06.json",
    "meridian-2026-09.json",
    "northgate-2026-03.json",
    "quayside-2026-10.json",
)
HARBOURLINE = "Harbourline Contact Services"


def _engagement(client: str, date: dt.date, levels: dict[str, list[int]]) -> tf.Engagement:
    e = tf.Engagement.new(client=client, lead="Ana Ruiz", date=date)
    for factor, values in levels.items():
        for i, level in enumerate(values):
            e = e.add_finding(
                factor=factor, level=level, evidence=f"note {i}", rater=f"r{i % 2}", id=None
            )
    return e


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    return tf.portfolio_scores(tf.load_portfolio(ENGAGEMENTS))


# -- loading ----------------------------------------------------------------------------------


def test_load_portfolio_reads_every_engagement_in_client_then_date_order() -> None:
    portfolio = tf.load_portfolio(ENGAGEMENTS)
    assert [p.name for p in portfolio.paths] == [
        "harbourline-2026-05.json",
        "harbourline-2026-11.json",
        "larkspur-2026-06.json",
        "meridian-2026-09.json",
        "northgate-2026-03.json",
        "quayside-2026-10.json",
    ]
    assert len(portfolio) == 6
    assert portfolio.clients == (
        HARBOURLINE,
        "Larkspur Energy Retail",
        "Meridian Rail Customer Relations",
        "Northgate Insurance",
        "Quayside Telecom",
    )
    frame = portfolio.frame()
    assert frame.loc["harbourline-2026-11", "n_findings"] == 45
    assert frame.loc["harbourline-2026-05", "date"] == pd.Timestamp("2026-05-14")


def test_loading_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    import gc

    for name in GENERATED[:3]:
        shutil.copyfile(ENGAGEMENTS / name, tmp_path / name)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    portfolio = tf.load_portfolio(tmp_path)
    # on again, and nothing left in the permanent generation, which it would never collect
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        tf.load_portfolio(tmp_path)
        assert not gc.isenabled()  # a caller's own pause is kept
    finally:
        gc.enable()
    assert len(portfolio) == 3


def test_load_portfolio_ignores_backups_locks_and_hidden_files(tmp_path: Path) -> None:
    shutil.copy(ENGAGEMENTS / "northgate-2026-03.json", tmp_path / "a.json")
    (tmp_path / "a.json.bak").write_text("not json")
    (tmp_path / "a.json.lock").write_text("")
    (tmp_path / ".a.json.123.tmp").write_text("{")
    (tmp_path / ".hidden.json").write_text("{")
    (tmp_path / "sub").mkdir()
    assert [p.name for p in tf.load_portfolio(tmp_path).paths] == ["a.json"]


def test_one_bad_file_fails_the_whole_load_and_names_every_bad_file(tmp_path: Path) -> None:
    shutil.copy(ENGAGEMENTS / "northgate-2026-03.json", tmp_path / "good.json")
    (tmp_path / "broken.json").write_text('{"client": ')
    (tmp_path / "empty.json").write_text("[]")
    with pytest.raises(tf.EngagementError) as info:
        tf.load_portfolio(tmp_path)
    message = str(info.value)
    assert "2 of 3 file(s) are not valid engagements; nothing was loaded" in message
    assert "broken.json: not valid JSON" in message
    assert "empty.json: expected a JSON object" in message
    assert "good.json" not in message


@pytest.mark.parametrize("kind", ["missing", "empty", "file"])
def test_a_folder_without_engagements_is_an_error(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "nothing"
    if kind == "empty":
        target.mkdir()
    elif kind == "file":
        target.write_text("x")
    with pytest.raises(tf.EngagementError, match="nothing"):
        tf.load_portfolio(target)


# -- the tidy table ---------------------------------------------------------------------------


def test_portfolio_scores_has_one_row_per_engagement_and_factor(scores: pd.DataFrame) -> None:
    assert list(scores.columns) == list(tf.PORTFOLIO_COLUMNS)
    assert len(scores) == 6 * 10
    first = scores[scores["engagement"] == "harbourline-2026-11"]
    assert list(first["factor"]) == list(tf.load_framework().factor_ids)
    assert scores["date"].dtype.kind == "M"


def test_portfolio_scores_match_scoring_each_engagement_alone(scores: pd.DataFrame) -> None:
    alone = tf.score_engagement(tf.load_engagement(ENGAGEMENTS / "harbourline-2026-11.json"))
    rows = scores[scores["engagement"] == "harbourline-2026-11"].set_index("factor")
    pd.testing.assert_series_equal(rows["score"], alone["score"])
    assert rows.loc["composure", "basis"] == "not assessed"
    assert blank(rows, "composure", "score")
    assert rows.loc["accountability", "basis"] == "consensus"


def test_portfolio_scores_accepts_plain_engagements_keyed_by_client_and_date() -> None:
    a = _engagement("Acme", dt.date(2026, 1, 2), {"sponsorship": [1, 3]})
    b = _engagement("Acme", dt.date(2025, 6, 1), {"sponsorship": [0]})
    table = tf.portfolio_scores([a, b])
    assert list(dict.fromkeys(table["engagement"])) == ["Acme 2025-06-01", "Acme 2026-01-02"]
    assert set(table["file"]) == {""}


def test_portfolio_scores_of_nothing_is_an_empty_table_with_the_columns() -> None:
    table = tf.portfolio_scores([])
    assert list(table.columns) == list(tf.PORTFOLIO_COLUMNS)
    assert table.empty


def one_by_one(engagements: list[tf.Engagement]) -> pd.DataFrame:
    """The portfolio table built the plain way: score each engagement alone, then stack."""
    frames = []
    for e in sorted(engagements, key=lambda e: (e.client.casefold(), e.date)):
        s = tf.score_engagement(e).reset_index()
        s.insert(0, "engagement", f"{e.client} {e.date.isoformat()}")
        s.insert(1, "client", e.client)
        s.insert(2, "title", e.title)
        s.insert(3, "date", pd.Timestamp(e.date))
        s.insert(4, "file", "")
        frames.append(s)
    return pd.concat(frames, ignore_index=True)[list(tf.PORTFOLIO_COLUMNS)]


FACTOR_IDS = tf.load_framework().factor_ids
an_engagement = st.builds(
    lambda client, day, findings, overrides, scoped, targets: _built(
        client, day, findings, overrides, scoped, targets
    ),
    client=st.sampled_from(["Acme", "Birch", "Cobalt"]),
    day=st.integers(0, 400),
    findings=st.lists(
        st.tuples(
            st.sampled_from(FACTOR_IDS),
            st.integers(0, 4),
            st.sampled_from(["Ana", "Ben", "Chi"]),
            st.sampled_from(["interview", "survey", "metric"]),
        ),
        max_size=25,
    ),
    overrides=st.dictionaries(st.sampled_from(FACTOR_IDS), st.integers(0, 4), max_size=2),
    scoped=st.lists(st.sampled_from(FACTOR_IDS), max_size=2, unique=True),
    targets=st.dictionaries(st.sampled_from(FACTOR_IDS), st.integers(0, 4), max_size=4),
)


def _built(
    client: str,
    day: int,
    findings: list[tuple[str, int, str, str]],
    overrides: dict[str, int],
    scoped: list[str],
    targets: dict[str, int],
) -> tf.Engagement:
    e = tf.Engagement.new(client=client, lead="Ana", date=dt.date(2025, 1, 1) + dt.timedelta(day))
    e = e.with_findings(
        tf.Finding(factor=f, level=lv, evidence="seen", rater=r, source=src, id=f"f{i}")
        for i, (f, lv, r, src) in enumerate(findings)
    )
    for fid, level in overrides.items():
        e = e.set_override(fid, level, reason="agreed")
    for fid in scoped:
        e = e.set_not_applicable(fid)
    for fid, level in targets.items():
        e = e.set_target(fid, level)
    return e


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(engagements=st.lists(an_engagement, max_size=6, unique_by=lambda e: (e.client, e.date)))
def test_one_scoring_pass_matches_scoring_each_engagement_alone(
    engagements: list[tf.Engagement],
) -> None:
    table = tf.portfolio_scores(engagements)
    if not engagements:
        assert table.empty
        return
    pd.testing.assert_frame_equal(table, one_by_one(engagements), check_exact=True)


def test_a_portfolio_engagement_that_does_not_fit_the_framework_is_named() -> None:
    good = _engagement("Acme", dt.date(2026, 1, 2), {"sponsorship": [1]})
    bad = _engagement("Birch", dt.date(2026, 1, 3), {"purpose": [2]})
    bad = bad.with_findings(
        [*bad.findings, bad.findings[0].model_copy(update={"factor": "morale", "id": "x"})]
    )
    with pytest.raises(tf.EngagementError, match=r"engagement 'Birch'.*unknown factor 'morale'"):
        tf.portfolio_scores([good, bad])


# -- views ------------------------------------------------------------------------------------


def test_compare_clients_uses_each_clients_latest_assessment(scores: pd.DataFrame) -> None:
    table = tf.compare_clients(scores)
    assert list(table.columns) == [
        HARBOURLINE,
        "Larkspur Energy Retail",
        "Meridian Rail Customer Relations",
        "Northgate Insurance",
        "Quayside Telecom",
    ]
    assert list(table.index) == list(tf.load_framework().factor_ids)
    # Harbourline's column is November's scores, not May's.
    assert table.loc["authority", HARBOURLINE] == 3.0
    assert table.loc["accountability", HARBOURLINE] == 1.0
    # not assessed / not applicable stay NaN, never 0
    assert blank(table, "composure", HARBOURLINE)
    assert blank(table, "originality", "Larkspur Energy Retail")
    assert blank(table, "purpose", "Quayside Telecom")


def test_compare_clients_can_show_every_assessment(scores: pd.DataFrame) -> None:
    table = tf.compare_clients(scores, latest=False, value="n_findings")
    assert table.columns[:2].tolist() == [
        f"{HARBOURLINE} (2026-05-14)",
        f"{HARBOURLINE} (2026-11-16)",
    ]
    assert table.shape == (10, 6)
    assert table[f"{HARBOURLINE} (2026-11-16)"].sum() == 45


def test_client_trend_shows_the_change_between_assessments(scores: pd.DataFrame) -> None:
    trend = tf.client_trend(scores, HARBOURLINE)
    assert list(trend.columns) == ["label", "2026-05-14", "2026-11-16", "change"]
    assert trend.loc["authority", "label"] == "Earned authority"
    assert trend.loc["authority", "2026-05-14"] == 2.25
    assert trend.loc["authority", "2026-11-16"] == 3.0
    assert trend.loc["authority", "change"] == 0.75
    # a factor not assessed at either end has no trend
    assert blank(trend, "composure", "change")
    assert blank(trend, "cx_executive", "change")


def test_client_trend_of_an_unknown_client_names_the_known_ones(scores: pd.DataFrame) -> None:
    with pytest.raises(tf.EngagementError, match="no client 'Nobody'; clients: 'Harbourline"):
        tf.client_trend(scores, "Nobody")


def test_benchmark_is_the_distribution_over_latest_assessments() -> None:
    table = tf.portfolio_scores(
        [
            _engagement("A", dt.date(2026, 1, 1), {"sponsorship": [0], "purpose": [4]}),
            _engagement("A", dt.date(2026, 6, 1), {"sponsorship": [4]}),
            _engagement("B", dt.date(2026, 2, 1), {"sponsorship": [2]}),
            _engagement("C", dt.date(2026, 3, 1), {"sponsorship": [3]}),
        ]
    )
    bench = tf.portfolio_benchmark(table)
    row = bench.loc["sponsorship"]
    # A's January 0 is superseded by its June 4: the values are 4, 2, 3
    assert (row["n"], row["min"], row["median"], row["max"]) == (3, 2.0, 3.0, 4.0)
    assert (row["q1"], row["q3"], row["score"]) == (2.5, 3.5, 3.0)
    # purpose was assessed only in A's superseded assessment: nobody has a current score
    assert bench.loc["purpose", "n"] == 0
    assert blank(bench, "purpose", "score")
    assert bench.loc["purpose", "basis"] == "not assessed"
    assert bench.loc["sponsorship", "basis"] == "findings"
    assert bench.loc["sponsorship", "label"] == "Executive sponsorship"

    every = tf.portfolio_benchmark(table, latest=False, stat="mean")
    assert every.loc["sponsorship", "n"] == 4
    assert every.loc["sponsorship", "score"] == pytest.approx((0 + 4 + 2 + 3) / 4)
    assert every.loc["purpose", "n"] == 1

    without_a = tf.portfolio_benchmark(table, exclude="A")
    assert without_a.loc["sponsorship", "n"] == 2
    assert without_a.loc["sponsorship", "median"] == 2.5


def test_benchmark_of_the_sample_portfolio_counts_five_clients(scores: pd.DataFrame) -> None:
    bench = tf.portfolio_benchmark(scores)
    assert list(bench.index) == list(tf.load_framework().factor_ids)
    # composure: Harbourline (Nov) not assessed -> 4 of 5 clients
    assert bench.loc["composure", "n"] == 4
    assert bench.loc["sponsorship", "n"] == 5
    assert bench["n"].max() == 5
    assert (bench["q1"] <= bench["median"]).all() and (bench["median"] <= bench["q3"]).all()


def test_benchmark_rejects_an_unknown_client_to_exclude(scores: pd.DataFrame) -> None:
    with pytest.raises(tf.EngagementError, match="unknown client"):
        tf.portfolio_benchmark(scores, exclude=["Nobody"])


def test_views_need_the_portfolio_scores_table() -> None:
    with pytest.raises(tf.MissingColumnsError, match="pass the table made by portfolio_scores"):
        tf.compare_clients(pd.DataFrame({"score": [1.0]}))


def test_a_view_of_a_column_the_table_lacks_names_it(scores: pd.DataFrame) -> None:
    with pytest.raises(tf.MissingColumnsError) as err:
        tf.client_trend(scores, HARBOURLINE, value="morale")
    assert err.value.missing == ("morale",)


# -- the generator ----------------------------------------------------------------------------


def _generate(out: Path) -> dict[str, bytes]:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_portfolio.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.json"))}


def test_generator_is_deterministic_and_matches_the_committed_files(tmp_path: Path) -> None:
    first = _generate(tmp_path / "one")
    second = _generate(tmp_path / "two")
    assert sorted(first) == list(GENERATED)
    assert first == second
    committed = {name: (ENGAGEMENTS / name).read_bytes() for name in GENERATED}
    assert first == committed


def test_generated_engagements_are_valid_and_round_trip() -> None:
    for name in GENERATED:
        e = tf.load_engagement(ENGAGEMENTS / name)
        assert engagement_to_json(e).encode() == (ENGAGEMENTS / name).read_bytes()
        assert len(e.findings) >= 20
        assert len({f.rater for f in e.findings}) >= 2


def test_the_sample_engagement_script_reproduces_the_committed_sample() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_sample_engagement", ROOT / "scripts" / "make_sample_engagement.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    committed = (ENGAGEMENTS / "harbourline-2026-11.json").read_bytes()
    assert engagement_to_json(script.build()).encode() == committed
