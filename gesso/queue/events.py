"""Queue and invocation events with InvokeAI's names and payload fields, plus the redacted
companions that other users in the queue room receive."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gesso.events.bus import Event, timestamp
from gesso.queue.sanitize import (
    REDACTED,
    owner_invocation_error,
    owner_status_changed,
    redact_batch_enqueued,
    redact_status_changed,
)
from gesso.queue.schemas import BatchStatus, SessionQueueStatus
from gesso.queue.store import QueueItemRecord

if TYPE_CHECKING:
    from PIL import Image

PREVIEW_MAX_SIDE = 256


def _item_base(item: QueueItemRecord) -> dict[str, Any]:
    return {
        "queue_id": item.queue_id,
        "item_id": item.item_id,
        "batch_id": item.batch_id,
        "origin": item.origin,
        "destination": item.destination,
        "user_id": item.user_id,
        "timestamp": timestamp(),
    }


def status_changed(
    item: QueueItemRecord, batch_status: BatchStatus, queue_status: SessionQueueStatus
) -> Event:
    payload = {
        **_item_base(item),
        "status": item.status,
        "error_type": item.error_type,
        "error_message": item.error_message,
        "error_traceback": item.error_traceback,
        "created_at": item.created_at.isoformat(),
        "updated_at": item.updated_at.isoformat(),
        "started_at": item.started_at.isoformat() if item.started_at else None,
        "completed_at": item.completed_at.isoformat() if item.completed_at else None,
        "batch_status": batch_status.model_dump(mode="json"),
        "queue_status": queue_status.model_dump(mode="json"),
        "session_id": item.session_id,
    }
    return Event(
        "queue_item_status_changed",
        payload,
        owner_id=item.user_id,
        queue_id=item.queue_id,
        redacted=redact_status_changed(payload),
        owner_view=owner_status_changed(payload) if item.error_type is not None else None,
    )


def batch_enqueued(
    queue_id: str, batch_id: str, origin: str | None, destination: str | None, enqueued: int, requested: int,
    priority: int, user_id: str,
) -> Event:  # fmt: skip
    payload = {
        "queue_id": queue_id,
        "batch_id": batch_id,
        "origin": origin,
        "destination": destination,
        "enqueued": enqueued,
        "requested": requested,
        "priority": priority,
        "user_id": user_id,
        "timestamp": timestamp(),
    }
    return Event(
        "batch_enqueued",
        payload,
        owner_id=user_id,
        queue_id=queue_id,
        redacted=redact_batch_enqueued(payload),
    )


def work_available(queue_id: str) -> Event:
    """Idle workers in every process should look for an item now (the queue was resumed)."""
    return Event("work_available", {"queue_id": queue_id}, queue_id=queue_id)


def queue_cleared(queue_id: str, user_id: str | None) -> Event:
    payload = {"queue_id": queue_id, "user_id": user_id, "timestamp": timestamp()}
    redacted = {**payload, "user_id": REDACTED if user_id else None}
    return Event("queue_cleared", payload, owner_id=user_id, queue_id=queue_id, redacted=redacted)


def items_bulk(name: str, key: str, queue_id: str, items: Sequence[tuple[int, str]]) -> Event:
    """`queue_items_canceled` / `queue_items_retried` for `(item_id, owner)` pairs: one event for
    the whole operation, in which every owner hears only their own ids."""
    by_owner: dict[str, list[int]] = {}
    for item_id, owner in items:
        by_owner.setdefault(owner, []).append(item_id)
    stamp = timestamp()
    payload = {"queue_id": queue_id, key: sorted(item_id for item_id, _ in items), "timestamp": stamp}
    per_owner = {
        owner: {"queue_id": queue_id, key: sorted(ids), "timestamp": stamp} for owner, ids in by_owner.items()
    }
    return Event(name, payload, queue_id=queue_id, per_owner=per_owner, redacted={**payload, key: []})


def invocation(
    name: str,
    item: QueueItemRecord,
    node: dict[str, Any],
    source_node_id: str,
    **extra: Any,
) -> Event:
    payload = {
        **_item_base(item),
        "session_id": item.session_id,
        "invocation": node,
        "invocation_source_id": source_node_id,
        **extra,
    }
    owner_view = owner_invocation_error(payload) if name == "invocation_error" else None
    return Event(name, payload, owner_id=item.user_id, queue_id=item.queue_id, owner_view=owner_view)


def progress_image(preview: Image.Image) -> dict[str, Any]:
    """A small JPEG data URL, as InvokeAI's `ProgressImage` {width, height, dataURL}."""
    image = preview.copy()
    image.thumbnail((PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=70)
    data_url = "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return {"width": image.width, "height": image.height, "dataURL": data_url}
