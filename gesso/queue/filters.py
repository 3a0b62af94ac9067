"""Column filters on `session_queue` that the service combines with `queue.access.own_items` and
hands to the store's set-based functions (`count_by_status`, `cancel_where`, `delete_where`, …)."""

from __future__ import annotations

from collections.abc import Sequence

from gesso.queue.store import LIVE, TERMINAL, Filter, sq


def is_live() -> Filter:
    return sq.c.status.in_(LIVE)


def is_pending() -> Filter:
    return sq.c.status == "pending"


def is_finished() -> Filter:
    return sq.c.status.in_(TERMINAL)


def of_user(user_id: str) -> Filter:
    return sq.c.user_id == user_id


def of_batch(batch_id: str) -> Filter:
    return sq.c.batch_id == batch_id


def of_batches(batch_ids: Sequence[str]) -> Filter:
    return sq.c.batch_id.in_(list(batch_ids))


def of_item(item_id: int) -> Filter:
    return sq.c.item_id == item_id


def of_destination(destination: str) -> Filter:
    return sq.c.destination == destination
