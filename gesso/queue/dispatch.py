"""The worker's side of the queue: claim the next item (by the queue's policy, preferring models
the worker holds), finish it, hand it back, or fail the items of workers that stopped."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence, Set
from typing import Any

from gesso.db.engine import Database
from gesso.queue import claim_store, store
from gesso.queue.policies import NO_MODELS, DequeuePolicy
from gesso.queue.store import QueueItemRecord
from gesso.quotas.service import QuotaService
from gesso.settings_store.store import get_value, set_value

logger = logging.getLogger(__name__)

INTERRUPTED_MESSAGE = "The server stopped while this item was running; it was not finished."


def _paused_key(queue_id: str) -> str:
    return f"queue_paused:{queue_id}"


class Dispatcher:
    def __init__(
        self,
        db: Database,
        policy: DequeuePolicy,
        publish_status: Callable[[QueueItemRecord], None],
        notify_enqueued: Callable[[], None],
        quotas: QuotaService | None = None,
        announce_work: Callable[[str], None] = lambda queue_id: None,
    ) -> None:
        self._db = db
        self._quotas = quotas
        self.policy = policy
        self.publish_status = publish_status
        self._notify_enqueued = notify_enqueued
        self._announce_work = announce_work

    # -- pausing (shared by every worker of the installation) -------------------------------

    def set_paused(self, queue_id: str, paused: bool) -> None:
        with self._db.write() as conn:
            set_value(conn, _paused_key(queue_id), "true" if paused else "false")
        if not paused:
            self._announce_work(queue_id)  # idle workers elsewhere would wait for their next poll

    def is_paused(self, queue_id: str) -> bool:
        with self._db.read() as conn:
            return get_value(conn, _paused_key(queue_id)) == "true"

    def is_processing(self, queue_id: str) -> bool:
        with self._db.read() as conn:
            return store.count_by_status(conn, queue_id)["in_progress"] > 0

    # -- claiming --------------------------------------------------------------------------

    def claim_next(
        self, queue_id: str, *, worker_id: str | None = None, loaded_models: Set[str] = NO_MODELS
    ) -> QueueItemRecord | None:
        # Not serialised on PostgreSQL (see engine.Database.write): the claim lock orders claims
        # of this queue, the item is locked by `pick`, and the totals are added in place.
        with self._db.write(serialised=False) as conn:
            if get_value(conn, _paused_key(queue_id)) == "true":
                return None
            claim_store.lock_claims(conn, queue_id)
            item_id = self.policy.pick(conn, queue_id, loaded_models)
            if item_id is None or not store.set_status(conn, item_id, "in_progress", worker_id=worker_id):
                return None
            record = store.get_item(conn, item_id)
            assert record is not None
            self.policy.served(conn, queue_id, record.user_id)
        self.publish_status(record)
        return record

    def finish(
        self, item_id: int, status: str, session: dict[str, Any], error: tuple[str, str, str] | None = None
    ) -> None:
        with self._db.write(serialised=False) as conn:  # set_status locks the item row
            changed = store.set_status(conn, item_id, status, error=error, session=session)
            if not changed:
                store.save_session(conn, item_id, session)
            record = store.get_item(conn, item_id)
            if changed and record is not None and record.completed_at and self._quotas:
                self._quotas.record_run(conn, record.user_id, record.started_at, record.completed_at)
        if changed and record is not None:
            self.publish_status(record)

    def release(self, item_id: int, session: dict[str, Any]) -> bool:
        """A stopping worker hands its unfinished item back: pending again, as enqueued."""
        with self._db.write(serialised=False) as conn:  # release locks the item row
            released = claim_store.release(conn, item_id, session)
            record = store.get_item(conn, item_id)
        if released and record is not None:
            self.publish_status(record)
            self._notify_enqueued()
        return released

    def fail_running(self, worker_ids: Sequence[str] | None, error: tuple[str, str, str]) -> list[int]:
        """Fail the items in progress under these workers (None: under no recorded worker)."""
        with self._db.write(serialised=False) as conn:  # set_status locks each item row
            ids = claim_store.running_items_of(conn, worker_ids)
            failed = [i for i in ids if store.set_status(conn, i, "failed", error=error)]
            records = [r for i in failed if (r := store.get_item(conn, i)) is not None]
        for record in records:
            self.publish_status(record)
        return failed

    def fail_interrupted(self) -> int:
        """Every item in progress fails (one process owns the queue: it just started)."""
        with self._db.write() as conn:
            ids = store.in_progress_ids(conn)
            for item_id in ids:
                store.set_status(conn, item_id, "failed", error=("ServerRestarted", INTERRUPTED_MESSAGE, ""))
        if ids:
            logger.warning("Marked %d interrupted queue item(s) as failed", len(ids))
        return len(ids)
