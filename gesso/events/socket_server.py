"""The socket.io endpoint (`<base_url>/ws/socket.io`): authenticated connections, rooms, ordered
delivery of bus events through `routing.route`, and live revocation.

Multi-user mode: the handshake must carry a valid token (`auth: {token}` or an
`Authorization: Bearer` header), checked by the same rules as REST. Each socket joins
`user:<id>`, and `admin` when its user is an administrator. User changes made through the API
take effect at once; a periodic sweep catches changes made by another process (the CLI).

The socket.io server itself is created by the first request for its path: a server that nobody
has connected to yet has no socket to deliver to, and starts without importing socket.io (its
package pulls in its client side, requests and the Redis client: about 0.15 s of start-up).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gesso.auth.service import AuthService
from gesso.errors import Unauthenticated
from gesso.events.bus import Event
from gesso.events.routing import ADMIN_ROOM, queue_room, route, user_room
from gesso.users.service import UserChange

if TYPE_CHECKING:
    import socketio
    from starlette.types import ASGIApp

logger = logging.getLogger(__name__)


@dataclass
class Client:
    user_id: str
    is_admin: bool
    session_id: str | None
    token_epoch: int
    token_id: str | None = None  # a personal API token's connection


class SocketServer:
    def __init__(
        self,
        auth: AuthService,
        *,
        allow_origins: list[str],
        sweep_seconds: float,
    ) -> None:
        self._auth = auth
        self._allow_origins = set(allow_origins)
        self._sweep_seconds = sweep_seconds
        self._sio: socketio.AsyncServer | None = None
        self._asgi: ASGIApp | None = None
        self._clients: dict[str, Client] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._events: asyncio.Queue[Event | None] | None = None
        self._tasks: list[asyncio.Task[None]] = []

    def asgi_app(self, socketio_path: str) -> ASGIApp:
        """The socket.io ASGI app, created on the first request for it (on the event loop)."""
        if self._asgi is None:
            import socketio

            sio = socketio.AsyncServer(
                async_mode="asgi",
                cors_allowed_origins=self._origin_allowed,
                logger=False,
                engineio_logger=False,
            )
            sio.on("connect", self._connect)
            sio.on("disconnect", self._disconnect)
            sio.on("subscribe_queue", self._subscribe_queue)
            sio.on("unsubscribe_queue", self._unsubscribe_queue)
            self._sio = sio
            self._asgi = socketio.ASGIApp(sio, socketio_path=socketio_path)
        return self._asgi

    @property
    def sio(self) -> socketio.AsyncServer:
        """Only reached with a connection open, so after `asgi_app` created it."""
        assert self._sio is not None, "socket.io has had no request yet"
        return self._sio

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._events = asyncio.Queue()
        self._tasks = [asyncio.create_task(self._dispatch())]
        if self._auth.multiuser:
            self._tasks.append(asyncio.create_task(self._sweep_forever()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        self._loop = None

    def publish(self, event: Event) -> None:
        """Thread-safe: queue the event for delivery, keeping publication order."""
        loop, queue = self._loop, self._events
        if loop is None or queue is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(queue.put_nowait, event)

    def _origin_allowed(self, origin: str | None, environ: dict[str, Any]) -> bool:
        if origin is None or origin in self._allow_origins:
            return True
        host = environ.get("HTTP_HOST", "")
        return origin in (f"http://{host}", f"https://{host}")

    # -- handlers --------------------------------------------------------------------------

    async def _connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        if not self._auth.multiuser:
            client = Client(user_id="system", is_admin=True, session_id=None, token_epoch=0)
        else:
            token = _token_from(auth, environ)
            from socketio.exceptions import ConnectionRefusedError as Refused

            if not token:
                raise Refused("Authentication required")
            try:
                authentication = await asyncio.to_thread(self._auth.authenticate, token)
            except Unauthenticated as exc:
                logger.debug("Socket connection refused: %s", exc.detail)
                raise Refused(exc.detail) from None
            actor = authentication.actor
            client = Client(
                actor.user_id,
                actor.is_admin,
                actor.session_id,
                authentication.user.token_epoch,
                token_id=actor.token_id,
            )
        self._clients[sid] = client
        await self.sio.enter_room(sid, user_room(client.user_id))
        if client.is_admin:
            await self.sio.enter_room(sid, ADMIN_ROOM)
        logger.debug("Socket %s connected for %s", sid, client.user_id)

    async def _disconnect(self, sid: str, *_: Any) -> None:
        self._clients.pop(sid, None)

    async def _subscribe_queue(self, sid: str, data: Any) -> None:
        queue_id = data.get("queue_id") if isinstance(data, dict) else None
        if sid in self._clients and isinstance(queue_id, str) and queue_id:
            await self.sio.enter_room(sid, queue_room(queue_id))

    async def _unsubscribe_queue(self, sid: str, data: Any) -> None:
        queue_id = data.get("queue_id") if isinstance(data, dict) else None
        if isinstance(queue_id, str):
            await self.sio.leave_room(sid, queue_room(queue_id))

    # -- delivery --------------------------------------------------------------------------

    async def _dispatch(self) -> None:
        assert self._events is not None
        while True:
            event = await self._events.get()
            if event is None:
                return
            if self._sio is None:
                continue  # nobody has connected yet
            try:
                for delivery in route(event):
                    skip = self._members(delivery.skip_rooms)
                    await self.sio.emit(
                        event.name, delivery.payload, to=delivery.rooms, skip_sid=skip or None
                    )
            except Exception:
                logger.exception("Delivering %s failed", event.name)

    def _members(self, rooms: list[str]) -> list[str]:
        if not rooms:
            return []
        return [sid for sid, _ in self.sio.manager.get_participants("/", rooms)]

    # -- revocation ------------------------------------------------------------------------

    def follow_user_change(self, change: UserChange) -> None:
        """A deactivated or deleted user, or one whose password changed, loses their sockets; a
        promoted or demoted one moves in or out of the admin room."""
        self.user_changed(
            change.user_id,
            is_active=change.is_active and not change.deleted,
            is_admin=change.is_admin,
            credentials_changed=change.credentials_changed,
        )

    def user_changed(
        self, user_id: str, *, is_active: bool, is_admin: bool, credentials_changed: bool
    ) -> None:
        """Thread-safe: apply a user change to their open sockets right away."""
        if self._loop is None or self._loop.is_closed():
            return
        coroutine = self._apply_user_change(user_id, is_active, is_admin, credentials_changed)
        asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    async def _apply_user_change(
        self, user_id: str, is_active: bool, is_admin: bool, credentials_changed: bool
    ) -> None:
        for sid, client in list(self._clients.items()):
            if client.user_id != user_id:
                continue
            if not is_active or credentials_changed:
                await self._drop(sid)
            else:
                await self._set_admin(sid, client, is_admin)

    def token_revoked(self, token_id: str) -> None:
        """Thread-safe: close the sockets opened with a revoked API token."""
        if self._loop is None or self._loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(self._drop_token(token_id), self._loop)

    async def _drop_token(self, token_id: str) -> None:
        for sid, client in list(self._clients.items()):
            if client.token_id == token_id:
                await self._drop(sid)

    async def _drop(self, sid: str) -> None:
        client = self._clients.pop(sid, None)
        logger.debug("Disconnecting socket %s of %s", sid, client.user_id if client else "?")
        await self.sio.disconnect(sid)

    async def _set_admin(self, sid: str, client: Client, is_admin: bool) -> None:
        if client.is_admin == is_admin:
            return
        client.is_admin = is_admin
        if is_admin:
            await self.sio.enter_room(sid, ADMIN_ROOM)
        else:
            await self.sio.leave_room(sid, ADMIN_ROOM)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._sweep_seconds)
            try:
                await self.sweep()
            except Exception:
                logger.exception("Socket sweep failed")

    async def sweep(self) -> None:
        """Re-check every connection against the database (catches CLI changes)."""
        await self._sweep_tokens()
        sessions = {
            sid: (c.user_id, c.session_id) for sid, c in self._clients.items() if c.session_id is not None
        }
        if not sessions:
            return
        states = await asyncio.to_thread(self._auth.live_session_states, sessions)
        for sid, state in states.items():
            client = self._clients.get(sid)
            if client is None:
                continue
            if state is None or state[1] != client.token_epoch:
                await self._drop(sid)
            else:
                await self._set_admin(sid, client, state[0])

    async def _sweep_tokens(self) -> None:
        by_sid = {sid: c.token_id for sid, c in self._clients.items() if c.token_id is not None}
        if not by_sid:
            return
        live = await asyncio.to_thread(self._auth.api_tokens.live_token_ids, by_sid.values())
        for sid, token_id in by_sid.items():
            if token_id not in live and sid in self._clients:
                await self._drop(sid)


def _token_from(auth: Any, environ: dict[str, Any]) -> str | None:
    if isinstance(auth, dict) and isinstance(auth.get("token"), str) and auth["token"].strip():
        return str(auth["token"]).strip()
    header = environ.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
