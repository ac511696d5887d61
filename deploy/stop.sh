#!/usr/bin/env bash
# Stop what deploy/start.sh started: JupyterHub (it stops the proxy and every user's server on
# the way out), then PostgreSQL. The state stays in $TENFOLD_STATE (the store's data with it);
# `deploy/stop.sh --purge` deletes it too, store included.
set -euo pipefail
TENFOLD_STATE=${TENFOLD_STATE:-/var/lib/tenfold}
pg=$TENFOLD_STATE/pg

pidfile=$TENFOLD_STATE/hub/jupyterhub.pid  # written by JupyterHub (c.JupyterHub.pid_file)
if [ -f "$pidfile" ]; then
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
fi
if [ -f "$pg/data/postmaster.pid" ]; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null
fi
if [ "${1:-}" = "--purge" ]; then
  rm -rf "$TENFOLD_STATE"
  echo "stopped; $TENFOLD_STATE deleted"
else
  echo "stopped; the state (and the store) stays in $TENFOLD_STATE"
fi
