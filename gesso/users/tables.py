"""The `users` table (migration 0001). Email uniqueness is case-insensitive (index on lower(email))."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata

users = sa.Table(
    "users",
    metadata,
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("display_name", sa.String(256), nullable=True),
    sa.Column("password_hash", sa.String(512), nullable=True),
    sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("last_login_at", UtcDateTime(), nullable=True),
    sa.Column("token_epoch", sa.Integer(), nullable=False, server_default="0"),
)
sa.Index("ix_users_email_lower", sa.func.lower(users.c.email), unique=True)
sa.Index("ix_users_is_admin", users.c.is_admin)
