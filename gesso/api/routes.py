"""Mounts every router. Everything is protected by default; public routes are listed here.

`PUBLIC_ROUTES` is the complete allowlist of routes reachable without credentials in
multi-user mode (plus the web studio's static files and the API docs).
`tests/architecture/test_routes_protected.py` fails on any route that is neither protected nor
listed.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from gesso.api import app_info
from gesso.auth import router as auth_router
from gesso.auth.deps import require_actor, require_media_actor
from gesso.boards import board_images_router
from gesso.boards import router as boards_router
from gesso.client_state import router as client_state_router
from gesso.engine import router as nodes_router
from gesso.images import router as images_router
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


def mount_api(app: FastAPI, prefix: str) -> None:
    public = APIRouter(prefix=f"{prefix}/api")
    public.include_router(app_info.router)
    public.include_router(auth_router.public_router)

    protected = APIRouter(prefix=f"{prefix}/api", dependencies=[Depends(require_actor)])
    protected.include_router(auth_router.router)
    protected.include_router(users_router.router)
    protected.include_router(boards_router.router)
    protected.include_router(board_images_router.router)
    protected.include_router(images_router.router)
    protected.include_router(client_state_router.router)
    protected.include_router(queue_router.router)
    protected.include_router(nodes_router.router)

    # Media GETs also accept the HttpOnly media cookie, since <img> tags cannot send headers.
    media = APIRouter(prefix=f"{prefix}/api", dependencies=[Depends(require_media_actor)])
    media.include_router(images_router.media_router)

    app.include_router(public)
    app.include_router(media)
    app.include_router(protected)
