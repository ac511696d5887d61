"""The deployments' configuration, where CI runs no hub: the Kubernetes values
(deploy/kubernetes/values.yaml, for the Zero to JupyterHub chart) parse, and the hub's extra
configuration in them does what the one-host hub does, run here against a real store: a user's
server gets that user's own login, never the administrator's. And the one-host hub's
configuration with the firm's sign-in (Entra ID), which tests/test_deploy_hub.py cannot use."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from ruamel.yaml import YAML
from traitlets.config import Config

from toolkit.stores import open_store, throwaway

VALUES = Path(__file__).resolve().parents[1] / "deploy" / "kubernetes" / "values.yaml"


def _values() -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(VALUES.read_text(encoding="utf-8"))
    return loaded


def _hub_config(admin_url: str, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("TENFOLD_ADMIN_STORE_URL", admin_url)
    c = Config()
    for code in _values()["hub"]["extraConfig"].values():
        exec(compile(code, str(VALUES), "exec"), {"c": c})  # as the chart runs it
    return c


def test_the_values_name_the_dashboards_the_store_secret_and_the_persons_own_folder() -> None:
    values = _values()
    single = values["singleuser"]
    assert single["defaultUrl"] == "/voila/render/dashboards/assessment.ipynb"
    assert single["extraEnv"]["TENFOLD_ENGAGEMENTS"].startswith(single["storage"]["homeMountPath"])
    secret = values["hub"]["extraEnv"]["TENFOLD_ADMIN_STORE_URL"]["valueFrom"]["secretKeyRef"]
    assert secret == {"name": "tenfold-store", "key": "admin-url"}
    assert "TENFOLD_STORE" not in single["extraEnv"]  # each person's comes from the hub


def test_the_hub_names_users_by_their_sign_in_before_the_at(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = _hub_config("postgresql+psycopg://unused@/tenfold", monkeypatch)
    claim = c.AzureAdOAuthenticator.username_claim
    assert claim({"preferred_username": "Ana.Lima@firm.example"}) == "ana.lima"


def test_each_server_is_given_its_own_users_login(
    postgres: throwaway.Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin_url = postgres.create_database(f"t_{uuid.uuid4().hex[:16]}", template="tenfold_template")
    c = _hub_config(admin_url, monkeypatch)
    name = f"ana_{uuid.uuid4().hex[:6]}"
    spawner = SimpleNamespace(user=SimpleNamespace(name=name), environment={"KEPT": "1"})
    asyncio.run(c.Spawner.pre_spawn_hook(spawner))
    url = spawner.environment["TENFOLD_STORE"]
    assert spawner.environment["KEPT"] == "1"
    assert url != admin_url and os.environ["TENFOLD_ADMIN_STORE_URL"] not in url
    with open_store(url) as store:
        assert store.identity == name
        assert store.engagements() == []


# -- the one-host hub's configuration with the firm's sign-in --------------------------------------


def test_the_one_host_hub_signs_in_through_entra_id_and_runs_each_server_as_its_person(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """deploy/jupyterhub_config.py as start.sh runs it by default (TENFOLD_AUTH unset: Entra
    ID), which CI cannot sign in through: the classes it names load, a person's name is their
    sign-in name before the @, and their server runs as their own account."""
    from jupyterhub.app import JupyterHub
    from traitlets.utils.importstring import import_item

    for name in ("TENFOLD_AUTH", "TENFOLD_ENTRA_ALLOW_ALL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TENFOLD_STATE", str(tmp_path))
    monkeypatch.setenv("TENFOLD_USERS", "ana.lima ben.ode")
    app = JupyterHub()
    app.load_config_file(str(VALUES.parents[1] / "jupyterhub_config.py"))
    c = app.config
    authenticator = import_item(c.JupyterHub.authenticator_class)
    assert authenticator.__name__ == "LocalAzureAdOAuthenticator"
    assert c.LocalAzureAdOAuthenticator.create_system_users is True
    assert c.Authenticator.allowed_users == {"ana.lima", "ben.ode"}
    claim = c.AzureAdOAuthenticator.username_claim
    assert claim({"preferred_username": "Ana.Lima@firm.example"}) == "ana.lima"
    assert c.JupyterHub.spawner_class == "jupyterhub.spawner.LocalProcessSpawner"
    assert "--allow-root" not in c.Spawner.get("args", [])
    assert c.Spawner.default_url == "/voila/render/dashboards/assessment.ipynb"
