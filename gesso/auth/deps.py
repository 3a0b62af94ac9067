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
from starlette.concurrency import run_in_threadpool

from gesso.auth.actor import SYSTEM_ACTOR, Actor
from gesso.auth.service import Authentication, AuthService
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


def _auth_service(request: Request) -> AuthService:
    # Read straight from app state rather than through a sub-dependency: this runs on every
    # request, and each dependency level costs FastAPI a resolution step.
    auth: AuthService = request.app.state.services.auth
    return auth


async def require_actor(request: Request) -> Actor:
    auth = _auth_service(request)
    if not auth.multiuser:
        return SYSTEM_ACTOR
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated("Not authenticated")
    authentication = await _authenticate(auth, token)
    request.state.authentication = authentication
    if request.method in MUTATING_METHODS:
        set_refreshed_token(request, auth.refreshed_token(authentication).token)
    return authentication.actor


async def require_media_actor(request: Request) -> Actor:
    """Media GETs: Bearer token, or else the HttpOnly media cookie set at login."""
    auth = _auth_service(request)
    if not auth.multiuser:
        return SYSTEM_ACTOR
    token = bearer_token(request)
    if token is not None:
        return (await _authenticate(auth, token)).actor
    cookie = request.cookies.get(MEDIA_COOKIE)
    if not cookie:
        raise Unauthenticated("Not authenticated")
    return (await _authenticate(auth, cookie, media=True)).actor


async def _authenticate(auth: AuthService, token: str, *, media: bool = False) -> Authentication:
    """Every authenticated request runs this. On SQLite the lookup is one indexed local read
    (tens of microseconds), cheaper than the two threadpool hand-offs a sync dependency costs;
    on a networked database it runs in the threadpool so the event loop never waits on I/O."""
    if auth.reads_are_local:
        return auth.authenticate(token, media=media)
    return await run_in_threadpool(auth.authenticate, token, media=media)


CurrentUser = Annotated[Actor, Depends(require_actor)]
MediaUser = Annotated[Actor, Depends(require_media_actor)]


async def require_admin(actor: CurrentUser) -> Actor:
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
