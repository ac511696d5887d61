"""The shared database goes away in the middle of a session: a finding typed then stays in the
form with Retry, nothing is half-written, and Retry saves it once the database is back.

Driven through the form's own message (what the page sends on Ctrl+Enter) on a PostgreSQL store
whose database stops taking connections and drops the ones it had, as a server restarting or a
network cut does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from folders import SAMPLE
from test_assessment_app import Page, submit

from toolkit.dashboard import AssessmentApp
from toolkit.stores import open_store, throwaway
from toolkit.stores.users import add_user


class Database:
    """One store database of the throwaway cluster that can be taken away and brought back."""

    def __init__(self, cluster: throwaway.Cluster) -> None:
        self.cluster = cluster
        self.name = f"away_{uuid.uuid4().hex[:12]}"
        self.admin_url = cluster.create_database(self.name, template="tenfold_template")

    def away(self) -> None:
        self.cluster.sql(f"ALTER DATABASE {self.name} ALLOW_CONNECTIONS false")
        self.cluster.sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()"
        )

    def back(self) -> None:
        self.cluster.sql(f"ALTER DATABASE {self.name} ALLOW_CONNECTIONS true")


@pytest.fixture
def database(postgres: throwaway.Cluster) -> Iterator[Database]:
    db = Database(postgres)
    yield db
    db.back()


def _findings(url: str, engagement: str) -> list[Any]:
    store = open_store(url)
    try:
        return list(store.load(engagement).engagement.findings)
    finally:
        store.close()


def test_a_finding_typed_while_the_database_is_away_is_kept_and_retried(
    database: Database,
) -> None:
    url = add_user(database.admin_url, f"lead_{uuid.uuid4().hex[:6]}")
    password = url.split("//", 1)[1].split("@", 1)[0].split(":", 1)[1]
    store = open_store(url)
    try:
        x = store.push(SAMPLE.read_text(encoding="utf-8"))
        before = _findings(url, x)
        app = AssessmentApp(store)
        app.page_opened({"engagement": x})
        page = Page(app)

        database.away()
        submit(app, "composure", 3, "Calm through the Monday peak.", seq=5)
        rejected = page.last("form", "rejected")
        assert rejected["seq"] == 5 and rejected["retry"] is True
        assert "cannot reach" in rejected["message"] and password not in rejected["message"]
        assert "Your finding is kept: Retry once it is back." in app.message_text
        assert "Traceback" not in app.message_text

        database.back()
        assert _findings(url, x) == before  # nothing half-written
        submit(app, "composure", 3, "Calm through the Monday peak.", seq=5)  # Retry resends it
        assert page.last("form", "saved")["seq"] == 5
        after = _findings(url, x)
        assert len(after) == len(before) + 1
        assert after[-1].evidence == "Calm through the Monday peak."
    finally:
        store.close()
