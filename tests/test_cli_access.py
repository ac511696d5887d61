"""`tenfold store add-user` and `tenfold access grant/revoke/list`, each user signed in as
themselves; bad input as one line and exit status 2, never telling whether an engagement the
user holds no role in exists."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from cli_run import Run
from folders import SAMPLE
from sqlalchemy import make_url

from toolkit.stores import throwaway


@pytest.fixture
def admin_url(postgres: throwaway.Cluster) -> str:
    return postgres.create_database(f"t_{uuid.uuid4().hex[:16]}", template="tenfold_template")


def _user(run: Run, admin_url: str, name: str) -> str:
    code, out, err = run("store", "add-user", admin_url, f"{name}_{uuid.uuid4().hex[:6]}")
    assert code == 0 and err == "" and out.count("\n") == 1, err
    return out.strip()


def _name(url: str) -> str:
    return make_url(url).username or ""


@pytest.fixture
def lead_url(run: Run, admin_url: str) -> str:
    return _user(run, admin_url, "ana")


@pytest.fixture
def x(run: Run, lead_url: str) -> str:
    code, out, _ = run("--store", lead_url, "store", "push", str(SAMPLE))
    assert code == 0
    return out.strip()


def _one_line_error(code: int, err: str) -> str:
    assert code == 2 and err.count("\n") == 1 and err.startswith("tenfold: error: "), err
    assert "Traceback" not in err
    return err


def test_add_user_prints_the_users_own_url_with_a_new_password(
    run: Run, admin_url: str, postgres: throwaway.Cluster
) -> None:
    url = _user(run, admin_url, "ana")
    parsed, admin = make_url(url), make_url(admin_url)
    assert parsed.username and parsed.username.startswith("ana_")
    assert parsed.password and len(str(parsed.password)) >= 24
    assert (parsed.database, parsed.query) == (admin.database, admin.query)
    code, out, _ = run("--store", url, "store", "list")
    assert code == 0 and f"signed in as {parsed.username}" in out


def test_a_stakeholders_login_from_the_command_line_pushes_nothing(
    run: Run, admin_url: str, lead_url: str, x: str
) -> None:
    name = f"sam_{uuid.uuid4().hex[:6]}"
    code, out, err = run("store", "add-user", admin_url, name, "--stakeholder")
    assert code == 0 and err == "", err
    sam_url = out.strip()
    code, _, err = run("--store", sam_url, "store", "push", str(SAMPLE))
    assert "signs in as a stakeholder" in _one_line_error(code, err)
    code, _, err = run("--store", lead_url, "access", "grant", x, name, "rater")
    assert f"{name} signs in as a stakeholder" in _one_line_error(code, err)
    code, _, err = run("--store", lead_url, "access", "grant", x, name, "stakeholder")
    assert code == 0, err
    code, out, _ = run("--store", sam_url, "store", "list")
    assert code == 0 and x in out


def test_add_user_needs_a_postgresql_store(run: Run, tmp_path: Path) -> None:
    code, _, err = run("store", "add-user", f"sqlite:///{tmp_path / 'x.db'}", "ana")
    assert "PostgreSQL store only" in _one_line_error(code, err)
    code, _, err = run("store", "add-user", str(tmp_path), "ana")
    assert "PostgreSQL store's URL" in _one_line_error(code, err)


def test_the_lead_grants_lists_and_revokes_from_the_command_line(
    run: Run, admin_url: str, lead_url: str, x: str
) -> None:
    tom_url = _user(run, admin_url, "tom")
    tom = _name(tom_url)
    assert run("--store", tom_url, "store", "list")[1].count("\n") == 1  # only the header
    code, out, _ = run("--store", lead_url, "access", "grant", x, tom, "rater")
    assert code == 0 and out == f"{tom} is now rater of engagement {x}\n"
    code, out, _ = run("--store", tom_url, "store", "list")
    assert code == 0 and x in out and "Harbourline" in out
    code, out, _ = run("--store", lead_url, "access", "list", x)
    assert code == 0
    assert [line.split()[:2] for line in out.splitlines()] == [
        [_name(lead_url), "lead"],
        [tom, "rater"],
    ]
    code, out, _ = run("--store", lead_url, "access", "revoke", x, tom)
    assert code == 0 and out == f"{tom} holds no role in engagement {x} any more\n"
    assert x not in run("--store", tom_url, "store", "list")[1]


def test_bad_input_is_one_line_and_exit_2(run: Run, admin_url: str, lead_url: str, x: str) -> None:
    tom_url = _user(run, admin_url, "tom")
    tom = _name(tom_url)
    code, _, err = run("--store", lead_url, "access", "grant", x, "nobody_at_all", "rater")
    assert "no Tenfold user named nobody_at_all" in _one_line_error(code, err)
    code, _, err = run("--store", lead_url, "access", "grant", x, tom, "boss")
    assert "'boss': not a role; a role is one of lead, rater, stakeholder" in _one_line_error(
        code, err
    )
    run("--store", lead_url, "access", "grant", x, tom, "rater")
    for args in (("grant", x, tom, "lead"), ("revoke", x, _name(lead_url)), ("list", x)):
        code, _, err = run("--store", tom_url, "access", *args)
        assert f"only the lead of engagement {x}" in _one_line_error(code, err)
    code, _, err = run("--store", lead_url, "access", "revoke", x, _name(lead_url))
    assert "would have no lead" in _one_line_error(code, err)
    code, _, err = run("access", "list", x)
    assert "roles live in a PostgreSQL store" in _one_line_error(code, err)


def test_no_access_reads_exactly_as_no_such_engagement(
    run: Run, admin_url: str, lead_url: str, x: str
) -> None:
    carol_url = _user(run, admin_url, "carol")
    for args in (("access", "list"), ("access", "revoke"), ("score",)):
        extra = ("someone",) if args[-1] == "revoke" else ()
        code, _, hidden = run("--store", carol_url, *args, x, *extra)
        code2, _, missing = run("--store", carol_url, *args, "0123456789ab", *extra)
        assert _one_line_error(code, hidden).replace(x, "ID") == _one_line_error(
            code2, missing
        ).replace("0123456789ab", "ID")
        assert "Harbourline" not in hidden
    code, _, hidden = run("--store", carol_url, "access", "grant", x, _name(carol_url), "lead")
    assert "no engagement with id" in _one_line_error(code, hidden)


def test_findings_added_signed_in_are_credited_to_the_user(
    run: Run, admin_url: str, lead_url: str, x: str, tmp_path: Path
) -> None:
    tom_url = _user(run, admin_url, "tom")
    tom = _name(tom_url)
    run("--store", lead_url, "access", "grant", x, tom, "rater")
    code, _, err = run(
        "--store", tom_url, "add", x, "--factor", "sponsorship", "--level", "1",
        "--evidence", "No sponsor at the review",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(
        "--store", tom_url, "add", x, "--factor", "sponsorship", "--level", "4",
        "--evidence", "Someone else's view", "--rater", "Maya Okafor",
    )  # fmt: skip
    assert "may not write findings credited to someone else" in _one_line_error(code, err)
    out_file = tmp_path / "pulled.json"
    assert run("--store", tom_url, "store", "pull", x, "-o", str(out_file))[0] == 0
    import json

    pulled = json.loads(out_file.read_text(encoding="utf-8"))
    mine = [f for f in pulled["findings"] if f["evidence"] == "No sponsor at the review"]
    assert [f["rater"] for f in mine] == [tom]
    assert pulled["changes"][-1]["by"] == tom


def test_a_stakeholder_cannot_add_and_a_rater_cannot_ask_for_the_whole_panel(
    run: Run, admin_url: str, lead_url: str, x: str
) -> None:
    sam_url, tom_url = _user(run, admin_url, "sam"), _user(run, admin_url, "tom")
    run("--store", lead_url, "access", "grant", x, _name(sam_url), "stakeholder")
    run("--store", lead_url, "access", "grant", x, _name(tom_url), "rater")
    code, _, err = run(
        "--store", sam_url, "add", x, "--factor", "sponsorship", "--level", "1", "--evidence", "x"
    )
    assert "may not add findings as its stakeholder" in _one_line_error(code, err)
    code, _, err = run("--store", tom_url, "score", x, "--whole-panel")
    assert "only the engagement's lead may ask" in _one_line_error(code, err)
    code, _, err = run("--store", tom_url, "score", x, "--rater", "Maya Okafor")
    assert f"signed in to the store as {_name(tom_url)}" in _one_line_error(code, err)
    assert run("--store", lead_url, "score", x, "--whole-panel")[0] == 0


def test_only_the_lead_imports_the_staff_survey_and_a_rater_cannot_write_it_around_the_cli(
    run: Run, admin_url: str, lead_url: str, x: str
) -> None:
    from toolkit.stores import open_store
    from toolkit.survey import import_survey, survey_from_bytes

    pulse = Path(__file__).parent / "browser" / "data" / "harbourline-staff-pulse.csv"
    tom_url = _user(run, admin_url, "tom")
    run("--store", lead_url, "access", "grant", x, _name(tom_url), "rater")
    code, _, err = run("--store", tom_url, "survey", "import", x, str(pulse))
    assert "only the engagement's lead" in _one_line_error(code, err)
    assert "may import the staff survey" in err
    found = survey_from_bytes(pulse.read_bytes(), pulse.name)
    with open_store(tom_url) as tom, pytest.raises(Exception, match="only the engagement's lead"):
        tom.apply(x, import_survey(found.survey, source=pulse.name, by=_name(tom_url)))
    code, out, err = run("--store", lead_url, "survey", "import", x, str(pulse))
    assert code == 0, err
    assert "12 responses" in out
    with open_store(lead_url) as lead:
        saved = lead.load(x).engagement
    assert saved.survey is not None and saved.changes[-1].by == _name(lead_url)
