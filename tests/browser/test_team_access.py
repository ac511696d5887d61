"""The lead's "Team access" panel, used as a lead uses it, and where it takes effect.

Three people of one team on one PostgreSQL store, each signed in to it with a login of their
own (``tenfold store add-user``), each with a dashboard server of their own:

    lea  lead of engagement X (she pushed it)
    cy   no role in X at first; lead of Y, his own engagement
    sam  no role anywhere, until Lea makes him a stakeholder of X

Lea opens **Team access…**, types Cy's login, chooses *rater* and presses Grant straight after
typing; the list shows him. Cy's own page then lists X under *Switch engagement…*, and Cy's own
database login reads X's findings. Cy, a rater, has no Team access button, and a grant sent from
his page anyway (the hidden panel shown by hand) is refused by his kernel. Lea removes his role:
X leaves Cy's switcher and his login reads 0 rows of it. Lea then types Sam's login and presses
Enter in the box (the panel says Enter grants): Sam becomes a stakeholder, whose login reads X.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from browser.screen import SIDEWAYS, open_each, record_signed_in

from toolkit import changes, load_engagement
from toolkit.dashboard.serve import dashboard_path
from toolkit.findings import Engagement
from toolkit.stores import open_store
from toolkit.stores.throwaway import Cluster
from toolkit.stores.users import add_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"
X_CLIENT = "Harbourline"
Y_CLIENT = "Yardley Water"

PANEL = ".tf-team-access"


def _rows(url: str, x: str) -> tuple[int, int]:
    """What ``url``'s own login reads of engagement ``x``: (engagement rows, finding rows)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as db:
            engagements = db.execute(
                sa.text("SELECT count(*) FROM engagements WHERE id = :x"), {"x": x}
            ).scalar_one()
            findings = db.execute(
                sa.text("SELECT count(*) FROM findings WHERE engagement_id = :x"), {"x": x}
            ).scalar_one()
    finally:
        engine.dispose()
    return int(engagements), int(findings)


def _message(page: Any, text: str) -> None:
    """Wait until the page's message line says ``text``."""
    page.wait_for_selector(f".tf-msg:has-text({text!r})", timeout=20_000)


def _switcher_lists(page: Any) -> list[str]:
    """Open *Switch engagement…* as a person does and read what it offers; close it again."""
    toggle = page.get_by_role("button", name="Switch engagement…")
    toggle.click()
    picker = page.locator(".tf-editing-tools select").first
    picker.wait_for(state="visible", timeout=20_000)
    page.wait_for_function(
        "() => document.querySelector('.tf-editing-tools select').options.length > 0",
        timeout=20_000,
    )
    listed = [str(t).replace("\xa0", " ") for t in picker.locator("option").all_inner_texts()]
    toggle.click()
    picker.wait_for(state="hidden", timeout=20_000)
    return listed


def _type_login(page: Any, login: str) -> None:
    box = page.locator(f"{PANEL} input[type=text]")
    box.click()
    page.keyboard.type(login, delay=15)


def _screenshot(page: Any, name: str, tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TENFOLD_SCREENSHOTS") or tmp_path)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def test_the_lead_grants_and_removes_roles_and_the_database_follows(
    postgres: Cluster,
    start_voila: Any,
    offline_at: Any,
    wait_for_dashboard: Any,
    tmp_path: Path,
) -> None:
    url = postgres.create_database(f"t_{uuid.uuid4().hex[:16]}", template="tenfold_template")
    tag = uuid.uuid4().hex[:6]
    lea_url, cy_url, sam_url = (add_user(url, f"{n}_{tag}") for n in ("lea", "cy", "sam"))
    with open_store(lea_url) as lea_store, open_store(cy_url) as cy_store:
        x = lea_store.create(load_engagement(SAMPLE)).ref
        cy = cy_store.identity or ""
        y = cy_store.create(
            Engagement.new(client=Y_CLIENT, title="Service desk review", lead=cy)
        ).ref
        findings = len(lea_store.load(x).engagement.findings)
    sam = f"sam_{tag}"
    assert findings > 0 and _rows(cy_url, x) == (0, 0) and _rows(sam_url, x) == (0, 0)

    lea_server = start_voila(dashboard_path("assessment"), lea_url)
    cy_server = start_voila(dashboard_path("assessment"), cy_url)
    browsers = [offline_at(1024, 768), offline_at(1366, 768)]
    lea, cy_page = browsers[0].new_page(), browsers[1].new_page()
    lea.goto(f"{lea_server.url}?engagement={x}", timeout=90_000)
    cy_page.goto(f"{cy_server.url}?engagement={y}", timeout=90_000)
    for page in (lea, cy_page):
        wait_for_dashboard(page)

    # Cy's own page: X is nowhere, not even in his switcher.
    assert X_CLIENT not in cy_page.content()
    assert not any(X_CLIENT in o for o in _switcher_lists(cy_page))

    # Lea opens Team access, types Cy's login, chooses "rater" and presses Grant at once.
    lea.get_by_role("button", name="Team access…").click()
    lea.locator(f"{PANEL} .tf-members").wait_for(timeout=20_000)
    assert lea.locator(f"{PANEL} input[type=text]").get_attribute("placeholder") == (
        "their sign-in name; Enter grants"
    )
    lea.locator(f"{PANEL} select").select_option("rater")
    _type_login(lea, cy)
    lea.locator(f"{PANEL} button", has_text="Grant").click()  # straight after the last key
    _message(lea, f"{cy} is now rater of this engagement.")
    members = lea.locator(f"{PANEL} .tf-members")
    members.locator(f"td:text-is('{cy}')").wait_for(timeout=20_000)
    assert "rater" in members.inner_text()
    assert lea.locator(f"{PANEL} input[type=text]").input_value() == ""
    assert lea.evaluate(SIDEWAYS) == []  # the open panel fits 1024 px: nothing scrolls sideways
    shot = _screenshot(lea, "team-access-1024", tmp_path)
    assert shot.stat().st_size > 10_000

    # Where it is enforced: Cy's switcher lists X, and his own login reads X's rows.
    assert any(X_CLIENT in o for o in _switcher_lists(cy_page))
    assert _rows(cy_url, x) == (1, findings)

    # Cy opens X as its rater: no Team access for him, and a grant sent anyway is refused.
    cy_page.goto(f"{cy_server.url}?engagement={x}", timeout=90_000)
    wait_for_dashboard(cy_page)
    cy_page.wait_for_selector(f".tf-signed-as:has-text('{cy}, rater of this engagement')")
    assert not cy_page.get_by_role("button", name="Team access…").is_visible()
    cy_page.evaluate(f"() => {{ document.querySelector('{PANEL}').style.display = 'flex'; }}")
    _type_login(cy_page, sam)
    cy_page.locator(f"{PANEL} button", has_text="Grant").click()
    _message(cy_page, "may not grant, revoke or list roles")
    assert _rows(sam_url, x) == (0, 0)

    # Lea removes Cy's role: X leaves his switcher, and his login reads nothing of it.
    cy_page.goto(f"{cy_server.url}?engagement={y}", timeout=90_000)
    wait_for_dashboard(cy_page)
    _type_login(lea, cy)
    lea.locator(f"{PANEL} button", has_text="Remove role").click()
    _message(lea, f"{cy} holds no role in this engagement any more.")
    members.locator(f"td:text-is('{cy}')").wait_for(state="detached", timeout=20_000)
    assert _rows(cy_url, x) == (0, 0)
    listed = _switcher_lists(cy_page)
    assert any(Y_CLIENT in o for o in listed) and not any(X_CLIENT in o for o in listed), listed

    # Lea makes Sam a stakeholder with the Enter key from the login box.
    lea.locator(f"{PANEL} select").select_option("stakeholder")
    _type_login(lea, sam)
    lea.keyboard.press("Enter")
    _message(lea, f"{sam} is now stakeholder of this engagement.")
    members.locator(f"td:text-is('{sam}')").wait_for(timeout=20_000)
    assert _rows(sam_url, x) == (1, findings)
    with open_store(sam_url) as sam_store:
        assert sam_store.role(x) == "stakeholder"
    for state in browsers:
        assert state.errors == [] and state.unexpected_blocked == []


#: What a blind rater's page says when a colleague saved.
HEARD = "A colleague saved a change (kept from you until the reveal)"
#: The table's rows once they are all ``login``'s, ``count`` of them.
OWN_ROWS = """([login, count]) => {
    const rows = [...document.querySelectorAll('.tf-findings-table tbody tr')];
    return rows.length === count
        && rows.every(r => r.querySelector('.tf-col-rater').textContent === login);
}"""
#: The radar's point for People connection, once it says the level ``name`` is reached.
POINT = """name => [...document.querySelectorAll('.tf-radar-box svg g.points_marks path')]
    .some(p => {
        const label = p.getAttribute('aria-label') || '';
        return label.includes('Factor: People connection;')
            && label.includes(`Level reached: ${name}`);
    })"""


def test_blind_rating_by_login_each_rater_sees_only_their_own(
    postgres: Cluster, start_voila: Any, offline_at: Any, wait_for_dashboard: Any
) -> None:
    url = postgres.create_database(f"t_{uuid.uuid4().hex[:16]}", template="tenfold_template")
    tag = uuid.uuid4().hex[:6]
    lea_url, cy_url = (add_user(url, f"{n}_{tag}") for n in ("lea", "cy"))
    lea, cy = f"lea_{tag}", f"cy_{tag}"
    with open_store(lea_url) as store:
        x = store.create(Engagement.new(client=X_CLIENT, title="Blind rating", lead=lea)).ref
        store.grant(x, cy, "rater")
        store.apply(x, changes.set_phase("independent", by=lea, as_lead=True))
    servers = [start_voila(dashboard_path("assessment"), u) for u in (lea_url, cy_url)]
    browsers = [offline_at(1366, 768), offline_at(1024, 768)]
    at = [f"{server.url}?engagement={x}&factor=connection" for server in servers]
    pages = open_each(list(zip(browsers, at, strict=True)), wait_for_dashboard, "text=Blind rating")
    lea_page, cy_page = pages

    # Each records a finding on People connection, neither typing a name; each page hears the
    # other's save (the database keeps even who saved it from a blind rater) before it is read.
    record_signed_in(lea_page, lea, 3, "Lea: the huddle names the purpose")
    cy_page.wait_for_selector(f"text={HEARD}", timeout=10_000)
    record_signed_in(cy_page, cy, 1, "Cy: nobody asked the agents")
    lea_page.wait_for_selector(f"text={HEARD}", timeout=10_000)

    for page, login, own, theirs, level in (
        (lea_page, lea, "Lea: the huddle", "Cy: nobody asked", "Established"),
        (cy_page, cy, "Cy: nobody asked", "Lea: the huddle", "Ad hoc"),
    ):
        page.get_by_label("Show factor").select_option(label="All factors")
        page.wait_for_function(OWN_ROWS, arg=[login, 1], timeout=10_000)
        page.wait_for_function(POINT, arg=level, timeout=10_000)  # their own level, no one else's
        text = page.evaluate("() => document.body.textContent")
        assert own in text and theirs not in text
    engine = sa.create_engine(url)  # the cluster's superuser: every row, past the policies
    try:
        with engine.connect() as db:
            saved = db.execute(
                sa.text("SELECT rater, level FROM findings WHERE engagement_id = :x"), {"x": x}
            ).all()
    finally:
        engine.dispose()
    assert sorted((str(r), int(v)) for r, v in saved) == sorted([(lea, 3), (cy, 1)])
    for state in browsers:
        assert state.errors == [] and state.unexpected_blocked == []
