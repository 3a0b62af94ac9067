"""Which database a test runs on: `pytest --db sqlite` (default) or `pytest --db postgresql`.

On SQLite every test's root folder holds its own database file, as in production. On PostgreSQL
the session starts one throw-away cluster (tests/services/postgres.py), migrates a template
database once, and gives every test that asks for a root its own clone (`CREATE DATABASE …
TEMPLATE`, dropped afterwards). Code under test finds it the ordinary way: `database_url` in the
settings the fixtures build, and `GESSO_DATABASE_URL` for `gesso` subprocesses.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from gesso.config import Settings
from gesso.db.engine import Database
from gesso.db.migrate import upgrade
from tests.services.postgres import PostgresCluster

TEMPLATE = "gesso_template"
_names = itertools.count(1)
_current_url: str | None = None
# Roots of module-scoped worlds (the `shared_root` fixture) and the PostgreSQL database of each.
_root_urls: dict[Path, str] = {}

SharedRoot = Callable[[str], Path]
"""The `shared_root` fixture: a new root by name for a module-scoped world."""


def current_url() -> str | None:
    """This test's PostgreSQL database, or None on SQLite."""
    return _current_url


def settings(root: Path, **overrides: Any) -> Settings:
    """`Settings(root=…)` on this test's database (or on the database of a shared root)."""
    overrides.setdefault("database_url", _root_urls.get(root, _current_url))
    return Settings(root=root, **overrides)


def url_for(root: Path) -> str:
    """The database a server on `root` uses in this test."""
    return settings(root).resolved_database_url


def query(root: Path, statement: str, **params: Any) -> Sequence[sa.Row[Any]]:
    """Rows straight from the database behind the server's back (`:name` parameters)."""
    engine = sa.create_engine(Database(url_for(root)).url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(statement), params).all()
    finally:
        engine.dispose()


def execute(root: Path, *statements: str, **params: Any) -> None:
    """Change rows behind the server's back, in one transaction (`:name` parameters)."""
    engine = sa.create_engine(Database(url_for(root)).url, poolclass=sa.NullPool)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement), params)
    finally:
        engine.dispose()


def child_env() -> dict[str, str]:
    """The environment for a `gesso` subprocess: none of the caller's GESSO_ variables, but this
    test's database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GESSO_")}
    if _current_url is not None:
        env["GESSO_DATABASE_URL"] = _current_url
    return env


class PostgresDatabases:
    """Clones of one migrated template, one per test."""

    def __init__(self, cluster: PostgresCluster) -> None:
        self.cluster = cluster
        template = Database(cluster.create_database(TEMPLATE))
        try:
            upgrade(template)
        finally:
            template.dispose()

    def fresh(self, *, empty: bool = False) -> str:
        name = f"test_{next(_names)}"
        return self.cluster.create_database(name, template="template0" if empty else TEMPLATE)

    def drop(self, url: str) -> None:
        self.cluster.drop_database(url.rsplit("/", 1)[1])


def bind(root: Path, url: str) -> None:
    """Give a module's shared root a database of its own: every server, query and statement on
    that root uses it, whichever test runs."""
    _root_urls[root] = url


def unbind(root: Path) -> None:
    _root_urls.pop(root, None)


def use(url: str | None) -> Iterator[str | None]:
    """Make `url` this test's database for the duration of the generator."""
    global _current_url
    _current_url = url
    try:
        yield url
    finally:
        _current_url = None
