"""Assessment cycles: a client assessed three times with the tenfold command, on every store.

The next cycle carries the targets, the not-applicable factors, the team and the open actions,
and nothing else; each surface compares with exactly the cycle it was started from, found by id
through the Store interface, whatever else the store holds; only moves beyond the raters' spread
are called moves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_run import Run

from toolkit import access, changes
from toolkit.cycles import history, next_cycle, team_of
from toolkit.errors import EngagementError
from toolkit.findings import Engagement
from toolkit.framework import default_framework_path
from toolkit.moves import factor_moves, trend_table
from toolkit.scoring import score_engagement
from toolkit.store import load_engagement, update_engagement
from toolkit.stores import Store, open_store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        yield opened


def _id(out: str) -> str:
    found = re.search(r"\(id (\w+)\)", out)
    assert found, out
    return found.group(1)


def _action_id(out: str) -> str:
    found = re.search(r"added action (\w+)", out)
    assert found, out
    return found.group(1)


class Client:
    """The tenfold command on one store, for one client."""

    def __init__(self, run: Run, url: str) -> None:
        self.run, self.url = run, url

    def ok(self, *args: str) -> str:
        code, out, err = self.run("--store", self.url, *args)
        assert code == 0, err
        return out

    def new(self, *args: str) -> str:
        return _id(self.ok("new", *args))

    def rate(self, ref: str, factor: str, levels: dict[str, int]) -> None:
        for rater, level in levels.items():
            self.ok(
                "add",
                ref,
                "--factor",
                factor,
                "--level",
                str(level),
                "--evidence",
                f"{rater} saw level {level} in {factor}",
                "--rater",
                rater,
            )

    def action(self, ref: str, *args: str) -> str:
        return _action_id(self.ok("action", "add", ref, *args))


def test_a_three_cycle_client_carries_exactly_the_plan_and_settings(
    run: Run, store_url: str, store: Store
) -> None:
    acme = Client(run, store_url)
    # -- cycle 1, January: two raters, targets, a factor out of scope, a consensus, a plan
    first = acme.new("--client", "Acme Care", "--lead", "Ana Lima", "--date", "2026-01-15")
    acme.rate(first, "purpose", {"Ana Lima": 1, "Bo Chen": 1})
    acme.rate(first, "sponsorship", {"Ana Lima": 2, "Bo Chen": 2})
    acme.rate(first, "main_metric", {"Ana Lima": 1, "Bo Chen": 3})
    store.apply(first, changes.set_target("purpose", 3))
    store.apply(first, changes.set_target("sponsorship", 4))
    store.apply(first, changes.set_not_applicable("composure", True))
    store.apply(first, changes.set_override("main_metric", 2, reason="Agreed in the debrief"))
    planned = acme.action(
        first, "--factor", "purpose", "--owner", "Dana Reyes", "--due", "2026-04-30",
        "--from-remedy", "1", "--aim", "2",
    )  # fmt: skip
    going = acme.action(
        first, "--factor", "Executive sponsorship", "--what", "Name a sponsor",
        "--owner", "Eli Park", "--due", "2026-03-31", "--status", "in progress",
    )  # fmt: skip
    done = acme.action(
        first, "--factor", "main_metric", "--what", "Agree one metric", "--owner", "Dana Reyes",
        "--due", "2026-02-28",
    )  # fmt: skip
    acme.ok("action", "set", first, done, "--status", "done")
    dropped = acme.action(
        first, "--factor", "purpose", "--what", "Posters", "--owner", "Eli Park",
        "--due", "2026-02-01", "--status", "dropped",
    )  # fmt: skip

    # -- cycle 2, July, started from January
    out = acme.ok("new", "--from", first, "--date", "2026-07-15")
    second = _id(out)
    assert "2 open actions carried" in out
    one = store.load(first).engagement
    two = store.load(second).engagement
    assert two.previous == one.id == first
    assert (two.client, two.lead, two.title) == (one.client, one.lead, one.title)
    assert two.targets == {"purpose": 3, "sponsorship": 4}
    assert two.not_applicable == ("composure",)
    assert two.team == ("Ana Lima", "Bo Chen")
    assert [a.id for a in two.actions] == [planned, going]
    assert all(a.opened_in == first and a.opened_on == one.date for a in two.actions)
    assert two.actions == tuple(a for a in one.actions if a.id in (planned, going))
    assert two.actions[0].remedy is not None and two.actions[0].aim == 2
    # fresh evidence: no findings, no consensus, no notes, one log entry saying what came over
    assert (two.findings, two.overrides, two.notes) == ((), {}, "")
    assert [c.kind for c in two.changes] == ["cycle started"]
    assert done not in {a.id for a in two.actions} and dropped not in {a.id for a in two.actions}
    # the previous cycle is untouched
    assert store.load(first).engagement == one

    acme.rate(second, "purpose", {"Ana Lima": 3, "Bo Chen": 3})  # 1 -> 3: beyond the spread
    acme.rate(second, "sponsorship", {"Ana Lima": 2, "Bo Chen": 3})  # 2 -> 2.5: inside it
    acme.rate(second, "main_metric", {"Ana Lima": 2, "Bo Chen": 2})  # 2 -> 2: steady
    acme.ok("action", "set", second, planned, "--status", "done")
    later = acme.action(
        second, "--factor", "sponsorship", "--what", "Quarterly service review",
        "--owner", "Eli Park", "--due", "2026-10-31",
    )  # fmt: skip

    # -- beside them: an unlinked assessment of the same client between the two, a newer one,
    # and another client's; none of them may be compared with the linked cycles
    stray = acme.new("--client", "Acme Care", "--lead", "Cy Dale", "--date", "2026-05-01")
    acme.rate(stray, "purpose", {"Cy Dale": 0})
    acme.new("--client", "Acme Care", "--lead", "Cy Dale", "--date", "2027-06-01")
    acme.new("--client", "Borealis Ltd", "--lead", "Ana Lima", "--date", "2026-06-01")

    two = store.load(second).engagement
    found = history(store, two, reader=_whole(two))
    assert found.how == "linked" and [c.id for c in found.cycles] == [first]
    moves = factor_moves(score_engagement(two), score_engagement(found.cycles[-1]))
    assert moves.loc["purpose", "verdict"] == "up" and moves.loc["purpose", "moved"]
    assert moves.loc["sponsorship", "verdict"] == "within"
    assert moves.loc["main_metric", "verdict"] == "steady"
    assert moves.loc["composure", "verdict"] == "not scored"  # not assessed in either
    assert list(moves.index[moves["moved"]]) == ["purpose"]

    # -- cycle 3, January 2027: carries the one still open from January and July's new one
    third = acme.new("--from", second, "--date", "2027-01-15", "--team", "Ana Lima")
    three = store.load(third).engagement
    assert three.previous == second
    assert [(a.id, a.opened_in) for a in three.actions] == [(going, first), (later, second)]
    assert three.team == ("Ana Lima",)
    acme.rate(third, "purpose", {"Ana Lima": 4})
    three = store.load(third).engagement
    chain = history(store, three, reader=_whole(three))
    assert [c.id for c in chain.cycles] == [first, second]
    trend = trend_table([*chain.cycles, three])
    assert list(trend.columns) == ["label", "2026-01-15", "2026-07-15", "2027-01-15"]
    scored = trend.drop(columns="label")
    assert list(scored.loc["purpose"]) == [1.0, 3.0, 4.0]
    assert scored.loc["composure"].isna().all()

    # the plan in a terminal: the carried action names the cycle it was opened in
    listed = acme.ok("action", "list", third)
    assert "Name a sponsor" in listed and "opened 2026-01-15" in listed
    assert "2 actions, 2 open" in listed


def _whole(e: Engagement) -> access.Reader:
    """The lead reading the whole panel."""
    return access.Reader(e.lead, True)


def test_the_report_compares_with_the_linked_cycle_not_a_newer_file(
    run: Run, folder: Path, tmp_path: Path
) -> None:
    # In the sample folder: the November assessment links to May; a copy of November dated in
    # December (unlinked) and another client's later file lie beside them.
    acme = Client(run, str(folder))
    november = "harbourline-2026-11.json"
    later = acme.new(
        "--from", november, "--date", "2026-12-10", "--title", "Service management, December"
    )
    code, out, err = run("report", str(folder / november), "-o", str(tmp_path / "r.html"))
    assert code == 0, err
    assert "Compared with the previous assessment, of 14 May 2026" in out
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "What moved since 14 May 2026" in page
    assert "beyond the raters" in page
    # the December cycle compares with November, which it was started from
    store = open_store(str(folder))
    december = store.load(later).engagement
    assert history(store, december).previous is not None
    assert history(store, december).previous.id == store.load(november).engagement.id  # type: ignore[union-attr]


def test_an_unlinked_assessment_is_compared_with_a_guess_that_says_so(folder: Path) -> None:
    store = open_store(str(folder))
    november = store.load("harbourline-2026-11.json").engagement
    unlinked = november.model_copy(update={"previous": None})
    found = history(store, unlinked)
    assert found.how == "guessed" and found.previous is not None
    assert found.previous.date.isoformat() == "2026-05-14"
    assert "does not name the one it follows" in found.note
    assert history(store, unlinked, guess=False).previous is None


def test_a_link_to_an_engagement_not_in_the_store_compares_with_nothing(folder: Path) -> None:
    store = open_store(str(folder))
    november = store.load("harbourline-2026-11.json").engagement
    orphan = november.model_copy(update={"previous": "0123456789ab"})
    found = history(store, orphan)
    assert found.how == "missing" and found.cycles == ()
    assert "0123456789ab" in found.note and "nothing is compared" in found.note


def test_a_cycle_in_a_blind_rating_is_not_compared(folder: Path) -> None:
    store = open_store(str(folder))
    may = store.load("harbourline-2026-05.json")
    store.apply(may.ref, changes.set_phase("independent", by=may.engagement.lead))
    november = store.load("harbourline-2026-11.json").engagement
    assert history(store, november).previous is None


# -- bad input: one line naming the field, exit 2, nothing written -------------------------------
@pytest.fixture
def acme(run: Run, tmp_path: Path) -> Path:
    path = tmp_path / "acme.json"
    code, _, err = run(
        "new", str(path), "--client", "Acme Care", "--lead", "Ana Lima", "--date", "2026-01-15"
    )
    assert code == 0, err
    return path


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        (["--owner", '=HYPERLINK("http://x")'], "--owner", "as a spreadsheet formula does"),
        (["--owner", "   "], "--owner", "is empty"),
        (["--owner", "Ana\x07Lima"], "--owner", "control"),
        (["--due", "2026-02-30"], "--due", "is not a date"),
        (["--due", "next week"], "--due", "is not a date"),
        (["--due", "2025-12-31"], "due", "before the engagement's date"),
        (["--factor", "composure"], "factor", "not applicable"),
        (["--factor", "morale"], "--factor", "unknown factor"),
        (["--aim", "7"], "--aim", "outside 0-4"),
        (["--status", "finished"], "--status", "is not one of"),
        (["--from-remedy", "99"], "--from-remedy", "is not one of them"),
    ],
)
def test_a_bad_action_is_refused_naming_the_field(
    run: Run, acme: Path, args: list[str], field: str, words: str
) -> None:
    update_engagement(acme, changes.set_not_applicable("composure", True))
    before = acme.read_bytes()
    base = {"--factor": "purpose", "--what": "Map the journeys", "--owner": "Dana Reyes"}
    base["--due"] = "2026-03-31"
    options = dict(base)
    for key, value in zip(args[::2], args[1::2], strict=True):
        options[key] = value
    flat = [item for pair in options.items() for item in pair]
    code, out, err = run("action", "add", str(acme), *flat)
    assert code == 2 and out == ""
    line = err.strip()
    assert "\n" not in line and "Traceback" not in line
    assert field in line and words in line, line
    assert acme.read_bytes() == before


def test_a_bad_status_change_is_refused_and_the_file_kept(run: Run, acme: Path) -> None:
    code, out, _ = run(
        "action", "add", str(acme), "--factor", "purpose", "--what", "Map the journeys",
        "--owner", "Dana Reyes", "--due", "2026-03-31",
    )  # fmt: skip
    aid = _action_id(out)
    before = acme.read_bytes()
    for args, words in (
        (["--status", "finished"], "--status"),
        (["--due", "2025-01-01"], "due: 2025-01-01 is before"),
        (["--owner", "@admin"], "--owner"),
    ):
        code, _, err = run("action", "set", str(acme), aid, *args)
        assert code == 2 and words in err, err
    code, _, err = run("action", "set", str(acme), "nosuchaction", "--status", "done")
    assert code == 2 and "nosuchaction" in err
    assert acme.read_bytes() == before


def test_from_a_file_of_another_framework_is_refused(run: Run, acme: Path, tmp_path: Path) -> None:
    bundled = default_framework_path()
    other = tmp_path / "other.toml"
    other.write_text(
        bundled.read_text(encoding="utf-8").replace('id = "tenfold"', 'id = "other"', 1),
        encoding="utf-8",
    )
    out_path = tmp_path / "next.json"
    code, _, err = run(
        "--framework", str(other), "new", str(out_path), "--from", str(acme),
        "--date", "2026-07-01",
    )  # fmt: skip
    assert code == 2 and "framework" in err and "'tenfold'" in err and "'other'" in err, err
    assert not out_path.exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--date", "2026-01-15"], "date: 2026-01-15 is not after"),
        (["--date", "2026-07-01", "--client", "Borealis"], "--client"),
        (["--date", "2026-07-01", "--team", "=cmd|' /C calc'!A0"], "team"),
        (["--date", "2026-07-01", "--lead", ""], "lead"),
    ],
)
def test_a_bad_next_cycle_is_refused_and_nothing_written(
    run: Run, acme: Path, tmp_path: Path, args: list[str], words: str
) -> None:
    out_path = tmp_path / "next.json"
    code, _, err = run("new", str(out_path), "--from", str(acme), *args)
    assert code == 2 and words in err, err
    assert "Traceback" not in err
    assert not out_path.exists()


def test_from_an_engagement_in_a_blind_rating_is_refused(acme: Path) -> None:
    update_engagement(acme, changes.set_phase("independent", by="Ana Lima"))
    with pytest.raises(EngagementError, match="blind rating"):
        next_cycle(load_engagement(acme))


def test_the_team_is_the_lead_the_team_and_every_rater_once() -> None:
    e = Engagement.new(client="Acme", lead="Ana Lima").model_copy(update={"team": ("bo chen",)})
    _, add = changes.add_finding(factor="purpose", level=2, evidence="x", rater="Bo  Chen")
    _, add2 = changes.add_finding(factor="purpose", level=2, evidence="y", rater="Cy Dale")
    e = add2(add(e))
    assert team_of(e) == ("Ana Lima", "bo chen", "Cy Dale")
