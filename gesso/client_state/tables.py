"""The `client_state` table (migration 0004), keyed by (user, key)."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata

client_state = sa.Table(
    "client_state",
    metadata,
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(512), primary_key=True),
    sa.Column("value", sa.Text(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)
