"""SQL for `app_settings`."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gesso.db.metadata import utcnow
from gesso.settings_store.tables import app_settings


def get_value(conn: Connection, key: str) -> str | None:
    row = conn.execute(sa.select(app_settings.c.value).where(app_settings.c.key == key)).first()
    return None if row is None else str(row.value)


def set_value(conn: Connection, key: str, value: str) -> None:
    now = utcnow()
    updated = conn.execute(
        sa.update(app_settings).where(app_settings.c.key == key).values(value=value, updated_at=now)
    )
    if updated.rowcount == 0:
        conn.execute(sa.insert(app_settings).values(key=key, value=value, created_at=now, updated_at=now))


def delete_value(conn: Connection, key: str) -> None:
    conn.execute(sa.delete(app_settings).where(app_settings.c.key == key))
