"""`workers` (migration 0012): every worker process, in-process or `gesso worker`, and its
latest heartbeat."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata

workers = sa.Table(
    "workers",
    metadata,
    sa.Column("worker_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("device", sa.String(32), nullable=False),
    # idle | busy | paused | stopping | stopped | lost
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("current_item_id", sa.Integer(), nullable=True),
    sa.Column("loaded_models", sa.Text(), nullable=False, server_default="[]"),
    sa.Column("hostname", sa.String(256), nullable=False),
    sa.Column("pid", sa.Integer(), nullable=False),
    sa.Column("in_process", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("last_heartbeat", UtcDateTime(), nullable=False),
)
sa.Index("ix_workers_state", workers.c.state, workers.c.last_heartbeat)
