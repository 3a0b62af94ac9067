"""Users, with the built-in `system` account that owns single-user data.

Revision ID: 0001_users
Revises:
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0001_users"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    users = op.create_table(
        "users",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("display_name", sa.String(256), nullable=True),
        sa.Column("password_hash", sa.String(512), nullable=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("token_epoch", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_users_email_lower", "users", [sa.text("lower(email)")], unique=True)
    op.create_index("ix_users_is_admin", "users", ["is_admin"])
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        users,
        [
            {
                "user_id": "system",
                "email": "system@system.local",
                "display_name": "System",
                "password_hash": None,
                "is_admin": False,
                "is_active": True,
                "created_at": now,
                "updated_at": now,
                "last_login_at": None,
                "token_epoch": 0,
            }
        ],
    )
