"""SQL for `users`. Returns `UserRecord`s; callers own the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from gesso.db.metadata import SYSTEM_USER_ID, utcnow
from gesso.db.ownership import owned_tables
from gesso.users.tables import invites, password_resets, users


@dataclass(frozen=True)
class UserRecord:
    user_id: str
    email: str
    display_name: str | None
    password_hash: str | None
    is_admin: bool
    is_active: bool
    created_at: datetime
    updated_at: datetime
    last_login_at: datetime | None
    token_epoch: int
    must_change_password: bool = False

    @property
    def is_system(self) -> bool:
        return self.user_id == SYSTEM_USER_ID


def record_from_row(row: Row[Any]) -> UserRecord:
    return UserRecord(
        user_id=row.user_id,
        email=row.email,
        display_name=row.display_name,
        password_hash=row.password_hash,
        is_admin=bool(row.is_admin),
        is_active=bool(row.is_active),
        created_at=row.created_at,
        updated_at=row.updated_at,
        last_login_at=row.last_login_at,
        token_epoch=int(row.token_epoch),
        must_change_password=bool(row.must_change_password),
    )


def insert_user(conn: Connection, record: UserRecord) -> None:
    conn.execute(sa.insert(users).values(**record.__dict__))


def get_user(conn: Connection, user_id: str) -> UserRecord | None:
    row = conn.execute(sa.select(users).where(users.c.user_id == user_id)).first()
    return None if row is None else record_from_row(row)


def find_by_email(conn: Connection, email: str) -> UserRecord | None:
    row = conn.execute(sa.select(users).where(sa.func.lower(users.c.email) == email.lower())).first()
    return None if row is None else record_from_row(row)


def list_users(conn: Connection, offset: int, limit: int | None) -> list[UserRecord]:
    """Real users (never `system`), newest first."""
    query = (
        sa.select(users)
        .where(users.c.user_id != SYSTEM_USER_ID)
        .order_by(users.c.created_at.desc(), users.c.user_id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return [record_from_row(row) for row in conn.execute(query)]


def count_active_admins(conn: Connection) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(users)
        .where(users.c.is_admin.is_(True), users.c.is_active.is_(True), users.c.user_id != SYSTEM_USER_ID)
    )
    return int(conn.execute(query).scalar_one())


def lock_user_administration(conn: Connection) -> None:
    """Serialise admin-changing transactions on PostgreSQL by locking the system row.

    SQLite writers are already serialised by `BEGIN IMMEDIATE`; there FOR UPDATE compiles away.
    """
    conn.execute(sa.select(users.c.user_id).where(users.c.user_id == SYSTEM_USER_ID).with_for_update())


def update_user(conn: Connection, user_id: str, **values: Any) -> None:
    conn.execute(sa.update(users).where(users.c.user_id == user_id).values(updated_at=utcnow(), **values))


def set_password_hash(conn: Connection, user_id: str, password_hash: str) -> None:
    """New hash and a bumped token epoch: every token issued before now stops working."""
    conn.execute(
        sa.update(users)
        .where(users.c.user_id == user_id)
        .values(password_hash=password_hash, token_epoch=users.c.token_epoch + 1, updated_at=utcnow())
    )


def set_last_login(conn: Connection, user_id: str, when: datetime) -> None:
    conn.execute(sa.update(users).where(users.c.user_id == user_id).values(last_login_at=when))


def delete_user(conn: Connection, user_id: str) -> None:
    conn.execute(sa.delete(users).where(users.c.user_id == user_id))


def reassign_owned_rows(conn: Connection, from_user_id: str, to_user_id: str) -> dict[str, int]:
    moved: dict[str, int] = {}
    for table in owned_tables():
        result = conn.execute(
            sa.update(table).where(table.c.user_id == from_user_id).values(user_id=to_user_id)
        )
        moved[table.name] = result.rowcount
    return moved


# -- one-time links (invites and password resets) ------------------------------------------


@dataclass(frozen=True)
class InviteRecord:
    invite_id: str
    email: str | None
    is_admin: bool
    created_by: str | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    used_by: str | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class ResetRecord:
    reset_id: str
    user_id: str
    created_by: str | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


_INVITE_COLUMNS = [c for c in invites.c if c.name != "token_hash"]
_RESET_COLUMNS = [c for c in password_resets.c if c.name != "token_hash"]


def insert_invite(conn: Connection, record: InviteRecord, token_hash: str) -> None:
    conn.execute(sa.insert(invites).values(**record.__dict__, token_hash=token_hash))


def find_invite_by_hash(conn: Connection, token_hash: str) -> InviteRecord | None:
    row = conn.execute(sa.select(*_INVITE_COLUMNS).where(invites.c.token_hash == token_hash)).first()
    return None if row is None else InviteRecord(**row._mapping)


def list_invites(conn: Connection) -> list[InviteRecord]:
    rows = conn.execute(
        sa.select(*_INVITE_COLUMNS).order_by(invites.c.created_at.desc(), invites.c.invite_id)
    )
    return [InviteRecord(**row._mapping) for row in rows]


def claim_invite(conn: Connection, token_hash: str, user_id: str, now: datetime) -> bool:
    """Mark the invite used by `user_id` if it is still open: the one atomic step that makes
    an invite single-use (a second accept, even a concurrent one, changes no row)."""
    result = conn.execute(
        sa.update(invites)
        .where(
            invites.c.token_hash == token_hash,
            invites.c.used_at.is_(None),
            invites.c.revoked_at.is_(None),
            invites.c.expires_at > now,
        )
        .values(used_at=now, used_by=user_id)
    )
    return result.rowcount == 1


def revoke_invite(conn: Connection, invite_id: str, now: datetime) -> bool:
    result = conn.execute(
        sa.update(invites)
        .where(invites.c.invite_id == invite_id, invites.c.used_at.is_(None), invites.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount == 1


def insert_reset(conn: Connection, record: ResetRecord, token_hash: str) -> None:
    conn.execute(sa.insert(password_resets).values(**record.__dict__, token_hash=token_hash))


def find_reset_by_hash(conn: Connection, token_hash: str) -> ResetRecord | None:
    query = sa.select(*_RESET_COLUMNS).where(password_resets.c.token_hash == token_hash)
    row = conn.execute(query).first()
    return None if row is None else ResetRecord(**row._mapping)


def claim_reset(conn: Connection, token_hash: str, now: datetime) -> bool:
    """Single use, atomically (see `claim_invite`)."""
    result = conn.execute(
        sa.update(password_resets)
        .where(
            password_resets.c.token_hash == token_hash,
            password_resets.c.used_at.is_(None),
            password_resets.c.expires_at > now,
        )
        .values(used_at=now)
    )
    return result.rowcount == 1


def close_open_resets(conn: Connection, user_id: str, now: datetime) -> None:
    """A new link (or a password change) makes the user's older links useless."""
    conn.execute(
        sa.update(password_resets)
        .where(password_resets.c.user_id == user_id, password_resets.c.used_at.is_(None))
        .values(used_at=now)
    )
