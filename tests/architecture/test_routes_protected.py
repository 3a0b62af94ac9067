"""Default deny (SPEC §6): every route is either protected or on the explicit public allowlist.

Checked two ways: structurally (each route's dependency tree contains an identity dependency)
and behaviourally (an anonymous request to each protected route in multi-user mode gets 401).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from gesso.api.routes import PUBLIC_ROUTES
from gesso.api.spa import SPA_ROUTE_NAME
from gesso.auth.deps import require_actor, require_media_actor
from tests.factories import setup_admin

IDENTITY_DEPENDENCIES: set[Callable[..., Any]] = {require_actor, require_media_actor}
FRAMEWORK_ROUTES = {"/openapi.json", "/docs", "/docs/oauth2-redirect"}


def depends_on_identity(dependant: Dependant) -> bool:
    return any(
        dep.call in IDENTITY_DEPENDENCIES or depends_on_identity(dep) for dep in dependant.dependencies
    )


def api_routes(client: TestClient) -> list[Any]:
    """Every API route with its effective (prefixed) path and full dependency tree.

    FastAPI ≥ 0.16x keeps included routers as lazy entries in `app.routes`; `iter_route_contexts`
    resolves them. Older versions flatten them into plain `APIRoute`s.
    """
    routes = client.app.routes  # type: ignore[attr-defined]
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:
        return [r for r in routes if isinstance(r, APIRoute)]
    return [r for r in iter_route_contexts(routes) if isinstance(r.original_route, APIRoute)]


def test_every_route_is_protected_or_allowlisted(mu_client: TestClient) -> None:
    unprotected = []
    for route in api_routes(mu_client):
        if route.name == SPA_ROUTE_NAME or route.path in FRAMEWORK_ROUTES:
            continue
        for method in route.methods:
            if (method, route.path) in PUBLIC_ROUTES:
                continue
            if not depends_on_identity(route.dependant):
                unprotected.append(f"{method} {route.path}")
    assert unprotected == []


def test_allowlist_has_no_stale_entries(mu_client: TestClient) -> None:
    registered = {(m, r.path) for r in api_routes(mu_client) for m in r.methods}
    assert registered >= PUBLIC_ROUTES


def test_anonymous_requests_to_protected_routes_are_401(mu_client: TestClient) -> None:
    setup_admin(mu_client)
    checked = 0
    for route in api_routes(mu_client):
        if route.name == SPA_ROUTE_NAME or route.path in FRAMEWORK_ROUTES:
            continue
        path = re.sub(r"\{[^}]+\}", "x", route.path)
        for method in route.methods:
            if (method, route.path) in PUBLIC_ROUTES:
                continue
            response = mu_client.request(method, path, json={})
            assert response.status_code == 401, f"{method} {route.path} -> {response.status_code}"
            checked += 1
    assert checked >= 10


def test_public_routes_answer_anonymously(mu_client: TestClient) -> None:
    assert mu_client.get("/api/v1/app/version").status_code == 200
    assert mu_client.get("/api/v1/auth/status").status_code == 200
    assert mu_client.get("/openapi.json").status_code == 200
