"""Running per-status totals of each queue, and indexes for per-batch and per-user counts.

The queue's status (sent with every status-change event) needs global counts per status; kept
as running totals they cost the same with 100 or 100,000 finished items.

Revision ID: 0007_queue_counts
Revises: 0006_models
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_queue_counts"
down_revision = "0006_models"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_queue_counts",
        sa.Column("queue_id", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(16), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False, server_default="0"),
    )
    op.execute(
        "INSERT INTO session_queue_counts (queue_id, status, n) "
        "SELECT queue_id, status, COUNT(*) FROM session_queue GROUP BY queue_id, status"
    )
    op.drop_index("ix_session_queue_batch_id", table_name="session_queue")
    op.create_index("ix_session_queue_batch_status", "session_queue", ["batch_id", "status"])
    op.create_index("ix_session_queue_destination", "session_queue", ["queue_id", "destination", "status"])
