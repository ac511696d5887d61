"""The action plan on the consultant's page and "New from this one", without a browser: what the
kernel saves, refuses, undoes and hears from a colleague; and the viewer's trend."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from cli_run import Run

from toolkit import EngagementError, load_engagement
from toolkit import changes as ch
from toolkit.access import AccessError, Reader, plan_refusal
from toolkit.cycles import next_cycle
from toolkit.dashboard.assessment.actions_panel import (
    action_rows,
    save_action,
    set_action_status,
)
from toolkit.dashboard.assessment.app import AssessmentApp
from toolkit.dashboard.assessment.next_cycle import start_from_open
from toolkit.dashboard.assessment.session import AssessmentSession
from toolkit.dashboard.viewer.session import ViewerSession
from toolkit.dashboard.viewer.text import panel_html, trend_html
from toolkit.dashboard.widgets.action_form import ActionDraft
from toolkit.findings import Engagement
from toolkit.framework import Framework
from toolkit.report import report_bytes
from toolkit.store import save_engagement

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"
MAY = ROOT / "engagements" / "harbourline-2026-05.json"
DUE = (dt.date.today() + dt.timedelta(days=90)).isoformat()


def _from_remedy(framework: Framework, factor: str = "purpose") -> ActionDraft:
    """What the form sends after "Make an action" beside remedy 1, an owner and a date."""
    text = framework.factor(factor).remedies[0]
    return ActionDraft(factor=factor, what=text, owner="Ravi Patel", due=DUE, remedy=1, aim=3)


def test_a_remedy_becomes_an_action_saved_logged_and_listed(
    session: AssessmentSession, folder: Path, framework: Framework
) -> None:
    aid, _update = save_action(session, _from_remedy(framework))
    saved = load_engagement(folder / SAMPLE.name).action(aid)
    assert (saved.owner, saved.due.isoformat(), saved.status, saved.aim) == (
        "Ravi Patel",
        DUE,
        "planned",
        3,
    )
    assert saved.remedy is not None and saved.remedy.number == 1
    assert saved.what == framework.factor("purpose").remedies[0]
    [row] = action_rows(session, "purpose")
    assert (row["id"], row["owner"], row["remedy"], row["carried"]) == (
        aid,
        "Ravi Patel",
        1,
        "",
    )
    assert action_rows(session, "composure") == []
    assert "Action added" in session.view.message


def test_status_moves_are_logged_and_undo_takes_the_last_back(
    session: AssessmentSession, folder: Path, framework: Framework
) -> None:
    aid, _ = save_action(session, _from_remedy(framework))
    set_action_status(session, aid, "in progress")
    set_action_status(session, aid, "done")
    on_disk = load_engagement(folder / SAMPLE.name)
    assert on_disk.action(aid).status == "done"
    kinds = [c.kind for c in on_disk.changes[-3:]]
    assert kinds == ["action added", "action changed", "action changed"]
    entry, _ = session.undo()
    assert "marked done" in entry.summary
    assert load_engagement(folder / SAMPLE.name).action(aid).status == "in progress"


def test_an_edit_changes_owner_and_date_and_keeps_the_remedy(
    session: AssessmentSession, folder: Path, framework: Framework
) -> None:
    aid, _ = save_action(session, _from_remedy(framework))
    later = (dt.date.today() + dt.timedelta(days=200)).isoformat()
    save_action(
        session,
        ActionDraft(
            factor="purpose", what="Publish it", owner="Ana Lima", due=later, aim=None, id=aid
        ),
    )
    now = load_engagement(folder / SAMPLE.name).action(aid)
    assert (now.what, now.owner, now.due.isoformat(), now.aim) == (
        "Publish it",
        "Ana Lima",
        later,
        None,
    )
    assert now.remedy is not None and now.remedy.number == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"due": "31/12/2027"}, "due"),
        ({"due": "2020-01-01"}, "due"),
        ({"owner": "=HYPERLINK(1)"}, "owner"),
        ({"owner": "   "}, "owner"),
        ({"factor": "cx_executive"}, "factor"),  # not applicable to this client
        ({"status": "finished"}, "status"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_written(
    session: AssessmentSession,
    folder: Path,
    framework: Framework,
    change: dict[str, str],
    field: str,
) -> None:
    before = (folder / SAMPLE.name).read_bytes()
    fields = {**_from_remedy(framework).__dict__, "remedy": None, **change}
    with pytest.raises(EngagementError, match=rf"^{field}\b|{field}:"):
        save_action(session, ActionDraft(**fields))
    assert (folder / SAMPLE.name).read_bytes() == before


def test_during_a_blind_rating_only_the_lead_changes_the_plan(
    session: AssessmentSession, folder: Path, framework: Framework
) -> None:
    aid, _ = save_action(session, _from_remedy(framework))
    session.set_phase("independent")
    session.set_rater("Ines Duarte")
    assert action_rows(session, "purpose") == []  # a rater does not see the plan
    before = (folder / SAMPLE.name).read_bytes()
    with pytest.raises(AccessError, match="only Maya Okafor"):
        set_action_status(session, aid, "done")
    with pytest.raises(AccessError):
        save_action(session, _from_remedy(framework))
    assert (folder / SAMPLE.name).read_bytes() == before
    session.set_rater("")  # the lead
    set_action_status(session, aid, "done")
    assert load_engagement(folder / SAMPLE.name).action(aid).status == "done"


def test_the_plan_rule_reads_roles_where_people_sign_in() -> None:
    e = load_engagement(SAMPLE)
    assert plan_refusal(e, Reader("someone", role="lead")) is None
    assert "stakeholder" in (plan_refusal(e, Reader("sam", role="stakeholder")) or "")
    assert "lead's" in (plan_refusal(e, Reader("ines", role="rater")) or "")
    assert plan_refusal(e, Reader("anyone")) is None  # a laptop: nothing refused outside a blind


def test_a_colleague_sees_the_action_and_its_status(
    session: AssessmentSession, folder: Path, framework: Framework
) -> None:
    other = AssessmentSession(framework, folder)
    other.open(SAMPLE.name)
    aid, _ = save_action(session, _from_remedy(framework))
    update = other.poll()
    assert update is not None and [c.kind for c in update.others] == ["action added"]
    assert [r["id"] for r in action_rows(other, "purpose")] == [aid]
    set_action_status(session, aid, "done")
    other.poll()
    assert action_rows(other, "purpose")[0]["status"] == "done"


def test_the_page_form_saves_through_the_kernel_and_answers(
    folder: Path, framework: Framework
) -> None:
    app = AssessmentApp(folder, framework=framework, open=SAMPLE.name)
    sent: list[Any] = []
    app.actions.form.send = sent.append
    app.act(lambda: app.session.select("purpose"))
    form = app.actions.form
    assert form.factor == "purpose" and form.remedies == list(framework.factor("purpose").remedies)
    assert form.refusal == ""
    form.handle(
        {"op": "save", "seq": 1, "id": None, "factor": "purpose", "what": "Write it down",
         "owner": "Ravi Patel", "due": DUE, "status": "planned", "aim": "3", "remedy": 1}
    )  # fmt: skip
    assert sent[-1]["op"] == "saved" and [a["owner"] for a in form.actions] == ["Ravi Patel"]
    aid = form.actions[0]["id"]
    form.handle({"op": "status", "seq": 2, "id": aid, "status": "done"})
    assert sent[-1] == {"op": "saved", "seq": 2, "id": aid}
    assert form.actions[0]["status"] == "done"
    form.handle({"op": "save", "seq": 3, "id": None, "factor": "purpose", "what": "x",
                 "owner": "Ravi", "due": "soon", "status": "planned"})  # fmt: skip
    assert sent[-1]["op"] == "rejected" and "due" in sent[-1]["message"]
    assert "not saved" in app.message_text.lower()


def test_new_from_this_one_carries_the_plan_and_links_the_previous(
    session: AssessmentSession, folder: Path, framework: Framework, run: Run
) -> None:
    open_id, _ = save_action(session, _from_remedy(framework))
    done_id, _ = save_action(session, _from_remedy(framework, "composure"))
    set_action_status(session, done_id, "done")
    previous = session.engagement
    assert previous is not None
    ref, _ = start_from_open(session)
    assert session.ref == ref != SAMPLE.name
    new = load_engagement(folder / ref)
    assert new.previous == previous.id
    assert [a.id for a in new.actions] == [open_id]
    assert new.findings == () and new.overrides == {}
    assert new.targets == previous.targets and new.not_applicable == previous.not_applicable
    assert session.previous is not None and session.previous.id == previous.id
    message = session.view.message
    assert "10 targets" in message and "1 open action" in message and "1 factor" in message
    [row] = action_rows(session, "purpose")
    assert row["carried"].startswith("carried from 16 Nov 2026")
    # The page lists an action with the fields `tenfold action list --format json` gives it,
    # under the same names, and the line it shows for a carried action:
    code, out, err = run("action", "list", str(folder / ref), "--format", "json")
    assert code == 0, err
    [listed] = json.loads(out)
    assert listed["remedy"] == 1 and listed["opened_in"] == previous.id
    assert row == {**listed, "carried": row["carried"]}


def test_new_from_an_engagement_dated_today_is_refused_with_nothing_written(
    folder: Path, framework: Framework
) -> None:
    today = Engagement.new(client="Acme", title="Diagnostic", lead="Ana Lima", framework=framework)
    save_engagement(today, folder / "acme.json")
    s = AssessmentSession(framework, folder)
    s.open("acme.json")
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(EngagementError, match="date"):
        start_from_open(s)
    assert sorted(p.name for p in folder.iterdir()) == before
    assert s.ref == "acme.json"


def test_the_viewer_draws_each_factors_trend_over_three_cycles(
    folder: Path, framework: Framework
) -> None:
    latest = load_engagement(folder / SAMPLE.name)
    third = next_cycle(latest, framework=framework, date=dt.date(2027, 5, 10))
    _fid, add = ch.add_finding(
        factor="purpose", level=4, evidence="Written and used", rater="Maya Okafor"
    )
    save_engagement(add(third), folder / "harbourline-2027-05.json")
    viewer = ViewerSession(framework, folder)
    shown = viewer.open("harbourline-2027-05.json")
    content = shown.content
    assert content.trend is not None and len(content.trend.dates) == 3
    section = next(s for s in content.sections if s.factor == "purpose")
    line = trend_html(content, section)
    assert "Trend over 3 assessments, 14 May 2026 to 10 May 2027" in line
    assert line.count("→") == 2 and ">4.0<" in line
    assert 'aria-label="Trend' in panel_html(content, section, open=True, nonce=1)
    # The report the page downloads compares as the page does: the trend over the three too.
    engagement = viewer.report_engagement()
    assert engagement is not None
    report = report_bytes(engagement, "html", previous=viewer.report_previous())
    assert b"Trend over 3 assessments" in report or b"Trend, 14 May 2026 to 10 May 2027" in report
    # Two cycles only: no trend.
    two = ViewerSession(framework, folder).open(SAMPLE.name).content
    assert two.trend is None
    assert trend_html(two, two.sections[0]) == ""
