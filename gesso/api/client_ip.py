"""Who is on the other end: the one place that decides a request's client address.

`X-Forwarded-For`, `-Proto` and `-Host` are honoured only when the TCP peer is inside one of
the configured `trusted_proxies` networks (none by default); from anywhere else they are
ignored, so a client cannot pick its own address to dodge per-IP throttling or to pose as
someone else in the audit log. Uvicorn's own proxy-header handling is switched off
(`gesso/cli/serve.py`): this middleware is the only one.

`client_ip(conn)` is what login throttling, audit and header authentication read.
`peer_ip(conn)` is the TCP peer itself (before any forwarding headers), for checks that need
to know which proxy sent the request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

UNKNOWN = "unknown"
PEER_SCOPE_KEY = "gesso.peer"
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """CIDRs or plain addresses → networks; raises ValueError naming the bad entry."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or CIDR network") from None
    return tuple(networks)


class TrustedProxies:
    def __init__(self, cidrs: Iterable[str]) -> None:
        self._networks = parse_networks(cidrs)

    def __bool__(self) -> bool:
        return bool(self._networks)

    def trusts(self, host: str | None) -> bool:
        if not host or not self._networks:
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self._networks)

    def forwarded_client(self, forwarded_for: str, peer: str) -> str:
        """The rightmost address that is not one of our proxies: every hop to the right of it
        was appended by a proxy we trust, everything to its left came from the client."""
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self.trusts(hop):
                return _valid_address(hop) or peer
        return (_valid_address(hops[0]) or peer) if hops else peer


def _valid_address(value: str) -> str | None:
    candidate = value.strip("[]")
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


_SCHEMES = {"http": ("http", "ws"), "https": ("https", "wss")}


class ProxyHeadersMiddleware:
    """Rewrites the scope's client, scheme and host from forwarding headers sent by a trusted
    proxy; remembers the real TCP peer under `scope["gesso.peer"]` either way."""

    def __init__(self, app: ASGIApp, trusted: TrustedProxies) -> None:
        self.app = app
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            peer = scope["client"][0] if scope.get("client") else None
            scope[PEER_SCOPE_KEY] = peer
            if self.trusted.trusts(peer):
                scope = self._forwarded(scope, peer or UNKNOWN)
        await self.app(scope, receive, send)

    def _forwarded(self, scope: Scope, peer: str) -> Scope:
        headers: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            headers.setdefault(name, value)
        scope = dict(scope)
        forwarded_for = headers.get(b"x-forwarded-for")
        if forwarded_for is not None:
            client = self.trusted.forwarded_client(forwarded_for.decode("latin-1"), peer)
            scope["client"] = (client, 0)
        proto = headers.get(b"x-forwarded-proto")
        if proto is not None:
            chosen = proto.decode("latin-1").split(",")[0].strip().lower()
            if chosen in _SCHEMES:
                scope["scheme"] = _SCHEMES[chosen][0 if scope["type"] == "http" else 1]
        host = headers.get(b"x-forwarded-host")
        if host is not None:
            first = host.split(b",")[0].strip()
            if first and all(32 < byte < 127 for byte in first):
                scope["headers"] = [(n, v) for n, v in scope["headers"] if n != b"host"] + [(b"host", first)]
        return scope


def client_ip(conn: HTTPConnection) -> str:
    """The client's address for throttling, audit and header auth (see the module docstring)."""
    client = conn.client
    return client.host if client and client.host else UNKNOWN


def peer_ip(conn: HTTPConnection) -> str:
    """The TCP peer that sent this request (a proxy's address when one forwarded it)."""
    peer = conn.scope.get(PEER_SCOPE_KEY)
    if isinstance(peer, str):
        return peer
    return client_ip(conn)
