"""Wire models for `/api/v1/audit`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from gesso.audit.origin import ActorKind, Outcome
from gesso.audit.store import AuditEvent


class AuditEventDTO(BaseModel):
    id: int
    at: datetime
    actor_user_id: str | None
    actor_kind: ActorKind
    ip: str | None
    action: str
    target_type: str | None
    target_id: str | None
    outcome: Outcome
    details: dict[str, Any]

    @classmethod
    def from_event(cls, event: AuditEvent) -> AuditEventDTO:
        return cls.model_validate(event.__dict__)


class AuditPage(BaseModel):
    items: list[AuditEventDTO]
    next_cursor: str | None  # pass as `cursor` for the next (older) page; null on the last page


class AuditAction(BaseModel):
    action: str
    description: str
