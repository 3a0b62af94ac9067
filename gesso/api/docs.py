"""The API documentation page (Swagger UI) under `<base_url>/docs`, with a Content-Security-
Policy that allows its one inline start-up script by hash and the UI bundle from its CDN."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from gesso.api.security_headers import CSP, docs_csp, script_hashes

SWAGGER_CDN = "https://cdn.jsdelivr.net"


def mount_docs(app: FastAPI, prefix: str) -> None:
    page = get_swagger_ui_html(openapi_url=f"{prefix}/openapi.json", title=f"{app.title} - API docs")
    body = bytes(page.body)
    policy = docs_csp(script_hashes(body), SWAGGER_CDN)

    async def swagger_ui_html() -> HTMLResponse:
        return HTMLResponse(body, headers={CSP: policy})

    app.add_api_route(f"{prefix}/docs", swagger_ui_html, methods=["GET"], include_in_schema=False)
