"""SQL for `groups` and `group_members`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gesso.db.metadata import utcnow
from gesso.groups.tables import group_members, groups
from gesso.users.tables import users


@dataclass(frozen=True)
class GroupMember:
    user_id: str
    email: str
    display_name: str | None


@dataclass(frozen=True)
class GroupRecord:
    group_id: str
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime
    members: list[GroupMember] = field(default_factory=list)


def insert_group(conn: Connection, record: GroupRecord) -> None:
    values = {k: v for k, v in record.__dict__.items() if k != "members"}
    conn.execute(sa.insert(groups).values(**values))


def name_taken(conn: Connection, name: str, except_group_id: str | None = None) -> bool:
    query = sa.select(groups.c.group_id).where(sa.func.lower(groups.c.name) == name.lower())
    if except_group_id is not None:
        query = query.where(groups.c.group_id != except_group_id)
    return conn.execute(query).first() is not None


def group_exists(conn: Connection, group_id: str) -> bool:
    return conn.execute(sa.select(groups.c.group_id).where(groups.c.group_id == group_id)).first() is not None


def list_groups(conn: Connection, group_ids: list[str] | None = None) -> list[GroupRecord]:
    """Groups by name with their members (two queries whatever the number of groups)."""
    query = sa.select(groups).order_by(sa.func.lower(groups.c.name))
    if group_ids is not None:
        query = query.where(groups.c.group_id.in_(group_ids))
    found = [GroupRecord(**row._mapping) for row in conn.execute(query)]
    if not found:
        return []
    members = conn.execute(
        sa.select(group_members.c.group_id, users.c.user_id, users.c.email, users.c.display_name)
        .join(users, users.c.user_id == group_members.c.user_id)
        .where(group_members.c.group_id.in_([g.group_id for g in found]))
        .order_by(sa.func.lower(users.c.email))
    )
    by_group: dict[str, list[GroupMember]] = {}
    for row in members:
        by_group.setdefault(row.group_id, []).append(GroupMember(row.user_id, row.email, row.display_name))
    for group in found:
        group.members.extend(by_group.get(group.group_id, []))
    return found


def update_group(conn: Connection, group_id: str, **values: object) -> None:
    conn.execute(sa.update(groups).where(groups.c.group_id == group_id).values(**values, updated_at=utcnow()))


def delete_group(conn: Connection, group_id: str) -> bool:
    return conn.execute(sa.delete(groups).where(groups.c.group_id == group_id)).rowcount > 0


def add_member(conn: Connection, group_id: str, user_id: str) -> bool:
    """False when already a member (adding twice changes nothing)."""
    mine = sa.and_(group_members.c.group_id == group_id, group_members.c.user_id == user_id)
    if conn.execute(sa.select(group_members.c.user_id).where(mine)).first() is not None:
        return False
    conn.execute(sa.insert(group_members).values(group_id=group_id, user_id=user_id, created_at=utcnow()))
    return True


def remove_member(conn: Connection, group_id: str, user_id: str) -> bool:
    query = sa.delete(group_members).where(
        group_members.c.group_id == group_id, group_members.c.user_id == user_id
    )
    return conn.execute(query).rowcount > 0


def groups_of(conn: Connection, user_id: str) -> list[str]:
    query = sa.select(group_members.c.group_id).where(group_members.c.user_id == user_id)
    return [str(g) for g in conn.scalars(query)]


def existing_group_ids(conn: Connection, group_ids: list[str]) -> set[str]:
    if not group_ids:
        return set()
    return {
        str(g) for g in conn.scalars(sa.select(groups.c.group_id).where(groups.c.group_id.in_(group_ids)))
    }
