"""Maps the error tree to HTTP in InvokeAI's error shapes, as the OpenAPI document declares
them: `{"detail": "..."}` for every error status, except 422, which is always FastAPI's
validation shape `{"detail": [{"loc", "msg", "type"}]}` (`HTTPValidationError`) — also for
input that only a domain check can refuse (an invalid graph, a model that does not fit), so a
client that parses 422 bodies handles all of them the same way."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from gesso.api.client_ip import client_ip
from gesso.api.spa import SPA_ROUTE_NAME
from gesso.audit.origin import anonymous
from gesso.auth.deps import MUTATING_METHODS, request_actor
from gesso.db.engine import unavailable_reason
from gesso.errors import Forbidden, GessoError, ServiceUnavailable

logger = logging.getLogger("gesso.api")


class ErrorDetail(BaseModel):
    """Every error except 422: one readable sentence."""

    detail: str


class TooManyRequestsDetail(ErrorDetail):
    """429: throttled (with `Retry-After`), or over a quota (SPEC §17): then `quota` names it,
    `limit` is its value and `used` the amount in use before the request."""

    quota: str | None = None
    limit: int | None = None
    used: int | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorDetail, "description": description}
    for status, description in (
        (400, "Bad Request"),
        (401, "Not authenticated"),
        (403, "Forbidden"),
        (404, "Not Found"),
        (409, "Conflict"),
        (413, "Payload Too Large"),
    )
}
ERROR_RESPONSES[429] = {"model": TooManyRequestsDetail, "description": "Too Many Requests"}


def validation_detail(message: str, loc: tuple[str, ...] = ("body",)) -> list[dict[str, Any]]:
    return [{"loc": list(loc), "msg": message, "type": "value_error"}]


async def handle_gesso_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GessoError)
    if exc.status_code >= 500:
        logger.error("%s %s failed: %s", request.method, request.url.path, exc.detail)
    if isinstance(exc, Forbidden) and request.method in MUTATING_METHODS and not exc.audited:
        await _record_denied_change(request, exc)
    detail: str | list[dict[str, Any]] = exc.detail
    if exc.status_code == 422:
        detail = validation_detail(exc.detail)
    body = {"detail": detail, **exc.extra()}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers())


async def _record_denied_change(request: Request, exc: Forbidden) -> None:
    """SPEC §19's "every 403 on a write route", recorded here so no route has to remember it.
    The path is the route's template: the real path may carry a secret (an invite token)."""
    template = _route_template(request)
    origin = request_actor(request) or anonymous(client_ip(request))
    audit = request.app.state.services.audit
    await run_in_threadpool(
        audit.record_alone,
        origin,
        "request.denied",
        target_type="route",
        target_id=f"{request.method} {template}",
        outcome="denied",
        details={"reason": exc.detail},
    )


async def handle_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The traceback names code locations and exception text, never request bodies or headers.
    logger.error("Unhandled error in %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "Internal server error"}, status_code=500)


async def handle_http_error(request: Request, exc: Exception) -> Response:
    """Starlette answers 405 when only the web studio's GET catch-all matched a path; under
    /api and /ws that path simply does not exist, so say 404 like any unknown API path."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405 and _is_api_path(request) and not _matches_real_route(request):
        return JSONResponse({"detail": "Not Found"}, status_code=404)
    return await http_exception_handler(request, exc)


def _route_template(request: Request) -> str:
    """`/api/v1/auth/users/{user_id}`: the matched route's path (routers are included under
    `/api`, which FastAPI keeps outside the route object)."""
    path = getattr(request.scope.get("route"), "path", None)
    if not isinstance(path, str):
        return "(no route)"
    return path if path.startswith("/api/") else f"/api{path}"


def _is_api_path(request: Request) -> bool:
    prefix = request.app.state.settings.url_prefix
    return request.url.path.startswith((f"{prefix}/api/", f"{prefix}/ws/"))


def _matches_real_route(request: Request) -> bool:
    scope = dict(request.scope)
    for route in request.app.router.routes:
        if getattr(route, "name", None) == SPA_ROUTE_NAME:
            continue
        match, _ = route.matches(scope)
        if match != Match.NONE:
            return True
    return False


async def handle_overflow(request: Request, exc: Exception) -> JSONResponse:
    # A number too large for the database can only come from the request; say so, not 500.
    return JSONResponse({"detail": "A number in the request is out of range"}, status_code=400)


async def handle_database_error(request: Request, exc: Exception) -> JSONResponse:
    """A lost database connection is 503 with the reason (the pool reconnects on the next
    request); a value the database refuses (out of range, NUL in text) came from the request."""
    assert isinstance(exc, sa.exc.DBAPIError)
    if isinstance(exc, sa.exc.DataError):
        return JSONResponse(
            {"detail": "A value in the request cannot be stored (a number out of range or a NUL character)"},
            400,
        )
    reason = unavailable_reason(exc)
    if reason is None:
        return await handle_unexpected_error(request, exc)
    return await handle_gesso_error(request, ServiceUnavailable(reason))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GessoError, handle_gesso_error)
    app.add_exception_handler(OverflowError, handle_overflow)
    app.add_exception_handler(sa.exc.DBAPIError, handle_database_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(Exception, handle_unexpected_error)
