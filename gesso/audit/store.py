"""SQL for `audit_events`: insert, the newest-first filtered page, export and pruning."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from gesso.audit.tables import audit_events


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: datetime
    actor_user_id: str | None
    actor_kind: str
    ip: str | None
    action: str
    target_type: str | None
    target_id: str | None
    outcome: str
    details: dict[str, Any]


@dataclass(frozen=True)
class AuditFilter:
    actor_user_id: str | None = None
    action: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


_INSERT = sa.insert(audit_events)


def insert_event(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(_INSERT, values)


def _event(row: Row[Any]) -> AuditEvent:
    return AuditEvent(**row._mapping)


def _where(query: sa.Select[Any], wanted: AuditFilter) -> sa.Select[Any]:
    table = audit_events.c
    if wanted.actor_user_id is not None:
        query = query.where(table.actor_user_id == wanted.actor_user_id)
    if wanted.action is not None:
        # "auth." selects every auth action; a full name selects that action only.
        if wanted.action.endswith("."):
            query = query.where(table.action.startswith(wanted.action, autoescape=True))
        else:
            query = query.where(table.action == wanted.action)
    if wanted.target_id is not None:
        query = query.where(table.target_id == wanted.target_id)
    if wanted.since is not None:
        query = query.where(table.at >= wanted.since)
    if wanted.until is not None:
        query = query.where(table.at < wanted.until)
    return query


def list_page(conn: Connection, wanted: AuditFilter, before_id: int | None, limit: int) -> list[AuditEvent]:
    """Newest first; `before_id` is the cursor (the last id of the previous page)."""
    query = _where(sa.select(audit_events), wanted)
    if before_id is not None:
        query = query.where(audit_events.c.id < before_id)
    query = query.order_by(audit_events.c.id.desc()).limit(limit)
    return [_event(row) for row in conn.execute(query)]


def iterate(conn: Connection, wanted: AuditFilter, chunk: int = 1000) -> Iterator[AuditEvent]:
    """Oldest first, in chunks (export of any size in bounded memory)."""
    after_id = 0
    while True:
        query = _where(sa.select(audit_events), wanted).where(audit_events.c.id > after_id)
        rows = [_event(row) for row in conn.execute(query.order_by(audit_events.c.id).limit(chunk))]
        yield from rows
        if len(rows) < chunk:
            return
        after_id = rows[-1].id


def delete_before(conn: Connection, cutoff: datetime) -> int:
    return conn.execute(sa.delete(audit_events).where(audit_events.c.at < cutoff)).rowcount
