"""SQL for `client_state`. Every operation is keyed by (user, key); no query crosses users."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gesso.client_state.tables import client_state
from gesso.db.metadata import utcnow


def get_value(conn: Connection, user_id: str, key: str) -> str | None:
    row = conn.execute(
        sa.select(client_state.c.value).where(client_state.c.user_id == user_id, client_state.c.key == key)
    ).first()
    return None if row is None else str(row.value)


def set_value(conn: Connection, user_id: str, key: str, value: str) -> None:
    mine = sa.and_(client_state.c.user_id == user_id, client_state.c.key == key)
    updated = conn.execute(sa.update(client_state).where(mine).values(value=value, updated_at=utcnow()))
    if updated.rowcount == 0:
        conn.execute(
            sa.insert(client_state).values(user_id=user_id, key=key, value=value, updated_at=utcnow())
        )


def keys_with_prefix(conn: Connection, user_id: str, prefix: str) -> list[str]:
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    query = (
        sa.select(client_state.c.key)
        .where(client_state.c.user_id == user_id, client_state.c.key.like(pattern, escape="\\"))
        .order_by(client_state.c.key)
    )
    return list(conn.execute(query).scalars())


def delete_key(conn: Connection, user_id: str, key: str) -> None:
    conn.execute(sa.delete(client_state).where(client_state.c.user_id == user_id, client_state.c.key == key))


def delete_all(conn: Connection, user_id: str) -> None:
    conn.execute(sa.delete(client_state).where(client_state.c.user_id == user_id))
