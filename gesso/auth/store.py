"""SQL for `sessions`, including the per-request user+session lookup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gesso.auth.tables import sessions
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
