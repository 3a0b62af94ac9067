"""Account lifecycle and external identity (SPEC §18): `users.must_change_password`, one-time
invite and password-reset links, TOTP enrolments and recovery codes, OpenID Connect identities,
pending single sign-on logins and the one-time login codes they end in. Every secret column
holds a SHA-256 hash, except the TOTP secret, which must be readable to verify codes and is
stored encrypted with `totp_key`, a random key of its own in `app_settings` (not derived from the
JWT secret: rotating that must not lock every enrolled user out).

Revision ID: 0011_identity
Revises: 0010_audit
"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0011_identity"
down_revision = "0010_audit"
branch_labels = None
depends_on = None


def _user_fk(**kwargs: object) -> sa.ForeignKey:
    return sa.ForeignKey("users.user_id", ondelete="CASCADE", **kwargs)  # type: ignore[arg-type]


def upgrade() -> None:
    app_settings = sa.table(
        "app_settings", sa.column("key"), sa.column("value"), sa.column("created_at"), sa.column("updated_at")
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        app_settings,
        [{"key": "totp_key", "value": secrets.token_hex(32), "created_at": now, "updated_at": now}],
    )
    # A plain ADD COLUMN: batch mode would rebuild `users`, and dropping the old table would
    # cascade into every row that references it.
    op.add_column(
        "users", sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_table(
        "invites",
        sa.Column("invite_id", sa.String(64), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("used_by", sa.String(64), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "password_resets",
        sa.Column("reset_id", sa.String(64), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.String(64), _user_fk(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_password_resets_user_id", "password_resets", ["user_id"])
    op.create_table(
        "user_totp",
        sa.Column("user_id", sa.String(64), _user_fk(), primary_key=True),
        sa.Column("secret_encrypted", sa.String(512), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("enabled_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_step", sa.BigInteger(), nullable=True),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("user_id", sa.String(64), _user_fk(), primary_key=True),
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "external_identities",
        sa.Column("issuer", sa.String(512), primary_key=True),
        sa.Column("subject", sa.String(255), primary_key=True),
        sa.Column("user_id", sa.String(64), _user_fk(), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_external_identities_user_id", "external_identities", ["user_id"])
    op.create_table(
        "oidc_pending_logins",
        sa.Column("binding_hash", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(128), nullable=False),
        sa.Column("nonce", sa.String(128), nullable=False),
        sa.Column("code_verifier", sa.String(128), nullable=False),
        sa.Column("next_path", sa.String(2048), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_oidc_pending_logins_created_at", "oidc_pending_logins", ["created_at"])
    op.create_table(
        "login_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), _user_fk(), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("next_path", sa.String(2048), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.execute("DELETE FROM app_settings WHERE key = 'totp_key'")
    for table in (
        "login_codes", "oidc_pending_logins", "external_identities", "recovery_codes", "user_totp",
        "password_resets", "invites",
    ):  # fmt: skip
        op.drop_table(table)
    op.drop_column("users", "must_change_password")
