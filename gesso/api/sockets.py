"""Routes `<base_url>/ws/socket.io` to the socket.io server; everything else to the app.

Installed as the outermost layer so socket.io traffic bypasses the REST middleware (socket.io
applies `allow_origins` itself). The socket.io app comes from `SocketServer.asgi_app`, which
creates it on the first such request."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from gesso.events.socket_server import SocketServer


class SocketIOMiddleware:
    def __init__(self, app: ASGIApp, sockets: SocketServer, path: str) -> None:
        self.app = app
        self.path = path.rstrip("/") + "/"
        self.sockets = sockets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and (scope["path"].rstrip("/") + "/").startswith(self.path):
            await self.sockets.asgi_app(self.path.strip("/"))(scope, receive, send)
            return
        await self.app(scope, receive, send)
