"""The `app_settings` table (created by migration 0002)."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata

app_settings = sa.Table(
    "app_settings",
    metadata,
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("value", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)
