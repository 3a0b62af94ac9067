"""The `models` table (migration 0006). Models are shared: no owner column. Access (0009):
`access` is `everyone` or `restricted`; a restricted model is usable by administrators and by
the users and groups listed in `model_allowed_users` / `model_allowed_groups`."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata
from gesso.groups.tables import groups
from gesso.users.tables import users

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
    sa.Column("access", sa.String(16), nullable=False, server_default="everyone"),
)
sa.Index("ix_models_type_base", models.c.type, models.c.base)
sa.Index("ix_models_hash", models.c.hash)

model_allowed_users = sa.Table(
    "model_allowed_users",
    metadata,
    sa.Column("model_key", sa.String(64), sa.ForeignKey(models.c.key, ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.String(64), sa.ForeignKey(users.c.user_id, ondelete="CASCADE"), primary_key=True),
)
sa.Index("ix_model_allowed_users_user_id", model_allowed_users.c.user_id)

model_allowed_groups = sa.Table(
    "model_allowed_groups",
    metadata,
    sa.Column("model_key", sa.String(64), sa.ForeignKey(models.c.key, ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "group_id", sa.String(64), sa.ForeignKey(groups.c.group_id, ondelete="CASCADE"), primary_key=True
    ),
)
sa.Index("ix_model_allowed_groups_group_id", model_allowed_groups.c.group_id)
