"""SQL for choosing and claiming items: the pending candidates a policy picks from (only the
pending range of the queue's indexes, whatever the history), round-robin turns, which worker
holds an item, and handing an item back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gesso.db.metadata import utcnow
from gesso.queue.store import move_count
from gesso.queue.tables import queue_turns, session_queue

sq = session_queue


@dataclass(frozen=True)
class Candidate:
    """A pending item that could run next, with what model-aware dispatch needs to know."""

    item_id: int
    model_key: str | None
    passed_over: bool


def first_pending(conn: Connection, queue_id: str, user_id: str | None = None) -> int | None:
    """FIFO order: priority DESC, item_id ASC (served by ix_session_queue_fifo / _user_status)."""
    found = pending_candidates(conn, queue_id, user_id, limit=1)
    return found[0].item_id if found else None


def pending_candidates(
    conn: Connection, queue_id: str, user_id: str | None = None, *, limit: int
) -> list[Candidate]:
    """The first `limit` pending items in FIFO order (of one user, if given). Rows another
    transaction has locked are skipped, never waited for (`FOR UPDATE SKIP LOCKED`)."""
    query = sa.select(sq.c.item_id, sq.c.model_key, sq.c.passed_over).where(
        sq.c.queue_id == queue_id, sq.c.status == "pending"
    )
    if user_id is not None:
        query = query.where(sq.c.user_id == user_id)
    query = query.order_by(sq.c.priority.desc(), sq.c.item_id).limit(limit)
    rows = conn.execute(query.with_for_update(skip_locked=True))
    return [Candidate(row.item_id, row.model_key, bool(row.passed_over)) for row in rows]


def mark_passed_over(conn: Connection, item_id: int) -> None:
    conn.execute(sa.update(sq).where(sq.c.item_id == item_id).values(passed_over=True))


def least_recently_served_user(conn: Connection, queue_id: str) -> str | None:
    served = least_recently_served_users(conn, queue_id, limit=1)
    return served[0] if served else None


def least_recently_served_users(conn: Connection, queue_id: str, *, limit: int) -> list[str]:
    """Among users with pending items: never served first (earliest item first), then the one
    whose last turn is oldest."""
    waiting = (
        sa.select(sq.c.user_id, sa.func.min(sq.c.item_id).label("first_item"))
        .where(sq.c.queue_id == queue_id, sq.c.status == "pending")
        .group_by(sq.c.user_id)
        .subquery()
    )
    query = (
        sa.select(waiting.c.user_id)
        .select_from(
            waiting.outerjoin(
                queue_turns,
                sa.and_(queue_turns.c.queue_id == queue_id, queue_turns.c.user_id == waiting.c.user_id),
            )
        )
        .order_by(sa.nulls_first(queue_turns.c.last_served.asc()), waiting.c.first_item)
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def record_turn(conn: Connection, queue_id: str, user_id: str) -> None:
    latest = conn.execute(
        sa.select(sa.func.max(queue_turns.c.last_served)).where(queue_turns.c.queue_id == queue_id)
    ).scalar()
    turn = (latest or 0) + 1
    mine = sa.and_(queue_turns.c.queue_id == queue_id, queue_turns.c.user_id == user_id)
    if conn.execute(sa.update(queue_turns).where(mine).values(last_served=turn, streak=1)).rowcount == 0:
        conn.execute(sa.insert(queue_turns).values(queue_id=queue_id, user_id=user_id, last_served=turn))


# Claims of one queue take turns (a transaction-level advisory lock of the two-key kind, so it
# never collides with the installation's one-key write lock): round-robin turns and model-aware
# passes read and update the queue's turn state, which must not interleave between two workers.
# A claim holds it for a few statements; finishes, heartbeats and the API never wait for it.
CLAIM_LOCK_CLASS = 0x67657373  # "gess"


def lock_claims(conn: Connection, queue_id: str) -> None:
    """Take the queue's claim lock until the transaction ends (SQLite: already one writer)."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(:cls, hashtext(:queue_id))"),
            {"cls": CLAIM_LOCK_CLASS, "queue_id": queue_id},
        )


def release(conn: Connection, item_id: int, session: dict[str, Any]) -> bool:
    """Put a running item back in line as it was enqueued (a worker stopping without finishing)."""
    running = sa.and_(sq.c.item_id == item_id, sq.c.status == "in_progress")
    queue_id = conn.execute(sa.select(sq.c.queue_id).where(running).with_for_update()).scalar()
    if queue_id is None:
        return False
    conn.execute(
        sa.update(sq)
        .where(running)
        .values(
            status="pending",
            started_at=None,
            worker_id=None,
            session=json.dumps(session),
            updated_at=utcnow(),
        )
    )
    move_count(conn, queue_id, "in_progress", "pending")
    return True


def running_items_of(conn: Connection, worker_ids: Sequence[str] | None) -> list[int]:
    """Items in progress under these workers (None: items no worker has claimed), all locked
    before any is changed: rows first, then totals, as every other writer does."""
    condition = sq.c.worker_id.is_(None) if worker_ids is None else sq.c.worker_id.in_(list(worker_ids))
    query = sa.select(sq.c.item_id).where(sq.c.status == "in_progress", condition).order_by(sq.c.item_id)
    return list(conn.execute(query.with_for_update()).scalars())
