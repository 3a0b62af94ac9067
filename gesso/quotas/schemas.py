"""Wire models for `/api/v1/quotas`, `/api/v1/usage` and `/api/v1/auth/me/usage` (SPEC §17)."""

from __future__ import annotations

from dataclasses import asdict

from pydantic import BaseModel, Field

from gesso.quotas.limits import MAX_QUEUE_WEIGHT, Limits
from gesso.quotas.service import MIB, Usage

_LIMIT = Field(default=None, ge=0, le=2**53)


class QuotaValues(BaseModel):
    """Limits set at one level; null = not set here (unlimited unless a group sets it)."""

    max_pending_items: int | None = _LIMIT
    max_items_per_day: int | None = _LIMIT
    max_storage_mb: int | None = _LIMIT
    max_pixels_per_image: int | None = _LIMIT
    max_steps: int | None = _LIMIT
    queue_weight: int | None = Field(default=None, ge=1, le=MAX_QUEUE_WEIGHT)

    def to_limits(self) -> Limits:
        return Limits(**self.model_dump())

    @classmethod
    def from_limits(cls, limits: Limits) -> QuotaValues:
        return cls(**asdict(limits))


class UserQuotaDTO(QuotaValues):
    user_id: str
    effective: QuotaValues  # after group defaults; queue_weight defaults to 1


class GroupQuotaDTO(QuotaValues):
    group_id: str


class UsedAmounts(BaseModel):
    pending_items: int
    items_today: int
    storage_mb: float


class UsageDTO(BaseModel):
    limits: QuotaValues
    used: UsedAmounts
    gpu_seconds_30d: float

    @classmethod
    def from_usage(cls, usage: Usage) -> UsageDTO:
        used = UsedAmounts(
            pending_items=usage.pending_items,
            items_today=usage.items_today,
            storage_mb=round(usage.storage_bytes / MIB, 6),
        )
        limits = QuotaValues.from_limits(usage.limits)
        return cls(limits=limits, used=used, gpu_seconds_30d=usage.gpu_seconds_30d)


class UserUsageDTO(UsageDTO):
    user_id: str
    email: str
    display_name: str | None

    @classmethod
    def from_user_usage(cls, usage: Usage) -> UserUsageDTO:
        base = UsageDTO.from_usage(usage)
        return cls(**base.__dict__, user_id=usage.user_id, email=usage.email, display_name=usage.display_name)
