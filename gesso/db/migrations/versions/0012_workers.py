"""Worker processes and their heartbeats, which worker runs an item, each item's main model (and whether
model-aware dispatch has let another item go first),
and the installation id that names this installation's Redis channels.

Revision ID: 0012_workers
Revises: 0011_identity
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0012_workers"
down_revision = "0011_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("worker_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("device", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("current_item_id", sa.Integer(), nullable=True),
        sa.Column("loaded_models", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("hostname", sa.String(256), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("in_process", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_heartbeat", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_workers_state", "workers", ["state", "last_heartbeat"])
    op.add_column("session_queue", sa.Column("worker_id", sa.String(64), nullable=True))
    op.add_column("session_queue", sa.Column("model_key", sa.String(64), nullable=True))
    op.add_column(
        "session_queue", sa.Column("passed_over", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    app_settings = sa.table(
        "app_settings",
        sa.column("key", sa.String),
        sa.column("value", sa.Text),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        app_settings,
        [{"key": "installation_id", "value": uuid.uuid4().hex, "created_at": now, "updated_at": now}],
    )
