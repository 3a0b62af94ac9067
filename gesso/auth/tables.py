"""`sessions` (migration 0003): one row per login, revoked by logout; `api_tokens` (0009); 2FA,
external identity and single sign-on tables (0011)."""

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

# -- migration 0011: second factors, external identities, single sign-on --------------------------

# A TOTP secret must be readable to check codes, so it is stored encrypted (with `app_settings.totp_key`),
# never hashed. `enabled_at` is NULL between setup and the first correct code.
# `last_used_step` makes each code usable once: a code of that step or an earlier one is refused.
user_totp = sa.Table(
    "user_totp",
    metadata,
    sa.Column("user_id", sa.String(64), sa.ForeignKey(users.c.user_id, ondelete="CASCADE"), primary_key=True),
    sa.Column("secret_encrypted", sa.String(512), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("enabled_at", UtcDateTime(), nullable=True),
    sa.Column("last_used_step", sa.BigInteger(), nullable=True),
)

recovery_codes = sa.Table(
    "recovery_codes",
    metadata,
    sa.Column("user_id", sa.String(64), sa.ForeignKey(users.c.user_id, ondelete="CASCADE"), primary_key=True),
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("used_at", UtcDateTime(), nullable=True),
)

external_identities = sa.Table(
    "external_identities",
    metadata,
    sa.Column("issuer", sa.String(512), primary_key=True),
    sa.Column("subject", sa.String(255), primary_key=True),
    sa.Column("user_id", sa.String(64), sa.ForeignKey(users.c.user_id, ondelete="CASCADE"), nullable=False),
    sa.Column("email", sa.String(320), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("last_login_at", UtcDateTime(), nullable=True),
)
sa.Index("ix_external_identities_user_id", external_identities.c.user_id)

# Keyed by the SHA-256 of the value of the HttpOnly cookie set on /oidc/login: a callback from a
# browser without that cookie finds no pending login.
oidc_pending_logins = sa.Table(
    "oidc_pending_logins",
    metadata,
    sa.Column("binding_hash", sa.String(64), primary_key=True),
    sa.Column("state", sa.String(128), nullable=False),
    sa.Column("nonce", sa.String(128), nullable=False),
    sa.Column("code_verifier", sa.String(128), nullable=False),
    sa.Column("next_path", sa.String(2048), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)
sa.Index("ix_oidc_pending_logins_created_at", oidc_pending_logins.c.created_at)

# One-time codes (60 s) that the studio exchanges for a session after single sign-on.
login_codes = sa.Table(
    "login_codes",
    metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), sa.ForeignKey(users.c.user_id, ondelete="CASCADE"), nullable=False),
    sa.Column("method", sa.String(16), nullable=False),
    sa.Column("next_path", sa.String(2048), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("used_at", UtcDateTime(), nullable=True),
)
