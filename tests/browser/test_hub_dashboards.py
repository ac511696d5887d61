"""The team deployment in a browser: four people sign in through JupyterHub's login page and
work in the assessment dashboard their own server opens (deploy/start.sh, as CI runs it; the
hub is the one tests/test_deploy_hub.py starts, one per module).

    ana  lead of engagements X and Y (she pushes both)
    ben  rater on X
    cy   no role anywhere
    sam  stakeholder of X

Ana records a finding with the keys the page advertises, and it shows in Ben's open page within
2 s credited to her, though neither typed a name (the Rater box shows who signed in and takes
no typing). Cy's page and switcher show nothing of X, and X's address says there is no such
engagement, in words; nothing of X's client reaches his page or its websocket. Sam, a
stakeholder, reads X in its viewer: his assessment page holds only the engagement switcher
(offering X alone) and a link to X's viewer, nothing of the findings, and a change sent from it
anyway is refused in the kernel; he follows the link and reads X's radar there. Y does not exist
for him, in the viewer or on the assessment page.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser.screen import ANSWERED
from folders import SAMPLE
from test_deploy_hub import PASSWORD, X_CLIENT, Y_FILE, Hub, Person
from test_deploy_hub import hub as hub  # the fixture: one hub for this module

from toolkit import load_engagement
from toolkit.stores.users import add_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DASHBOARD = "voila/render/dashboards/assessment.ipynb"
#: Where to keep the screenshots of Ana's and Sam's pages (default: the test's own folder).
SHOTS = os.environ.get("TENFOLD_HUB_SHOTS")
Y_CLIENT = load_engagement(Y_FILE).client


@dataclass
class Team:
    """The four people's browsers, signed in, and the engagements Ana pushed."""

    hub: Hub
    pages: dict[str, Any]
    frames: dict[str, list[str]]
    x: str
    y: str

    def open(self, name: str, query: str = "") -> Any:
        """Open ``name``'s assessment dashboard at ``query`` in their own tab; wait until drawn."""
        page = self.pages[name]
        page.goto(f"{self.hub.url}/user/{name}/{DASHBOARD}{query}", timeout=120_000)
        return _drawn(page)


def _drawn(page: Any) -> Any:
    page.wait_for_selector(".tf-app", timeout=120_000)
    page.wait_for_function(
        "() => !document.body.innerText.includes('Loading widget')", timeout=120_000
    )
    return page


def _sign_in(page: Any, at: Hub, name: str) -> None:
    """Sign in on the hub's login page as a person does: type, Enter."""
    page.goto(f"{at.url}/hub/login", timeout=60_000)
    page.click("#username_input")
    page.keyboard.type(name, delay=20)
    page.click("#password_input")
    page.keyboard.type(PASSWORD, delay=20)
    page.keyboard.press("Enter")


@pytest.fixture(scope="module")
def team(browser: Any, hub: Hub) -> Iterator[Team]:
    contexts: list[Any] = []
    pages: dict[str, Any] = {}
    frames: dict[str, list[str]] = {}

    def sign_in(name: str) -> None:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        contexts.append(context)
        page = context.new_page()
        frames[name] = []
        page.on(
            "websocket",
            lambda ws, seen=frames[name]: ws.on(
                "framereceived", lambda f: seen.append(f if isinstance(f, str) else repr(f))
            ),
        )
        _sign_in(page, hub, name)
        pages[name] = page

    def landed(names: tuple[str, ...]) -> None:
        started = time.monotonic()
        for name in names:  # the hub starts their servers side by side
            pages[name].wait_for_url(f"**/user/{name}/{DASHBOARD}**", timeout=180_000)
            _drawn(pages[name])
        print(
            f"{', '.join(names)} signed in and saw the dashboard in "
            f"{time.monotonic() - started:.1f} s"
        )

    # Ana signs in first (nothing in the store yet), then pushes X and Y from a kernel of her own
    # server, so she leads both, and gives Ben and Sam their roles on X.
    sign_in("ana")
    landed(("ana",))
    # Ben's and Sam's store logins, as `tenfold store add-user` makes them for the administrator
    # (the hub renews each one's password when their server starts).
    admin_url = (hub.state / "admin-store.url").read_text(encoding="utf-8").strip()
    add_user(admin_url, "ben")
    add_user(admin_url, "sam", stakeholder=True)  # a client's person (TENFOLD_STAKEHOLDERS)
    ana = Person(hub, "ana")
    try:
        pushed = ana.run(f"""
            import os
            from toolkit.stores import open_store
            store = open_store(os.environ["TENFOLD_STORE"])
            x = store.push(open({str(SAMPLE)!r}).read())
            y = store.push(open({str(Y_FILE)!r}).read())
            store.grant(x, "ben", "rater")
            store.grant(x, "sam", "stakeholder")
            print(x, y)
            """)
    finally:
        ana.close()
    x, y = pushed.split()
    # The others land on the newest engagement they may see: X for Ben and Sam, none for Cy.
    for name in ("ben", "cy", "sam"):
        sign_in(name)
    landed(("ben", "cy", "sam"))
    yield Team(hub, pages, frames, x, y)
    for context in contexts:
        context.close()


def _shot(page: Any, tmp_path: Path, name: str) -> Path:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path))
    return path


def test_signed_in_people_see_and_change_what_their_role_allows(team: Team, tmp_path: Path) -> None:
    x, y = team.x, team.y
    ana, ben = team.pages["ana"], team.pages["ben"]
    ben.wait_for_url(f"**engagement={x}**")  # he landed on X, his only engagement
    # Ana landed before X was there: she opens it with "Switch engagement…".
    ana.get_by_role("button", name="Switch engagement…").click()
    picker = ana.get_by_label("Engagement", exact=True)
    picker.select_option(label=picker.locator("option", has_text=X_CLIENT).inner_text())
    ana.get_by_role("button", name="Open", exact=True).click()
    ana.wait_for_url(f"**engagement={x}**")
    _drawn(ana).wait_for_selector(".vega-embed svg, .vega-embed canvas")
    for page, name in ((ana, "ana"), (ben, "ben")):
        rater = page.get_by_label("Rater (signed in)")
        assert rater.input_value() == name and not rater.is_editable()
        assert page.locator(".tf-signed-as").inner_text().startswith(f"Signed in as {name}, ")
    assert ana.get_by_role("button", name="Team access…").is_visible()
    assert not ben.get_by_role("button", name="Team access…").is_visible()
    print("ana's page:", _shot(ana, tmp_path, "hub-ana-1280x720.png"))

    # Ana: a digit for the level (the focus is on the page), the evidence typed, Ctrl+Enter.
    evidence = "Ana: the huddle board names the purpose of the week"
    ana.locator("body").click(position={"x": 5, "y": 5})
    ana.keyboard.press("3")
    assert ana.evaluate("document.activeElement.getAttribute('aria-label')") == "Evidence"
    ana.keyboard.type(evidence, delay=8)
    ana.keyboard.press("Control+Enter")
    ana.wait_for_function(ANSWERED, arg=-1, timeout=20_000)
    saved = time.monotonic()
    row = ben.locator("tr", has=ben.locator(f"td:text-is('{evidence}')"))
    row.wait_for(timeout=2_000)
    print(f"ana's finding in ben's page {time.monotonic() - saved:.2f} s after her save")
    assert row.locator(".tf-col-rater").text_content() == "ana"
    ben.wait_for_selector("text=ana added a finding", timeout=2_000)

    # Cy holds no role: an empty switcher, and X's address says so in words.
    cy = team.pages["cy"]
    assert "No engagements in" in cy.inner_text(".tf-app")
    cy.get_by_role("button", name="Switch engagement…").click()
    assert cy.get_by_label("Engagement", exact=True).locator("option").count() == 0
    cy = team.open("cy", f"?engagement={x}")
    cy.wait_for_selector(f"text=no engagement with id '{x}' that cy holds a role in")
    shown = cy.content()
    assert "Traceback" not in shown and X_CLIENT not in shown
    assert not any(X_CLIENT in frame for frame in team.frames["cy"])

    # Sam, X's stakeholder, reads it in its viewer: his assessment page holds the engagement
    # switcher and a link there, and nothing of the assessment (no form, table or radar; Ana's
    # finding is not in his page nor in what his websocket received).
    sam = team.pages["sam"]
    sam.wait_for_url(f"**engagement={x}**")
    sam.wait_for_selector(".tf-stakeholder .tf-viewer-link a")
    assert sam.locator(".tf-signed-as").inner_text().startswith("Signed in as sam, stakeholder")
    for hidden in (".tf-form", ".tf-body", ".tf-phase-button", ".tf-col-actions"):
        assert not sam.locator(hidden).first.is_visible(), hidden
    assert not sam.get_by_role("button", name="Team access…").is_visible()
    assert not sam.get_by_role("button", name="Undo").is_visible()
    assert evidence not in sam.content()
    assert not any(evidence in frame for frame in team.frames["sam"])
    # His switcher offers X, the one engagement he holds a role in; never Y.
    sam.get_by_role("button", name="Switch engagement…").click()
    options = sam.get_by_label("Engagement", exact=True).locator("option")
    options.first.wait_for(state="attached", timeout=20_000)
    offered = [o.replace("\xa0", " ") for o in options.all_inner_texts()]
    assert len(offered) == 1 and X_CLIENT in offered[0], offered
    assert Y_CLIENT not in sam.content()
    # A client's login creates no engagement: the panel offers none.
    assert not sam.get_by_role("button", name="Create").is_visible()
    assert "or a new engagement" not in sam.locator(".tf-app").inner_text()
    print("sam's switcher:", _shot(sam, tmp_path, "hub-sam-switcher-1280x720.png"))
    sam.get_by_role("button", name="Switch engagement…").click()
    options.first.wait_for(state="detached", timeout=20_000)  # closed: nothing listed
    print("sam's page:", _shot(sam, tmp_path, "hub-sam-1280x720.png"))
    # A change sent from his page anyway (the lead's hidden Team access form, shown by hand)
    # reaches the kernel, which refuses it in words.
    sam.evaluate("document.querySelector('.tf-team-access').style.display = 'flex'")
    sam.locator(".tf-team-access input[type=text]").click()
    sam.keyboard.type("cy", delay=15)
    sam.keyboard.press("Enter")
    sam.wait_for_selector("text=a stakeholder sees the engagement and changes nothing")

    # He follows the link to X's viewer: X's radar, to read.
    link = sam.locator(".tf-viewer-link a")
    assert X_CLIENT in link.inner_text()
    link.click()
    sam.wait_for_url(f"**/user/sam/voila/render/dashboards/viewer.ipynb?engagement={x}")
    _drawn(sam).wait_for_selector(".tf-radar-box svg, .tf-radar-box canvas", timeout=120_000)
    assert X_CLIENT in sam.locator(".tf-viewer-head").inner_text()
    assert sam.locator("textarea, .tf-form").count() == 0  # nothing to write in
    assert Y_CLIENT not in sam.content() and "Traceback" not in sam.content()
    print("sam's viewer:", _shot(sam, tmp_path, "hub-sam-viewer-1280x720.png"))
    # Y, by its address, is not there for him: in the viewer as on the assessment page.
    sam.goto(f"{team.hub.url}/user/sam/voila/render/dashboards/viewer.ipynb?engagement={y}")
    _drawn(sam).wait_for_selector("text=there is no engagement of that name here")
    assert Y_CLIENT not in sam.content() and "Traceback" not in sam.content()
    sam = team.open("sam", f"?engagement={y}")
    sam.wait_for_selector(f"text=no engagement with id '{y}' that sam holds a role in")
    assert "Traceback" not in sam.content()
