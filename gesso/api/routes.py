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
from gesso.auth.deps import require_actor
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

    app.include_router(public)
    app.include_router(protected)
