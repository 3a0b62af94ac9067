"""What crosses Redis between API processes: an event comes back with every field it was published
with, so the receiving process routes it exactly as the publishing one would (SPEC §8)."""

from __future__ import annotations

import dataclasses
import json

from gesso.events.bus import Event
from gesso.events.redis_bus import decode, encode


def test_every_field_of_an_event_survives_the_channel() -> None:
    event = Event(
        "invocation_error",
        {"item_id": 7, "error_type": "OutOfMemoryError", "error_traceback": "Traceback …"},
        owner_id="alice",
        queue_id="default",
        per_owner={"alice": {"item_ids": [7]}},
        redacted={"item_id": 7, "user_id": "redacted"},
        owner_view={"item_id": 7, "error_message": "The GPU ran out of memory."},
    )
    assert decode(json.loads(encode(event))) == event
    # A new Event field must be carried too, or another process would route without it.
    assert set(json.loads(encode(event))) == {field.name for field in dataclasses.fields(Event)}


def test_a_message_without_the_optional_fields_is_an_ordinary_event() -> None:
    event = decode({"name": "queue_cleared", "payload": {"queue_id": "default"}, "unknown": 1})
    assert event == Event("queue_cleared", {"queue_id": "default"})
