"""Quota values and how a user's effective limits are resolved (SPEC §17).

Each level (the user, each of their groups) may set any key; null means "not set here". The
user's own value wins; otherwise the most generous value among their groups that set the key;
otherwise no limit. `queue_weight` follows the same rule with a default of 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from gesso.errors import TooManyRequests

DEFAULT_QUEUE_WEIGHT = 1
MAX_QUEUE_WEIGHT = 100


@dataclass(frozen=True)
class Limits:
    max_pending_items: int | None = None
    max_items_per_day: int | None = None
    max_storage_mb: int | None = None
    max_pixels_per_image: int | None = None
    max_steps: int | None = None
    queue_weight: int | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[Any, Any]) -> Limits:
        return cls(**{f.name: _int_or_none(values.get(f.name)) for f in fields(cls)})


def _int_or_none(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def resolve(own: Limits | None, groups: Iterable[Limits]) -> Limits:
    """The effective limits: own value, else the most generous group value, else unlimited."""
    group_list = list(groups)
    resolved: dict[str, int | None] = {}
    for f in fields(Limits):
        mine = getattr(own, f.name) if own is not None else None
        if mine is not None:
            resolved[f.name] = mine
            continue
        set_by_groups = [getattr(g, f.name) for g in group_list if getattr(g, f.name) is not None]
        resolved[f.name] = max(set_by_groups) if set_by_groups else None
    if resolved["queue_weight"] is None:
        resolved["queue_weight"] = DEFAULT_QUEUE_WEIGHT
    return Limits(**resolved)


class QuotaExceeded(TooManyRequests):
    """429 `{detail, quota, limit, used}`; `used` is the amount in use before this request."""

    def __init__(
        self, quota: str, limit: int, used: int, detail: str, retry_after: int | None = None
    ) -> None:
        super().__init__(detail, retry_after or 0)
        self.quota = quota
        self.limit = limit
        self.used = used
        self._has_retry_after = retry_after is not None

    def headers(self) -> dict[str, str]:
        return super().headers() if self._has_retry_after else {}

    def extra(self) -> dict[str, object]:
        return {"quota": self.quota, "limit": self.limit, "used": self.used}


def utc_day(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%d")


def seconds_to_utc_midnight(now: datetime) -> int:
    now = now.astimezone(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - now).total_seconds() + 0.999))
