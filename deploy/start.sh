#!/usr/bin/env bash
# Start Tenfold for a team on one Debian host, as root:
#   - PostgreSQL (Debian's package) holding the team's store, on a Unix socket only, every
#     login with a password (SCRAM); the superuser only for the operating system's postgres
#     account (peer), never over the network;
#   - JupyterHub and its proxy on http://$TENFOLD_HUB_IP:$TENFOLD_HUB_PORT, where each person
#     signs in and lands on the Tenfold dashboards in a server of their own.
# Run from anywhere:   deploy/start.sh        Stop with deploy/stop.sh.   (README: "For a team")
# Needs `make system-deps` (PostgreSQL, Node.js) and `make .venv/.installed` once.
# Everything it writes is under $TENFOLD_STATE (default /var/lib/tenfold).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
export TENFOLD_STATE=${TENFOLD_STATE:-/var/lib/tenfold}
export TENFOLD_HUB_PORT=${TENFOLD_HUB_PORT:-8000}
export TENFOLD_PG_PORT=${TENFOLD_PG_PORT:-5432}  # names the socket file; no TCP listener
python=${TENFOLD_PYTHON:-$repo/.venv/bin/python}
pg=$TENFOLD_STATE/pg
say() { echo "start.sh: $*" >&2; }

[ "$(id -u)" = 0 ] || { say "run as root"; exit 1; }
"$python" -c "import importlib.util as u, sys; sys.exit(not all(map(u.find_spec, ('jupyterhub', 'toolkit.stores.users', 'psycopg'))))" 2>/dev/null \
  || { say "$python lacks JupyterHub or Tenfold: run make .venv/.installed in $repo"; exit 1; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pgbin" ] || { say "PostgreSQL is not installed: run make system-deps in $repo"; exit 1; }
[ -x "$here/node_modules/.bin/configurable-http-proxy" ] || make -s -C "$repo" hub-deps

install -d -m 755 "$TENFOLD_STATE"
install -d -m 700 "$TENFOLD_STATE/hub" "$TENFOLD_STATE/home"
runuser -u postgres -- test -x "$TENFOLD_STATE" \
  || { say "the postgres account cannot reach $TENFOLD_STATE: every folder above it must be searchable (chmod o+x)"; exit 1; }

# -- PostgreSQL -----------------------------------------------------------------------------------
if [ ! -f "$pg/data/PG_VERSION" ]; then
  install -d -o postgres -g postgres -m 700 "$pg"
  runuser -u postgres -- "$pgbin/initdb" -D "$pg/data" -U postgres -E UTF8 \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  # Only the operating system's postgres account signs in as the superuser; everyone else
  # with their own password. No "trust" anywhere.
  cat >"$pg/data/pg_hba.conf" <<'HBA'
local   all   postgres   peer
local   all   all        scram-sha-256
HBA
  chown postgres:postgres "$pg/data/pg_hba.conf"
  fresh=1
fi
if ! runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg/data" status >/dev/null 2>&1; then
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/postgresql.log" -w \
    -o "-k $pg -p $TENFOLD_PG_PORT -c listen_addresses=''" start >/dev/null
fi
admin_file=$TENFOLD_STATE/admin-store.url
if [ -n "${fresh:-}" ] || [ ! -f "$admin_file" ]; then
  # The administrator: owns the database, makes users' logins (CREATEROLE), not a superuser.
  password=$("$python" -c "import secrets; print(secrets.token_urlsafe(24))")
  runuser -u postgres -- psql -q -h "$pg" -p "$TENFOLD_PG_PORT" -d postgres -v ON_ERROR_STOP=1 \
    -v pw="$password" >/dev/null <<'SQL'
SELECT format('CREATE ROLE tenfold_admin LOGIN CREATEROLE PASSWORD %L', :'pw')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenfold_admin') \gexec
SELECT format('ALTER ROLE tenfold_admin PASSWORD %L', :'pw') \gexec
SELECT 'CREATE DATABASE tenfold OWNER tenfold_admin'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'tenfold') \gexec
SQL
  (umask 077; echo "postgresql+psycopg://tenfold_admin:$password@/tenfold?host=$pg&port=$TENFOLD_PG_PORT" >"$admin_file")
fi
export TENFOLD_ADMIN_STORE_FILE=$admin_file
# Create or migrate the store's tables (as its administrator).
"$(dirname "$python")/tenfold" store init "$(cat "$admin_file")" >&2

# -- JupyterHub -------------------------------------------------------------------------------------
# All three standard streams redirected: a caller reading this script's output through a pipe
# (CI, | tee) is not held open by the hub.
cd "$TENFOLD_STATE/hub"
nohup "$python" -m jupyterhub -f "$here/jupyterhub_config.py" </dev/null >hub.log 2>&1 &
url="http://${TENFOLD_HUB_IP:-127.0.0.1}:$TENFOLD_HUB_PORT"
for _ in $(seq 240); do
  curl -sf "$url/hub/health" >/dev/null && break
  sleep 0.25
done
curl -sf "$url/hub/health" >/dev/null \
  || { say "JupyterHub did not come up; see $TENFOLD_STATE/hub/hub.log"; exit 1; }
cat <<MSG
JupyterHub:  $url/hub/login   (log: $TENFOLD_STATE/hub/hub.log)
Store:       PostgreSQL on $pg (port $TENFOLD_PG_PORT); administrator's URL in $admin_file
Dashboards:  $url/user/NAME/voila/render/dashboards/assessment.ipynb
MSG
