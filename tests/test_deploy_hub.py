"""The team deployment as CI runs it: deploy/start.sh (PostgreSQL from Debian, JupyterHub with
its test sign-in, the proxy from npm through `make hub-deps`), and four people signing in over
HTTP, each getting a server of their own with their own store login and the dashboards.

What each person can read and write is tried from inside their own server, in a kernel there,
as a consultant with a notebook or a terminal would: through the store, through `tenfold`, and
around both with plain SQL on the login their server was given. The database decides.

    ana  lead of engagements X and Y (she pushes both)
    ben  rater on X
    cy   no role anywhere
    sam  stakeholder of X, signing in as a client's person (TENFOLD_STAKEHOLDERS)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import textwrap
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import websocket
from folders import ROOT, SAMPLE

from toolkit.stores import throwaway

PASSWORD = "a-test-password"
USERS = ("ana", "ben", "cy", "sam")
STAKEHOLDERS = ("sam",)
Y_FILE = ROOT / "engagements" / "meridian-2026-09.json"
X_CLIENT = "Harbourline"

pytestmark = pytest.mark.slow


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass
class Hub:
    url: str
    state: Path


@pytest.fixture(scope="module")
def hub() -> Iterator[Hub]:
    missing = [
        why
        for why, ok in (
            ("root", os.geteuid() == 0),
            ("PostgreSQL", throwaway.find_bindir() is not None),
            ("npm", shutil.which("npm") is not None),
        )
        if not ok
    ]
    if missing:
        message = f"the team deployment needs {', '.join(missing)} (`make system-deps` as root)"
        if os.environ.get("TENFOLD_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    subprocess.run(["make", "-s", "hub-deps"], cwd=ROOT, check=True, timeout=300)
    # Not under pytest's own temporary folder: its folders are root's alone (0700), and the
    # database runs as the postgres account, which must reach its data folder.
    state = Path(tempfile.mkdtemp(prefix="tenfold-team-"))
    state.chmod(0o755)
    hub_port, api_port, proxy_port, pg_port = _free_ports(4)
    env = {
        **os.environ,
        "TENFOLD_STATE": str(state),
        "TENFOLD_AUTH": "test",
        "TENFOLD_TEST_PASSWORD": PASSWORD,
        "TENFOLD_USERS": " ".join(u for u in USERS if u not in STAKEHOLDERS),
        "TENFOLD_STAKEHOLDERS": " ".join(STAKEHOLDERS),
        "TENFOLD_HUB_PORT": str(hub_port),
        "TENFOLD_HUB_API_PORT": str(api_port),
        "TENFOLD_PROXY_API_PORT": str(proxy_port),
        "TENFOLD_PG_PORT": str(pg_port),
    }
    env.pop("TENFOLD_STORE", None)
    started = time.monotonic()
    run = subprocess.run(
        [str(ROOT / "deploy" / "start.sh")], env=env, capture_output=True, text=True, timeout=300
    )
    try:
        assert run.returncode == 0, run.stderr + run.stdout
        print(f"deploy/start.sh: {time.monotonic() - started:.1f} s")
        yield Hub(f"http://127.0.0.1:{hub_port}", state)
    finally:
        subprocess.run(
            [str(ROOT / "deploy" / "stop.sh"), "--purge"], env=env, capture_output=True, timeout=120
        )


class Person:
    """Someone signed in to the hub through its login page, with a server of their own."""

    def __init__(self, hub: Hub, name: str) -> None:
        self.hub, self.name = hub, name
        self.session = requests.Session()
        page = self.session.get(f"{hub.url}/hub/login", timeout=30)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
        assert xsrf, page.text[:500]
        signed = self.session.post(
            f"{hub.url}/hub/login",
            data={"username": name, "password": PASSWORD, "_xsrf": xsrf.group(1)},
            allow_redirects=False,
            timeout=30,
        )
        assert signed.status_code == 302, signed.text[:500]
        self._hub_headers = {"X-XSRFToken": self.session.cookies.get("_xsrf", path="/hub/") or ""}
        self._kernel: websocket.WebSocket | None = None
        self._token = ""

    def ask_for_server(self) -> None:
        asked = self.session.post(
            f"{self.hub.url}/hub/api/users/{self.name}/server",
            headers=self._hub_headers,
            timeout=60,
        )
        assert asked.status_code in (201, 202), asked.text

    def server_ready(self) -> bool:
        user = self.session.get(
            f"{self.hub.url}/hub/api/users/{self.name}", headers=self._hub_headers, timeout=30
        ).json()
        return bool(user.get("servers", {}).get("", {}).get("ready"))

    def page(self, path: str) -> requests.Response:
        return self.session.get(f"{self.hub.url}/user/{self.name}/{path}", timeout=120)

    def run(self, code: str) -> str:
        """Run ``code`` in a kernel of this person's own server; what it printed."""
        if self._kernel is None:
            made = self.session.post(
                f"{self.hub.url}/hub/api/users/{self.name}/tokens",
                headers=self._hub_headers,
                json={"note": "test", "expires_in": 600},
                timeout=30,
            )
            assert made.status_code in (200, 201), made.text
            self._token = made.json()["token"]
            auth = {"Authorization": f"token {self._token}"}
            kernel = requests.post(
                f"{self.hub.url}/user/{self.name}/api/kernels", headers=auth, json={}, timeout=60
            )
            assert kernel.status_code == 201, kernel.text
            ws_url = self.hub.url.replace("http", "ws", 1)
            self._kernel = websocket.create_connection(
                f"{ws_url}/user/{self.name}/api/kernels/{kernel.json()['id']}/channels",
                header=[f"Authorization: token {self._token}"],
                timeout=120,
            )
        msg_id = uuid.uuid4().hex
        self._kernel.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "session": uuid.uuid4().hex,
                        "username": self.name,
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {
                        "code": textwrap.dedent(code),
                        "silent": False,
                        "store_history": False,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                    "channel": "shell",
                }
            )
        )
        out: list[str] = []
        while True:
            msg = json.loads(self._kernel.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                raise AssertionError(f"{self.name}'s kernel: " + "\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(out)

    def api(self, path: str) -> requests.Response:
        """GET ``path`` of this person's server's REST API, with their token (after ``run``)."""
        return requests.get(
            f"{self.hub.url}/user/{self.name}/api/{path}",
            headers={"Authorization": f"token {self._token}"},
            timeout=60,
        )

    def close(self) -> None:
        if self._kernel is not None:
            self._kernel.close()


@pytest.fixture(scope="module")
def people(hub: Hub) -> Iterator[dict[str, Person]]:
    signed = {name: Person(hub, name) for name in USERS}
    started = time.monotonic()
    for person in signed.values():  # the hub starts the four servers side by side
        person.ask_for_server()
    waiting = set(USERS)
    while waiting and time.monotonic() - started < 180:
        waiting = {name for name in waiting if not signed[name].server_ready()}
        time.sleep(0.5)
    assert not waiting, f"servers of {waiting} did not start; see {hub.state}/hub/hub.log"
    print(f"four servers started in {time.monotonic() - started:.1f} s")
    yield signed
    for person in signed.values():
        person.close()


# What every person's kernel knows: their store, from the URL their server was given, and a
# plain connection on the same login with no Tenfold code in between.
PRELUDE = """
import json, os, subprocess, sys
import psycopg
from sqlalchemy import make_url
from toolkit import access, changes
from toolkit.errors import EngagementError, StoreError
from toolkit.stores import open_store

store = open_store(os.environ["TENFOLD_STORE"])
u = make_url(os.environ["TENFOLD_STORE"])
sql = psycopg.connect(host=u.query["host"], port=int(u.query["port"]), user=u.username,
                      password=u.password, dbname=u.database, autocommit=True)
def count(query, *args):
    return sql.execute(query, args).fetchone()[0]
def refused(call):
    try:
        call()
    except (EngagementError, StoreError, psycopg.Error) as e:
        return type(e).__name__ + ": " + str(e).splitlines()[0]
    return None
def tenfold(*args):
    run = subprocess.run([os.path.join(os.path.dirname(sys.executable), "tenfold"), *args],
                         capture_output=True, text=True)
    return run.returncode, (run.stdout + run.stderr).strip()
print(json.dumps({"identity": store.identity, "user": os.environ["JUPYTERHUB_USER"],
                  "login": u.username, "engagements": os.environ["TENFOLD_ENGAGEMENTS"]}))
"""


def _json(text: str) -> dict[str, Any]:
    """The JSON object a kernel printed last."""
    loaded: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    return loaded


def test_four_people_sign_in_and_the_database_decides_what_each_reads_and_writes(
    hub: Hub, people: dict[str, Person]
) -> None:
    ana, ben, cy, sam = (people[n] for n in USERS)
    # Each server signs in to the store as its own person, with a login of their own.
    with ThreadPoolExecutor(len(people)) as pool:  # four kernels start side by side
        preludes = dict(
            zip(people, pool.map(lambda p: p.run(PRELUDE), people.values()), strict=True)
        )
    for person in people.values():
        me = _json(preludes[person.name])
        assert me["identity"] == me["user"] == me["login"] == person.name
        assert me["engagements"] == str(hub.state / "home" / person.name / "engagements")
    # Their files are their home: their own folder of engagements and the dashboards.
    files = {item["name"] for item in ana.api("contents/").json()["content"]}
    assert {"dashboards", "engagements"} <= files and "toolkit" not in files, files
    admin_url = (hub.state / "admin-store.url").read_text(encoding="utf-8").strip()
    for person in people.values():
        assert "tenfold_admin" not in person.run("print(os.environ['TENFOLD_STORE'])")
        assert admin_url not in person.run("print('\\n'.join(os.environ.values()))")

    # Ana pushes X and Y (she is their lead), makes Ben a rater and Sam a stakeholder of X.
    ids = _json(
        ana.run(f"""
        x = store.push(open({str(SAMPLE)!r}).read())
        y = store.push(open({str(Y_FILE)!r}).read())
        store.grant(x, "ben", "rater")
        store.grant(x, "sam", "stakeholder")
        print(json.dumps({{"x": x, "y": y, "role": store.role(x)}}))
        """)
    )
    x, y = ids["x"], ids["y"]
    assert ids["role"] == "lead"
    members = ana.run(f"print(sorted((m.user, m.role) for m in store.members({x!r})))")
    assert members.strip() == "[('ana', 'lead'), ('ben', 'rater'), ('sam', 'stakeholder')]"

    # Ben's kernel watches the store; Ana adds a finding with `tenfold add`, typing no name.
    ben.run(f"watch = store.watch(); before = len(store.load({x!r}).engagement.findings)")
    added = ana.run(
        f"print(tenfold('--store', os.environ['TENFOLD_STORE'], 'add', {x!r}, '--factor', "
        "'purpose', '--level', '3', '--evidence', 'Ana heard it at the stand-up'))"
    )
    assert added.startswith("(0,"), added
    seen = _json(
        ben.run(f"""
        import time
        t = time.monotonic(); ids = watch.poll(timeout=2.0); waited = time.monotonic() - t
        e = store.load({x!r}).engagement
        new = [f for f in e.findings if f.evidence == "Ana heard it at the stand-up"]
        print(json.dumps({{"ids": ids, "waited": waited, "count": len(e.findings) - before,
                          "raters": [f.rater for f in new]}}))
        """)
    )
    assert x in seen["ids"] and seen["waited"] < 2.0, seen
    print("seen", seen)
    assert seen["count"] == 1 and seen["raters"] == ["ana"], seen

    # Ben adds his own, typing no name: credited to him. Crediting someone else is refused,
    # by the store and around it.
    ben_adds = ben.run(
        f"print(tenfold('--store', os.environ['TENFOLD_STORE'], 'add', {x!r}, '--factor', "
        "'purpose', '--level', '2', '--evidence', 'Ben read the rota'))"
    )
    assert ben_adds.startswith("(0,"), ben_adds
    theirs = _json(
        ana.run(f"""
        e = store.load({x!r}, whole_panel=True).engagement
        print(json.dumps({{f.evidence: f.rater for f in e.findings
                          if f.evidence in ("Ben read the rota", "Ana heard it at the stand-up")}}))
        """)
    )
    print("theirs", theirs)
    assert theirs == {"Ben read the rota": "ben", "Ana heard it at the stand-up": "ana"}
    ben_forges = _json(
        ben.run(f"""
        _, forged = changes.add_finding(factor="purpose", level=4, evidence="f", rater="ana")
        print(json.dumps({{
            "store": refused(lambda: store.apply({x!r}, forged)),
            "update": count("WITH u AS (UPDATE findings SET level = 0 WHERE rater <> 'ben' "
                            "RETURNING 1) SELECT count(*) FROM u"),
            "y": refused(lambda: store.load({y!r})),
            "y_rows": count("SELECT count(*) FROM engagements WHERE id = %s", {y!r}),
        }}))
        """)
    )
    assert "may not make this change" in ben_forges["store"], ben_forges
    print("ben_forges", ben_forges)
    assert ben_forges["update"] == 0 and ben_forges["y_rows"] == 0, ben_forges
    assert "no engagement" in ben_forges["y"], ben_forges

    # Cy holds no role: nothing of X or Y through the store, `tenfold`, or plain SQL.
    cy_reads = _json(
        cy.run(f"""
        tables = ("engagements", "findings", "change_log", "membership", "engagement_documents")
        print(json.dumps({{
            "listed": [e.id for e in store.engagements()],
            "load": refused(lambda: store.load({x!r})),
            "pull": tenfold("store", "pull", {x!r}, "-o", os.environ["TENFOLD_ENGAGEMENTS"] + "/x"),
            "pulled": os.listdir(os.environ["TENFOLD_ENGAGEMENTS"]),
            "rows": {{t: count(f"SELECT count(*) FROM {{t}}") for t in tables}},
            "client": count("SELECT count(*) FROM engagement_documents "
                            "WHERE document::text ILIKE %s", "%{X_CLIENT}%"),
            "security_off": refused(lambda: sql.execute("SET row_security = off; "
                                                        "SELECT count(*) FROM findings")),
            "as_ana": refused(lambda: sql.execute("SET ROLE ana")),
            "phase": count("WITH u AS (UPDATE engagements SET phase = 'consensus' "
                           "WHERE id = %s RETURNING 1) SELECT count(*) FROM u", {x!r}),
            "changed": count("WITH u AS (UPDATE findings SET level = 0 RETURNING 1) "
                             "SELECT count(*) FROM u"),
        }}))
        """)
    )
    print("cy_reads", cy_reads)
    assert cy_reads["listed"] == [], cy_reads
    assert "no engagement" in cy_reads["load"], cy_reads
    assert cy_reads["pull"][0] == 2 and "Traceback" not in cy_reads["pull"][1], cy_reads
    assert X_CLIENT not in json.dumps(cy_reads), cy_reads
    assert set(cy_reads["rows"].values()) == {0} and cy_reads["client"] == 0, cy_reads
    assert cy_reads["security_off"] and cy_reads["as_ana"], cy_reads
    assert cy_reads["changed"] == cy_reads["phase"] == 0 and cy_reads["pulled"] == [], cy_reads

    # Sam reads X, all of it, and writes nothing; Y does not exist for him.
    sam_tries = _json(
        sam.run(f"""
        _, mine = changes.add_finding(factor="purpose", level=1, evidence="s", rater="sam")
        print(json.dumps({{
            "listed": [e.id for e in store.engagements()],
            "findings": len(store.load({x!r}).engagement.findings),
            "role": store.role({x!r}),
            "apply": refused(lambda: store.apply({x!r}, mine)),
            "add": tenfold("--store", os.environ["TENFOLD_STORE"], "add", {x!r}, "--factor",
                           "purpose", "--level", "1", "--evidence", "s"),
            "update": count("WITH u AS (UPDATE findings SET level = 0 RETURNING 1) "
                            "SELECT count(*) FROM u"),
            "insert": refused(lambda: sql.execute(
                "INSERT INTO change_log (engagement_id, position, id, at, at_offset, by, kind, "
                "subject, summary) VALUES (%s, 999, 'c', now(), 0, 'sam', 'note', 'x', 'x')",
                ({x!r},))),
            "grant": refused(lambda: store.grant({x!r}, "cy", "rater")),
            "push": refused(lambda: store.push(open({str(Y_FILE)!r}).read())),
            "create": refused(lambda: sql.execute(
                "INSERT INTO engagements (id, client, title, lead, date, framework_id, "
                "framework_version, phase, document, schema_version, version) VALUES ('s', "
                "'S', 'S', 'sam', '2026-12-01', 'f', '1', 'fact-finding', '{{}}', 1, 1)")),
            "y": refused(lambda: store.load({y!r})),
            "y_rows": count("SELECT count(*) FROM findings WHERE engagement_id = %s", {y!r}),
        }}))
        """)
    )
    print("sam_tries", sam_tries)
    assert sam_tries["listed"] == [x] and sam_tries["role"] == "stakeholder", sam_tries
    assert sam_tries["findings"] == 45 + 2, sam_tries
    assert sam_tries["apply"] and "stakeholder" in sam_tries["apply"], sam_tries
    assert sam_tries["add"][0] == 2 and "Traceback" not in sam_tries["add"][1], sam_tries
    assert sam_tries["update"] == 0, sam_tries
    assert "row-level security" in (sam_tries["insert"] or ""), sam_tries
    assert sam_tries["grant"], sam_tries
    # A client's login creates nothing, not even an engagement of its own to lead.
    assert "signs in as a stakeholder" in (sam_tries["push"] or ""), sam_tries
    assert "row-level security" in (sam_tries["create"] or ""), sam_tries
    # and holds no role but stakeholder: Ana cannot make Sam a rater, even by mistake.
    made_rater = ana.run(f"print(refused(lambda: store.grant({x!r}, 'sam', 'rater')))")
    assert "sam signs in as a stakeholder" in made_rater, made_rater
    assert "no engagement" in sam_tries["y"] and sam_tries["y_rows"] == 0, sam_tries
    assert "cy" not in ana.run(f"print([m.user for m in store.members({x!r})])")


def test_each_server_opens_on_the_dashboards_and_no_one_opens_anothers(
    people: dict[str, Person],
) -> None:
    assessment = "voila/render/dashboards/assessment.ipynb"
    for name in ("ana", "cy"):
        started = time.monotonic()
        page = people[name].page(assessment)
        print(f"{name}'s assessment page rendered in {time.monotonic() - started:.1f} s")
        assert page.status_code == 200, page.text[:500]
        assert page.url.endswith(f"/user/{name}/{assessment}")
        assert "application/vnd.jupyter.widget-view+json" in page.text
        assert "Traceback" not in page.text
    # The dashboards read the person's own folder, not the checkout's sample clients.
    assert X_CLIENT not in people["cy"].page(assessment).text
    # One person's cookies do not open another's server.
    other = people["cy"].session.get(f"{people['ana'].hub.url}/user/ana/{assessment}", timeout=60)
    assert "application/vnd.jupyter.widget-view+json" not in other.text
