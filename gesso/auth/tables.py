"""The `sessions` table (migration 0003): one row per login, revoked by logout."""

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
