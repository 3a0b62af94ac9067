"""A throw-away PostgreSQL cluster: `initdb` into a temp dir, `pg_ctl` on a free loopback port.

PostgreSQL refuses to run as root, so under root the server runs as the `postgres` user (created
by Debian's `postgresql` package) on a directory it owns. Durability is switched off: the data
lives only as long as the test session. Never a system service; `stop()` removes everything.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa

PG_BINDIR = Path(os.environ.get("GESSO_PG_BINDIR", "/usr/lib/postgresql/15/bin"))
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    " -c max_connections=400 -c shared_buffers=64MB -c log_min_messages=fatal"
)


def available() -> bool:
    return (PG_BINDIR / "pg_ctl").exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    """One running cluster; `url(name)` addresses a database in it as the `postgres` superuser."""

    def __init__(self) -> None:
        if not available():
            raise RuntimeError(f"PostgreSQL binaries not found in {PG_BINDIR} (apt-get install postgresql)")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="gesso-pg-"))
        self.data = self.dir / "data"
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.dir, "postgres", "postgres")
            self.dir.chmod(0o700)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-t", "60",
            "-o", f"-p {self.port} -k {self.dir} {SERVER_OPTIONS}", "start",
        )  # fmt: skip
        self._admin = sa.create_engine(
            self.url("postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
        )

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, statement: str) -> None:
        with self._admin.connect() as conn:
            conn.exec_driver_sql(statement)

    def create_database(self, name: str, template: str = "template0") -> str:
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        self._admin.dispose()
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _run(self, binary: str, *args: str) -> None:
        command = [str(PG_BINDIR / binary), *args]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=self.dir)
        if result.returncode != 0:
            raise RuntimeError(f"{binary} failed: {result.stderr.strip() or result.stdout.strip()}")
