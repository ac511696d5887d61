"""The SQL store's own parts: its Alembic migrations, its rows, its notifications."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import psycopg
import pytest
from alembic.script import ScriptDirectory
from folders import SAMPLE
from sqlalchemy import event, inspect

from toolkit import changes
from toolkit.errors import EngagementError, StoreError, StoreSchemaError
from toolkit.stores import database as db
from toolkit.stores import open_store, throwaway
from toolkit.stores.rows import STEP, positions
from toolkit.stores.watch import CHANNEL

TABLES = {"alembic_version", "engagements", "findings", "change_log", "membership"}


def _revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(db._config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    cluster: throwaway.Cluster = request.getfixturevalue("postgres")
    return cluster.create_database(f"t_empty_{tmp_path.name[-8:].lower().replace('-', '_')}")


def _tables(url: str) -> set[str]:
    engine = db.make_engine(db.parse_url(url))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


# -- migrations ---------------------------------------------------------------------------------
def test_init_creates_the_schema_in_an_empty_database(empty_url: str) -> None:
    before, after = db.upgrade(db.parse_url(empty_url))
    assert (before, after) == (None, db.head_revision())
    assert _tables(empty_url) == TABLES
    with open_store(empty_url) as store:
        assert store.engagements() == []


@pytest.mark.parametrize("previous", range(len(_revisions())))
def test_a_database_at_the_previous_revision_upgrades_to_head(
    empty_url: str, previous: int
) -> None:
    """Each revision before head (the empty database before the first) upgrades to head; with
    engagements in it, they are still there, unchanged."""
    revisions = [None, *_revisions()]
    at = revisions[previous]
    url = db.parse_url(empty_url)
    if at is not None:
        db.upgrade(url, revision=at)
    assert db.upgrade(url) == (at, db.head_revision())
    with open_store(empty_url) as store:
        engagement_id = store.push(SAMPLE.read_text(encoding="utf-8"))
        assert store.pull(engagement_id) == SAMPLE.read_text(encoding="utf-8")


def test_the_head_revision_matches_the_tables_the_code_uses(empty_url: str) -> None:
    """Alembic's autogenerate finds nothing to add or drop between the revisions and the code."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from toolkit.stores.schema import metadata

    url = db.parse_url(empty_url)
    db.upgrade(url)
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert [
        d for d in diff if d[0] in ("add_table", "remove_table", "add_column", "remove_column")
    ] == []


def test_the_migrations_go_down_and_up_again(tmp_path: Path) -> None:
    url = db.parse_url(f"sqlite:///{tmp_path / 'x.db'}")
    db.upgrade(url)
    from alembic import command

    engine = db.make_engine(url)
    config = db._config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    engine.dispose()
    assert _tables(str(url)) == {"alembic_version"}
    assert db.upgrade(url) == (None, db.head_revision())


def test_a_store_is_not_opened_on_a_database_without_the_schema(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "bare.db").close()
    with pytest.raises(StoreSchemaError, match="no Tenfold tables yet: run `tenfold store init"):
        open_store(f"sqlite:///{tmp_path / 'bare.db'}")


# -- rows ---------------------------------------------------------------------------------------
def test_positions_keep_old_numbers_and_fit_new_ones_between() -> None:
    old = {"a": 0, "b": STEP, "c": 2 * STEP}
    assert positions(["a", "b", "c", "d"], old) == {**old, "d": 3 * STEP}
    between = positions(["a", "x", "b", "c"], old)
    assert between["a"] == 0 and 0 < between["x"] < STEP and between["b"] == STEP
    assert positions(["z", "a", "b"], {"a": 0, "b": STEP})["z"] < 0
    crowded = positions(["a", "x", "y", "b"], {"a": 0, "b": 2})
    assert list(crowded.values()) == sorted(crowded.values()) and len(set(crowded.values())) == 4
    moved = positions(["c", "a", "b"], old)
    assert [k for k, _ in sorted(moved.items(), key=lambda kv: kv[1])] == ["c", "a", "b"]


def test_findings_and_the_log_are_rows_with_typed_columns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rows.db'}"
    db.upgrade(db.parse_url(url))
    with open_store(url) as store:
        engagement_id = store.push(SAMPLE.read_text(encoding="utf-8"))
        fid, change = changes.add_finding(factor="purpose", level=4, evidence="Rows", rater="Ana")
        store.apply(engagement_id, change)
    conn = sqlite3.connect(tmp_path / "rows.db")
    level, rater, at = conn.execute(
        "SELECT level, rater, recorded_at FROM findings WHERE id = ?", (fid,)
    ).fetchone()
    assert (level, rater) == (4, "Ana") and dt.datetime.fromisoformat(at).year >= 2026
    kind, by = conn.execute(
        "SELECT kind, by FROM change_log WHERE engagement_id = ? ORDER BY position DESC LIMIT 1",
        (engagement_id,),
    ).fetchone()
    assert (kind, by) == ("finding added", "Ana")
    n, version = conn.execute(
        "SELECT (SELECT count(*) FROM findings WHERE engagement_id = e.id), version "
        "FROM engagements e"
    ).fetchone()
    assert (n, version) == (46, 2)
    assert conn.execute("SELECT document FROM engagements").fetchone()[0].startswith("{")


def test_the_database_refuses_a_level_outside_the_scale(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    db.upgrade(db.parse_url(url))
    with open_store(url) as store:
        engagement_id = store.push(SAMPLE.read_text(encoding="utf-8"))
    conn = sqlite3.connect(tmp_path / "c.db")
    with pytest.raises(sqlite3.IntegrityError, match="level"):
        conn.execute("UPDATE findings SET level = 5 WHERE engagement_id = ?", (engagement_id,))


# -- notifications ------------------------------------------------------------------------------
def test_a_write_notifies_the_engagement_id_and_nothing_else(postgres: throwaway.Cluster) -> None:
    url = postgres.create_database("t_notify", template="tenfold_template")
    root, port = str(postgres.root), postgres.port
    with (
        psycopg.connect(
            host=root, port=port, user="postgres", dbname="t_notify", autocommit=True
        ) as listener,
        open_store(url) as store,
    ):
        listener.execute(f"LISTEN {CHANNEL}")
        engagement_id = store.push(SAMPLE.read_text(encoding="utf-8"))
        heard = [n.payload for n in listener.notifies(timeout=5, stop_after=1)]
    assert heard == [engagement_id]


# -- a save ---------------------------------------------------------------------------------------
def test_a_save_from_the_current_snapshot_is_one_statement_on_postgresql(
    postgres: throwaway.Cluster,
) -> None:
    url = postgres.create_database("t_one_statement", template="tenfold_template")
    with open_store(url) as store:
        engagement_id = store.push(SAMPLE.read_text(encoding="utf-8"))
        first = store.load(engagement_id)
        sent: list[str] = []
        commits: list[object] = []
        engine = store._engine  # type: ignore[attr-defined]
        event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
        event.listen(engine, "commit", commits.append)
        fid, change = changes.add_finding(factor="purpose", level=2, evidence="One statement")
        second = store.apply(engagement_id, change, known=first)
        assert len(sent) == 1 and sent[0].startswith("WITH bumped AS (UPDATE engagements")
        assert commits == []  # the statement is its own transaction
        assert isinstance(first.version, int) and isinstance(second.version, int)
        assert second.version == first.version + 1
        assert store.load(engagement_id).engagement == second.engagement
        # From a snapshot a save old, the same change finds nothing to bump and goes the long way:
        sent.clear()
        _, stale = changes.add_finding(factor="purpose", level=3, evidence="The long way")
        third = store.apply(engagement_id, stale, known=first)
        assert len(sent) > 1 and " FOR UPDATE" in sent[1]
        assert {fid, *(f.id for f in second.engagement.findings)} <= {
            f.id for f in third.engagement.findings
        }
        assert third.version == second.version + 1
        assert store.load(engagement_id).engagement == third.engagement


def test_the_portfolio_names_an_engagement_that_does_not_fit_the_framework(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    db.upgrade(db.parse_url(url))
    with open_store(url) as store:
        engagement_id = store.push(SAMPLE.read_text(encoding="utf-8"))
        assert set(store.portfolio_scores()["engagement"]) == {engagement_id}
        conn = sqlite3.connect(tmp_path / "p.db")
        conn.execute("UPDATE findings SET factor = 'charisma' WHERE rowid = 3")
        conn.commit()
        conn.close()
        with pytest.raises(EngagementError, match=rf"engagement {engagement_id} .*'charisma'"):
            store.portfolio_scores()


def test_a_save_waiting_too_long_for_a_colleagues_lock_gives_up_and_writes_nothing(
    empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "LOCK_TIMEOUT", 1)
    url = db.parse_url(empty_url)
    db.upgrade(url)
    with open_store(empty_url) as store:
        engagement_id = store.push(SAMPLE.read_text(encoding="utf-8"))
        before = store.load(engagement_id)
        engine = db.make_engine(url)
        writer = engine.execution_options(**{db.WRITE: True})
        with writer.connect() as holder:  # a colleague's save, stuck half-way
            if url.get_backend_name() == "sqlite":
                holder.exec_driver_sql("SELECT 1")  # begun with the write lock taken
            else:
                holder.exec_driver_sql(
                    "SELECT 1 FROM engagements WHERE id = %(id)s FOR UPDATE", {"id": engagement_id}
                )
            _, change = changes.add_finding(factor="purpose", level=1, evidence="Waited")
            with pytest.raises(
                StoreError, match=r"another save .* more than 1 s; nothing was saved"
            ):
                store.apply(engagement_id, change)
            holder.rollback()
        engine.dispose()
        assert not store.changed_since(before)


@pytest.mark.slow
@pytest.mark.parametrize("required", [False, True])
def test_without_postgresql_its_tests_skip_with_a_message_unless_required(
    tmp_path: Path, required: bool
) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "TENFOLD_PG_BIN": str(tmp_path)}  # a folder without initdb
    env.pop("TENFOLD_REQUIRE_POSTGRES", None)
    if required:
        env["TENFOLD_REQUIRE_POSTGRES"] = "1"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         f"{__file__}::test_a_write_notifies_the_engagement_id_and_nothing_else"],
        cwd=Path(__file__).parents[1], env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if required:
        assert run.returncode == 1 and "TENFOLD_REQUIRE_POSTGRES=1 requires" in run.stdout
    else:
        assert run.returncode == 0 and "1 skipped" in run.stdout
        assert "PostgreSQL is not installed" in run.stdout


def test_the_one_statement_save_writes_every_column_of_each_row() -> None:
    """The one-statement save casts each table's columns by the schema's own types; the rows the
    store writes must hold every one of those columns, or that save would fail or leave one
    empty."""
    from toolkit import changes as changes_
    from toolkit import load_engagement as load
    from toolkit.stores import rows, schema, sql

    _fid, add = changes_.add_finding(
        factor="purpose", level=2, evidence="The rota is on the wall", rater="Ana"
    )
    e = add(load(SAMPLE))
    assert list(sql._FINDING_CASTS) == list(schema.FindingRow.__table__.columns.keys())
    assert set(sql._FINDING_CASTS) == set(rows.finding_values("x", e.findings[-1], 1))
    assert list(sql._LOG_CASTS) == list(schema.ChangeRow.__table__.columns.keys())
    assert set(sql._LOG_CASTS) == set(rows.change_values("x", e.changes[-1], 0))
    # an engagement's row: every column a change may set (its id never changes)
    assert set(sql._ENGAGEMENT_CASTS) == set(rows.engagement_values(e)) - {"id"}
    assert sql._FINDING_CASTS["recorded_at"] == "TIMESTAMP WITH TIME ZONE"
    assert sql._ENGAGEMENT_CASTS["document"] == "JSONB" and sql._LOG_CASTS["before"] == "JSON"
