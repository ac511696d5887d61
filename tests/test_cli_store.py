"""`tenfold store` and `--store`: init, push, pull, list, every command by id; faults as one line.

Most tests use a SQLite store (a file, no server); the faults that only a server has (a role
that does not exist, a database at another schema revision) use the throwaway PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import Run
from folders import SAMPLE

from toolkit.stores import database as db
from toolkit.stores import throwaway


@pytest.fixture
def sqlite_url(tmp_path: Path, run: Run) -> str:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    code, out, _ = run("store", "init", url)
    assert code == 0 and "created the Tenfold tables" in out
    assert f"revision {db.head_revision()}" in out
    return url


def test_init_twice_says_there_is_nothing_to_do(run: Run, sqlite_url: str) -> None:
    code, out, _ = run("store", "init", sqlite_url)
    assert code == 0 and f"already at schema revision {db.head_revision()}; nothing to do" in out


def test_push_prints_the_id_and_pull_gives_the_file_back(
    run: Run, sqlite_url: str, tmp_path: Path
) -> None:
    code, out, _ = run("--store", sqlite_url, "store", "push", str(SAMPLE))
    engagement_id = json.loads(SAMPLE.read_text(encoding="utf-8"))["id"]
    assert code == 0 and out == engagement_id + "\n"
    back = tmp_path / "back.json"
    code, out, _ = run("--store", sqlite_url, "store", "pull", engagement_id, "-o", str(back))
    assert code == 0 and str(back) in out
    assert back.read_bytes() == SAMPLE.read_bytes()
    code, _, err = run("--store", sqlite_url, "store", "push", str(SAMPLE))
    assert code == 2 and "already in" in err and "--replace" in err
    assert run("--store", sqlite_url, "store", "push", "--replace", str(SAMPLE))[0] == 0


def test_every_command_names_the_engagement_by_its_id(
    run: Run, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENFOLD_STORE", sqlite_url)
    engagement_id = run("store", "push", str(SAMPLE))[1].strip()
    code, out, _ = run(
        "add", engagement_id, "--factor", "purpose", "--level", "4", "--evidence", "Huddle notes"
    )
    assert code == 0 and "46 findings" in out
    code, out, _ = run("score", engagement_id, "--format", "json")
    assert code == 0 and {r["factor"] for r in json.loads(out)} >= {"purpose"}
    assert run("score", engagement_id, "--explain", "purpose")[0] == 0
    code, out, _ = run("validate", engagement_id)
    assert code == 0 and "46 findings" in out
    assert run("export", engagement_id, "-o", str(tmp_path / "f.csv"))[0] == 0
    assert "Huddle notes" in (tmp_path / "f.csv").read_text(encoding="utf-8")
    code, out, _ = run("import", engagement_id, str(tmp_path / "f.csv"))
    assert code == 0 and "imported 46 findings" in out
    assert "92 findings" in run("validate", engagement_id)[1]
    assert run("share", engagement_id, "-o", str(tmp_path / "s.json"), "--without-evidence")[0] == 0
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["withheld"] == ["evidence"]
    assert run("chart", engagement_id, "-o", str(tmp_path / "r.svg"))[0] == 0
    code, out, _ = run("new", "--client", "Acme Care", "--lead", "Ana Lima")
    assert code == 0 and out.startswith("created ")
    code, out, _ = run("store", "list")
    assert "Acme Care" in out and engagement_id in out and "Harbourline" in out


def test_a_folder_store_names_engagements_by_file_or_id(
    run: Run, folder: Path, tmp_path: Path
) -> None:
    engagement_id = json.loads(SAMPLE.read_text(encoding="utf-8"))["id"]
    by_file = run("--store", str(folder), "validate", SAMPLE.name)
    by_id = run("--store", str(folder), "validate", engagement_id)
    assert by_file[0] == by_id[0] == 0
    assert by_file[1].split(":", 1)[1] == by_id[1].split(":", 1)[1]
    pulled = tmp_path / "x.json"
    code, _, _ = run("--store", str(folder), "store", "pull", engagement_id, "-o", str(pulled))
    assert code == 0 and pulled.read_bytes() == SAMPLE.read_bytes()


def test_the_dashboard_serves_a_database_and_checks_the_engagement_first(
    run: Run, sqlite_url: str, tmp_path: Path
) -> None:
    code, out, err = run("--store", sqlite_url, "dashboard", "--engagement", "nope", "--no-browser")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--engagement nope: no such engagement in" in err and "tenfold store list" in err
    code, _, err = run(
        "--store", sqlite_url, "dashboard", "--engagements", str(tmp_path), "--no-browser"
    )
    assert code == 2 and "not both" in err


# -- faults: one line, the server named, never the password, exit 2 ----------------------------
def test_an_unreachable_server_is_named_without_its_password(run: Run, tmp_path: Path) -> None:
    url = f"postgresql+psycopg://ana:s3cret-pw@/tenfold?host={tmp_path / 'nowhere'}&port=5999"
    code, out, err = run("--store", url, "score", "abc123")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "cannot reach the PostgreSQL server at" in err and "nowhere:5999" in err
    assert "user ana" in err and "s3cret" not in err


def test_a_missing_sqlite_file_says_how_to_create_it(run: Run, tmp_path: Path) -> None:
    code, _, err = run("--store", f"sqlite:///{tmp_path / 'none.db'}", "score", "abc")
    assert code == 2 and "no SQLite database" in err and "tenfold store init" in err
    assert not (tmp_path / "none.db").exists()  # nothing made on the way


def test_a_database_without_tables_says_to_run_init(run: Run, tmp_path: Path) -> None:
    import sqlite3

    sqlite3.connect(tmp_path / "empty.db").close()
    code, _, err = run("--store", f"sqlite:///{tmp_path / 'empty.db'}", "store", "list")
    assert code == 2 and "has no Tenfold tables yet" in err
    assert f"tenfold store init sqlite:///{tmp_path / 'empty.db'}" in err


def test_an_unknown_store_kind_is_refused(run: Run) -> None:
    code, _, err = run("--store", "mysql://ana:pw@db/tenfold", "score", "abc")
    assert code == 2 and "not in mysql" in err and "ana:pw" not in err and "ana:***" in err


def test_a_role_the_server_does_not_know_is_refused_by_name(
    run: Run, postgres: throwaway.Cluster
) -> None:
    url = postgres.url("tenfold_template", user="mallory").replace("mallory@", "mallory:hunter2@")
    code, _, err = run("--store", url, "store", "list")
    assert code == 2 and "refused the sign-in" in err and 'role "mallory" does not exist' in err
    assert "hunter2" not in err


def test_a_database_at_another_revision_says_what_to_run(
    run: Run, postgres: throwaway.Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.create_database("t_revisions", template="tenfold_template")
    head = db.head_revision()
    monkeypatch.setattr(db, "head_revision", lambda: "0999")  # as a Tenfold revisions ahead
    code, _, err = run("--store", url, "store", "list")
    assert code == 2 and f"schema revision {head}, this Tenfold needs 0999" in err
    assert "tenfold store init postgresql+psycopg://postgres@/t_revisions" in err
    monkeypatch.undo()
    postgres.sql("UPDATE alembic_version SET version_num = '0998'", database="t_revisions")
    code, _, err = run("--store", url, "store", "list")
    assert code == 2 and "set up by a newer Tenfold" in err and "upgrade the tenfold package" in err
