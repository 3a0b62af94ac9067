"""SPEC §8 routing, table-driven: which rooms each event reaches, and which payload."""

from __future__ import annotations

import pytest

from gesso.events.bus import Event
from gesso.events.routing import ADMIN_ROOM, Delivery, route

FULL = {"secret": "A's prompt"}
REDACTED = {"secret": None}
PERSON = {"secret": "a sentence"}
OWNER, QUEUE = "user:alice", "queue:default"


def event(name: str, **extra: object) -> Event:
    return Event(name, FULL, owner_id="alice", queue_id="default", **extra)  # type: ignore[arg-type]


CASES = [
    ("invocation_progress", {}, [Delivery([OWNER], FULL)]),
    ("invocation_started", {}, [Delivery([OWNER, ADMIN_ROOM], FULL)]),
    ("invocation_complete", {}, [Delivery([OWNER, ADMIN_ROOM], FULL)]),
    ("invocation_error", {}, [Delivery([OWNER, ADMIN_ROOM], FULL)]),
    (
        "queue_item_status_changed",
        {"redacted": REDACTED},
        [Delivery([OWNER, ADMIN_ROOM], FULL), Delivery([QUEUE], REDACTED, [OWNER, ADMIN_ROOM])],
    ),
    (
        "batch_enqueued",
        {"redacted": REDACTED},
        [Delivery([OWNER, ADMIN_ROOM], FULL), Delivery([QUEUE], REDACTED, [OWNER, ADMIN_ROOM])],
    ),
    (
        "queue_cleared",
        {"redacted": REDACTED},
        [Delivery([OWNER, ADMIN_ROOM], FULL), Delivery([QUEUE], REDACTED, [OWNER, ADMIN_ROOM])],
    ),
    (
        "invocation_error",
        {"owner_view": PERSON},
        [Delivery([ADMIN_ROOM], FULL), Delivery([OWNER], PERSON, [ADMIN_ROOM])],
    ),
    (
        "queue_item_status_changed",
        {"redacted": REDACTED, "owner_view": PERSON},
        [
            Delivery([ADMIN_ROOM], FULL),
            Delivery([OWNER], PERSON, [ADMIN_ROOM]),
            Delivery([QUEUE], REDACTED, [OWNER, ADMIN_ROOM]),
        ],
    ),
    ("model_install_complete", {}, [Delivery([ADMIN_ROOM], FULL)]),
    ("download_progress", {}, [Delivery([ADMIN_ROOM], FULL)]),
    ("model_load_started", {}, [Delivery([ADMIN_ROOM], FULL)]),
    ("something_new", {}, [Delivery([OWNER, ADMIN_ROOM], FULL)]),
]


@pytest.mark.parametrize(
    ("name", "extra", "expected"), CASES, ids=[f"{c[0]}-{'-'.join(c[1]) or 'plain'}" for c in CASES]
)
def test_event_reaches_exactly_its_rooms(
    name: str, extra: dict[str, object], expected: list[Delivery]
) -> None:
    assert route(event(name, **extra)) == expected


def test_event_without_owner_and_no_rule_reaches_admins_only() -> None:
    assert route(Event("something_new", FULL)) == [Delivery([ADMIN_ROOM], FULL)]


def test_progress_without_owner_goes_nowhere() -> None:
    assert route(Event("invocation_progress", FULL)) == []


def test_companion_without_redacted_payload_is_not_sent() -> None:
    # Fail closed: with no redacted form prepared, other users get nothing rather than the full one.
    assert route(event("queue_item_status_changed")) == [Delivery([OWNER, ADMIN_ROOM], FULL)]


def test_bulk_events_give_each_owner_only_their_ids() -> None:
    bulk = Event(
        "queue_items_canceled",
        {"canceled_item_ids": [1, 2, 3]},
        queue_id="default",
        per_owner={"alice": {"canceled_item_ids": [1, 3]}, "bob": {"canceled_item_ids": [2]}},
        redacted={"canceled_item_ids": []},
    )
    assert route(bulk) == [
        Delivery([ADMIN_ROOM], {"canceled_item_ids": [1, 2, 3]}),
        Delivery(["user:alice"], {"canceled_item_ids": [1, 3]}, [ADMIN_ROOM]),
        Delivery(["user:bob"], {"canceled_item_ids": [2]}, [ADMIN_ROOM]),
        Delivery([QUEUE], {"canceled_item_ids": []}, [ADMIN_ROOM, "user:alice", "user:bob"]),
    ]
