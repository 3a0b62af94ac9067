"""Redaction of other users' queue items (SPEC §7) for non-admin callers and socket companions,
and the owner's view of a failed item's error when the owner is not an administrator.

Kept: item_id, queue_id, status and timestamps. Replaced: user_id, batch_id, session_id →
"redacted"; user_display_name, user_email, origin, destination, field_values, error_*, workflow,
retried_from_item_id → null; priority → 0; session → an empty graph.
"""

from __future__ import annotations

from typing import Any

from gesso.auth.actor import Actor
from gesso.queue.access import sees_error_detail, sees_in_full
from gesso.queue.person_errors import GENERATION, for_person
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


def error_fields_for_person(error_type: str | None, error_message: str | None) -> dict[str, str | None]:
    """`error_type`, `error_message` and `error_traceback` as an owner who is not an admin sees
    them: a category, a sentence and no traceback."""
    person = for_person(error_type, error_message)
    if person is None:
        return {"error_type": None, "error_message": None, "error_traceback": None}
    return {"error_type": person.category, "error_message": person.sentence, "error_traceback": None}


def person_view(item: SessionQueueItem) -> SessionQueueItem:
    """The owner's item with raw error details replaced (also the per-node errors in `session`)."""
    if item.error_type is None and not item.session.get("errors"):
        return item
    fields = error_fields_for_person(item.error_type, item.error_message)
    node_errors = item.session.get("errors") or {}
    sentence = fields["error_message"] or GENERATION.sentence
    session = {**item.session, "errors": {node_id: sentence for node_id in node_errors}}
    return item.model_copy(update={**fields, "session": session})


def item_for(actor: Actor, item: SessionQueueItem) -> SessionQueueItem:
    """The full item for admins; the owner's view (errors for people) for its owner; the
    redacted one for everybody else."""
    if not sees_in_full(actor, item.user_id):
        return redact_item(item)
    return item if sees_error_detail(actor) else person_view(item)


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


def owner_status_changed(payload: dict[str, Any]) -> dict[str, Any]:
    """`queue_item_status_changed` for an owner who is not an admin: errors for people."""
    return {**payload, **error_fields_for_person(payload.get("error_type"), payload.get("error_message"))}


def owner_invocation_error(payload: dict[str, Any]) -> dict[str, Any]:
    """`invocation_error` for an owner who is not an admin: errors for people."""
    error_type = payload.get("error_type") or GENERATION.category
    return {**payload, **error_fields_for_person(error_type, payload.get("error_message"))}


def redact_batch_enqueued(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "user_id": REDACTED, "batch_id": REDACTED, "origin": None, "destination": None}
