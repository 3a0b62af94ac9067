"""The `models` table (migration 0006). Models are shared: no owner column."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata

models = sa.Table(
    "models",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(256), nullable=False),
    sa.Column("base", sa.String(32), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("format", sa.String(32), nullable=False),
    sa.Column("path", sa.Text(), nullable=False),
    sa.Column("hash", sa.String(80), nullable=False),
    sa.Column("file_size", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("source", sa.Text(), nullable=False),
    sa.Column("source_type", sa.String(16), nullable=False),
    sa.Column("default_settings", sa.Text(), nullable=True),
    sa.Column("config", sa.Text(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)
sa.Index("ix_models_type_base", models.c.type, models.c.base)
sa.Index("ix_models_hash", models.c.hash)
