"""Redaction of other users' queue items (SPEC §7) for non-admin callers and socket companions.

Kept: item_id, queue_id, status and timestamps. Replaced: user_id, batch_id, session_id →
"redacted"; user_display_name, user_email, origin, destination, field_values, error_*, workflow,
retried_from_item_id → null; priority → 0; session → an empty graph.
"""

from __future__ import annotations

from typing import Any

from gesso.auth.actor import Actor
from gesso.queue.access import sees_in_full
from gesso.queue.schemas import SessionQueueItem

REDACTED = "redacted"


def empty_session() -> dict[str, Any]:
    return {
        "id": REDACTED,
        "graph": {"id": REDACTED, "nodes": {}, "edges": []},
        "execution_graph": {"id": REDACTED, "nodes": {}, "edges": []},
        "executed": [],
        "executed_history": [],
        "results": {},
        "errors": {},
        "prepared_source_mapping": {},
        "source_prepared_mapping": {},
    }


def redact_item(item: SessionQueueItem) -> SessionQueueItem:
    return item.model_copy(
        update={
            "user_id": REDACTED,
            "batch_id": REDACTED,
            "session_id": REDACTED,
            "user_display_name": None,
            "user_email": None,
            "origin": None,
            "destination": None,
            "field_values": None,
            "error_type": None,
            "error_message": None,
            "error_traceback": None,
            "workflow": None,
            "retried_from_item_id": None,
            "priority": 0,
            "session": empty_session(),
        }
    )


def item_for(actor: Actor, item: SessionQueueItem) -> SessionQueueItem:
    """The full item for its owner and admins; the redacted one for everybody else."""
    return item if sees_in_full(actor, item.user_id) else redact_item(item)


def redact_status_changed(payload: dict[str, Any]) -> dict[str, Any]:
    redacted = {
        **payload,
        "user_id": REDACTED,
        "batch_id": REDACTED,
        "session_id": REDACTED,
        "origin": None,
        "destination": None,
        "error_type": None,
        "error_message": None,
        "error_traceback": None,
    }
    redacted["batch_status"] = {
        **payload["batch_status"],
        "batch_id": REDACTED,
        "origin": None,
        "destination": None,
    }
    redacted["queue_status"] = {
        **payload["queue_status"],
        "item_id": None,
        "batch_id": None,
        "session_id": None,
        "user_pending": None,
        "user_in_progress": None,
    }
    return redacted


def redact_batch_enqueued(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "user_id": REDACTED, "batch_id": REDACTED, "origin": None, "destination": None}
