"""App settings key/value table, seeded with the JWT signing secret.

Revision ID: 0002_app_settings
Revises: 0001_users
"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002_app_settings"
down_revision = "0001_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    app_settings = op.create_table(
        "app_settings",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    # 32 random bytes = 256 bits: the HS256 key every token is signed with. Generated here,
    # once, so it survives restarts; it is never logged nor returned by any API.
    op.bulk_insert(
        app_settings,
        [{"key": "jwt_secret", "value": secrets.token_hex(32), "created_at": now, "updated_at": now}],
    )
