"""SQL for the session queue. Dequeue queries read only the pending range of their indexes, so
their cost does not grow with the finished history."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from gesso.db.metadata import utcnow
from gesso.db.upsert import add_to_row
from gesso.queue.tables import session_queue, session_queue_counts
from gesso.users.tables import users

sq = session_queue
LIVE = ("pending", "in_progress")
TERMINAL = ("completed", "failed", "canceled")
STATUSES = ("pending", "in_progress", "completed", "failed", "canceled")
Filter = sa.ColumnElement[bool]


@dataclass(frozen=True)
class QueueItemRecord:
    item_id: int
    queue_id: str
    user_id: str
    batch_id: str
    session_id: str
    status: str
    priority: int
    origin: str | None
    destination: str | None
    field_values: list[dict[str, Any]] | None
    session: dict[str, Any]
    workflow: dict[str, Any] | None
    error_type: str | None
    error_message: str | None
    error_traceback: str | None
    retried_from_item_id: int | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    user_display_name: str | None
    user_email: str | None
    worker_id: str | None = None
    model_key: str | None = None
    passed_over: bool = False


@dataclass(frozen=True)
class NewItem:
    """A pending item to insert: a fresh session (with its id) and what it came from."""

    queue_id: str
    user_id: str
    batch_id: str
    session: dict[str, Any]
    priority: int
    origin: str | None
    destination: str | None
    field_values: list[dict[str, Any]] | None
    workflow: dict[str, Any] | None
    retried_from_item_id: int | None = None
    model_key: str | None = None  # the main model the graph loads (model-aware dispatch)


_SELECT = sa.select(
    sq, users.c.display_name.label("user_display_name"), users.c.email.label("user_email")
).select_from(sq.outerjoin(users, users.c.user_id == sq.c.user_id))


def _record(row: Row[Any]) -> QueueItemRecord:
    values = dict(row._mapping)
    for key in ("field_values", "session", "workflow"):
        values[key] = json.loads(values[key]) if values[key] else None
    values["session"] = values["session"] or {}
    return QueueItemRecord(**values)


def _row(item: NewItem, now: datetime) -> dict[str, Any]:
    return {
        "queue_id": item.queue_id,
        "user_id": item.user_id,
        "batch_id": item.batch_id,
        "session_id": item.session["id"],
        "status": "pending",
        "priority": item.priority,
        "origin": item.origin,
        "destination": item.destination,
        "field_values": json.dumps(item.field_values) if item.field_values else None,
        "session": json.dumps(item.session),
        "workflow": json.dumps(item.workflow) if item.workflow is not None else None,
        "retried_from_item_id": item.retried_from_item_id,
        "model_key": item.model_key,
        "created_at": now,
        "updated_at": now,
    }


def insert_items(conn: Connection, items: Sequence[NewItem]) -> list[int]:
    """Insert pending items; returns their ids, ascending."""
    if not items:
        return []
    now = utcnow()
    result = conn.execute(sa.insert(sq).returning(sq.c.item_id), [_row(item, now) for item in items])
    ids = sorted(row.item_id for row in result)
    per_queue: dict[str, int] = {}
    for item in items:
        per_queue[item.queue_id] = per_queue.get(item.queue_id, 0) + 1
    for queue_id, count in per_queue.items():
        _adjust(conn, queue_id, "pending", count)
    return ids


def _adjust(conn: Connection, queue_id: str, status: str, delta: int) -> None:
    """Move a running total; every change of a row's status or existence goes through here."""
    _apply(conn, queue_id, {status: delta})


def _apply(conn: Connection, queue_id: str, deltas: dict[str, int]) -> None:
    """Move several running totals, always in the same (sorted) order: writers without the
    installation's write lock (worker-side claims and finishes) lock these rows as they go, and
    one order for everyone means two of them can never wait for each other in a circle."""
    for status in sorted(deltas):
        if deltas[status]:
            keys = {"queue_id": queue_id, "status": status}
            add_to_row(conn, session_queue_counts, keys, {"n": deltas[status]})


def move_count(conn: Connection, queue_id: str, old_status: str, new_status: str) -> None:
    """One item of `queue_id` moved from `old_status` to `new_status` (running totals)."""
    _apply(conn, queue_id, {old_status: -1, new_status: 1})


def _lock_live(conn: Connection, where: sa.ColumnElement[bool]) -> None:
    """Lock the unfinished rows matching `where` (a finished row never changes), so a worker's
    claim or finish cannot move one between our count of their statuses and our change."""
    conn.execute(sa.select(sq.c.item_id).where(where, sq.c.status.in_(LIVE)).with_for_update()).all()


def _adjust_for(conn: Connection, item_ids: Sequence[int], new_status: str | None) -> None:
    """Account for `item_ids` leaving their current status (and entering `new_status`)."""
    _lock_live(conn, sq.c.item_id.in_(list(item_ids)))
    moves = conn.execute(
        sa.select(sq.c.queue_id, sq.c.status, sa.func.count())
        .where(sq.c.item_id.in_(list(item_ids)))
        .group_by(sq.c.queue_id, sq.c.status)
    ).all()
    deltas: dict[str, dict[str, int]] = {}
    for queue_id, status, count in moves:
        mine = deltas.setdefault(queue_id, {})
        mine[status] = mine.get(status, 0) - int(count)
        if new_status is not None:
            mine[new_status] = mine.get(new_status, 0) + int(count)
    for queue_id, changes in deltas.items():
        _apply(conn, queue_id, changes)


def get_item(conn: Connection, item_id: int) -> QueueItemRecord | None:
    row = conn.execute(_SELECT.where(sq.c.item_id == item_id)).first()
    return None if row is None else _record(row)


def get_items(conn: Connection, queue_id: str, item_ids: Sequence[int]) -> dict[int, QueueItemRecord]:
    rows = conn.execute(_SELECT.where(sq.c.queue_id == queue_id, sq.c.item_id.in_(list(item_ids))))
    return {row.item_id: _record(row) for row in rows}


def list_items(
    conn: Connection,
    queue_id: str,
    *,
    destination: str | None = None,
    status: str | None = None,
    cursor: int | None = None,
    priority: int = 0,
    limit: int | None = None,
) -> list[QueueItemRecord]:
    query = _SELECT.where(sq.c.queue_id == queue_id)
    if destination is not None:
        query = query.where(sq.c.destination == destination)
    if status is not None:
        query = query.where(sq.c.status == status)
    if cursor is not None:
        query = query.where(
            sa.or_(sq.c.priority < priority, sa.and_(sq.c.priority == priority, sq.c.item_id > cursor))
        )
    query = query.order_by(sq.c.priority.desc(), sq.c.item_id)
    if limit is not None:
        query = query.limit(limit)
    return [_record(row) for row in conn.execute(query)]


def _finished_scope(queue_id: str, destination: str | None) -> list[sa.ColumnElement[bool]]:
    """Finished items. Without a destination no index may match the terms: walking the primary
    key newest first stops at the window, where (queue, status) sorts the whole history."""
    if destination is not None:
        return [sq.c.queue_id == queue_id, sq.c.destination == destination, sq.c.status.in_(TERMINAL)]
    return [sq.c.queue_id.concat("") == queue_id, sq.c.status.concat("").in_(TERMINAL)]


def list_window(
    conn: Connection, queue_id: str, *, destination: str | None, offset: int, limit: int
) -> list[QueueItemRecord]:
    """`list_all`'s bounded window: unfinished items first, then finished ones newest first
    (two index range scans, whatever the size of the history), skipping `offset` and keeping
    `limit`; the window comes back in InvokeAI's order (priority DESC, item_id ASC)."""
    scope = [sq.c.queue_id == queue_id]
    if destination is not None:
        scope.append(sq.c.destination == destination)
    live = sq.c.status.in_(LIVE)
    newest = (sq.c.item_id.desc(),)
    rows = list(conn.execute(_SELECT.where(*scope, live).order_by(*newest).offset(offset).limit(limit)))
    if len(rows) < limit:
        skipped = 0
        if not rows and offset:
            skipped = conn.execute(sa.select(sa.func.count()).where(*scope, live)).scalar_one()
        finished = _SELECT.where(*_finished_scope(queue_id, destination)).order_by(*newest)
        rows += conn.execute(
            finished.offset(max(0, offset - skipped) if not rows else 0).limit(limit - len(rows))
        )
    records = [_record(row) for row in rows]
    return sorted(records, key=lambda r: (-r.priority, r.item_id))


def item_ids(conn: Connection, queue_id: str, order_dir: str, owner_id: str | None) -> list[int]:
    query = sa.select(sq.c.item_id).where(sq.c.queue_id == queue_id)
    if owner_id is not None:
        query = query.where(sq.c.user_id == owner_id)
    query = query.order_by(sq.c.item_id.asc() if order_dir == "ASC" else sq.c.item_id.desc())
    return list(conn.execute(query).scalars())


def count_by_status(conn: Connection, queue_id: str, *filters: Filter) -> dict[str, int]:
    """Counts per status. Unfiltered: the running totals (constant cost). Filtered (a batch, a
    destination, a user's live items): an index range scan over just those rows."""
    if not filters:
        totals = conn.execute(
            sa.select(session_queue_counts.c.status, session_queue_counts.c.n).where(
                session_queue_counts.c.queue_id == queue_id
            )
        )
        counts = dict.fromkeys(STATUSES, 0)
        counts.update({row.status: int(row.n) for row in totals if row.status in counts})
        return counts
    rows = conn.execute(
        sa.select(sq.c.status, sa.func.count())
        .where(sq.c.queue_id == queue_id, *filters)
        .group_by(sq.c.status)
    )
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({row[0]: int(row[1]) for row in rows})
    return counts


def pending_count(conn: Connection, queue_id: str) -> int:
    return int(
        conn.execute(
            sa.select(sa.func.count()).where(sq.c.queue_id == queue_id, sq.c.status == "pending")
        ).scalar_one()
    )


def max_pending_priority(conn: Connection, queue_id: str) -> int | None:
    value = conn.execute(
        sa.select(sa.func.max(sq.c.priority)).where(sq.c.queue_id == queue_id, sq.c.status == "pending")
    ).scalar_one()
    return None if value is None else int(value)


def current_item(conn: Connection, queue_id: str) -> QueueItemRecord | None:
    row = conn.execute(
        _SELECT.where(sq.c.queue_id == queue_id, sq.c.status == "in_progress").order_by(sq.c.item_id).limit(1)
    ).first()
    return None if row is None else _record(row)


def set_status(
    conn: Connection,
    item_id: int,
    status: str,
    *,
    error: tuple[str, str, str] | None = None,
    session: dict[str, Any] | None = None,
    worker_id: str | None = None,
) -> bool:
    """Move an unfinished item to `status` (`in_progress`: claimed by `worker_id`); a finished
    item never changes (returns False)."""
    now = utcnow()
    values: dict[str, Any] = {"status": status, "updated_at": now}
    if status == "in_progress":
        values["started_at"] = now
        values["worker_id"] = worker_id
    if status in TERMINAL:
        values["completed_at"] = now
    if error is not None:
        values["error_type"], values["error_message"], values["error_traceback"] = error
    if session is not None:
        values["session"] = json.dumps(session)
    allowed = ("pending",) if status == "in_progress" else ("pending", "in_progress")
    movable = sa.and_(sq.c.item_id == item_id, sq.c.status.in_(allowed))
    # FOR UPDATE: the status we move from stays true until we commit (a worker's finish and an
    # API cancel may race; the second sees the first's result and changes nothing).
    before = conn.execute(sa.select(sq.c.queue_id, sq.c.status).where(movable).with_for_update()).first()
    if before is None:
        return False
    conn.execute(sa.update(sq).where(movable).values(**values))
    move_count(conn, before.queue_id, before.status, status)
    return True


def save_session(conn: Connection, item_id: int, session: dict[str, Any]) -> None:
    conn.execute(sa.update(sq).where(sq.c.item_id == item_id).values(session=json.dumps(session)))


@dataclass(frozen=True)
class ItemOwner:
    item_id: int
    user_id: str
    status: str  # before the bulk change


def owners_where(conn: Connection, queue_id: str, *filters: Filter) -> list[ItemOwner]:
    where = sa.and_(sq.c.queue_id == queue_id, *filters)
    rows = conn.execute(sa.select(sq.c.item_id, sq.c.user_id, sq.c.status).where(where)).all()
    return [ItemOwner(row.item_id, row.user_id, row.status) for row in rows]


def cancel_where(conn: Connection, queue_id: str, *filters: Filter) -> list[ItemOwner]:
    """Cancel every unfinished item of the queue matching `filters` in one statement (run it in
    a write transaction: the rows read are the rows changed)."""
    live = sq.c.status.in_(LIVE)
    where = sa.and_(sq.c.queue_id == queue_id, live, *filters)
    _lock_live(conn, where)
    items = owners_where(conn, queue_id, live, *filters)
    if not items:
        return []
    now = utcnow()
    conn.execute(sa.update(sq).where(where).values(status="canceled", updated_at=now, completed_at=now))
    deltas = {status: -sum(1 for item in items if item.status == status) for status in LIVE}
    _apply(conn, queue_id, {**deltas, "canceled": len(items)})
    return items


def delete_where(conn: Connection, queue_id: str, *filters: Filter) -> int:
    """Delete the queue's items matching `filters` in one statement, keeping the totals true."""
    where = sa.and_(sq.c.queue_id == queue_id, *filters)
    _lock_live(conn, where)
    per_status = conn.execute(
        sa.select(sq.c.status, sa.func.count()).where(where).group_by(sq.c.status)
    ).all()
    if not per_status:
        return 0
    deleted = conn.execute(sa.delete(sq).where(where)).rowcount
    _apply(conn, queue_id, {status: -int(count) for status, count in per_status})
    return int(deleted)


def batch_route(conn: Connection, batch_id: str, *filters: Filter) -> tuple[str | None, str | None] | None:
    """A batch's origin and destination (None: no item of it matches the filters)."""
    row = conn.execute(
        sa.select(sq.c.origin, sq.c.destination).where(sq.c.batch_id == batch_id, *filters).limit(1)
    ).first()
    return None if row is None else (row.origin, row.destination)


def live_queues_of_user(conn: Connection, user_id: str) -> list[str]:
    """The queues in which a user has pending or running items."""
    query = sa.select(sq.c.queue_id).where(sq.c.user_id == user_id, sq.c.status.in_(LIVE)).distinct()
    return list(conn.execute(query).scalars())


def delete_ids(conn: Connection, item_ids: Sequence[int]) -> int:
    deleted = 0
    for start in range(0, len(item_ids), 500):
        chunk = list(item_ids[start : start + 500])
        _adjust_for(conn, chunk, None)
        deleted += conn.execute(sa.delete(sq).where(sq.c.item_id.in_(chunk))).rowcount
    return deleted


def in_progress_ids(conn: Connection) -> list[int]:
    return list(conn.execute(sa.select(sq.c.item_id).where(sq.c.status == "in_progress")).scalars())
