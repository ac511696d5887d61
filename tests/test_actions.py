"""The action plan: logged and undone like findings, hidden from raters during a blind rating,
anonymised in a share, and exported for a ticket tracker with every text cell guarded."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from toolkit import access, changes
from toolkit.action_export import TRACKER_COLUMNS, export_actions, tracker_rows
from toolkit.action_plan import actions_frame
from toolkit.errors import EngagementError
from toolkit.findings import Engagement
from toolkit.framework import Framework
from toolkit.report import report_bytes
from toolkit.share import shared_copy
from toolkit.store import engagement_to_json, load_engagement

DAY = dt.date(2026, 1, 15)
HOSTILE = '=HYPERLINK("http://evil.example","click")'


def _plan(framework: Framework) -> tuple[Engagement, list[str]]:
    e = Engagement.new(client="Acme Care", lead="Ana Lima", date=DAY, framework=framework)
    _, add = changes.add_finding(factor="purpose", level=1, evidence="No map", rater="Bo Chen")
    e = add(e)
    ids = []
    for kwargs in (
        {"factor": "purpose", "what": HOSTILE, "owner": "Dana Reyes", "due": "2026-02-01"},
        {"factor": "sponsorship", "what": None, "remedy": 1, "owner": "Bo Chen", "due": DAY},
        {"factor": "main_metric", "what": "+1 metric", "owner": "Eli Park", "due": "2026-12-31"},
    ):
        aid, change = changes.add_action(framework=framework, **kwargs)
        e = change(e)
        ids.append(aid)
    return e, ids


def test_actions_are_logged_and_undone_like_findings(framework: Framework) -> None:
    e, (a, b, c) = _plan(framework)
    assert [x.id for x in e.actions] == [a, b, c]
    remedy = e.action(b).remedy
    assert remedy is not None and e.action(b).what == remedy.text
    e = changes.update_action(b, status="in progress", framework=framework)(e)
    e = changes.update_action(b, owner="Cy Dale", framework=framework)(e)
    e = changes.remove_action(a, framework=framework)(e)
    log = e.changes[-3:]
    assert [x.kind for x in log] == ["action changed", "action changed", "action deleted"]
    assert "marked in progress" in log[0].summary and "handed to Cy Dale" in log[1].summary
    # undo puts the deleted one back in its place, then the owner back
    e = changes.undo(log[2].id)(e)
    assert [x.id for x in e.actions] == [a, b, c]
    e = changes.undo(log[1].id)(e)
    assert e.action(b).owner == "Bo Chen" and e.action(b).status == "in progress"
    # a change since makes an older undo a conflict, not a silent overwrite
    e = changes.update_action(b, due=dt.date(2026, 3, 1), framework=framework)(e)
    with pytest.raises(EngagementError, match="cannot undo"):
        changes.undo(log[0].id)(e)
    # the file keeps the plan exactly
    assert load_engagement_text(engagement_to_json(e)).actions == e.actions


def load_engagement_text(text: str) -> Engagement:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "e.json"
        path.write_text(text, encoding="utf-8")
        return load_engagement(path)


def test_the_plan_is_the_leads_during_a_blind_rating(framework: Framework) -> None:
    e, (a, _, _) = _plan(framework)
    e = changes.set_phase("independent", by="Ana Lima")(e)
    with pytest.raises(EngagementError, match="only Ana Lima can change it"):
        changes.update_action(a, status="done", by="Bo Chen")(e)
    with pytest.raises(EngagementError, match="only Ana Lima"):
        changes.add_action(factor="purpose", what="x", owner="Bo Chen", due=DAY, by="Bo Chen")[1](e)
    # a rater reads no action and no log entry of one; the lead, the whole panel, reads all
    seen = access.seen(e, access.Reader("Bo Chen"))
    assert seen.actions == ()
    assert not [x for x in seen.changes if x.kind.startswith("action")]
    assert access.seen(e, access.Reader("Ana Lima", True)).actions == e.actions
    assert changes.update_action(a, status="done", by="Ana Lima")(e).action(a).status == "done"


def test_a_share_gives_team_owners_their_alias_and_keeps_client_owners(
    framework: Framework,
) -> None:
    e, _ = _plan(framework)
    copy = shared_copy(e, anonymise_raters=True)
    owners = [a.owner for a in copy.actions]
    assert "Bo Chen" not in owners and "Dana Reyes" in owners and "Eli Park" in owners
    assert "Bo Chen" not in engagement_to_json(copy)


def test_the_tracker_csv_has_the_columns_and_no_formula(framework: Framework) -> None:
    e, (a, _, c) = _plan(framework)
    e = changes.update_action(c, status="done", framework=framework)(e)
    rows = tracker_rows(e, framework=framework, today=dt.date(2026, 6, 1))
    assert tuple(rows[0]) == TRACKER_COLUMNS
    by_summary = {r[0]: r for r in rows[1:]}
    hostile = by_summary["'" + HOSTILE]  # shown as text, not run
    assert hostile[2] == "Dana Reyes" and hostile[3] == "2026-02-01"
    assert hostile[4:7] == ["tenfold", "acme-care", "purpose"] and hostile[7] == "planned"
    assert "(overdue)" in hostile[1] and f"Tenfold action {a}" in hostile[1]
    assert by_summary["'+1 metric"][7] == "done"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
    only_open = tracker_rows(e, framework=framework, only_open=True)
    assert len(only_open) == 3


def test_export_writes_csv_and_xlsx_whole(framework: Framework, tmp_path: Path) -> None:
    e, _ = _plan(framework)
    out = export_actions(e, tmp_path / "actions.csv", framework=framework)
    parsed = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(parsed) == 4 and parsed[0][0] == "Summary"
    book = load_workbook(export_actions(e, tmp_path / "actions.xlsx", framework=framework))
    sheet = book["Action plan"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'" + HOSTILE in values and HOSTILE not in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values), (
        "a cell would run as a formula"
    )
    assert any(isinstance(v, dt.datetime | dt.date) for v in values)  # due dates as dates
    with pytest.raises(Exception, match=r"use \.csv or \.xlsx"):
        export_actions(e, tmp_path / "actions.txt", framework=framework)
    assert not (tmp_path / "actions.txt").exists()


def test_the_report_lists_the_plan_with_overdue_marks(framework: Framework) -> None:
    e, _ = _plan(framework)
    page = report_bytes(e, "html", framework=framework).decode("utf-8")
    assert "Action plan" in page and "Dana Reyes" in page
    assert "overdue" in page
    assert HOSTILE not in page  # escaped, never raw markup
    frame = actions_frame(e.actions, today=dt.date(2026, 6, 1))
    assert frame["overdue"].tolist() == [True, True, False]


def test_the_workbook_has_the_action_plan_sheet(framework: Framework, tmp_path: Path) -> None:
    e, _ = _plan(framework)
    path = tmp_path / "r.xlsx"
    path.write_bytes(report_bytes(e, "xlsx", framework=framework))
    book = load_workbook(path)
    assert "Action plan" in book.sheetnames
    texts = [c.value for row in book["Action plan"].iter_rows() for c in row]
    assert "Dana Reyes" in texts and "'" + HOSTILE in texts


def test_the_sample_reads_at_schema_5_and_links_to_may(sample_path: Path) -> None:
    november = load_engagement(sample_path)
    assert november.previous is not None and november.actions == ()


@pytest.mark.slow
def test_the_deck_has_the_action_plan_slide_with_owners(framework: Framework) -> None:
    from pptx import Presentation

    e, _ = _plan(framework)
    deck = Presentation(io.BytesIO(report_bytes(e, "pptx", framework=framework)))
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert "Action plan" in titles and not any(t.startswith("What moved") for t in titles)
    plan = deck.slides[titles.index("Action plan")]
    cells = [
        cell.text
        for shape in plan.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]
    assert "Dana Reyes" in cells and HOSTILE in cells  # slide text is literal, not a formula
    assert any("overdue" in c for c in cells)
