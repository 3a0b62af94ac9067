"""Routes `<base_url>/ws/socket.io` to the socket.io server; everything else to the app.

Installed as the outermost layer so socket.io traffic bypasses the REST middleware (socket.io
applies `allow_origins` itself)."""

from __future__ import annotations

import socketio
from starlette.types import ASGIApp, Receive, Scope, Send


class SocketIOMiddleware:
    def __init__(self, app: ASGIApp, sio: socketio.AsyncServer, path: str) -> None:
        self.app = app
        self.path = path.rstrip("/") + "/"
        self.socket_app = socketio.ASGIApp(sio, socketio_path=self.path.strip("/"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and (scope["path"].rstrip("/") + "/").startswith(self.path):
            await self.socket_app(scope, receive, send)
            return
        await self.app(scope, receive, send)
