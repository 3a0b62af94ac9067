"""Who is working: each worker registers, beats every few seconds, and every worker (and every
API process) reaps the others. A worker silent for `worker_timeout_seconds` is declared lost
and the item it was running fails with a message naming it; a worker restarted under the same
name on the same host takes over at once (its predecessor's item fails right away)."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from gesso.db.engine import Database
from gesso.db.metadata import utcnow
from gesso.queue.dispatch import Dispatcher
from gesso.worker import store
from gesso.worker.store import WorkerRecord

logger = logging.getLogger(__name__)

KEEP_STOPPED_WORKERS = timedelta(hours=24)


def lost_message(worker: WorkerRecord, timeout_seconds: float) -> str:
    return (
        f"Worker {worker.name!r} ({worker.hostname}, pid {worker.pid}) stopped sending heartbeats "
        f"for {timeout_seconds:g} s while running this item; it was not finished."
    )


def replaced_message(worker: WorkerRecord) -> str:
    return (
        f"Worker {worker.name!r} ({worker.hostname}, pid {worker.pid}) was restarted while running "
        "this item; it was not finished."
    )


class WorkerRegistry:
    def __init__(
        self,
        db: Database,
        dispatch: Dispatcher,
        *,
        timeout_seconds: float,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._db = db
        self._dispatch = dispatch
        self.timeout_seconds = timeout_seconds
        self._clock = clock

    @property
    def beat_seconds(self) -> float:
        """How often a worker beats: several times per timeout, at most every 5 s."""
        return max(0.2, min(self.timeout_seconds / 4, 5.0))

    def register(self, name: str, device: str, *, in_process: bool) -> WorkerRecord:
        now = self._clock()
        record = WorkerRecord(
            worker_id=uuid.uuid4().hex,
            name=name,
            device=device,
            state="idle",
            current_item_id=None,
            loaded_models=[],
            hostname=socket.gethostname(),
            pid=os.getpid(),
            in_process=in_process,
            started_at=now,
            last_heartbeat=now,
        )
        with self._db.write() as conn:
            previous = [w for w in store.named(conn, name, except_id="") if w.hostname == record.hostname]
            if previous:
                store.set_state(conn, [w.worker_id for w in previous], "lost")
            store.insert(conn, record)
        for worker in previous:
            self._fail_items_of(worker, replaced_message(worker))
        return record

    def beat(
        self,
        worker_id: str,
        *,
        state: str,
        current_item_id: int | None,
        loaded_models: Sequence[str],
        device: str,
    ) -> bool:
        """False when this worker had been declared lost (its item failed meanwhile)."""
        # One conditional UPDATE of the worker's own row: no installation-wide lock needed.
        with self._db.write(serialised=False) as conn:
            return store.beat(
                conn,
                worker_id,
                state=state,
                current_item_id=current_item_id,
                loaded_models=loaded_models,
                device=device,
                now=self._clock(),
            )

    def stopped(self, worker_id: str) -> None:
        with self._db.write(serialised=False) as conn:  # the worker's own row
            store.set_state(conn, [worker_id], "stopped")

    def reap(self) -> list[int]:
        """Declare silent workers lost and fail what they were running; returns the failed items."""
        now = self._clock()
        with self._db.write(serialised=False) as conn:  # `stale` locks the rows it declares lost
            silent = store.stale(conn, now - timedelta(seconds=self.timeout_seconds))
            if silent:
                store.set_state(conn, [w.worker_id for w in silent], "lost")
            if now.minute == 0:  # once an hour is plenty for tidying old rows
                store.forget_before(conn, now - KEEP_STOPPED_WORKERS)
        failed: list[int] = []
        for worker in silent:
            logger.warning("Worker %r (%s) stopped sending heartbeats", worker.name, worker.hostname)
            failed += self._fail_items_of(worker, lost_message(worker, self.timeout_seconds))
        return failed

    def _fail_items_of(self, worker: WorkerRecord, message: str) -> list[int]:
        return self._dispatch.fail_running([worker.worker_id], ("WorkerLost", message, ""))

    def recent(self) -> list[WorkerRecord]:
        with self._db.read() as conn:
            return store.listed(conn, self._clock() - timedelta(hours=1))

    def list_with_model_names(self) -> tuple[list[WorkerRecord], dict[str, str]]:
        with self._db.read() as conn:
            found = store.listed(conn, self._clock() - timedelta(hours=1))
            names = store.model_names(conn, [key for w in found for key in w.loaded_models])
        return found, names
