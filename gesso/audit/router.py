"""`/api/v1/audit`: the audit log for administrators, newest first, cursor-paged."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from gesso.api.deps import Audit
from gesso.audit.actions import ACTIONS
from gesso.audit.schemas import AuditAction, AuditEventDTO, AuditPage
from gesso.audit.store import AuditFilter
from gesso.auth.deps import AdminUser

router = APIRouter(prefix="/v1/audit", tags=["audit"])


def _utc(value: datetime | None) -> datetime | None:
    """A time without a zone is UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def audit_filter(
    actor: Annotated[str | None, Query(max_length=64, description="user id of the actor")] = None,
    action: Annotated[
        str | None, Query(max_length=64, description="an action, or a prefix ending in '.'")
    ] = None,
    target_id: Annotated[str | None, Query(max_length=256)] = None,
    since: Annotated[datetime | None, Query(description="from this time (inclusive, UTC if no zone)")] = None,
    until: Annotated[datetime | None, Query(description="before this time (exclusive)")] = None,
) -> AuditFilter:
    return AuditFilter(actor, action, target_id, _utc(since), _utc(until))


@router.get("", response_model=AuditPage, name="list_audit_events")
def list_audit_events(
    admin: AdminUser,
    audit: Audit,
    wanted: Annotated[AuditFilter, Depends(audit_filter)],
    cursor: Annotated[
        str | None, Query(pattern=r"^[0-9]{1,18}$", description="next_cursor of the last page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AuditPage:
    events, next_id = audit.list_events(wanted, int(cursor) if cursor else None, limit)
    items = [AuditEventDTO.from_event(event) for event in events]
    return AuditPage(items=items, next_cursor=str(next_id) if next_id is not None else None)


@router.get("/actions", response_model=list[AuditAction], name="list_audit_actions")
def list_audit_actions(admin: AdminUser) -> list[AuditAction]:
    return [AuditAction(action=name, description=text) for name, text in ACTIONS.items()]
