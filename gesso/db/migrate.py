"""Alembic, driven from code: upgrade at start-up, report the current revision.

Each upgrade runs inside one transaction; if any migration fails the database is left exactly
as it was and `MigrationError` carries the reason.

Alembic is imported only when there is something to do: a start-up on an up-to-date database
reads the stored revision with one query and compares it with the newest migration file (files
are named after their revision, `NNNN_name.py`, in one linear chain; a test holds that to
Alembic's own head). Importing Alembic costs a fifth of the server's start-up.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from gesso.db.engine import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_REVISION_FILE = re.compile(r"^(\d{4}_\w+)\.py$")


class MigrationError(Exception):
    """The schema could not be brought up to date."""


def _alembic_config(db: Database) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None
    return head


def newest_migration_file() -> str:
    """The revision of the newest migration file (the head of the chain, by convention)."""
    found = (_REVISION_FILE.match(p.name) for p in (MIGRATIONS_DIR / "versions").iterdir())
    return max(match.group(1) for match in found if match)


def stored_revision(db: Database) -> str | None:
    """The revision recorded in the database, read without Alembic (None: not yet migrated)."""
    with db.engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> None:
    """Apply every pending migration (or up to `revision`) in a single transaction."""
    if revision == "head" and stored_revision(db) == newest_migration_file():
        return
    from alembic import command

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
