"""Mounts every router. Everything is protected by default; public routes are listed here.

`PUBLIC_ROUTES` is the complete allowlist of routes reachable without credentials in
multi-user mode (plus the web studio's static files and the API docs).
`tests/architecture/test_routes_protected.py` fails on any route that is neither protected nor
listed.

`PROTECTED_ROUTERS` is also the one table of the scope each route group needs from a personal
API token (SPEC §16): GETs need `read`, other methods the scope named here; `SESSION_ONLY`
writes (tokens, passwords, sessions) refuse tokens. `tests/architecture/test_route_scopes.py`
fails on a protected route without exactly one scope.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from gesso.api import app_info
from gesso.api.errors import ERROR_RESPONSES
from gesso.audit import router as audit_router
from gesso.auth import links_router, oidc_router, token_router, totp_router
from gesso.auth import router as auth_router
from gesso.auth.deps import RequireMediaScope, RequireScope, require_actor, require_media_actor
from gesso.auth.scopes import Scope
from gesso.boards import router as boards_router
from gesso.client_state import router as client_state_router
from gesso.engine import router as nodes_router
from gesso.groups import router as groups_router
from gesso.images import board_images_router
from gesso.images import router as images_router
from gesso.models import router as models_router
from gesso.queue import router as queue_router
from gesso.quotas import router as quotas_router
from gesso.users import router as users_router
from gesso.worker import router as workers_router

PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/api/v1/app/version"),
        ("GET", "/api/v1/auth/status"),
        ("POST", "/api/v1/auth/setup"),
        ("POST", "/api/v1/auth/login"),
        # One-time links: the token in the path is the credential.
        ("GET", "/api/v1/auth/invites/{token}"),
        ("POST", "/api/v1/auth/invites/{token}/accept"),
        ("GET", "/api/v1/auth/reset/{token}"),
        ("POST", "/api/v1/auth/reset/{token}"),
        # Single sign-on: the provider's answer and the one-time code are the credentials.
        ("GET", "/api/v1/auth/oidc/login"),
        ("GET", "/api/v1/auth/oidc/callback"),
        ("POST", "/api/v1/auth/oidc/exchange"),
    }
)


PUBLIC_ROUTERS = (
    app_info.router,
    auth_router.public_router,
    links_router.public_router,
    oidc_router.public_router,
)
# Profile, sessions and token management: a token may read them but never change them.
NO_TOKEN_WRITES = RequireScope(None)
# FastAPI tries included routers in order: the gallery's and the identity routes come first.
PROTECTED_ROUTERS: tuple[tuple[APIRouter, RequireScope], ...] = (
    (images_router.router, RequireScope(Scope.GALLERY)),
    (boards_router.router, RequireScope(Scope.GALLERY)),
    (auth_router.router, NO_TOKEN_WRITES),
    (token_router.router, NO_TOKEN_WRITES),
    (totp_router.router, NO_TOKEN_WRITES),
    (users_router.router, RequireScope(Scope.ADMIN)),
    (links_router.router, RequireScope(Scope.ADMIN)),
    (groups_router.router, RequireScope(Scope.ADMIN)),
    (quotas_router.router, RequireScope(Scope.ADMIN)),
    (board_images_router.router, RequireScope(Scope.GALLERY)),
    (images_router.upload_router, RequireScope(Scope.GENERATE)),
    (images_router.lookup_router, RequireScope(Scope.READ)),
    # Client state is the studio's own memory of the Generate panel.
    (client_state_router.router, RequireScope(Scope.GENERATE)),
    (queue_router.router, RequireScope(Scope.GENERATE)),
    (nodes_router.router, RequireScope(Scope.GENERATE)),
    (models_router.router, RequireScope(Scope.MODELS)),
    (audit_router.router, RequireScope(Scope.ADMIN)),
    (workers_router.router, RequireScope(Scope.ADMIN)),
)
# Media GETs also accept the HttpOnly media cookie, since <img> tags cannot send headers.
MEDIA_ROUTERS = ((images_router.media_router, RequireMediaScope(None)),)


def mount_api(app: FastAPI, prefix: str) -> None:
    """Include every router directly on the app (one level deep keeps route matching cheap),
    each with the identity dependency its group requires. The order only decides how soon a
    route is found (no two routers answer the same method and path). FastAPI prepares a
    router's routes when a request first walks past it, so the public ones come first: the
    version probe and the login page answer right after start-up, before the rest is built."""
    api = f"{prefix}/api"
    # Every route declares the error bodies it can answer (see gesso/api/errors.py).
    errors = ERROR_RESPONSES
    for router in PUBLIC_ROUTERS:
        app.include_router(router, prefix=api, responses=errors)
    for router, scope in PROTECTED_ROUTERS:
        identity = [Depends(require_actor), Depends(scope)]
        app.include_router(router, prefix=api, dependencies=identity, responses=errors)
    for router, media_scope in MEDIA_ROUTERS:
        identity = [Depends(require_media_actor), Depends(media_scope)]
        app.include_router(router, prefix=api, dependencies=identity, responses=errors)
