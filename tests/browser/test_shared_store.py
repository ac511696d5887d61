"""Two offices of one team: two dashboard servers on one PostgreSQL store.

Each consultant's browser talks to a server of their own (``tenfold dashboard --store URL`` on
two machines); both servers read and write the same database, whose LISTEN/NOTIFY tells each
server's kernels at once that the engagement changed. A save on one shows on the other without
a click, with the line naming who saved it (each signed in to the database with a login of
their own, shown in the Rater box); the database holds both.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from browser.screen import open_each, record_signed_in

from toolkit import load_engagement
from toolkit.dashboard.serve import dashboard_path
from toolkit.stores import open_store
from toolkit.stores.throwaway import Cluster
from toolkit.stores.users import add_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"


def test_a_colleagues_save_on_another_server_shows_live(
    postgres: Cluster, start_voila: Any, offline_at: Any, wait_for_dashboard: Any
) -> None:
    url = postgres.create_database(f"t_{uuid.uuid4().hex[:16]}", template="tenfold_template")
    # Each consultant signs in to the store with a login of their own: Tom leads, Ines rates.
    tom_url = add_user(url, f"tom_{uuid.uuid4().hex[:6]}")
    ines_url = add_user(url, f"ines_{uuid.uuid4().hex[:6]}")
    with open_store(tom_url) as tom_store, open_store(ines_url) as ines_store:
        tom, ines = tom_store.identity or "", ines_store.identity or ""
        ref = tom_store.create(load_engagement(SAMPLE)).ref
        tom_store.grant(ref, ines, "rater")
    office_a = start_voila(dashboard_path("assessment"), tom_url)
    office_b = start_voila(dashboard_path("assessment"), ines_url)
    at = [f"{server.url}?engagement={ref}&factor=connection" for server in (office_a, office_b)]
    browsers = [offline_at(1366, 768), offline_at(1280, 720)]
    pages = open_each(list(zip(browsers, at, strict=True)), wait_for_dashboard, ".tf-form textarea")
    mine, theirs = pages

    record_signed_in(theirs, ines, 1, "Colleague: nobody asked the agents")
    saved_at = time.perf_counter()  # the saving page has its "saved"
    mine.wait_for_selector("td:text-is('Colleague: nobody asked the agents')", timeout=10_000)
    # The aim is within 2 s; a timed assertion would fail on a busy machine for nothing, so the
    # delay is said (pytest -s) and benchmarked (BENCHMARKS.md, the colleague's delay).
    print(f"the colleague's finding showed {time.perf_counter() - saved_at:.2f} s after its save")
    mine.wait_for_selector(f"text={ines} added a finding to People connection")
    record_signed_in(mine, tom, 3, "Mine: the huddle names the purpose")
    theirs.wait_for_selector("td:text-is('Mine: the huddle names the purpose')", timeout=10_000)
    theirs.wait_for_selector(f"text={tom} added a finding to People connection")

    with open_store(tom_url) as store:
        saved = store.load(ref).engagement
    assert [(f.evidence, f.rater) for f in saved.findings[-2:]] == [
        ("Colleague: nobody asked the agents", ines),
        ("Mine: the huddle names the purpose", tom),
    ]
    assert "harbourline" not in "".join(p.url for p in pages)  # an id, never a file name
