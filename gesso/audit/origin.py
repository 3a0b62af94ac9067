"""Who an audit event is attributed to: a user (by session or API token), the CLI, or the
server itself. Request identities (`auth.actor.Actor`) satisfy `Attribution` as they are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from gesso.db.metadata import SYSTEM_USER_ID

ActorKind = Literal["user", "token", "cli", "system"]
Outcome = Literal["ok", "denied", "error"]
ACTOR_KINDS: tuple[ActorKind, ...] = ("user", "token", "cli", "system")
OUTCOMES: tuple[Outcome, ...] = ("ok", "denied", "error")


class Attribution(Protocol):
    @property
    def user_id(self) -> str | None: ...

    @property
    def kind(self) -> ActorKind: ...

    @property
    def ip(self) -> str | None: ...


@dataclass(frozen=True)
class Origin:
    user_id: str | None
    kind: ActorKind
    ip: str | None = None


SYSTEM = Origin(user_id=SYSTEM_USER_ID, kind="system")
CLI = Origin(user_id=None, kind="cli")


def anonymous(ip: str | None) -> Origin:
    """A request nobody is signed in for yet (login, setup, accepting an invite)."""
    return Origin(user_id=None, kind="user", ip=ip)
