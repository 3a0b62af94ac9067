"""`gesso db backup` / `gesso db restore` on PostgreSQL: the database goes through `pg_dump`'s
custom format into the backup folder and comes back with `pg_restore`, into another (empty)
database for a new root, or over the same one with `--force` after data was lost.

(tests/e2e/test_backup_restore.py covers SQLite under load; this pass needs PostgreSQL.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from gesso.app import create_app
from gesso.config import Settings
from gesso.db.engine import Database
from tests import databases
from tests.cli.test_cli import CLI_TIMEOUT_S
from tests.gallery_helpers import create_board, image_bytes, upload

API = "/api/v1"

pytestmark = pytest.mark.postgresql_only


def gesso_on(root: Path, url: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """`gesso <args> --root <root>` with `url` as its database."""
    env = {**databases.child_env(), "GESSO_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "gesso", *map(str, args), "--root", str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )


# Live state of running processes (heartbeats), not data: it moves while the server runs.
LIVE_TABLES = {"workers"}


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the live ones, in a stable order."""
    engine = sa.create_engine(Database(url).url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            ).scalars()
            found: dict[str, list[tuple[Any, ...]]] = {}
            for table in [name for name in tables if name not in LIVE_TABLES]:
                # Table names come from the database's own catalogue.
                select = sa.text(f'SELECT * FROM "{table}"')  # noqa: S608
                found[table] = sorted((tuple(row) for row in conn.execute(select)), key=repr)
            return found
    finally:
        engine.dispose()


def files(root: Path) -> dict[str, bytes]:
    outputs = root / "outputs"
    return {
        str(path.relative_to(outputs)): path.read_bytes()
        for folder in ("images", "thumbnails")
        for path in sorted((outputs / folder).glob("*"))
    }


def test_backup_and_restore_through_pg_dump(
    root: Path, su_client: TestClient, pg_databases: databases.PostgresDatabases, tmp_path: Path
) -> None:
    url = databases.url_for(root)
    board = create_board(su_client, None, "Kept")
    names = [
        upload(su_client, None, image_bytes(color=(40 * n, 30, 30)), board_id=board if n % 2 else None)
        for n in range(3)
    ]
    before, before_files = snapshot(url), files(root)
    assert len(before["images"]) == 3

    backup = gesso_on(root, url, "db", "backup", tmp_path / "backup")
    assert backup.returncode == 0, backup.stderr
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"] == "postgresql" and manifest["images"] == 3
    assert manifest["missing_files"] == []
    assert (tmp_path / "backup" / "gesso.pgdump").stat().st_size > 0

    # Into a new root on an empty database: the same rows and files, and a server that serves them.
    other_root, other_url = tmp_path / "other", pg_databases.fresh(empty=True)
    try:
        restored = gesso_on(other_root, other_url, "db", "restore", tmp_path / "backup")
        assert restored.returncode == 0, restored.stderr
        assert snapshot(other_url) == before
        assert files(other_root) == before_files
        with TestClient(create_app(Settings(root=other_root, database_url=other_url))) as client:
            listed = client.get(f"{API}/images/", params={"limit": 10}).json()
            assert sorted(item["image_name"] for item in listed["items"]) == sorted(names)
            full = client.get(f"{API}/images/i/{names[0]}/full")
            assert full.status_code == 200
            assert full.content == before_files[f"images/{names[0]}"]
    finally:
        pg_databases.drop(other_url)

    # Data lost after the backup comes back over the same root, but only when forced.
    assert su_client.delete(f"{API}/images/i/{names[1]}").status_code == 200
    su_client.__exit__(None, None, None)  # the server stops before its database is replaced
    assert len(snapshot(url)["images"]) == 2
    refused = gesso_on(root, url, "db", "restore", tmp_path / "backup")
    assert refused.returncode == 1 and "--force" in refused.stderr
    forced = gesso_on(root, url, "db", "restore", tmp_path / "backup", "--force")
    assert forced.returncode == 0, forced.stderr
    assert snapshot(url) == before
    assert files(root) == before_files
