"""`sessions` (migration 0003): one row per login, revoked by logout; `api_tokens` (0009)."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata
from gesso.users.tables import users

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("session_id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), sa.ForeignKey(users.c.user_id, ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("remember_me", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("user_agent", sa.String(512), nullable=True),
    sa.Column("ip_address", sa.String(64), nullable=True),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
)
sa.Index("ix_sessions_user_id", sessions.c.user_id)

# Personal API tokens (migration 0009): only a SHA-256 of the secret is kept. Revoking deletes
# the row; deleting the user deletes its tokens.
api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("token_id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), sa.ForeignKey(users.c.user_id, ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("scopes", sa.String(100), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=True),
    sa.Column("last_used_at", UtcDateTime(), nullable=True),
)
sa.Index("ix_api_tokens_secret_hash", api_tokens.c.secret_hash, unique=True)
sa.Index("ix_api_tokens_user_id", api_tokens.c.user_id)
