"""Mounts every router. Everything is protected by default; public routes are listed here.

`PUBLIC_ROUTES` is the complete allowlist of routes reachable without credentials in
multi-user mode (plus the web studio's static files and the API docs).
`tests/architecture/test_routes_protected.py` fails on any route that is neither protected nor
listed.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI

from gesso.api import app_info
from gesso.api.errors import ERROR_RESPONSES
from gesso.auth import router as auth_router
from gesso.auth.deps import require_actor, require_media_actor
from gesso.boards import router as boards_router
from gesso.client_state import router as client_state_router
from gesso.engine import router as nodes_router
from gesso.images import board_images_router
from gesso.images import router as images_router
from gesso.models import router as models_router
from gesso.queue import router as queue_router
from gesso.users import router as users_router

PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/api/v1/app/version"),
        ("GET", "/api/v1/auth/status"),
        ("POST", "/api/v1/auth/setup"),
        ("POST", "/api/v1/auth/login"),
    }
)


PUBLIC_ROUTERS = (app_info.router, auth_router.public_router)
PROTECTED_ROUTERS = (
    auth_router.router,
    users_router.router,
    boards_router.router,
    board_images_router.router,
    images_router.router,
    client_state_router.router,
    queue_router.router,
    nodes_router.router,
    models_router.router,
)
# Media GETs also accept the HttpOnly media cookie, since <img> tags cannot send headers.
MEDIA_ROUTERS = (images_router.media_router,)


def mount_api(app: FastAPI, prefix: str) -> None:
    """Include every router directly on the app (one level deep keeps route matching cheap),
    each with the identity dependency its group requires."""
    api = f"{prefix}/api"
    # Every route declares the error bodies it can answer (see gesso/api/errors.py).
    errors = ERROR_RESPONSES
    for router in PUBLIC_ROUTERS:
        app.include_router(router, prefix=api, responses=errors)
    for router in MEDIA_ROUTERS:
        app.include_router(router, prefix=api, dependencies=[Depends(require_media_actor)], responses=errors)
    for router in PROTECTED_ROUTERS:
        app.include_router(router, prefix=api, dependencies=[Depends(require_actor)], responses=errors)
