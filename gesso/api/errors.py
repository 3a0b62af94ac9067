"""Maps the error tree to HTTP: `{"detail": "..."}`, InvokeAI's error shape."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from gesso.errors import GessoError

logger = logging.getLogger("gesso.api")


async def handle_gesso_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GessoError)
    if exc.status_code >= 500:
        logger.error("%s %s failed: %s", request.method, request.url.path, exc.detail)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers())


async def handle_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The traceback names code locations and exception text, never request bodies or headers.
    logger.error("Unhandled error in %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "Internal server error"}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GessoError, handle_gesso_error)
    app.add_exception_handler(Exception, handle_unexpected_error)
