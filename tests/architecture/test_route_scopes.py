"""Default deny for API tokens (SPEC §16): every protected route names exactly one scope.

A route group without a `RequireScope` would let a read-only token write; one with two would
make the scopes ambiguous. The table itself is `PROTECTED_ROUTERS` in `gesso/api/routes.py`.
"""

from __future__ import annotations

from fastapi.dependencies.models import Dependant
from fastapi.testclient import TestClient

from gesso.api.routes import PUBLIC_ROUTES
from gesso.api.spa import SPA_ROUTE_NAME
from gesso.auth.deps import RequireScope
from tests.architecture.test_routes_protected import FRAMEWORK_ROUTES, api_routes


def scope_requirements(dependant: Dependant) -> list[RequireScope]:
    found: list[RequireScope] = []
    for dep in dependant.dependencies:
        if isinstance(dep.call, RequireScope):
            found.append(dep.call)
        found.extend(scope_requirements(dep))
    return found


def test_every_protected_route_names_exactly_one_scope(mu_client: TestClient) -> None:
    problems = []
    checked = 0
    for route in api_routes(mu_client):
        if route.name == SPA_ROUTE_NAME or route.path in FRAMEWORK_ROUTES:
            continue
        for method in route.methods:
            if (method, route.path) in PUBLIC_ROUTES:
                continue
            found = scope_requirements(route.dependant)
            checked += 1
            if len(found) != 1:
                problems.append(f"{method} {route.path}: {len(found)} scope requirements")
    assert problems == []
    assert checked >= 50


def test_reads_need_read_and_writes_name_a_scope_or_refuse_tokens(mu_client: TestClient) -> None:
    for route in api_routes(mu_client):
        for requirement in scope_requirements(route.dependant):
            assert requirement.reads in (None, "read"), route.path
