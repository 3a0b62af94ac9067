"""Request identity: `CurrentUser`, `AdminUser` and `MediaUser`.

Single-user mode: every request is the synthetic `system` administrator, no token needed.
Multi-user mode: a valid Bearer token is required (media routes also accept the media cookie).
A successful mutating request with a Bearer token gets a fresh token in `X-Refreshed-Token`
(sliding refresh); the token is prepared here and attached by `api.refresh` only if the
response status is below 400.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, Request

from gesso.api.deps import Auth
from gesso.auth.actor import SYSTEM_ACTOR, Actor
from gesso.auth.service import Authentication
from gesso.errors import Forbidden, Unauthenticated

logger = logging.getLogger(__name__)

MEDIA_COOKIE = "gesso_media_token"
MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFRESHED_TOKEN_STATE = "refreshed_token"


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def require_actor(request: Request, auth: Auth) -> Actor:
    if not auth.multiuser:
        return SYSTEM_ACTOR
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated("Not authenticated")
    authentication = auth.authenticate(token)
    request.state.authentication = authentication
    if request.method in MUTATING_METHODS:
        set_refreshed_token(request, auth.refreshed_token(authentication).token)
    return authentication.actor


def require_media_actor(request: Request, auth: Auth) -> Actor:
    """Media GETs: Bearer token, or else the HttpOnly media cookie set at login."""
    if not auth.multiuser:
        return SYSTEM_ACTOR
    token = bearer_token(request)
    if token is not None:
        return auth.authenticate(token).actor
    cookie = request.cookies.get(MEDIA_COOKIE)
    if not cookie:
        raise Unauthenticated("Not authenticated")
    return auth.authenticate(cookie, media=True).actor


CurrentUser = Annotated[Actor, Depends(require_actor)]
MediaUser = Annotated[Actor, Depends(require_media_actor)]


def require_admin(actor: CurrentUser) -> Actor:
    if not actor.is_admin:
        logger.debug("Refused non-admin %s on an admin route", actor.user_id)
        raise Forbidden("Administrator privileges required")
    return actor


AdminUser = Annotated[Actor, Depends(require_admin)]


def current_authentication(request: Request) -> Authentication | None:
    """The verified token behind this request (None in single-user mode)."""
    return getattr(request.state, "authentication", None)


def set_refreshed_token(request: Request, token: str) -> None:
    setattr(request.state, REFRESHED_TOKEN_STATE, token)


def suppress_refreshed_token(request: Request) -> None:
    """Logout and cookie routes must not hand out a new token."""
    if hasattr(request.state, REFRESHED_TOKEN_STATE):
        delattr(request.state, REFRESHED_TOKEN_STATE)
