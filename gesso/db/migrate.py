"""Alembic, driven from code: upgrade at start-up, report the current revision.

Each upgrade runs inside one transaction; if any migration fails the database is left exactly
as it was and `MigrationError` carries the reason.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from gesso.db.engine import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class MigrationError(Exception):
    """The schema could not be brought up to date."""


def _alembic_config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return config


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> None:
    """Apply every pending migration (or up to `revision`) in a single transaction."""
    config = _alembic_config(db)
    try:
        with db.engine.connect() as conn:
            conn = conn.execution_options(gesso_write=True)
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
    except Exception as exc:
        raise MigrationError(f"Database migration failed, nothing was changed: {exc}") from exc


def is_up_to_date(db: Database) -> bool:
    return current_revision(db) == head_revision()
