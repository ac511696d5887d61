"""From diagnosis to change, as a consultant does it in Chromium: on an assessment that follows
an earlier one, two remedies become actions (the remedy's button, the owner typed, a due date
picked, Ctrl+Enter pressed in the text box), one is marked done; *Switch engagement… > New from
this one* starts the next cycle, which carries the open action only and compares with the one
it was started from; the stakeholders' viewer lists the open action with its owner and date, and
its workbook holds both actions.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from browser.screen import shoot

from toolkit import load_engagement
from toolkit.testing import VoilaServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = "harbourline-2026-11.json"  # started from harbourline-2026-05.json
FACTOR = "sponsorship"  # the viewer's priority 1 for this engagement
PLAN = ".tf-plan"
SAVED = "(n) => document.querySelector('.tf-plan').dataset.saved === String(n)"
STATUS = """([what, status]) => [...document.querySelectorAll('.tf-plan-item')]
    .some(li => li.querySelector('.tf-plan-what-text').textContent === what
                && li.dataset.status === status)"""
#: The radar's text: its legend names the series drawn.
RADAR_TEXT = (
    "() => [...document.querySelectorAll('.tf-radar-box svg text')].map(t => t.textContent)"
)


def _add_from_remedy(page: Any, number: int, owner: str, due: dt.date) -> None:
    """Turn remedy ``number`` into an action as a person does: its button, the owner typed, a
    date picked in the date box, Ctrl+Enter in the What box."""
    plan = page.locator(PLAN)
    plan.get_by_role("button", name=f"Make an action of remedy {number}").click()
    owner_box = plan.get_by_label("Owner")
    owner_box.press("Control+a")  # the form keeps the last owner: this one is another
    page.keyboard.type(owner, delay=20)
    assert owner_box.evaluate("e => e === document.activeElement")
    page.keyboard.press("Tab")  # to the due date; Chromium's date box takes the digits in order
    page.keyboard.type(due.strftime("%m%d%Y"), delay=20)
    assert plan.get_by_label("Due").input_value() == due.isoformat()
    plan.get_by_label("What").click()  # the shortcut the form advertises, from the text box
    page.keyboard.press("Control+Enter")


def test_a_remedy_becomes_an_action_carried_into_the_next_cycle_and_shown_to_stakeholders(
    offline_at: Any,
    assessment_server: VoilaServer,
    viewer_server: VoilaServer,
    wait_for_dashboard: Any,
) -> None:
    folder = assessment_server.engagements
    first = load_engagement(folder / NAME)
    browser = offline_at(1366, 768)
    page = browser.new_page()
    page.goto(f"{assessment_server.url}?engagement={NAME}&factor={FACTOR}", timeout=90_000)
    wait_for_dashboard(page)
    plan = page.locator(PLAN)
    plan.scroll_into_view_if_needed()
    assert "Ctrl+Enter saves" in plan.inner_text()
    remedies = plan.locator(".tf-plan-remedy span").all_text_contents()
    assert len(remedies) >= 2

    due = dt.date.today() + dt.timedelta(days=120)
    _add_from_remedy(page, 1, "Ravi Patel", due)
    page.wait_for_function(SAVED, arg=1, timeout=30_000)
    page.wait_for_function(STATUS, arg=[remedies[0], "planned"], timeout=30_000)
    item = plan.locator(".tf-plan-item").filter(has_text=remedies[0])
    assert f"Ravi Patel · due {due.isoformat()} · planned" in item.inner_text()
    _add_from_remedy(page, 2, "Ana Lima", due + dt.timedelta(days=30))
    page.wait_for_function(SAVED, arg=2, timeout=30_000)
    # Opened for editing, an action says which remedy it came from; Esc leaves it as it was.
    ana = plan.locator(".tf-plan-item").filter(has_text="Ana Lima")
    ana.get_by_role("button", name="Edit").click()
    origin = plan.locator(".tf-plan-origin")
    assert origin.inner_text() == "Editing an action. Esc cancels. From remedy 2."
    assert plan.get_by_label("What").evaluate("e => e === document.activeElement")
    page.keyboard.press("Escape")
    assert origin.is_hidden()
    shoot(page, "action-form-1366x768")
    item.get_by_role("button", name="Done").click()
    page.wait_for_function(STATUS, arg=[remedies[0], "done"], timeout=30_000)
    page.wait_for_function(SAVED, arg=3, timeout=30_000)
    page.set_viewport_size({"width": 1024, "height": 768})
    plan.scroll_into_view_if_needed()
    shoot(page, "action-form-1024x768")

    saved = load_engagement(folder / NAME)
    got = sorted((a.owner, a.status, a.remedy.number if a.remedy else 0) for a in saved.actions)
    assert got == [("Ana Lima", "planned", 2), ("Ravi Patel", "done", 1)]
    kinds = [c.kind for c in saved.changes[-3:]]
    assert kinds == ["action added", "action added", "action changed"]
    opened = {a.id for a in saved.actions if a.status == "planned"}

    # The next cycle, from the switcher.
    page.get_by_role("button", name="Switch engagement…").click()
    page.get_by_role("button", name="New from this one").click()
    page.wait_for_selector("text=Started the next assessment of Harbourline", timeout=30_000)
    assert "1 open action" in page.inner_text("body")
    # The open action only (the done one stays with its cycle), saying where it came from.
    page.wait_for_function(
        """() => [...document.querySelectorAll('.tf-plan-item')]
            .map(li => li.innerText).join('|').includes('carried from 16 Nov 2026')""",
        timeout=30_000,
    )
    carried = plan.locator(".tf-plan-item")
    assert carried.count() == 1 and carried.get_attribute("data-status") == "planned"
    assert remedies[1] in carried.inner_text()
    shown = "() => new URLSearchParams(location.search).get('engagement')"
    page.wait_for_function(f"() => ({shown})() !== {NAME!r}")
    new_ref = page.evaluate(shown)
    page.wait_for_function(
        f"() => ({RADAR_TEXT})().some(t => t.startsWith('Previous (Nov 2026)'))", timeout=30_000
    )
    nxt = load_engagement(folder / new_ref)
    assert nxt.previous == first.id and {a.id for a in nxt.actions} == opened
    assert nxt.findings == ()

    # The stakeholders' view of the cycle the plan was made in.
    viewer = browser.new_page()
    viewer.goto(f"{viewer_server.url}?engagement={NAME}", timeout=90_000)
    wait_for_dashboard(viewer)
    planned = viewer.locator(f'.tf-act[data-factor="{FACTOR}"] .tf-act-plan')
    assert planned.count() == 1
    line = planned.inner_text()
    when = f"{(due + dt.timedelta(days=30)).day} {(due + dt.timedelta(days=30)):%b %Y}"
    assert remedies[1] in line and "Ana Lima, due" in line and "(planned)" in line, line
    assert when in line or (due + dt.timedelta(days=30)).isoformat() in line, line
    with viewer.expect_download(timeout=60_000) as info:
        viewer.get_by_role("button", name="Workbook XLSX").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True)
    rows = list(book["Action plan"].iter_rows(values_only=True))
    head = list(rows[0])
    actions = {r[head.index("owner")]: r for r in rows[1:]}
    assert set(actions) == {"Ravi Patel", "Ana Lima"}
    assert actions["Ravi Patel"][head.index("status")] == "done"
    assert actions["Ana Lima"][head.index("what")] == remedies[1]
    assert browser.errors == []
