"""What the queue tells the audit log: enqueues (item count and model keys) and an
administrator canceling other people's items. Both are written in the change's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection

from gesso.audit.service import AuditLog
from gesso.auth.actor import Actor
from gesso.queue.schemas import Batch
from gesso.queue.store import ItemOwner

MAX_AUDITED_MODEL_KEYS = 50


def model_keys(graph: Any) -> list[str]:
    """The keys of every model a graph names (main model, VAE, LoRA, ControlNet…), for the
    audit log: any object with `key`, `base` and `type` is a model identifier."""
    found: dict[str, None] = {}
    stack = [graph]
    while stack and len(found) < MAX_AUDITED_MODEL_KEYS:
        value = stack.pop()
        if isinstance(value, dict):
            key = value.get("key")
            if isinstance(key, str) and "base" in value and "type" in value:
                found[key[:128]] = None
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return sorted(found)


def record_enqueue(
    audit: AuditLog,
    conn: Connection,
    actor: Actor,
    queue_id: str,
    batch: Batch,
    enqueued: int,
    requested: int,
) -> None:
    audit.record(
        conn, actor, "queue.enqueue", target_type="batch", target_id=batch.batch_id,
        details={"queue_id": queue_id, "items": enqueued, "requested": requested,
                 "model_keys": model_keys(batch.graph)},
    )  # fmt: skip


def record_cancel_of_others(
    audit: AuditLog, conn: Connection, actor: Actor, queue_id: str, canceled: Sequence[ItemOwner]
) -> None:
    """One event per request that stopped someone else's items (the owners' own cancels and
    the automatic stop of a deactivated user's items are not audited as such)."""
    others = [owner for owner in canceled if owner.user_id != actor.user_id]
    if not others or actor.is_system:
        return
    audit.record(
        conn, actor, "queue.cancel_other", target_type="queue_item", target_id=str(others[0].item_id),
        details={"queue_id": queue_id, "item_ids": [o.item_id for o in others[:100]], "count": len(others),
                 "owners": sorted({o.user_id for o in others})[:20]},
    )  # fmt: skip
