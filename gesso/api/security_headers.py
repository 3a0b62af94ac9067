"""Security headers on every HTTP response (REST, studio, images, docs, socket.io polling).

Every response gets `nosniff`, `Referrer-Policy`, `Permissions-Policy`, frame protection and
(over https, usually as told by a trusted proxy) HSTS. The Content-Security-Policy depends on
what is served: a route that serves something a browser renders as a page (the studio, the API
docs, images) sets its own policy with `csp_header`; everything else (JSON, assets, errors)
gets `default-src 'none'`, which lets a browser render nothing from it. The configured
`frame_ancestors` is appended to whichever policy the response carries.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "content-security-policy"
HSTS_VALUE = "max-age=31536000"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), browsing-topics=()"
)
DEFAULT_CSP = "default-src 'none'"
# Served images: rendered as an image document at most; never scripts, forms or plugins.
IMAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"

_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def script_hashes(html: bytes) -> list[str]:
    """CSP hash sources for every inline `<script>` in a page."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def studio_csp(hashes: Iterable[str]) -> str:
    """The web studio: its own scripts and the hashed inline boot script only (no eval), styles
    from itself plus the inline style elements Mantine writes at run time, images from itself
    and from blob:/data: previews, and API/socket.io connections to itself."""
    scripts = " ".join(["'self'", *hashes])
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'"
    )


def docs_csp(hashes: Iterable[str], cdn: str) -> str:
    """The Swagger UI page: its inline start-up script by hash, the UI bundle from its CDN."""
    scripts = " ".join([*hashes, cdn])
    return (
        f"default-src 'none'; script-src {scripts}; style-src {cdn} 'unsafe-inline'; "
        "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; base-uri 'none'"
    )


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, frame_ancestors: str) -> None:
        self.app = app
        self.frame_ancestors = frame_ancestors
        self.frame_options = {"'none'": b"DENY", "'self'": b"SAMEORIGIN"}.get(frame_ancestors.strip())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self._headers(list(message.get("headers", [])), https=https)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _headers(self, headers: list[tuple[bytes, bytes]], *, https: bool) -> list[tuple[bytes, bytes]]:
        present = {name.lower() for name, _ in headers}
        policy = DEFAULT_CSP
        for name, value in headers:
            if name.lower() == CSP.encode():
                policy = value.decode("latin-1")
        if "frame-ancestors" not in policy:
            policy = f"{policy}; frame-ancestors {self.frame_ancestors}"
        out = [(n, v) for n, v in headers if n.lower() != CSP.encode()]
        out.append((CSP.encode(), policy.encode("latin-1")))
        defaults = {
            b"x-content-type-options": b"nosniff",
            b"referrer-policy": b"same-origin",
            b"permissions-policy": PERMISSIONS_POLICY.encode(),
            b"cross-origin-opener-policy": b"same-origin",
        }
        if self.frame_options is not None:
            defaults[b"x-frame-options"] = self.frame_options
        if https:
            defaults[b"strict-transport-security"] = HSTS_VALUE.encode()
        out.extend((name, value) for name, value in defaults.items() if name not in present)
        return out
