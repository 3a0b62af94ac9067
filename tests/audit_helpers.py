"""Reading the audit log in tests: through the admin API, and straight from the table (for the
scan that proves no secret ever lands in it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

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
    with sqlite3.connect(root / "databases" / "gesso.db") as conn:
        return list(conn.execute("SELECT * FROM audit_events ORDER BY id"))


def assert_no_secret(root: Path, secrets: list[str]) -> None:
    stored = "\n".join(repr(row) for row in raw_rows(root))
    for secret in secrets:
        assert secret and secret not in stored, f"a secret ({secret[:4]}…) is in the audit table"
