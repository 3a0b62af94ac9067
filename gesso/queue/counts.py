"""Per-user counts other domains ask the queue for (the pending-items quota)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gesso.queue.tables import session_queue as sq

DEFAULT_QUEUE_ID = "default"


def pending_items(conn: Connection, user_id: str, queue_id: str = DEFAULT_QUEUE_ID) -> int:
    """The user's items waiting in the queue (a range of ix_session_queue_user_status)."""
    query = sa.select(sa.func.count()).where(
        sq.c.queue_id == queue_id, sq.c.status == "pending", sq.c.user_id == user_id
    )
    return int(conn.execute(query).scalar_one())
