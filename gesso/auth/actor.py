"""`Actor`: who is making a request, as every access rule sees it."""

from __future__ import annotations

from dataclasses import dataclass

from gesso.db.metadata import SYSTEM_USER_ID


@dataclass(frozen=True)
class Actor:
    user_id: str
    email: str
    display_name: str | None
    is_admin: bool
    session_id: str | None = None
    remember_me: bool = False

    @property
    def is_system(self) -> bool:
        return self.user_id == SYSTEM_USER_ID


# Single-user mode: every request is the system account, with administrator rights.
SYSTEM_ACTOR = Actor(
    user_id=SYSTEM_USER_ID, email="system@system.local", display_name="System", is_admin=True
)
