"""Quota rules (SPEC §17): admins set limits per user and per group; the queue and image services
call `check_enqueue` / `check_upload` inside their own write transaction, so the check and the
insert cannot interleave with another request (two enqueues at the limit cannot both pass).

The amounts in use are counted by the domains that own them (pending items by the queue, stored
bytes by the images) through the functions given at construction; daily items and GPU seconds are
kept here in `usage_daily`, so pruning queue history does not reset a quota.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from gesso.audit.origin import Attribution
from gesso.audit.service import AuditLog
from gesso.db.engine import Database
from gesso.db.metadata import utcnow
from gesso.errors import NotFound
from gesso.groups.store import group_exists
from gesso.quotas import store
from gesso.quotas.limits import Limits, QuotaExceeded, resolve, seconds_to_utc_midnight, utc_day
from gesso.users.store import UserRecord, get_user, list_users

logger = logging.getLogger(__name__)

MIB = 2**20
GPU_WINDOW_DAYS = 30

# (conn, user_id) -> amount in use, counted by the domain that owns it.
Counter = Callable[[Connection, str], int]


@dataclass(frozen=True)
class EnqueueDemand:
    """What an enqueue asks for: how many items, and the largest image and step count among them."""

    items: int
    max_pixels: int
    max_steps: int


@dataclass(frozen=True)
class Usage:
    user_id: str
    email: str
    display_name: str | None
    limits: Limits
    pending_items: int
    items_today: int
    storage_bytes: int
    gpu_seconds_30d: float


def demand_of(sessions: Iterable[Mapping[str, Any]]) -> EnqueueDemand:
    """Items, largest `width * height` and largest `steps` over every node of every session
    (batch data values are already substituted into the sessions)."""
    count = pixels = steps = 0
    for session in sessions:
        count += 1
        for node in session.get("graph", {}).get("nodes", {}).values():
            width, height, node_steps = node.get("width"), node.get("height"), node.get("steps")
            if isinstance(width, int) and isinstance(height, int):
                pixels = max(pixels, width * height)
            if isinstance(node_steps, int):
                steps = max(steps, node_steps)
    return EnqueueDemand(count, pixels, steps)


class UserNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("User not found")


class GroupNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Group not found")


class QuotaService:
    def __init__(
        self, db: Database, audit: AuditLog, *, pending_items: Counter, storage_bytes: Counter
    ) -> None:
        self._db = db
        self._audit = audit
        self._pending_items = pending_items
        self._storage_bytes = storage_bytes

    # -- administration (each one transaction) ----------------------------------------------

    def user_limits(self, user_id: str) -> tuple[Limits, Limits]:
        """(the user's own values, their effective limits)."""
        with self._db.read() as conn:
            if get_user(conn, user_id) is None:
                raise UserNotFound()
            return store.user_limits(conn, user_id) or Limits(), self.effective(conn, user_id)

    def set_user_limits(self, user_id: str, limits: Limits, *, by: Attribution) -> tuple[Limits, Limits]:
        with self._db.write() as conn:
            if get_user(conn, user_id) is None:
                raise UserNotFound()
            store.put_user_limits(conn, user_id, limits)
            self._audit.record(
                conn, by, "quota.update", target_type="user", target_id=user_id, details=asdict(limits)
            )
            return limits, self.effective(conn, user_id)

    def group_limits(self, group_id: str) -> Limits:
        with self._db.read() as conn:
            if not group_exists(conn, group_id):
                raise GroupNotFound()
            return store.group_limits(conn, group_id) or Limits()

    def set_group_limits(self, group_id: str, limits: Limits, *, by: Attribution) -> Limits:
        with self._db.write() as conn:
            if not group_exists(conn, group_id):
                raise GroupNotFound()
            store.put_group_limits(conn, group_id, limits)
            self._audit.record(
                conn, by, "quota.update", target_type="group", target_id=group_id, details=asdict(limits)
            )
        return limits

    # -- resolution ---------------------------------------------------------------------------

    @staticmethod
    def effective(conn: Connection, user_id: str) -> Limits:
        own = store.user_limits(conn, user_id)
        return resolve(own, store.limits_of_users_groups(conn, [user_id]).get(user_id, []))

    @staticmethod
    def queue_weight(conn: Connection, user_id: str) -> int:
        return QuotaService.effective(conn, user_id).queue_weight or 1

    # -- checks (inside the caller's write transaction) ----------------------------------------

    def check_enqueue(self, conn: Connection, user_id: str, demand: EnqueueDemand) -> None:
        """Refuse the whole enqueue (429) when any limit would be passed, else count the items
        towards today's usage. Locks the user's row first (PostgreSQL; SQLite's writer lock
        already serializes), so concurrent enqueues of one user are checked one after another."""
        if demand.items == 0:
            return
        store.lock_user(conn, user_id)
        limits = self.effective(conn, user_id)
        self._per_image(limits, demand)
        if limits.max_pending_items is not None:
            pending = self._pending_items(conn, user_id)
            if pending + demand.items > limits.max_pending_items:
                raise QuotaExceeded(
                    "max_pending_items", limits.max_pending_items, pending,
                    f"This would make {pending + demand.items} of your items wait in the queue; "
                    f"your limit is {limits.max_pending_items}",
                )  # fmt: skip
        now = utcnow()
        if limits.max_items_per_day is not None:
            today = store.items_on(conn, user_id, utc_day(now))
            if today + demand.items > limits.max_items_per_day:
                raise QuotaExceeded(
                    "max_items_per_day", limits.max_items_per_day, today,
                    f"You have queued {today} items today; {demand.items} more would pass your daily "
                    f"limit of {limits.max_items_per_day} (it resets at 00:00 UTC)",
                    retry_after=seconds_to_utc_midnight(now),
                )  # fmt: skip
        self._storage(conn, user_id, limits, 0)
        store.add_usage(conn, user_id, utc_day(now), items=demand.items)

    @staticmethod
    def _per_image(limits: Limits, demand: EnqueueDemand) -> None:
        if limits.max_pixels_per_image is not None and demand.max_pixels > limits.max_pixels_per_image:
            raise QuotaExceeded(
                "max_pixels_per_image", limits.max_pixels_per_image, demand.max_pixels,
                f"An image of {demand.max_pixels} pixels is larger than your limit of "
                f"{limits.max_pixels_per_image} pixels per image",
            )  # fmt: skip
        if limits.max_steps is not None and demand.max_steps > limits.max_steps:
            raise QuotaExceeded(
                "max_steps", limits.max_steps, demand.max_steps,
                f"{demand.max_steps} steps is more than your limit of {limits.max_steps}",
            )  # fmt: skip

    def check_upload(self, conn: Connection, user_id: str, adding_bytes: int) -> None:
        store.lock_user(conn, user_id)
        self._storage(conn, user_id, self.effective(conn, user_id), adding_bytes)

    def _storage(self, conn: Connection, user_id: str, limits: Limits, adding_bytes: int) -> None:
        """Enqueues are refused once the storage is full; an upload when it would overflow."""
        if limits.max_storage_mb is None:
            return
        used = self._storage_bytes(conn, user_id)
        allowed = limits.max_storage_mb * MIB
        if used + adding_bytes > allowed or (adding_bytes == 0 and used >= allowed):
            raise QuotaExceeded(
                "max_storage_mb", limits.max_storage_mb, used // MIB,
                f"Your images use {used / MIB:.1f} MB of your {limits.max_storage_mb} MB; "
                "delete some to make room",
            )  # fmt: skip

    def record_run(
        self, conn: Connection, user_id: str, started: datetime | None, finished: datetime
    ) -> None:
        """Count a finished item's run time towards the user's GPU seconds (the day it finished)."""
        if started is None:
            return
        seconds = max(0.0, (finished - started).total_seconds())
        store.add_usage(conn, user_id, utc_day(finished), gpu_seconds=seconds)

    # -- usage ------------------------------------------------------------------------------

    def usage_of(self, user_id: str) -> Usage:
        with self._db.read() as conn:
            user = get_user(conn, user_id)
            if user is None:
                raise UserNotFound()
            return self._usage(conn, [user])[0]

    def usage_page(self, offset: int, limit: int) -> tuple[list[Usage], int]:
        with self._db.read() as conn:
            page = list_users(conn, offset, limit)
            return self._usage(conn, page), store.count_users(conn)

    def _usage(self, conn: Connection, people: list[UserRecord]) -> list[Usage]:
        user_ids = [u.user_id for u in people]
        now = utcnow()
        first_day = utc_day(now - timedelta(days=GPU_WINDOW_DAYS - 1))
        counted = store.usage_since(conn, user_ids, first_day, utc_day(now))
        own = store.users_limits(conn, user_ids)
        groups = store.limits_of_users_groups(conn, user_ids)
        result = []
        for person in people:
            user_id = person.user_id
            items_today, gpu = counted.get(user_id, (0, 0.0))
            result.append(
                Usage(
                    user_id=user_id,
                    email=person.email,
                    display_name=person.display_name,
                    limits=resolve(own.get(user_id), groups.get(user_id, [])),
                    pending_items=self._pending_items(conn, user_id),
                    items_today=items_today,
                    storage_bytes=self._storage_bytes(conn, user_id),
                    gpu_seconds_30d=round(gpu, 3),
                )
            )
        return result
