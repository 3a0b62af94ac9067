"""SQL for `api_tokens`, including the per-request token+user lookup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gesso.auth.tables import api_tokens
from gesso.db.engine import Database
from gesso.users.store import UserRecord, record_from_row
from gesso.users.tables import users


@dataclass(frozen=True)
class ApiTokenRecord:
    token_id: str
    user_id: str
    name: str
    prefix: str
    scopes: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


_PUBLIC_COLUMNS = (
    api_tokens.c.token_id, api_tokens.c.user_id, api_tokens.c.name, api_tokens.c.prefix,
    api_tokens.c.scopes, api_tokens.c.created_at, api_tokens.c.expires_at, api_tokens.c.last_used_at,
)  # fmt: skip


def insert_token(conn: Connection, record: ApiTokenRecord, secret_hash: str) -> None:
    conn.execute(sa.insert(api_tokens).values(**record.__dict__, secret_hash=secret_hash))


def list_tokens(conn: Connection, user_id: str | None) -> list[ApiTokenRecord]:
    """One user's tokens, or everyone's when `user_id` is None; newest first."""
    query = sa.select(*_PUBLIC_COLUMNS).order_by(api_tokens.c.created_at.desc(), api_tokens.c.token_id)
    if user_id is not None:
        query = query.where(api_tokens.c.user_id == user_id)
    return [ApiTokenRecord(**row._mapping) for row in conn.execute(query)]


def find_token(conn: Connection, token_id: str) -> ApiTokenRecord | None:
    row = conn.execute(sa.select(*_PUBLIC_COLUMNS).where(api_tokens.c.token_id == token_id)).first()
    return None if row is None else ApiTokenRecord(**row._mapping)


def delete_token(conn: Connection, token_id: str) -> bool:
    return conn.execute(sa.delete(api_tokens).where(api_tokens.c.token_id == token_id)).rowcount > 0


def touch_token(conn: Connection, token_id: str, now: datetime, interval: timedelta) -> None:
    """Record use, unless it was recorded less than `interval` ago (by any process)."""
    conn.execute(
        sa.update(api_tokens)
        .where(
            api_tokens.c.token_id == token_id,
            sa.or_(api_tokens.c.last_used_at.is_(None), api_tokens.c.last_used_at < now - interval),
        )
        .values(last_used_at=now)
    )


@dataclass(frozen=True)
class TokenOwner:
    """A token found by its secret's hash, with its user's current row."""

    token: ApiTokenRecord
    user: UserRecord


# Built once: this runs on every request made with an API token.
_TOKEN_WITH_USER = (
    sa.select(users, *(c.label(f"t_{c.name}") for c in _PUBLIC_COLUMNS))
    .join(api_tokens, api_tokens.c.user_id == users.c.user_id)
    .where(api_tokens.c.secret_hash == sa.bindparam("secret_hash"))
)


def find_by_secret_hash(db: Database, secret_hash: str) -> TokenOwner | None:
    """The token and its user (one indexed query)."""
    with db.read_once() as conn:
        row = conn.execute(_TOKEN_WITH_USER, {"secret_hash": secret_hash}).first()
    if row is None:
        return None
    values = row._mapping
    token = ApiTokenRecord(**{c.name: values[f"t_{c.name}"] for c in _PUBLIC_COLUMNS})
    return TokenOwner(token=token, user=record_from_row(row))


def live_tokens(conn: Connection, token_ids: list[str], now: datetime) -> list[str]:
    """The ids among `token_ids` whose token exists, has not expired, and whose user is active."""
    if not token_ids:
        return []
    query = (
        sa.select(api_tokens.c.token_id)
        .join(users, users.c.user_id == api_tokens.c.user_id)
        .where(
            api_tokens.c.token_id.in_(token_ids),
            users.c.is_active.is_(True),
            sa.or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > now),
        )
    )
    return [str(token_id) for token_id in conn.scalars(query)]
