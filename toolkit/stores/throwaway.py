"""A throwaway PostgreSQL cluster from the machine's own PostgreSQL, for tests and benchmarks.

It listens on a Unix socket in its own temporary folder only (no TCP port, so it never clashes
with another server), trusts local connections, and is deleted by :meth:`Cluster.stop`.
``initdb`` refuses to run as root: run as root (as CI does), the cluster belongs to the
``postgres`` user Debian's package creates. Not a set-up for real data: anyone on the machine
who can reach the socket folder signs in without a password.

    cluster = throwaway.start()
    url = cluster.create_database("tenfold")      # postgresql+psycopg://postgres@/tenfold?host=...
    ...
    cluster.stop()
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Cluster", "find_bindir", "start"]

_SAFE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def find_bindir() -> Path | None:
    """The folder of PostgreSQL's server programs (``initdb``, ``pg_ctl``), or None.

    ``TENFOLD_PG_BIN`` if set; else the newest ``/usr/lib/postgresql/N/bin`` (Debian, Ubuntu);
    else wherever ``initdb`` is on the PATH.
    """
    env = os.environ.get("TENFOLD_PG_BIN")
    if env:
        return Path(env) if (Path(env) / "initdb").is_file() else None
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if debian:
        return debian[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@dataclass
class Cluster:
    """A running throwaway cluster (see the module docstring)."""

    bindir: Path
    root: Path
    port: int
    as_postgres: bool

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        """A store URL for ``database`` on this cluster, signed in as ``user``."""
        return f"postgresql+psycopg://{user}@/{database}?host={self.root}&port={self.port}"

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def sql(self, statement: str, *, database: str = "postgres") -> None:
        """Run one SQL statement as the superuser (autocommit)."""
        import psycopg

        with psycopg.connect(
            host=str(self.root), port=self.port, user="postgres", dbname=database, autocommit=True
        ) as conn:
            conn.execute(statement.encode("utf-8"))

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """Create the database ``name`` (a copy of ``template`` if given); return its URL."""
        if not _SAFE_NAME.match(name) or (template and not _SAFE_NAME.match(template)):
            raise ValueError(f"{name!r}: use lower-case letters, digits and _ in database names")
        self.sql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.url(name)

    def stop(self) -> None:
        """Stop the server at once and delete everything it wrote."""
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start(*, durable: bool = False, bindir: Path | None = None) -> Cluster:
    """Start a throwaway cluster; ``durable`` keeps PostgreSQL's fsync on (benchmarks).

    Raises ``FileNotFoundError`` when PostgreSQL is not installed, and
    ``subprocess.CalledProcessError`` (with PostgreSQL's own output) when it cannot start.
    """
    bindir = bindir or find_bindir()
    if bindir is None:
        raise FileNotFoundError(
            "PostgreSQL's initdb was not found (Debian: apt-get install postgresql)"
        )
    root = Path(tempfile.mkdtemp(prefix="tenfold-pg-"))
    as_postgres = os.geteuid() == 0
    if as_postgres:
        shutil.chown(root, "postgres", "postgres")
    root.chmod(0o755)
    cluster = Cluster(bindir, root, 5432, as_postgres)
    options = f"-k {root} -p {cluster.port} -c listen_addresses=''"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    try:
        cluster._run(
            str(bindir / "initdb"), "-D", str(cluster.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        cluster._run(
            str(bindir / "pg_ctl"), "-D", str(cluster.data), "-l", str(root / "postgresql.log"),
            "-w", "-o", options, "start",
        )  # fmt: skip
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return cluster
