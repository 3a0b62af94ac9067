"""`Actor`: who is making a request, as every access rule sees it (and the audit log records:
an `Actor` is an `audit.origin.Attribution`)."""

from __future__ import annotations

from dataclasses import dataclass

from gesso.audit.origin import ActorKind
from gesso.db.metadata import SYSTEM_USER_ID


@dataclass(frozen=True)
class Actor:
    user_id: str
    email: str
    display_name: str | None
    is_admin: bool
    session_id: str | None = None
    remember_me: bool = False
    # Set when the request came with a personal API token: its id and scopes. None for a
    # session (JWT) or single-user mode, which scopes do not limit.
    token_id: str | None = None
    scopes: frozenset[str] | None = None
    ip: str | None = None  # the client address (trusted proxies honoured), for the audit log

    @property
    def kind(self) -> ActorKind:
        """How the request authenticated, as the audit log records it."""
        return "token" if self.token_id is not None else "user"

    @property
    def is_system(self) -> bool:
        return self.user_id == SYSTEM_USER_ID


# Single-user mode: every request is the system account, with administrator rights.
SYSTEM_ACTOR = Actor(
    user_id=SYSTEM_USER_ID, email="system@system.local", display_name="System", is_admin=True
)
