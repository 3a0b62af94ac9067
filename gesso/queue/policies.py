"""Which pending item runs next.

- FIFO: highest priority first, then oldest (`priority DESC, item_id ASC`).
- Round robin (multi-user mode with `session_queue_mode: round_robin`): among users with
  pending items, the one served least recently goes next (users never served go first, earliest
  item first); priority orders items only within one user. One user's 500-image batch therefore
  cannot hold everybody else back: each waiting user gets a turn before anyone gets a second.

Both read only the pending range of their indexes, so their cost is independent of history.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.engine import Connection

from gesso.config import Settings
from gesso.queue import store


class DequeuePolicy(Protocol):
    name: str

    def pick(self, conn: Connection, queue_id: str) -> int | None: ...


class FifoPolicy:
    name = "FIFO"

    def pick(self, conn: Connection, queue_id: str) -> int | None:
        return store.first_pending(conn, queue_id)


class RoundRobinPolicy:
    name = "round_robin"

    def pick(self, conn: Connection, queue_id: str) -> int | None:
        user_id = store.least_recently_served_user(conn, queue_id)
        return None if user_id is None else store.first_pending(conn, queue_id, user_id)


def policy_for(settings: Settings) -> DequeuePolicy:
    if settings.multiuser and settings.session_queue_mode == "round_robin":
        return RoundRobinPolicy()
    return FifoPolicy()
