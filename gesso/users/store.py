"""SQL for `users`. Returns `UserRecord`s; callers own the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from gesso.db.metadata import SYSTEM_USER_ID, utcnow
from gesso.db.ownership import owned_tables
from gesso.users.tables import users


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
