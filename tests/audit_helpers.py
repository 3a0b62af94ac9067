"""Reading the audit log in tests: through the admin API, and straight from the table (for the
scan that proves no secret ever lands in it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from gesso.db.engine import Database
from tests import databases
from tests.factories import bearer


def events(client: TestClient, admin: str, **params: Any) -> list[dict[str, Any]]:
    """Every event matching the filters, newest first, following the cursor to the end."""
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {}), "limit": 500}
        response = client.get("/api/v1/audit", params=query, headers=bearer(admin))
        assert response.status_code == 200, response.text
        page = response.json()
        found.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return found


def actions(client: TestClient, admin: str, **params: Any) -> list[str]:
    return [event["action"] for event in events(client, admin, **params)]


def raw_rows(root: Path) -> list[tuple[Any, ...]]:
    """Every row of the table, every column, as stored."""
    return [tuple(row) for row in databases.query(root, "SELECT * FROM audit_events ORDER BY id")]


def whole_database_text(root: Path) -> str:
    """Every value of every table, as text (SQLite or PostgreSQL alike)."""
    engine = sa.create_engine(Database(databases.url_for(root)).url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
            rows = (row for name in tables for row in conn.execute(sa.text(f'SELECT * FROM "{name}"')))  # noqa: S608 (names from the schema)
            return "\n".join(repr(tuple(row)) for row in rows)
    finally:
        engine.dispose()


def assert_no_secret(root: Path, secrets: list[str]) -> None:
    stored = "\n".join(repr(row) for row in raw_rows(root))
    for secret in secrets:
        assert secret and secret not in stored, f"a secret ({secret[:4]}…) is in the audit table"
