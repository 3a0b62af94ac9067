"""Migrations on a real database (SQLite or PostgreSQL): fresh databases, upgrades, the JWT secret."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from gesso.db.engine import Database
from gesso.db.migrate import (
    MigrationError,
    current_revision,
    head_revision,
    newest_migration_file,
    upgrade,
)
from gesso.services import Services
from gesso.settings_store.service import MissingJwtSecret
from tests import databases


def open_db(root: Path) -> Database:
    return Database(databases.settings(root).resolved_database_url)


def secret_of(db: Database) -> str | None:
    with db.read() as conn:
        return conn.execute(sa.text("SELECT value FROM app_settings WHERE key = 'jwt_secret'")).scalar()


@pytest.mark.empty_database
def test_fresh_database_gets_a_256_bit_secret(root: Path) -> None:
    services = Services.open(databases.settings(root))
    try:
        secret = secret_of(services.db)
        assert secret is not None and re.fullmatch(r"[0-9a-f]{64}", secret)
        assert current_revision(services.db) == head_revision()
    finally:
        services.close()


@pytest.mark.sqlite_only
def test_sqlite_pragmas_are_set(root: Path) -> None:
    db = open_db(root)
    try:
        with db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        db.dispose()


@pytest.mark.empty_database
def test_database_before_secret_migration_upgrades_with_rows_intact(root: Path) -> None:
    db = open_db(root)
    try:
        upgrade(db, "0001_users")
        assert current_revision(db) == "0001_users"
        with db.write() as conn:
            for n in range(3):
                conn.execute(
                    sa.text(
                        "INSERT INTO users (user_id, email, display_name, password_hash, is_admin, is_active,"
                        " created_at, updated_at, token_epoch) VALUES (:id, :email, :name, 'h', :admin, TRUE,"
                        " '2025-01-01 00:00:00', '2025-01-01 00:00:00', 0)"
                    ),
                    {
                        "id": f"legacy-{n}",
                        "email": f"legacy{n}@example.com",
                        "name": f"Legacy {n}",
                        "admin": n == 0,
                    },
                )
        with db.read() as conn:
            before = conn.execute(sa.text("SELECT * FROM users ORDER BY user_id")).all()

        upgrade(db)

        with db.read() as conn:
            after = conn.execute(sa.text("SELECT * FROM users ORDER BY user_id")).all()
        # Every value kept; columns added later (must_change_password) come after, with defaults.
        assert [tuple(row)[: len(before[0])] for row in after] == [tuple(row) for row in before]
        assert {row._mapping["must_change_password"] for row in after} == {False}
        assert len(after) == 4  # three legacy rows and the system user
        assert secret_of(db) is not None
        assert current_revision(db) == head_revision()
    finally:
        db.dispose()


@pytest.mark.empty_database
def test_failed_migration_leaves_database_unchanged(root: Path) -> None:
    db = open_db(root)
    try:
        upgrade(db, "0001_users")
        with db.write() as conn:
            # A stray table with the name the next migration creates makes that migration fail.
            conn.execute(sa.text("CREATE TABLE sessions (x INTEGER)"))
        with pytest.raises(MigrationError, match="nothing was changed"):
            upgrade(db)
        assert current_revision(db) == "0001_users"
        with db.read() as conn:
            tables = set(sa.inspect(conn).get_table_names())
        assert "app_settings" not in tables
    finally:
        db.dispose()


def test_secret_survives_restart_and_old_tokens_still_verify(root: Path) -> None:
    settings = databases.settings(root, multiuser=True)
    first = Services.open(settings)
    try:
        first.users.setup_admin("admin@example.com", "pw")
        login = first.auth.login("admin@example.com", "pw", remember_me=False, ip="t", user_agent=None)
        secret = secret_of(first.db)
    finally:
        first.close()

    second = Services.open(settings)
    try:
        assert secret_of(second.db) == secret
        assert second.auth.authenticate(login.token.token).actor.email == "admin@example.com"
    finally:
        second.close()


def test_missing_secret_refuses_to_start(root: Path) -> None:
    Services.open(databases.settings(root)).close()
    db = open_db(root)
    with db.write() as conn:
        conn.execute(sa.text("DELETE FROM app_settings WHERE key = 'jwt_secret'"))
    db.dispose()
    with pytest.raises(MissingJwtSecret, match="JWT secret is missing"):
        Services.open(databases.settings(root))


def test_missing_secret_stops_gesso_serve_with_a_clear_message(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gesso.cli.main import main

    Services.open(databases.settings(root)).close()
    db = open_db(root)
    with db.write() as conn:
        conn.execute(sa.text("DELETE FROM app_settings WHERE key = 'jwt_secret'"))
    db.dispose()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    exit_code = main(["serve", "--root", str(root), "--port", str(port)])

    assert exit_code == 1
    error_lines = capsys.readouterr().err.strip().splitlines()
    assert any("JWT secret is missing" in line for line in error_lines)


def test_newest_migration_file_is_alembics_head() -> None:
    assert newest_migration_file() == head_revision()


def _upgrade_in_new_process(root: Path) -> tuple[bool, str | None]:
    """Run `upgrade` as a fresh server process would: did it import Alembic; which revision."""
    script = (
        "import sys\n"
        "from gesso.config import Settings\n"
        "from gesso.db.engine import Database\n"
        "from gesso.db.migrate import stored_revision, upgrade\n"
        f"db = Database(Settings(root={str(root)!r}).resolved_database_url)\n"
        "upgrade(db)\n"
        "print('alembic' in sys.modules, stored_revision(db))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    imported, revision = run.stdout.split()
    return imported == "True", revision


def test_starting_on_an_up_to_date_database_skips_alembic(tmp_path: Path) -> None:
    """A fresh database is migrated by Alembic; the next start reads the revision with one
    query and never imports Alembic."""
    assert _upgrade_in_new_process(tmp_path) == (True, head_revision())
    assert _upgrade_in_new_process(tmp_path) == (False, head_revision())
