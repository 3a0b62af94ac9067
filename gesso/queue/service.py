"""Queue rules: enqueue, read (redacted for others), cancel/delete/retry, bulk operations scoped
to the caller, and the worker's side (claim, finish, interrupted items)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.engine import Connection

from gesso.audit.service import AuditLog
from gesso.auth.actor import Actor
from gesso.db.engine import Database
from gesso.engine.graph import Graph, parse_graph
from gesso.engine.preflight import main_model
from gesso.engine.registry import NodeRegistry
from gesso.errors import NotFound
from gesso.events.bus import Event, EventBus
from gesso.queue import claim_store, events, filters, store
from gesso.queue.access import bulk_owner, own_items, require_mutate_item, sees_in_full
from gesso.queue.auditing import record_cancel_of_others, record_enqueue
from gesso.queue.batch import check_batch_data, new_queue_items, requested_count, retry_item
from gesso.queue.dispatch import Dispatcher
from gesso.queue.policies import DequeuePolicy
from gesso.queue.sanitize import item_for
from gesso.queue.schemas import (
    Batch,
    BatchStatus,
    EnqueueBatchResult,
    SessionQueueCountsByDestination,
    SessionQueueItem,
    SessionQueueStatus,
)
from gesso.queue.store import Filter, ItemOwner, NewItem, QueueItemRecord
from gesso.quotas.service import QuotaService, demand_of
from gesso.users.service import UserChange

logger = logging.getLogger(__name__)


class QueueItemNotFound(NotFound):
    def __init__(self, item_id: int, queue_id: str) -> None:
        super().__init__(f"Queue item with id {item_id} not found in queue {queue_id}")


# Called with (actor, parsed graph, batch data values) before anything is queued; raises to refuse.
GraphCheck = Callable[[Actor, Graph, list[tuple[str, str, Any]]], None]


def _plain(item: Any) -> Any:
    return item.model_dump() if hasattr(item, "model_dump") else item


def to_item(record: QueueItemRecord) -> SessionQueueItem:
    return SessionQueueItem.model_validate(record.__dict__)


class QueueService:
    def __init__(
        self,
        db: Database,
        registry: NodeRegistry,
        bus: EventBus,
        policy: DequeuePolicy,
        audit: AuditLog,
        *,
        max_queue_size: int,
        preflight: GraphCheck | None = None,
        quotas: QuotaService | None = None,
    ) -> None:
        self._db = db
        self.reads_are_local = db.reads_are_local  # see run_read
        self._audit = audit
        self._registry = registry
        self._bus = bus
        self._max_queue_size = max_queue_size
        self._preflight = preflight
        self._quotas = quotas
        self._cancel_listeners: list[Callable[[Sequence[int]], None]] = []
        self._enqueue_listeners: list[Callable[[], None]] = []
        # The worker's side of the queue: claim, finish, release, fail.
        self.dispatch = Dispatcher(
            db, policy, self.publish_status, self._notify_enqueued, quotas,
            announce_work=lambda queue_id: self._bus.publish(events.work_available(queue_id)),
        )  # fmt: skip

    def _notify_enqueued(self) -> None:
        for listener in self._enqueue_listeners:
            listener()

    def on_cancel(self, listener: Callable[[Sequence[int]], None]) -> None:
        self._cancel_listeners.append(listener)

    def on_enqueue(self, listener: Callable[[], None]) -> None:
        self._enqueue_listeners.append(listener)

    # -- enqueue ---------------------------------------------------------------------------

    def enqueue_batch(self, actor: Actor, queue_id: str, batch: Batch, prepend: bool) -> EnqueueBatchResult:
        """Validate the graph and batch data (422 naming node and field), then queue up to the
        free capacity. A full queue is not an error: `enqueued` is smaller than `requested`."""
        graph = parse_graph(batch.graph, self._registry)
        check_batch_data(batch, graph, self._registry)
        if self._preflight is not None:
            self._preflight(actor, graph, self._batch_values(batch))
        requested = requested_count(batch)
        main = main_model(graph, self._registry, self._batch_values(batch))
        with self._db.write() as conn:
            room = max(0, self._max_queue_size - store.pending_count(conn, queue_id))
            top = store.max_pending_priority(conn, queue_id)
            priority = (top or 0) + 1 if prepend and top is not None else 0
            new_items = new_queue_items(batch, graph, queue_id, actor.user_id, priority, room, main)
            self._within_quotas(conn, new_items)
            item_ids = store.insert_items(conn, new_items)
            record_enqueue(self._audit, conn, actor, queue_id, batch, len(item_ids), requested)
        self._bus.publish(
            events.batch_enqueued(
                queue_id, batch.batch_id, batch.origin, batch.destination, len(item_ids), requested, priority,
                actor.user_id,
            )
        )  # fmt: skip
        for listener in self._enqueue_listeners:
            listener()
        return EnqueueBatchResult(
            queue_id=queue_id, enqueued=len(item_ids), requested=requested, batch=batch, priority=priority,
            item_ids=sorted(item_ids, reverse=True),
        )  # fmt: skip

    def _within_quotas(self, conn: Connection, items: Sequence[NewItem]) -> None:
        """All or nothing: each owner's new items are checked together, before any is inserted."""
        for user_id in sorted({item.user_id for item in items}) if self._quotas else ():
            demand = demand_of(item.session for item in items if item.user_id == user_id)
            self._quotas.check_enqueue(conn, user_id, demand)  # type: ignore[union-attr]

    @staticmethod
    def _batch_values(batch: Batch) -> list[tuple[str, str, Any]]:
        return [(d.node_path, d.field_name, _plain(i)) for g in batch.data or [] for d in g for i in d.items]

    # -- reading ---------------------------------------------------------------------------

    def list_all(
        self, actor: Actor, queue_id: str, destination: str | None, offset: int, limit: int
    ) -> list[SessionQueueItem]:
        with self._db.read() as conn:
            records = store.list_window(conn, queue_id, destination=destination, offset=offset, limit=limit)
        return [item_for(actor, to_item(r)) for r in records]

    def list_page(
        self,
        actor: Actor,
        queue_id: str,
        *,
        limit: int,
        status: str | None,
        cursor: int | None,
        priority: int,
        destination: str | None,
    ) -> tuple[list[SessionQueueItem], bool]:
        with self._db.read() as conn:
            records = store.list_items(
                conn,
                queue_id,
                destination=destination,
                status=status,
                cursor=cursor,
                priority=priority,
                limit=limit + 1,
            )
        items = [item_for(actor, to_item(r)) for r in records[:limit]]
        return items, len(records) > limit

    def item_ids(self, queue_id: str, order_dir: str) -> list[int]:
        with self._db.read() as conn:
            return store.item_ids(conn, queue_id, order_dir, owner_id=None)

    def items_by_ids(self, actor: Actor, queue_id: str, item_ids: Sequence[int]) -> list[SessionQueueItem]:
        with self._db.read() as conn:
            found = store.get_items(conn, queue_id, item_ids)
        return [item_for(actor, to_item(found[i])) for i in dict.fromkeys(item_ids) if i in found]

    def get_item(self, actor: Actor, queue_id: str, item_id: int) -> SessionQueueItem:
        return item_for(actor, to_item(self._load(queue_id, item_id)))

    def current(self, actor: Actor, queue_id: str) -> SessionQueueItem | None:
        with self._db.read() as conn:
            record = store.current_item(conn, queue_id)
        return None if record is None else item_for(actor, to_item(record))

    def next(self, actor: Actor, queue_id: str) -> SessionQueueItem | None:
        with self._db.read() as conn:
            item_id = claim_store.first_pending(conn, queue_id)
            record = store.get_item(conn, item_id) if item_id is not None else None
        return None if record is None else item_for(actor, to_item(record))

    def status(self, actor: Actor | None, queue_id: str) -> SessionQueueStatus:
        """Global counts; the caller's own pending/in-progress; current ids only if theirs."""
        with self._db.read() as conn:
            return _queue_status(conn, actor, queue_id)

    def batch_status(self, actor: Actor | None, queue_id: str, batch_id: str) -> BatchStatus:
        with self._db.read() as conn:
            return _batch_status(conn, actor, queue_id, batch_id)

    def counts_by_destination(
        self, actor: Actor, queue_id: str, destination: str
    ) -> SessionQueueCountsByDestination:
        with self._db.read() as conn:
            counts = store.count_by_status(
                conn, queue_id, filters.of_destination(destination), *own_items(actor)
            )
        return SessionQueueCountsByDestination(
            queue_id=queue_id, destination=destination, total=sum(counts.values()), **counts
        )

    # -- changing one item -----------------------------------------------------------------

    def cancel_item(self, actor: Actor, queue_id: str, item_id: int) -> SessionQueueItem:
        record = self._load(queue_id, item_id)
        require_mutate_item(actor, record)
        self._cancel_one(actor, queue_id, record.item_id)
        return to_item(self._load(queue_id, item_id))

    def delete_item(self, actor: Actor, queue_id: str, item_id: int) -> None:
        record = self._load(queue_id, item_id)
        require_mutate_item(actor, record)
        self._cancel_one(actor, queue_id, record.item_id)
        with self._db.write() as conn:
            store.delete_ids(conn, [record.item_id])

    def _load(self, queue_id: str, item_id: int) -> QueueItemRecord:
        with self._db.read() as conn:
            record = store.get_item(conn, item_id)
        if record is None or record.queue_id != queue_id:
            raise QueueItemNotFound(item_id, queue_id)
        return record

    # -- bulk (scoped to the caller unless admin) ------------------------------------------

    def cancel_pending(self, actor: Actor, queue_id: str) -> int:
        return self._cancel_where(actor, queue_id, filters.is_pending())

    def cancel_batches(self, actor: Actor, queue_id: str, batch_ids: Sequence[str]) -> int:
        return self._cancel_where(actor, queue_id, filters.of_batches(batch_ids))

    def cancel_destination(self, actor: Actor, queue_id: str, destination: str) -> int:
        return self._cancel_where(actor, queue_id, filters.of_destination(destination))

    def delete_pending(self, actor: Actor, queue_id: str) -> int:
        pending = (filters.is_pending(), *own_items(actor))
        with self._db.write() as conn:
            gone = store.owners_where(conn, queue_id, *pending)
            deleted = store.delete_where(conn, queue_id, *pending)
        self._announce_canceled(queue_id, gone)
        return deleted

    def delete_destination(self, actor: Actor, queue_id: str, destination: str) -> int:
        self.cancel_destination(actor, queue_id, destination)
        with self._db.write() as conn:
            return store.delete_where(conn, queue_id, filters.of_destination(destination), *own_items(actor))

    def prune(self, actor: Actor, queue_id: str) -> int:
        with self._db.write() as conn:
            return store.delete_where(conn, queue_id, filters.is_finished(), *own_items(actor))

    def clear(self, actor: Actor, queue_id: str) -> int:
        self._cancel_where(actor, queue_id)
        with self._db.write() as conn:
            deleted = store.delete_where(conn, queue_id, *own_items(actor))
        self._bus.publish(events.queue_cleared(queue_id, bulk_owner(actor)))
        return deleted

    def _cancel_where(self, actor: Actor, queue_id: str, *conditions: Filter) -> int:
        """One UPDATE for the whole set, then the announcement (see `_announce_canceled`)."""
        with self._db.write() as conn:
            canceled = store.cancel_where(conn, queue_id, *conditions, *own_items(actor))
            record_cancel_of_others(self._audit, conn, actor, queue_id, canceled)
        self._announce_canceled(queue_id, canceled)
        return len(canceled)

    def _announce_canceled(
        self, queue_id: str, canceled: Sequence[ItemOwner], *, summary: bool = True
    ) -> None:
        """Running items stop and get a status event (all do for a single cancel); a bulk change
        ends with one summary event in which each owner hears only their own ids."""
        running = [item.item_id for item in canceled if item.status == "in_progress"]
        if running:
            for listener in self._cancel_listeners:
                listener(running)
        each = running if summary else [item.item_id for item in canceled]
        if each:
            with self._db.read() as conn:
                records = list(store.get_items(conn, queue_id, each).values())
            for record in records:
                self.publish_status(record)
        if summary and canceled:
            owners = [(item.item_id, item.user_id) for item in canceled]
            self._bus.publish(
                events.items_bulk("queue_items_canceled", "canceled_item_ids", queue_id, owners)
            )

    def retry_items(self, actor: Actor, queue_id: str, item_ids: Sequence[int]) -> list[int]:
        with self._db.read() as conn:
            found = store.get_items(conn, queue_id, item_ids)
        for record in found.values():
            require_mutate_item(actor, record)
        retryable = [r for r in found.values() if r.status in ("failed", "canceled")]
        with self._db.write() as conn:
            copies = [retry_item(r) for r in retryable]
            self._within_quotas(conn, copies)
            new_ids = store.insert_items(conn, copies)
            created = list(store.get_items(conn, queue_id, new_ids).values())
        if created:
            owners = [(record.item_id, record.user_id) for record in created]
            self._bus.publish(events.items_bulk("queue_items_retried", "retried_item_ids", queue_id, owners))
            for listener in self._enqueue_listeners:
                listener()
        return new_ids

    def follow_user_change(self, change: UserChange) -> None:
        """A deactivated or deleted user's pending and running items are canceled at once."""
        if not change.is_active or change.deleted:
            self.cancel_user_items(change.user_id)

    def cancel_user_items(self, user_id: str) -> int:
        """A deactivated or deleted user's pending and running items stop."""
        with self._db.read() as conn:
            queue_ids = store.live_queues_of_user(conn, user_id)
        owner = Actor(user_id=user_id, email="", display_name=None, is_admin=False)
        return sum(self._cancel_where(owner, queue_id) for queue_id in queue_ids)

    def _cancel_one(self, actor: Actor, queue_id: str, item_id: int) -> None:
        with self._db.write() as conn:
            canceled = store.cancel_where(conn, queue_id, filters.of_item(item_id))
            record_cancel_of_others(self._audit, conn, actor, queue_id, canceled)
        self._announce_canceled(queue_id, canceled, summary=False)

    def publish_status(self, record: QueueItemRecord) -> None:
        owner = Actor(user_id=record.user_id, email="", display_name=None, is_admin=False)
        route = (record.origin, record.destination)  # every item of a batch shares them
        with self._db.read() as conn:  # one transaction: a worker publishes this twice per item
            queue_status = _queue_status(conn, owner, record.queue_id)
            batch_status = _batch_status(conn, None, record.queue_id, record.batch_id, route)
        self._bus.publish(events.status_changed(record, batch_status, queue_status))

    def publish(self, event: Event) -> None:
        self._bus.publish(event)


def _queue_status(conn: Connection, actor: Actor | None, queue_id: str) -> SessionQueueStatus:
    counts = store.count_by_status(conn, queue_id)
    current = store.current_item(conn, queue_id)
    live_of_actor = (filters.is_live(), filters.of_user(actor.user_id)) if actor else None
    mine = store.count_by_status(conn, queue_id, *live_of_actor) if live_of_actor else None
    visible = current is not None and actor is not None and sees_in_full(actor, current.user_id)
    return SessionQueueStatus(
        queue_id=queue_id,
        item_id=current.item_id if visible and current else None,
        batch_id=current.batch_id if visible and current else None,
        session_id=current.session_id if visible and current else None,
        total=sum(counts.values()),
        user_pending=mine["pending"] if mine else None,
        user_in_progress=mine["in_progress"] if mine else None,
        **counts,
    )


def _batch_status(
    conn: Connection,
    actor: Actor | None,
    queue_id: str,
    batch_id: str,
    route: tuple[str | None, str | None] | None = None,
) -> BatchStatus:
    scope = own_items(actor) if actor is not None else []
    counts = store.count_by_status(conn, queue_id, filters.of_batch(batch_id), *scope)
    origin, destination = route or store.batch_route(conn, batch_id, *scope) or (None, None)
    return BatchStatus(
        queue_id=queue_id,
        batch_id=batch_id,
        origin=origin,
        destination=destination,
        total=sum(counts.values()),
        **counts,
    )
