"""ASGI middleware that refuses request bodies over the configured limit with 413.

A declared `Content-Length` over the limit is refused before a byte is read; a chunked body is
counted as it arrives and refused the moment it passes the limit. An HTTP/1.x request with a
declared length within the limit, or with neither length nor chunked encoding (no body at all,
RFC 9112 §6.3: every plain GET), passes straight through: the server already delimits its body.
"""

from __future__ import annotations

import json

from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared, chunked = _body_framing(scope)
        if declared is not None and declared > self.max_bytes:
            response = JSONResponse({"detail": self._message()}, status_code=413)
            await response(scope, receive, send)
            return
        if not chunked and scope.get("http_version") in ("1.0", "1.1"):
            await self.app(scope, receive, send)
            return
        received = 0
        exceeded = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Stop feeding the app; whatever it answers is replaced by a 413 below.
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def replacing_send(message: Message) -> None:
            if not exceeded:
                await send(message)
            elif message["type"] == "http.response.start":
                body = json.dumps({"detail": self._message()}).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 413,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", b"%d" % len(body)),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})

        try:
            await self.app(scope, counting_receive, replacing_send)
        except ClientDisconnect:
            if not exceeded:
                raise
            await JSONResponse({"detail": self._message()}, status_code=413)(scope, receive, send)

    def _message(self) -> str:
        return f"Request body is larger than the limit of {self.max_bytes // (1024 * 1024)} MB"


def _body_framing(scope: Scope) -> tuple[int | None, bool]:
    """The declared `Content-Length` (None when absent or malformed) and whether the body is
    sent chunked."""
    declared: int | None = None
    chunked = False
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                declared = int(value)
            except ValueError:
                chunked = True  # unknown framing: count what arrives
        elif name == b"transfer-encoding":
            chunked = True
    return declared, chunked
