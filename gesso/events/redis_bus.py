"""The event bus over Redis pub/sub, for several processes (SPEC §21, `redis_url`).

Every process publishes to one channel per installation, `gesso:<installation id>:events`
(the id lives in `app_settings`, so two installations can share one Redis), and every process
listens to it: each API process routes what arrives to its own sockets with the same rules as
in-process delivery (`routing.route`), including the events it published itself. User changes
(deactivation, demotion, password) travel the same way, so revocation reaches sockets held by
every API process.

Why not python-socketio's Redis manager: it forwards `emit` calls, while our routing needs each
process's own room membership to exclude owners and admins from redacted copies, and workers
without a socket server must publish too. Events are routed where the sockets are instead.

Redis away: a publish that fails drops its event (live progress is not worth blocking the
request or the worker for; the queue state itself is in the database) and is logged once per
outage; the listener reconnects with back-off.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from typing import Any

import redis

from gesso.events.bus import Event, EventBusUnavailable, Subscriber, UserChanged, UserChangeSubscriber

logger = logging.getLogger(__name__)

BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 5.0)
USER_CHANGED = "gesso.user_changed"


def channel_for(installation_id: str) -> str:
    return f"gesso:{installation_id}:events"


def describe_redis_url(url: str) -> str:
    """The URL without a password."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"


def encode(event: Event) -> str:
    """Every field of the event, so each process routes it exactly as the publisher's would."""
    return json.dumps(dataclasses.asdict(event), separators=(",", ":"))


def decode(data: dict[str, Any]) -> Event:
    known = {f.name for f in dataclasses.fields(Event)}
    values = {key: value for key, value in data.items() if key in known}
    values["per_owner"] = values.get("per_owner") or {}
    return Event(**values)


class RedisEventBus:
    def __init__(self, url: str, installation_id: str) -> None:
        self.url = url
        self.channel = channel_for(installation_id)
        self.client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
        self._subscribers: list[Subscriber] = []
        self._user_subscribers: list[UserChangeSubscriber] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._publish_failing = False
        self.connected = threading.Event()

    def check_reachable(self) -> None:
        try:
            self.client.ping()
        except redis.RedisError as exc:
            raise EventBusUnavailable(
                f"cannot connect to Redis at {describe_redis_url(self.url)}: {exc}"
            ) from None

    # -- publishing ------------------------------------------------------------------------

    def publish(self, event: Event) -> None:
        self._send(encode(event), event.name)

    def publish_user_change(self, change: UserChanged) -> None:
        self._send(json.dumps({"name": USER_CHANGED, "change": change.__dict__}), USER_CHANGED)

    def _send(self, message: str, what: str) -> None:
        try:
            self.client.publish(self.channel, message)
        except redis.RedisError as exc:
            if not self._publish_failing:
                logger.error("Redis is unavailable; events are dropped until it is back: %s", exc)
            self._publish_failing = True
            return
        if self._publish_failing:
            logger.info("Redis is back; events flow again")
        self._publish_failing = False

    # -- receiving -------------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.append(subscriber)

    def on_user_change(self, subscriber: UserChangeSubscriber) -> None:
        with self._lock:
            self._user_subscribers.append(subscriber)

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._listen_forever, name="gesso-redis-bus", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        self.client.close()

    def _listen_forever(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._listen()
            except (redis.RedisError, OSError) as exc:
                self.connected.clear()
                if failures == 0:
                    logger.error("Lost the Redis event channel (reconnecting): %s", exc)
                self._stop.wait(BACKOFF_S[min(failures, len(BACKOFF_S) - 1)])
                failures += 1
                continue
            failures = 0

    def _listen(self) -> None:
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.channel)
            if not self.connected.is_set():
                logger.debug("Listening on Redis channel %s", self.channel)
            self.connected.set()
            while not self._stop.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message is not None and message.get("type") == "message":
                    self._deliver(message["data"])
        finally:
            pubsub.close()

    def _deliver(self, raw: bytes | str) -> None:
        try:
            data = json.loads(raw)
        except ValueError:
            logger.warning("Ignoring a malformed message on %s", self.channel)
            return
        with self._lock:
            subscribers = list(self._subscribers)
            user_subscribers = list(self._user_subscribers)
        if data.get("name") == USER_CHANGED:
            change = UserChanged(**data["change"])
            for on_change in user_subscribers:
                _safely(on_change, change)
            return
        event = decode(data)
        for subscriber in subscribers:
            _safely(subscriber, event)


def _safely(subscriber: Any, value: Any) -> None:
    try:
        subscriber(value)
    except Exception:
        logger.exception("Event subscriber failed")
