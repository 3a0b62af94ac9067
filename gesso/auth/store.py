"""SQL for `sessions`, including the per-request user+session lookup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gesso.auth.tables import (
    external_identities,
    login_codes,
    oidc_pending_logins,
    recovery_codes,
    sessions,
    user_totp,
)
from gesso.db.engine import Database
from gesso.db.metadata import utcnow
from gesso.users.store import UserRecord, record_from_row
from gesso.users.tables import users


@dataclass(frozen=True)
class SessionRecord:
    session_id: str
    user_id: str
    created_at: datetime
    remember_me: bool
    user_agent: str | None
    ip_address: str | None
    revoked_at: datetime | None


def insert_session(conn: Connection, record: SessionRecord) -> None:
    conn.execute(sa.insert(sessions).values(**record.__dict__))


# Built once: this runs on every authenticated request, and a prebuilt statement with bound
# parameters skips SQLAlchemy's per-call construction and cache-key work.
_USER_WITH_LIVE_SESSION = (
    sa.select(users)
    .join(sessions, sessions.c.user_id == users.c.user_id)
    .where(
        users.c.user_id == sa.bindparam("user_id"),
        sessions.c.session_id == sa.bindparam("session_id"),
        sessions.c.revoked_at.is_(None),
    )
)


def find_user_with_live_session(conn: Connection, user_id: str, session_id: str) -> UserRecord | None:
    """The user row, provided `session_id` is theirs and not revoked (one indexed query)."""
    row = conn.execute(_USER_WITH_LIVE_SESSION, {"user_id": user_id, "session_id": session_id}).first()
    return None if row is None else record_from_row(row)


_USER_COLUMNS = (
    "user_id", "email", "display_name", "password_hash", "is_admin", "is_active",
    "created_at", "updated_at", "last_login_at", "token_epoch", "must_change_password",
)  # fmt: skip
_USER_WITH_LIVE_SESSION_SQLITE = (
    "SELECT u.user_id, u.email, u.display_name, u.password_hash, u.is_admin, u.is_active,"
    " u.created_at, u.updated_at, u.last_login_at, u.token_epoch, u.must_change_password"
    " FROM users AS u JOIN sessions AS s ON s.user_id = u.user_id"
    " WHERE u.user_id = ? AND s.session_id = ? AND s.revoked_at IS NULL"
)


def find_user_with_live_session_sqlite(db: Database, user_id: str, session_id: str) -> UserRecord | None:
    """The same lookup as `find_user_with_live_session`, on SQLite's driver directly (hot path)."""
    row = db.sqlite_fetch_one(_USER_WITH_LIVE_SESSION_SQLITE, (user_id, session_id))
    if row is None:
        return None
    values = dict(zip(_USER_COLUMNS, row, strict=True))
    return UserRecord(
        user_id=values["user_id"],
        email=values["email"],
        display_name=values["display_name"],
        password_hash=values["password_hash"],
        is_admin=bool(values["is_admin"]),
        is_active=bool(values["is_active"]),
        created_at=_utc(values["created_at"]),
        updated_at=_utc(values["updated_at"]),
        last_login_at=_utc(values["last_login_at"]) if values["last_login_at"] else None,
        token_epoch=int(values["token_epoch"]),
        must_change_password=bool(values["must_change_password"]),
    )


def _utc(stored: str) -> datetime:
    """SQLAlchemy stores naive UTC as ISO text on SQLite (see UtcDateTime)."""
    return datetime.fromisoformat(stored).replace(tzinfo=UTC)


def list_live_sessions(conn: Connection, user_id: str) -> list[SessionRecord]:
    query = (
        sa.select(sessions)
        .where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
        .order_by(sessions.c.created_at.desc())
    )
    return [SessionRecord(**row._mapping) for row in conn.execute(query)]


def revoke_session(conn: Connection, user_id: str, session_id: str) -> bool:
    result = conn.execute(
        sa.update(sessions)
        .where(
            sessions.c.session_id == session_id,
            sessions.c.user_id == user_id,
            sessions.c.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    return result.rowcount > 0


def revoke_user_sessions(conn: Connection, user_id: str, except_session_id: str | None = None) -> int:
    query = sa.update(sessions).where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
    if except_session_id is not None:
        query = query.where(sessions.c.session_id != except_session_id)
    return conn.execute(query.values(revoked_at=utcnow())).rowcount


def revoke_all_sessions(conn: Connection) -> int:
    query = sa.update(sessions).where(sessions.c.revoked_at.is_(None)).values(revoked_at=utcnow())
    return conn.execute(query).rowcount


def live_session_states(
    conn: Connection, wanted: dict[str, tuple[str, str]]
) -> dict[str, tuple[bool, int] | None]:
    """For each key's (user_id, session_id): (is_admin, token_epoch) while the user is active and
    the session live, else None. One query for all of them (the socket sweep)."""
    session_ids = sorted({session_id for _, session_id in wanted.values()})
    rows = conn.execute(
        sa.select(sessions.c.session_id, users.c.user_id, users.c.is_admin, users.c.token_epoch)
        .join(users, users.c.user_id == sessions.c.user_id)
        .where(
            sessions.c.session_id.in_(session_ids),
            sessions.c.revoked_at.is_(None),
            users.c.is_active.is_(True),
        )
    )
    live = {row.session_id: (row.user_id, bool(row.is_admin), int(row.token_epoch)) for row in rows}
    states: dict[str, tuple[bool, int] | None] = {}
    for key, (user_id, session_id) in wanted.items():
        found = live.get(session_id)
        states[key] = (found[1], found[2]) if found is not None and found[0] == user_id else None
    return states


# -- second factor (migration 0011) ----------------------------------------------------------


@dataclass(frozen=True)
class TotpRecord:
    user_id: str
    secret_encrypted: str
    created_at: datetime
    enabled_at: datetime | None
    last_used_step: int | None


def find_totp(conn: Connection, user_id: str) -> TotpRecord | None:
    row = conn.execute(sa.select(user_totp).where(user_totp.c.user_id == user_id)).first()
    return None if row is None else TotpRecord(**row._mapping)


def save_pending_totp(conn: Connection, user_id: str, secret_encrypted: str, now: datetime) -> None:
    """A new, not yet enabled secret (replaces an earlier unfinished setup)."""
    conn.execute(sa.delete(user_totp).where(user_totp.c.user_id == user_id, user_totp.c.enabled_at.is_(None)))
    conn.execute(
        sa.insert(user_totp).values(user_id=user_id, secret_encrypted=secret_encrypted, created_at=now)
    )


def enable_totp(conn: Connection, user_id: str, step: int, now: datetime) -> bool:
    result = conn.execute(
        sa.update(user_totp)
        .where(user_totp.c.user_id == user_id, user_totp.c.enabled_at.is_(None))
        .values(enabled_at=now, last_used_step=step)
    )
    return result.rowcount == 1


def use_totp_step(conn: Connection, user_id: str, step: int) -> bool:
    """Accept the code of `step` once: refused when that step or a later one was used already
    (a conditional UPDATE, so two logins racing with one code cannot both pass)."""
    result = conn.execute(
        sa.update(user_totp)
        .where(
            user_totp.c.user_id == user_id,
            user_totp.c.enabled_at.is_not(None),
            sa.or_(user_totp.c.last_used_step.is_(None), user_totp.c.last_used_step < step),
        )
        .values(last_used_step=step)
    )
    return result.rowcount == 1


def delete_second_factor(conn: Connection, user_id: str) -> bool:
    conn.execute(sa.delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
    return conn.execute(sa.delete(user_totp).where(user_totp.c.user_id == user_id)).rowcount > 0


def replace_recovery_codes(conn: Connection, user_id: str, code_hashes: list[str]) -> None:
    conn.execute(sa.delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
    conn.execute(sa.insert(recovery_codes), [{"user_id": user_id, "code_hash": h} for h in code_hashes])


def use_recovery_code(conn: Connection, user_id: str, code_hash: str, now: datetime) -> bool:
    result = conn.execute(
        sa.update(recovery_codes)
        .where(
            recovery_codes.c.user_id == user_id,
            recovery_codes.c.code_hash == code_hash,
            recovery_codes.c.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return result.rowcount == 1


def count_unused_recovery_codes(conn: Connection, user_id: str) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(recovery_codes)
        .where(recovery_codes.c.user_id == user_id, recovery_codes.c.used_at.is_(None))
    )
    return int(conn.execute(query).scalar_one())


# -- single sign-on (migration 0011) ---------------------------------------------------------


@dataclass(frozen=True)
class PendingLogin:
    state: str
    nonce: str
    code_verifier: str
    next_path: str | None
    created_at: datetime


def insert_pending(
    conn: Connection, binding_hash: str, *, state: str, nonce: str, code_verifier: str,
    next_path: str | None, now: datetime,
) -> None:  # fmt: skip
    conn.execute(
        sa.insert(oidc_pending_logins).values(
            binding_hash=binding_hash,
            state=state,
            nonce=nonce,
            code_verifier=code_verifier,
            next_path=next_path,
            created_at=now,
        )
    )


def take_pending(conn: Connection, binding_hash: str) -> PendingLogin | None:
    """The pending login of this browser, removed in the same step (usable once)."""
    table = oidc_pending_logins
    row = conn.execute(sa.select(table).where(table.c.binding_hash == binding_hash)).first()
    if (
        row is None
        or conn.execute(sa.delete(table).where(table.c.binding_hash == binding_hash)).rowcount != 1
    ):
        return None
    values = dict(row._mapping)
    values.pop("binding_hash")
    return PendingLogin(**values)


def prune_pending(conn: Connection, older_than: datetime) -> None:
    conn.execute(sa.delete(oidc_pending_logins).where(oidc_pending_logins.c.created_at < older_than))


def find_identity(conn: Connection, issuer: str, subject: str) -> str | None:
    table = external_identities
    query = sa.select(table.c.user_id).where(table.c.issuer == issuer, table.c.subject == subject)
    value = conn.execute(query).scalar_one_or_none()
    return None if value is None else str(value)


def insert_identity(
    conn: Connection, issuer: str, subject: str, user_id: str, email: str | None, now: datetime
) -> None:
    conn.execute(
        sa.insert(external_identities).values(
            issuer=issuer, subject=subject, user_id=user_id, email=email, created_at=now, last_login_at=now
        )
    )


def touch_identity(conn: Connection, issuer: str, subject: str, now: datetime) -> None:
    table = external_identities
    conn.execute(
        sa.update(table).where(table.c.issuer == issuer, table.c.subject == subject).values(last_login_at=now)
    )


def insert_login_code(
    conn: Connection, code_hash: str, user_id: str, *, method: str, next_path: str | None,
    now: datetime, expires_at: datetime,
) -> None:  # fmt: skip
    conn.execute(
        sa.insert(login_codes).values(
            code_hash=code_hash,
            user_id=user_id,
            method=method,
            next_path=next_path,
            created_at=now,
            expires_at=expires_at,
        )
    )


def use_login_code(conn: Connection, code_hash: str, now: datetime) -> tuple[str, str | None] | None:
    """(user_id, next_path) for an unused, unexpired code, marking it used (a conditional
    UPDATE: two exchanges of one code cannot both succeed)."""
    table = login_codes
    claimed = conn.execute(
        sa.update(table)
        .where(table.c.code_hash == code_hash, table.c.used_at.is_(None), table.c.expires_at > now)
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        return None
    row = conn.execute(
        sa.select(table.c.user_id, table.c.next_path).where(table.c.code_hash == code_hash)
    ).one()
    return str(row.user_id), row.next_path
