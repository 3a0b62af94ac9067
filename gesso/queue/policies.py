"""Which pending item runs next.

- FIFO: highest priority first, then oldest (`priority DESC, item_id ASC`).
- Round robin (multi-user mode with `session_queue_mode: round_robin`), weighted by each user's
  `queue_weight` (SPEC §17: the user's own, else their groups' largest, else 1): among users with
  pending items, the one served least recently gets the next turn (users never served go first,
  earliest item first), and a turn is `queue_weight` items in a row (fewer when the user runs
  out of pending items). Priority orders items only within one user. One user's 500-image batch
  therefore cannot hold everybody else back: each waiting user gets a turn before anyone gets a
  second.
- Model-aware dispatch (both policies): a worker that already holds some main models in memory
  may take the *next* fair item instead of the fair one when the fair item needs a model it does
  not hold and the next one needs a model it does. The fair item is then marked passed over and
  is never passed again, so nobody waits more than one extra turn. A weighted turn that goes on
  (its user has items left and turns left) is never passed over.

Both read only the pending range of their indexes and one row of `queue_turns`, so their cost is
independent of history. Rows another worker is claiming are skipped (`FOR UPDATE SKIP LOCKED`).
"""

from __future__ import annotations

from collections.abc import Callable, Set
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gesso.config import Settings
from gesso.queue import claim_store
from gesso.queue.claim_store import Candidate
from gesso.queue.tables import queue_turns

NO_MODELS: frozenset[str] = frozenset()

# (conn, user_id) -> the user's queue weight (the quotas domain resolves it).
WeightOf = Callable[[Connection, str], int]


class DequeuePolicy(Protocol):
    name: str

    def pick(self, conn: Connection, queue_id: str, loaded_models: Set[str] = NO_MODELS) -> int | None: ...

    def served(self, conn: Connection, queue_id: str, user_id: str) -> None:
        """Record that `pick`'s item (of `user_id`) was claimed, in the same transaction."""


def prefer_loaded(conn: Connection, fair: Candidate, following: Candidate | None, loaded: Set[str]) -> int:
    """The fair item, unless the worker holds the next item's model and not the fair one's."""
    if (
        following is None
        or fair.passed_over
        or fair.model_key is None
        or fair.model_key in loaded
        or following.model_key not in loaded
    ):
        return fair.item_id
    claim_store.mark_passed_over(conn, fair.item_id)
    return following.item_id


class FifoPolicy:
    name = "FIFO"

    def pick(self, conn: Connection, queue_id: str, loaded_models: Set[str] = NO_MODELS) -> int | None:
        found = claim_store.pending_candidates(conn, queue_id, limit=2 if loaded_models else 1)
        if not found:
            return None
        return prefer_loaded(conn, found[0], found[1] if len(found) > 1 else None, loaded_models)

    def served(self, conn: Connection, queue_id: str, user_id: str) -> None:
        claim_store.record_turn(conn, queue_id, user_id)


def _equal_weights(conn: Connection, user_id: str) -> int:
    return 1


class RoundRobinPolicy:
    name = "round_robin"

    def __init__(self, weight_of: WeightOf = _equal_weights) -> None:
        self._weight_of = weight_of

    def pick(self, conn: Connection, queue_id: str, loaded_models: Set[str] = NO_MODELS) -> int | None:
        last = _last_turn(conn, queue_id)
        if last is not None and last.streak < self._weight_of(conn, last.user_id):
            current = claim_store.pending_candidates(conn, queue_id, last.user_id, limit=1)
            if current:
                return current[0].item_id  # the current turn goes on
        users = claim_store.least_recently_served_users(conn, queue_id, limit=2 if loaded_models else 1)
        firsts = [claim_store.pending_candidates(conn, queue_id, user, limit=1) for user in users]
        found = [candidates[0] for candidates in firsts if candidates]
        if not found:
            return None
        return prefer_loaded(conn, found[0], found[1] if len(found) > 1 else None, loaded_models)

    def served(self, conn: Connection, queue_id: str, user_id: str) -> None:
        last = _last_turn(conn, queue_id)
        if last is not None and last.user_id == user_id and last.streak < self._weight_of(conn, user_id):
            mine = sa.and_(queue_turns.c.queue_id == queue_id, queue_turns.c.user_id == user_id)
            conn.execute(sa.update(queue_turns).where(mine).values(streak=queue_turns.c.streak + 1))
        else:
            claim_store.record_turn(conn, queue_id, user_id)  # a new turn, streak 1


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
