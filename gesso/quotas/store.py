"""SQL for quota rows and daily usage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gesso.db.metadata import SYSTEM_USER_ID, utcnow
from gesso.db.upsert import add_to_row
from gesso.groups.tables import group_members
from gesso.quotas.limits import Limits
from gesso.quotas.tables import LIMIT_COLUMNS, group_quotas, usage_daily, user_quotas
from gesso.users.tables import users


def _limits(row: sa.Row[object] | None) -> Limits | None:
    return None if row is None else Limits.from_mapping(row._mapping)


def user_limits(conn: Connection, user_id: str) -> Limits | None:
    return _limits(conn.execute(sa.select(user_quotas).where(user_quotas.c.user_id == user_id)).first())


def group_limits(conn: Connection, group_id: str) -> Limits | None:
    return _limits(conn.execute(sa.select(group_quotas).where(group_quotas.c.group_id == group_id)).first())


def limits_of_users_groups(conn: Connection, user_ids: Iterable[str]) -> dict[str, list[Limits]]:
    """For each user, the quota rows of their groups (one query)."""
    query = (
        sa.select(group_members.c.user_id, *(group_quotas.c[name] for name in LIMIT_COLUMNS))
        .join(group_quotas, group_quotas.c.group_id == group_members.c.group_id)
        .where(group_members.c.user_id.in_(sorted(set(user_ids))))
    )
    found: dict[str, list[Limits]] = {}
    for row in conn.execute(query):
        found.setdefault(row.user_id, []).append(Limits.from_mapping(row._mapping))
    return found


def users_limits(conn: Connection, user_ids: Iterable[str]) -> dict[str, Limits]:
    query = sa.select(user_quotas).where(user_quotas.c.user_id.in_(sorted(set(user_ids))))
    return {row.user_id: Limits.from_mapping(row._mapping) for row in conn.execute(query)}


def _upsert(conn: Connection, table: sa.Table, key: str, subject_id: str, limits: Limits) -> None:
    values = {**asdict(limits), "updated_at": utcnow()}
    mine = table.c[key] == subject_id
    if conn.execute(sa.update(table).where(mine).values(**values)).rowcount == 0:
        conn.execute(sa.insert(table).values(**values, **{key: subject_id}))


def put_user_limits(conn: Connection, user_id: str, limits: Limits) -> None:
    _upsert(conn, user_quotas, "user_id", user_id, limits)


def put_group_limits(conn: Connection, group_id: str, limits: Limits) -> None:
    _upsert(conn, group_quotas, "group_id", group_id, limits)


def _day_row(conn: Connection, user_id: str, day: str) -> sa.ColumnElement[bool]:
    return sa.and_(usage_daily.c.user_id == user_id, usage_daily.c.day == day)


def add_usage(conn: Connection, user_id: str, day: str, *, items: int = 0, gpu_seconds: float = 0.0) -> None:
    # In place (an upsert), so a worker's finish needs no installation-wide write lock.
    keys = {"user_id": user_id, "day": day}
    add_to_row(conn, usage_daily, keys, {"items": items, "gpu_seconds": gpu_seconds})


def items_on(conn: Connection, user_id: str, day: str) -> int:
    value = conn.execute(sa.select(usage_daily.c["items"]).where(_day_row(conn, user_id, day))).scalar()
    return int(value or 0)


def usage_since(
    conn: Connection, user_ids: Iterable[str], first_day: str, today: str
) -> dict[str, tuple[int, float]]:
    """For each user: (items enqueued today, GPU seconds since `first_day`)."""
    used_items = usage_daily.c["items"]
    query = (
        sa.select(
            usage_daily.c.user_id,
            sa.func.sum(sa.case((usage_daily.c.day == today, used_items), else_=0)).label("today"),
            sa.func.sum(usage_daily.c.gpu_seconds).label("gpu"),
        )
        .where(usage_daily.c.user_id.in_(sorted(set(user_ids))), usage_daily.c.day >= first_day)
        .group_by(usage_daily.c.user_id)
    )
    return {row.user_id: (int(row.today or 0), float(row.gpu or 0.0)) for row in conn.execute(query)}


def day_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def lock_user(conn: Connection, user_id: str) -> None:
    """Row lock on the user for the rest of the transaction (PostgreSQL `FOR UPDATE`; SQLite's
    write transaction already holds the database's writer lock)."""
    conn.execute(sa.select(users.c.user_id).where(users.c.user_id == user_id).with_for_update())


def count_users(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).where(users.c.user_id != SYSTEM_USER_ID)).scalar_one())
