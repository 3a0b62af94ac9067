"""The event bus interface and its in-process implementation.

Services publish `Event`s from any thread; subscribers (the socket.io server) receive them in
publication order. A Redis-backed bus can replace this for several processes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """`name` and `payload` are what clients receive. `owner_id` is the user the event is about
    (None for events about nobody in particular); `per_owner` splits bulk events by owner;
    `owner_view`, when set, is what the owner receives instead of `payload` unless the owner is
    an administrator (errors for people)."""

    name: str
    payload: dict[str, Any]
    owner_id: str | None = None
    queue_id: str | None = None
    per_owner: dict[str, dict[str, Any]] = field(default_factory=dict)
    redacted: dict[str, Any] | None = None
    owner_view: dict[str, Any] | None = None


class EventBus(Protocol):
    def publish(self, event: Event) -> None: ...


Subscriber = Callable[[Event], None]


class InProcessEventBus:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.append(subscriber)

    def publish(self, event: Event) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:
                logger.exception("Event subscriber failed for %s", event.name)


def timestamp() -> int:
    return int(time.time())
