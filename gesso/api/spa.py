"""Serves the built web studio. Unknown `/api/…` and `/ws/…` paths get a JSON 404 instead of
the page, so API clients never mistake a typo for success.

The page carries a strict Content-Security-Policy: its only inline script is the boot script
(`frontend/src/lib/boot.js`, inlined by the build), allowed by its SHA-256, computed here from
the built file (again whenever the file changes).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response

from gesso.api.security_headers import CSP, script_hashes, studio_csp
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


class StudioPolicy:
    """The studio page's CSP, recomputed when index.html changes (a rebuild while serving)."""

    def __init__(self) -> None:
        self._stamp: tuple[int, int] | None = None
        self._policy = studio_csp([])

    def for_page(self, index: Path) -> str:
        info = index.stat()
        stamp = (info.st_mtime_ns, info.st_size)
        if stamp != self._stamp:
            self._policy = studio_csp(script_hashes(index.read_bytes()))
            self._stamp = stamp
        return self._policy


def mount_spa(app: FastAPI, prefix: str, web_dir: Path | None = None) -> None:
    root = (web_dir or WEB_DIR).resolve()
    policy = StudioPolicy()

    async def web_studio(path: str = "") -> Response:
        first = path.split("/", 1)[0]
        if first in ("api", "ws"):
            raise NotFound("Not Found")
        index = root / "index.html"
        if not index.is_file():
            return HTMLResponse(_NOT_BUILT_PAGE.format(prefix=prefix), headers={CSP: studio_csp([])})
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            immutable = candidate.parent.name == "assets"
            headers = {"Cache-Control": "public, max-age=31536000, immutable" if immutable else "no-cache"}
            return FileResponse(candidate, headers=headers)
        return FileResponse(index, headers={"Cache-Control": "no-cache", CSP: policy.for_page(index)})

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
