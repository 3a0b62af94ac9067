"""Who receives which event (SPEC §8). Pure: an event in, a list of deliveries out.

| event                                              | owner | admins | others in the queue room |
|----------------------------------------------------|-------|--------|--------------------------|
| invocation_progress, bulk_download_*               | full  |   -    |            -             |
| invocation_started / _complete / _error            | full* |  full  |            -             |
| queue_item_status_changed, batch_enqueued          | full* |  full  |    redacted companion    |
| queue_items_canceled / _retried (bulk)             | own ids only | all ids | empty companion  |
| queue_cleared                                      | full  |  full  |    redacted companion    |
| model install / download events                    |   -   |  full  |            -             |
| work_available (between processes only)            |   -   |   -    |            -             |
| anything else                                      | full  |  full  |  - (fail closed)         |

* An event with an `owner_view` (errors for people) gives the owner that view instead, unless the
owner is an administrator (whose sockets are in the `admin` room and get the full payload).

Rooms: `user:<id>` (every socket of a user), `admin` (administrators' sockets), and
`queue:<queue_id>` (sockets that subscribed to that queue). One delivery reaches each socket at
most once even when it is in several of its rooms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gesso.events.bus import Event

ADMIN_ROOM = "admin"
OWNER_ONLY = frozenset(
    {"invocation_progress", "bulk_download_started", "bulk_download_complete", "bulk_download_error"}
)
OWNER_AND_ADMINS = frozenset({"invocation_started", "invocation_complete", "invocation_error"})
WITH_REDACTED_COMPANION = frozenset({"queue_item_status_changed", "batch_enqueued", "queue_cleared"})
BULK_BY_OWNER = frozenset({"queue_items_canceled", "queue_items_retried"})
ADMINS_ONLY_PREFIXES = ("model_install_", "model_load_", "download_")
# Signals for the other processes (workers waiting for work), never for sockets.
BETWEEN_PROCESSES = frozenset({"work_available"})


def user_room(user_id: str) -> str:
    return f"user:{user_id}"


def queue_room(queue_id: str) -> str:
    return f"queue:{queue_id}"


@dataclass(frozen=True)
class Delivery:
    rooms: list[str]
    payload: dict[str, Any]
    skip_rooms: list[str] = field(default_factory=list)


def route(event: Event) -> list[Delivery]:
    if event.name in BETWEEN_PROCESSES:
        return []
    owner_rooms = [user_room(event.owner_id)] if event.owner_id else []
    if event.name.startswith(ADMINS_ONLY_PREFIXES):
        return [Delivery([ADMIN_ROOM], event.payload)]
    if event.name in OWNER_ONLY:
        return [Delivery(owner_rooms, event.payload)] if owner_rooms else []
    if event.name in BULK_BY_OWNER:
        return _bulk(event)
    if event.owner_view is not None and owner_rooms:
        owner_copy = Delivery(owner_rooms, event.owner_view, [ADMIN_ROOM])
        deliveries = [Delivery([ADMIN_ROOM], event.payload), owner_copy]
    else:
        deliveries = [Delivery([*owner_rooms, ADMIN_ROOM], event.payload)]
    if event.name in WITH_REDACTED_COMPANION and event.queue_id and event.redacted is not None:
        deliveries.append(Delivery([queue_room(event.queue_id)], event.redacted, [*owner_rooms, ADMIN_ROOM]))
    return deliveries


def _bulk(event: Event) -> list[Delivery]:
    owners = sorted(event.per_owner)
    deliveries = [Delivery([ADMIN_ROOM], event.payload)]
    deliveries += [Delivery([user_room(o)], event.per_owner[o], [ADMIN_ROOM]) for o in owners]
    if event.queue_id and event.redacted is not None:
        skip = [ADMIN_ROOM, *(user_room(o) for o in owners)]
        deliveries.append(Delivery([queue_room(event.queue_id)], event.redacted, skip))
    return deliveries
