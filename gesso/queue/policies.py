"""Which pending item runs next.

- FIFO: highest priority first, then oldest (`priority DESC, item_id ASC`).
- Round robin (multi-user mode with `session_queue_mode: round_robin`), weighted by each user's
  `queue_weight` (SPEC §17: the user's own, else their groups' largest, else 1): among users with
  pending items, the one served least recently gets the next turn (users never served go first,
  earliest item first), and a turn is `queue_weight` items in a row (fewer when the user runs
  out of pending items). Priority orders items only within one user. One user's 500-image batch
  therefore cannot hold everybody else back: each waiting user gets a turn before anyone gets a
  second.

Both read only the pending range of their indexes and one row of `queue_turns`, so their cost is
independent of history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gesso.config import Settings
from gesso.queue import store
from gesso.queue.tables import queue_turns

# (conn, user_id) -> the user's queue weight (the quotas domain resolves it).
WeightOf = Callable[[Connection, str], int]


class DequeuePolicy(Protocol):
    name: str

    def pick(self, conn: Connection, queue_id: str) -> int | None: ...

    def served(self, conn: Connection, queue_id: str, user_id: str) -> None:
        """Record that `pick`'s item (of `user_id`) was claimed, in the same transaction."""


class FifoPolicy:
    name = "FIFO"

    def pick(self, conn: Connection, queue_id: str) -> int | None:
        return store.first_pending(conn, queue_id)

    def served(self, conn: Connection, queue_id: str, user_id: str) -> None:
        store.record_turn(conn, queue_id, user_id)


def _equal_weights(conn: Connection, user_id: str) -> int:
    return 1


class RoundRobinPolicy:
    name = "round_robin"

    def __init__(self, weight_of: WeightOf = _equal_weights) -> None:
        self._weight_of = weight_of

    def pick(self, conn: Connection, queue_id: str) -> int | None:
        last = _last_turn(conn, queue_id)
        if last is not None and last.streak < self._weight_of(conn, last.user_id):
            item_id = store.first_pending(conn, queue_id, last.user_id)
            if item_id is not None:
                return item_id  # the current turn goes on
        user_id = store.least_recently_served_user(conn, queue_id)
        return None if user_id is None else store.first_pending(conn, queue_id, user_id)

    def served(self, conn: Connection, queue_id: str, user_id: str) -> None:
        last = _last_turn(conn, queue_id)
        if last is not None and last.user_id == user_id and last.streak < self._weight_of(conn, user_id):
            mine = sa.and_(queue_turns.c.queue_id == queue_id, queue_turns.c.user_id == user_id)
            conn.execute(sa.update(queue_turns).where(mine).values(streak=queue_turns.c.streak + 1))
        else:
            store.record_turn(conn, queue_id, user_id)  # a new turn, streak 1


def _last_turn(conn: Connection, queue_id: str) -> sa.Row[Any, Any] | None:
    """The user of the current turn and how many items it has had (ix_queue_turns_last_served)."""
    query = (
        sa.select(queue_turns.c.user_id, queue_turns.c.streak)
        .where(queue_turns.c.queue_id == queue_id)
        .order_by(queue_turns.c.last_served.desc())
        .limit(1)
    )
    return conn.execute(query).first()


def policy_for(settings: Settings, weight_of: WeightOf = _equal_weights) -> DequeuePolicy:
    if settings.multiuser and settings.session_queue_mode == "round_robin":
        return RoundRobinPolicy(weight_of)
    return FifoPolicy()
