"""The event bus interface and its in-process implementation.

Services publish `Event`s from any thread; subscribers (the socket.io server, a worker watching
for cancellations) receive them in publication order. User changes travel on the bus too, so
live revocation reaches every process's sockets. `redis_bus.RedisEventBus` implements the same
interface across processes (`redis_url`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

logger = logging.getLogger(__name__)


class EventBusUnavailable(Exception):
    """The shared bus (Redis) cannot be reached at start; the message is one line fit for a
    terminal. Defined here, not beside the Redis bus, so that catching it imports no Redis client."""


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


@dataclass(frozen=True)
class UserChanged:
    """A user's sockets must follow: dropped (inactive, deleted, new credentials) or moved in or
    out of the admin room; or, with `revoked_token_id`, only the sockets opened with that API
    token close (every API process holds some of them)."""

    user_id: str
    is_active: bool
    is_admin: bool
    credentials_changed: bool
    revoked_token_id: str | None = None

    @classmethod
    def token_revoked(cls, token_id: str) -> UserChanged:
        return cls("", is_active=True, is_admin=False, credentials_changed=False, revoked_token_id=token_id)


Subscriber = Callable[[Event], None]
UserChangeSubscriber = Callable[[UserChanged], None]


class EventBus(Protocol):
    def publish(self, event: Event) -> None: ...

    def publish_user_change(self, change: UserChanged) -> None: ...

    def subscribe(self, subscriber: Subscriber) -> None: ...

    def on_user_change(self, subscriber: UserChangeSubscriber) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class InProcessEventBus:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._user_subscribers: list[UserChangeSubscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.append(subscriber)

    def on_user_change(self, subscriber: UserChangeSubscriber) -> None:
        with self._lock:
            self._user_subscribers.append(subscriber)

    def publish(self, event: Event) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:
                logger.exception("Event subscriber failed for %s", event.name)

    def publish_user_change(self, change: UserChanged) -> None:
        with self._lock:
            subscribers = list(self._user_subscribers)
        for subscriber in subscribers:
            try:
                subscriber(change)
            except Exception:
                logger.exception("User change subscriber failed")

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


def timestamp() -> int:
    return int(time.time())
