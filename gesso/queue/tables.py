"""`session_queue` and `queue_turns` (migration 0005)."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata
from gesso.db.ownership import OWNED_BY_USER

session_queue = sa.Table(
    "session_queue",
    metadata,
    sa.Column("item_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("queue_id", sa.String(64), nullable=False, server_default="default"),
    sa.Column("user_id", sa.String(64), nullable=False, server_default="system"),
    sa.Column("batch_id", sa.String(64), nullable=False),
    sa.Column("session_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("priority", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("origin", sa.String(256), nullable=True),
    sa.Column("destination", sa.String(256), nullable=True),
    sa.Column("field_values", sa.Text(), nullable=True),
    sa.Column("session", sa.Text(), nullable=False),
    sa.Column("workflow", sa.Text(), nullable=True),
    sa.Column("error_type", sa.Text(), nullable=True),
    sa.Column("error_message", sa.Text(), nullable=True),
    sa.Column("error_traceback", sa.Text(), nullable=True),
    sa.Column("retried_from_item_id", sa.Integer(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=True),
    sa.Column("completed_at", UtcDateTime(), nullable=True),
    # Migration 0012: the worker that claimed the item, and the main model its graph loads.
    sa.Column("worker_id", sa.String(64), nullable=True),
    sa.Column("model_key", sa.String(64), nullable=True),
    # Set when model-aware dispatch let another item go first; such an item is never passed again.
    sa.Column("passed_over", sa.Boolean(), nullable=False, server_default=sa.false()),
    info={OWNED_BY_USER: True},
)
sa.Index(
    "ix_session_queue_fifo",
    session_queue.c.queue_id,
    session_queue.c.status,
    session_queue.c.priority.desc(),
    session_queue.c.item_id,
)
# Queue order for the cursor-paged list over every status (migration 0008).
sa.Index(
    "ix_session_queue_order",
    session_queue.c.queue_id,
    session_queue.c.priority.desc(),
    session_queue.c.item_id,
)
sa.Index(
    "ix_session_queue_user_status",
    session_queue.c.queue_id,
    session_queue.c.status,
    session_queue.c.user_id,
    session_queue.c.priority.desc(),
    session_queue.c.item_id,
)
sa.Index("ix_session_queue_user_id", session_queue.c.user_id, session_queue.c.item_id)
sa.Index("ix_session_queue_batch_status", session_queue.c.batch_id, session_queue.c.status)
sa.Index(
    "ix_session_queue_destination",
    session_queue.c.queue_id,
    session_queue.c.destination,
    session_queue.c.status,
)

# Running totals per (queue, status), kept in the same transactions as the rows (migration 0007).
session_queue_counts = sa.Table(
    "session_queue_counts",
    metadata,
    sa.Column("queue_id", sa.String(64), primary_key=True),
    sa.Column("status", sa.String(16), primary_key=True),
    sa.Column("n", sa.Integer(), nullable=False, server_default="0"),
)

queue_turns = sa.Table(
    "queue_turns",
    metadata,
    sa.Column("queue_id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("last_served", sa.Integer(), nullable=False),
    # Items served in the current turn (weighted round robin, migration 0009).
    sa.Column("streak", sa.Integer(), nullable=False, server_default="1"),
)
sa.Index("ix_queue_turns_last_served", queue_turns.c.queue_id, queue_turns.c.last_served)
