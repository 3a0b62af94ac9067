"""Quotas (administrators) and usage (everyone's own; administrators everyone's), SPEC §17."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from gesso.api.deps import Quotas
from gesso.auth.deps import AdminUser, CurrentUser
from gesso.pagination import OffsetPaginatedResults
from gesso.quotas.schemas import GroupQuotaDTO, QuotaValues, UsageDTO, UserQuotaDTO, UserUsageDTO

router = APIRouter(prefix="/v1", tags=["quotas"])


@router.get("/quotas/users/{user_id}", response_model=UserQuotaDTO, name="get_user_quota")
def get_user_quota(user_id: str, admin: AdminUser, quotas: Quotas) -> UserQuotaDTO:
    own, effective = quotas.user_limits(user_id)
    return UserQuotaDTO(user_id=user_id, **QuotaValues.from_limits(own).model_dump(),
                        effective=QuotaValues.from_limits(effective))  # fmt: skip


@router.put("/quotas/users/{user_id}", response_model=UserQuotaDTO, name="set_user_quota")
def set_user_quota(user_id: str, body: QuotaValues, admin: AdminUser, quotas: Quotas) -> UserQuotaDTO:
    own, effective = quotas.set_user_limits(user_id, body.to_limits(), by=admin)
    return UserQuotaDTO(user_id=user_id, **QuotaValues.from_limits(own).model_dump(),
                        effective=QuotaValues.from_limits(effective))  # fmt: skip


@router.get("/quotas/groups/{group_id}", response_model=GroupQuotaDTO, name="get_group_quota")
def get_group_quota(group_id: str, admin: AdminUser, quotas: Quotas) -> GroupQuotaDTO:
    limits = quotas.group_limits(group_id)
    return GroupQuotaDTO(group_id=group_id, **QuotaValues.from_limits(limits).model_dump())


@router.put("/quotas/groups/{group_id}", response_model=GroupQuotaDTO, name="set_group_quota")
def set_group_quota(group_id: str, body: QuotaValues, admin: AdminUser, quotas: Quotas) -> GroupQuotaDTO:
    limits = quotas.set_group_limits(group_id, body.to_limits(), by=admin)
    return GroupQuotaDTO(group_id=group_id, **QuotaValues.from_limits(limits).model_dump())


@router.get("/auth/me/usage", response_model=UsageDTO, name="get_my_usage")
def my_usage(user: CurrentUser, quotas: Quotas) -> UsageDTO:
    return UsageDTO.from_usage(quotas.usage_of(user.user_id))


@router.get("/usage", response_model=OffsetPaginatedResults[UserUsageDTO], name="list_usage")
def list_usage(
    admin: AdminUser,
    quotas: Quotas,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> OffsetPaginatedResults[UserUsageDTO]:
    page, total = quotas.usage_page(offset, limit)
    items = [UserUsageDTO.from_user_usage(u) for u in page]
    return OffsetPaginatedResults(offset=offset, limit=limit, total=total, items=items)
