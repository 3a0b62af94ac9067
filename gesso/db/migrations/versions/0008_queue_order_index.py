"""An index in queue order (priority DESC, item_id) per queue, for the cursor-paged `list` route
without a status filter: without it every page sorted the whole history.

Revision ID: 0008_queue_order_index
Revises: 0007_queue_counts
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_queue_order_index"
down_revision = "0007_queue_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_session_queue_order", "session_queue", ["queue_id", sa.text("priority DESC"), "item_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_session_queue_order", table_name="session_queue")
