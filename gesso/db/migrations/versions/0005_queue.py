"""Session queue and the round-robin bookkeeping of who was served last.

Revision ID: 0005_queue
Revises: 0004_gallery
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_queue"
down_revision = "0004_gallery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_queue",
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
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
    )
    # Dequeue reads only the pending range of these indexes, whatever the history size.
    op.create_index(
        "ix_session_queue_fifo",
        "session_queue",
        ["queue_id", "status", sa.text("priority DESC"), "item_id"],
    )
    op.create_index(
        "ix_session_queue_user_status",
        "session_queue",
        ["queue_id", "status", "user_id", sa.text("priority DESC"), "item_id"],
    )
    op.create_index("ix_session_queue_user_id", "session_queue", ["user_id", "item_id"])
    op.create_index("ix_session_queue_batch_id", "session_queue", ["batch_id"])
    op.create_table(
        "queue_turns",
        sa.Column("queue_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("last_served", sa.Integer(), nullable=False),
    )
    op.create_index("ix_queue_turns_last_served", "queue_turns", ["queue_id", "last_served"])
