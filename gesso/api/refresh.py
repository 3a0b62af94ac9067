"""ASGI middleware that adds `X-Refreshed-Token` to successful responses.

The auth dependency leaves the token in the request state; the header is only added when the
final status is below 400, so a failed request never extends a session.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gesso.auth.deps import MUTATING_METHODS, REFRESHED_TOKEN_STATE

REFRESHED_TOKEN_HEADER = "X-Refreshed-Token"


class RefreshedTokenMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in MUTATING_METHODS:
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})

        async def send_with_token(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                token = scope["state"].get(REFRESHED_TOKEN_STATE)
                if token:
                    MutableHeaders(scope=message).append(REFRESHED_TOKEN_HEADER, token)
            await send(message)

        await self.app(scope, receive, send_with_token)
