"""The `users` table (migration 0001; `must_change_password` from 0011) and the one-time invite and
password-reset links (0011). Email uniqueness is case-insensitive (index on lower(email))."""

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
    sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
)
sa.Index("ix_users_email_lower", sa.func.lower(users.c.email), unique=True)
sa.Index("ix_users_is_admin", users.c.is_admin)

# One-time links: only the SHA-256 of the token is kept; `used_at` is set by a conditional UPDATE
# (… WHERE used_at IS NULL), so two requests racing with one link cannot both use it.
invites = sa.Table(
    "invites",
    metadata,
    sa.Column("invite_id", sa.String(64), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("email", sa.String(320), nullable=True),
    sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("created_by", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("used_at", UtcDateTime(), nullable=True),
    sa.Column("used_by", sa.String(64), nullable=True),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
)

password_resets = sa.Table(
    "password_resets",
    metadata,
    sa.Column("reset_id", sa.String(64), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", sa.String(64), sa.ForeignKey(users.c.user_id, ondelete="CASCADE"), nullable=False),
    sa.Column("created_by", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("used_at", UtcDateTime(), nullable=True),
)
sa.Index("ix_password_resets_user_id", password_resets.c.user_id)
