# JupyterHub for a Tenfold team on one host: each consultant signs in (Microsoft Entra ID, or
# the test sign-in for CI), gets a Jupyter server of their own with the Tenfold dashboards as
# the first page (Voila), and in it TENFOLD_STORE: their own login to the team's PostgreSQL
# store, made (or given a new password) each time their server starts.
#
# deploy/start.sh runs it (`jupyterhub -f deploy/jupyterhub_config.py`) with these variables:
#   TENFOLD_STATE              the folder of the hub's and the database's state (start.sh's)
#   TENFOLD_ADMIN_STORE_FILE   a file (root only) with the administrator's store URL: the hub
#                              makes users' logins with it; no user's server ever sees it
#   TENFOLD_HUB_IP/PORT        where people reach the hub (default 127.0.0.1:8000)
#   TENFOLD_AUTH               "entra" (default): Microsoft Entra ID; "test": a shared password,
#                              servers run as root (CI and trying it out only)
#   TENFOLD_USERS              who may sign in (space-separated); TENFOLD_HUB_ADMINS: hub admins
#   TENFOLD_STAKEHOLDERS       clients' people who may sign in (space-separated): their store
#                              logins read what they are given and create nothing
# Entra ID (an app registration of the firm's tenant, redirect URI
# https://HOST/hub/oauth_callback):
#   AAD_TENANT_ID, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_CALLBACK_URL
#   TENFOLD_ENTRA_ALLOW_ALL=1  admit every user of the tenant instead of TENFOLD_USERS
import asyncio
import os
import pwd
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub provides it)

here = Path(__file__).resolve().parent
repo = here.parent  # the tenfold checkout, installed in this Python's environment
state = Path(os.environ["TENFOLD_STATE"])
auth = os.environ.get("TENFOLD_AUTH", "entra")
stakeholders = set(os.environ.get("TENFOLD_STAKEHOLDERS", "").split())
users = set(os.environ.get("TENFOLD_USERS", "").split()) | stakeholders
admins = set(os.environ.get("TENFOLD_HUB_ADMINS", "").split())

# -- where it listens: the proxy for people, the hub and the proxy's API on loopback only -------
c.JupyterHub.bind_url = (
    f"http://{os.environ.get('TENFOLD_HUB_IP', '127.0.0.1')}:"
    f"{os.environ.get('TENFOLD_HUB_PORT', '8000')}"
)
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("TENFOLD_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = (
    f"http://127.0.0.1:{os.environ.get('TENFOLD_PROXY_API_PORT', '8001')}"
)
# configurable-http-proxy 4.6.3, from npm by `make hub-deps` (deploy/package-lock.json).
c.ConfigurableHTTPProxy.command = [str(here / "node_modules" / ".bin" / "configurable-http-proxy")]
c.JupyterHub.db_url = f"sqlite:///{state / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "hub" / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "hub" / "jupyterhub.pid")

# -- sign-in -----------------------------------------------------------------------------------
if auth == "test":
    c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
    c.DummyAuthenticator.password = os.environ["TENFOLD_TEST_PASSWORD"]
elif auth == "entra":
    # Local...: each user also gets a Unix account of that name (their server runs as them).
    c.JupyterHub.authenticator_class = "oauthenticator.azuread.LocalAzureAdOAuthenticator"
    c.LocalAzureAdOAuthenticator.create_system_users = True
    # The user name: the part before @ of the sign-in name (ana.lima@firm.example -> ana.lima),
    # a valid Unix and PostgreSQL name. Tenant, client id and secret, callback: see the top.
    c.AzureAdOAuthenticator.username_claim = lambda info: (
        str(info["preferred_username"]).split("@")[0].lower()
    )
    c.AzureAdOAuthenticator.allow_all = os.environ.get("TENFOLD_ENTRA_ALLOW_ALL") == "1"
else:
    raise ValueError(f"TENFOLD_AUTH={auth!r}: use entra or test")
c.Authenticator.allowed_users = users
c.Authenticator.admin_users = admins

# -- each user's server --------------------------------------------------------------------------
if auth == "test":
    # Every server runs as root, as the hub does: users are NOT kept apart on the machine.
    c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
    c.SimpleLocalProcessSpawner.home_dir_template = str(state / "home" / "{username}")
    c.Spawner.args = ["--allow-root"]
else:
    # Each server runs as the user's own Unix account: their terminal cannot read the hub's
    # files (the administrator's URL), the database's, or a colleague's home.
    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
# Each server's files are the person's home (JupyterLab's file browser, uploads, downloads);
# ~/dashboards links to the checkout's dashboards, which open as the first page.
c.Spawner.default_url = "/voila/render/dashboards/assessment.ipynb"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    # The Voila and kernel settings `tenfold dashboard` and Binder use (toolkit/dashboard/).
    "JUPYTER_CONFIG_PATH": str(repo / "toolkit" / "dashboard" / "jupyter_config"),
}


def _home(spawner) -> Path:
    if auth == "test":
        return state / "home" / spawner.user.name
    return Path(pwd.getpwnam(spawner.user.name).pw_dir)


async def give_the_user_their_store(spawner):
    """TENFOLD_STORE for this user's server: their own login to the store, with a new password
    (the one their previous server had stops working); a stakeholder's login for the clients'
    people named in TENFOLD_STAKEHOLDERS."""
    from toolkit.stores.users import add_user

    admin_url = Path(os.environ["TENFOLD_ADMIN_STORE_FILE"]).read_text(encoding="utf-8").strip()
    name = spawner.user.name
    url = await asyncio.to_thread(add_user, admin_url, name, stakeholder=name in stakeholders)
    # The dashboards' folder of engagement files: the user's own (~/engagements), never the
    # checkout's samples, which every user could read. Engagements a team shares live in the store.
    home = _home(spawner)
    folder = home / "engagements"
    folder.mkdir(parents=True, exist_ok=True)
    if auth != "test":
        account = pwd.getpwnam(spawner.user.name)
        os.chown(folder, account.pw_uid, account.pw_gid)
    dashboards = home / "dashboards"
    if not dashboards.is_symlink():
        dashboards.symlink_to(repo / "dashboards", target_is_directory=True)
    spawner.environment = {
        **spawner.environment,
        "TENFOLD_STORE": url,
        "TENFOLD_ENGAGEMENTS": str(folder),
    }


c.Spawner.pre_spawn_hook = give_the_user_their_store
