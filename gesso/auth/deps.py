"""Request identity: `CurrentUser`, `AdminUser` and `MediaUser`.

Single-user mode: every request is the synthetic `system` administrator, no token needed.
Multi-user mode: a valid Bearer token is required (media routes also accept the media cookie).
A successful mutating request with a Bearer token gets a fresh token in `X-Refreshed-Token`
(sliding refresh); the token is prepared here and attached by `api.refresh` only if the
response status is below 400.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from gesso.api.client_ip import client_ip, peer_ip
from gesso.auth.actor import SYSTEM_ACTOR, Actor
from gesso.auth.api_tokens import TOKEN_PREFIX
from gesso.auth.scopes import READ_METHODS, Scope
from gesso.auth.service import Authentication, AuthService
from gesso.errors import Forbidden, Unauthenticated

logger = logging.getLogger(__name__)

MEDIA_COOKIE = "gesso_media_token"
MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFRESHED_TOKEN_STATE = "refreshed_token"
TOKEN_IN_URL = "Tokens are accepted only in the Authorization header, never in the URL"
ACTOR_STATE = "actor"


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
        return _remember_actor(request, SYSTEM_ACTOR)
    token = bearer_token(request)
    header_auth = auth.header_auth
    if token is None and header_auth is not None and header_auth.present(_lower_headers(request)):
        authentication = await run_in_threadpool(
            header_auth.authenticate, _lower_headers(request), peer_ip(request), client_ip(request)
        )
    else:
        if token is None:
            raise Unauthenticated("Not authenticated")
        refuse_token_in_url(request)
        authentication = await _authenticate(auth, token)
    request.state.authentication = authentication
    if authentication.user.must_change_password:
        _require_route(request, PASSWORD_CHANGE_ROUTES, PASSWORD_CHANGE_REQUIRED)
    if auth.require_2fa != "none" and await run_in_threadpool(
        auth.needs_two_factor_setup, authentication.user
    ):
        _require_route(request, TWO_FACTOR_SETUP_ROUTES, TWO_FACTOR_REQUIRED)
    if authentication.claims is None:  # a personal API token: no session, nothing to refresh
        if authentication.touch_token:
            await run_in_threadpool(auth.api_tokens.touch, authentication.actor.token_id or "")
    elif request.method in MUTATING_METHODS:
        set_refreshed_token(request, auth.refreshed_token(authentication).token)
    return _remember_actor(request, authentication.actor)


def _lower_headers(request: Request) -> dict[str, str]:
    return {name.lower(): value for name, value in request.headers.items()}


def _remember_actor(request: Request, actor: Actor) -> Actor:
    """The actor with the client address the audit log records, kept for the error handler
    (which records refused changes)."""
    actor = replace(actor, ip=client_ip(request))
    setattr(request.state, ACTOR_STATE, actor)
    return actor


def request_actor(request: Request) -> Actor | None:
    """The identity `require_actor` established for this request, if it got that far."""
    actor: Actor | None = getattr(request.state, ACTOR_STATE, None)
    return actor


# What a user whose password must change may still do (SPEC §18): read and change their own
# profile (that is where the new password is set) and sign out.
PASSWORD_CHANGE_ROUTES = frozenset(
    {("GET", "/v1/auth/me"), ("PATCH", "/v1/auth/me"), ("POST", "/v1/auth/logout")}
)
PASSWORD_CHANGE_REQUIRED = "Password change required: set a new password (PATCH /api/v1/auth/me) first"


# With `require_2fa`, an account that has not enrolled may only enrol (and see who it is, sign out).
TWO_FACTOR_SETUP_ROUTES = PASSWORD_CHANGE_ROUTES | {
    ("GET", "/v1/auth/2fa"), ("POST", "/v1/auth/2fa/setup"), ("POST", "/v1/auth/2fa/enable"),
}  # fmt: skip
TWO_FACTOR_REQUIRED = "Two-factor authentication required: set it up first (POST /api/v1/auth/2fa/setup)"


def _require_route(request: Request, allowed: frozenset[tuple[str, str]], refusal: str) -> None:
    path = getattr(request.scope.get("route"), "path", "")
    if (request.method, path.removeprefix("/api")) not in allowed:
        raise Forbidden(refusal)


async def require_media_actor(request: Request) -> Actor:
    """Media GETs: Bearer token, or else the HttpOnly media cookie set at login."""
    auth = _auth_service(request)
    if not auth.multiuser:
        return SYSTEM_ACTOR
    token = bearer_token(request)
    refuse_token_in_url(request)
    cookie = request.cookies.get(MEDIA_COOKIE)
    if token is None and not cookie:
        raise Unauthenticated("Not authenticated")
    if token is not None:
        authentication = await _authenticate(auth, token)
    else:
        authentication = await _authenticate(auth, cookie or "", media=True)
    if authentication.user.must_change_password:
        raise Forbidden(PASSWORD_CHANGE_REQUIRED)
    return authentication.actor


def refuse_token_in_url(request: Request) -> None:
    """A token in a URL leaks into logs, history and Referer headers: refuse the request."""
    query = request.url.query
    if query and TOKEN_PREFIX in query:
        for value in request.query_params.values():
            if value.startswith(TOKEN_PREFIX):
                raise Unauthenticated(TOKEN_IN_URL)


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


def refuse_api_token(actor: Actor, what: str) -> None:
    """For the few changes a token may never make inside routes it may otherwise use."""
    if actor.token_id is not None:
        raise Forbidden(f"An API token cannot {what}; sign in with your password")


class RequireScope:
    """The scope a route group needs from a personal API token (SPEC §16).

    Each protected router lists exactly one of these in its dependencies (checked by
    `tests/architecture/test_route_scopes.py`). Reads (GET) need `read`; other methods need the
    group's `writes` scope. `writes=None` (or `reads=None`) marks routes a token may never use:
    creating tokens, passwords, sessions. Sessions and single-user mode pass untouched; the
    role checks (administrator routes) still apply on top, so effective rights are the
    intersection of the token's scopes and the user's current role.
    """

    def __init__(self, writes: Scope | None, *, reads: Scope | None = Scope.READ) -> None:
        self.writes = writes
        self.reads = reads

    async def __call__(self, request: Request, actor: CurrentUser) -> None:
        self.check(request, actor)

    def check(self, request: Request, actor: Actor) -> None:
        if actor.scopes is None:
            return
        needed = self.reads if request.method in READ_METHODS else self.writes
        if needed is None:
            raise Forbidden("API tokens cannot be used here; sign in with your password")
        if needed not in actor.scopes:
            logger.debug("Token %s lacks scope %s", actor.token_id, needed)
            raise Forbidden(f"This API token lacks the '{needed}' scope")


class RequireMediaScope(RequireScope):
    """`RequireScope` for the media routes, whose identity may come from the media cookie."""

    async def __call__(self, request: Request, actor: MediaUser) -> None:
        self.check(request, actor)


def current_authentication(request: Request) -> Authentication | None:
    """The verified token behind this request (None in single-user mode)."""
    return getattr(request.state, "authentication", None)


def set_refreshed_token(request: Request, token: str) -> None:
    setattr(request.state, REFRESHED_TOKEN_STATE, token)


def suppress_refreshed_token(request: Request) -> None:
    """Logout and cookie routes must not hand out a new token."""
    if hasattr(request.state, REFRESHED_TOKEN_STATE):
        delattr(request.state, REFRESHED_TOKEN_STATE)
