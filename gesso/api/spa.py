"""Serves the built web studio. Unknown `/api/…` and `/ws/…` paths get a JSON 404 instead of
the page, so API clients never mistake a typo for success."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response

from gesso.errors import NotFound

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
SPA_ROUTE_NAME = "web_studio"

_NOT_BUILT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gesso</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>Gesso is running</h1>
<p>The API is available under <code>{prefix}/api</code> (documentation at
<a href="{prefix}/docs">{prefix}/docs</a>). The web studio has not been built in this
installation; <code>make run</code> builds it.</p>
</body></html>
"""


def mount_spa(app: FastAPI, prefix: str, web_dir: Path = WEB_DIR) -> None:
    root = web_dir.resolve()

    async def web_studio(path: str = "") -> Response:
        first = path.split("/", 1)[0]
        if first in ("api", "ws"):
            raise NotFound("Not Found")
        index = root / "index.html"
        if not index.is_file():
            return HTMLResponse(_NOT_BUILT_PAGE.format(prefix=prefix))
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            immutable = candidate.parent.name == "assets"
            headers = {"Cache-Control": "public, max-age=31536000, immutable" if immutable else "no-cache"}
            return FileResponse(candidate, headers=headers)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    app.add_api_route(
        f"{prefix}/", web_studio, methods=["GET", "HEAD"], name=SPA_ROUTE_NAME, include_in_schema=False
    )
    app.add_api_route(
        f"{prefix}/{{path:path}}",
        web_studio,
        methods=["GET", "HEAD"],
        name=SPA_ROUTE_NAME,
        include_in_schema=False,
    )
