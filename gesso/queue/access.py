"""Who may do what with queue items (SPEC §7).

- Everyone may list every item to see their place in line; other users' items are redacted
  for non-admins (see `sanitize`).
- Single-item cancel, delete and retry of someone else's item → 403 (admins may).
- Bulk operations silently affect only the caller's own items, unless the caller is an admin.
- A failed item's raw error (class name, message, traceback) is for administrators; its owner
  reads a sentence instead (`sees_error_detail`, `person_errors`).
- Pausing and resuming the processor is for administrators only (the router's `AdminUser`).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from gesso.auth.actor import Actor
from gesso.errors import Forbidden
from gesso.queue.store import QueueItemRecord
from gesso.queue.tables import session_queue

logger = logging.getLogger(__name__)


def sees_in_full(actor: Actor, owner_id: str) -> bool:
    """Owners and admins see an item (and the current item's ids in the status) in full."""
    return actor.is_admin or owner_id == actor.user_id


def sees_error_detail(actor: Actor) -> bool:
    """Exception class names, raw messages (which may name server paths) and tracebacks are for
    administrators; an owner who is not one reads a category and a sentence (`person_errors`)."""
    return actor.is_admin


def can_mutate_item(actor: Actor, item: QueueItemRecord) -> bool:
    return actor.is_admin or item.user_id == actor.user_id


def require_mutate_item(actor: Actor, item: QueueItemRecord) -> None:
    if not can_mutate_item(actor, item):
        logger.debug("Queue item %s change refused for %s", item.item_id, actor.user_id)
        raise Forbidden(f"You do not have permission to modify queue item {item.item_id}")


def bulk_owner(actor: Actor) -> str | None:
    """Whose items a bulk operation touches: None = everybody's (admins), else the caller's."""
    return None if actor.is_admin else actor.user_id


def own_items(actor: Actor) -> list[sa.ColumnElement[bool]]:
    """Filters that scope a bulk operation: none for admins, the caller's rows otherwise."""
    owner = bulk_owner(actor)
    return [] if owner is None else [session_queue.c.user_id == owner]
