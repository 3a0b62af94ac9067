"""Streamed model downloads with an SSRF guard.

Every URL, the first and each redirect target, is resolved and refused when any address it
resolves to is loopback, private, link-local, multicast, reserved or unspecified (IPv4-mapped
IPv6 addresses are unwrapped first), unless `allow_private_download_urls` is set. Redirects are
followed by hand so each hop is checked, and the connection itself goes to an address checked
at connect time, so a DNS answer that changes between check and connect (rebinding) cannot
slip through. A failed download leaves no partial file; a halted one (cancel, server stop)
keeps its `.part`, which the next attempt continues with a `Range` request.

httpx and httpcore are imported when a download starts, not when the server does (httpx brings
its command-line dependencies with it).
"""

from __future__ import annotations

import hashlib
import ipaddress
import shutil
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

from gesso.errors import InvalidInput

if TYPE_CHECKING:
    import httpcore
    import httpx
    from httpcore import NetworkBackend
else:
    NetworkBackend = object  # httpcore's pool only calls the methods below

MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024  # small enough that a cancel is noticed promptly on a slow server
ProgressCallback = Callable[[int, int], None]


class DownloadRefused(InvalidInput):
    """The URL is not allowed (scheme, or an address the SSRF guard refuses)."""


class DownloadFailed(Exception):
    pass


class DownloadCanceled(Exception):
    pass


@dataclass(frozen=True)
class Downloaded:
    path: Path
    size: int
    sha256: str


def check_url(url: str, *, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise DownloadRefused(f"Only http and https URLs can be downloaded, not {parts.scheme or 'none'!r}")
    if not parts.hostname:
        raise DownloadRefused("The URL has no host")
    if not allow_private:
        checked_address(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))


def checked_address(host: str, port: int) -> str:
    """Resolve `host` and return an address to connect to, refusing if any address is unsafe."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise DownloadRefused(f"Cannot resolve {host}: {exc.strerror}") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    for address in addresses:
        reason = _refusal(address)
        if reason:
            raise DownloadRefused(
                f"{host} resolves to {address}, a {reason} address; downloads from such addresses "
                "are refused (set allow_private_download_urls: true to allow them)"
            )
    return str(addresses[0])


class _GuardedBackend(NetworkBackend):
    """Connects only to addresses that pass the guard, resolved at connect time."""

    def __init__(self) -> None:
        import httpcore

        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return self._inner.connect_tcp(
            checked_address(host, port), port, timeout, local_address, socket_options
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise DownloadRefused("Unix sockets are not a download source")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _transport(allow_private: bool) -> httpx.HTTPTransport:
    import httpcore
    import httpx

    transport = httpx.HTTPTransport()
    if not allow_private:
        # httpx has no public hook for the network backend; its pool is built the same way.
        transport._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_GuardedBackend()
        )
    return transport


def _refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    )
    named = next((name for name, hit in checks if hit), None)
    # Anything else that is not globally routable (e.g. carrier-grade NAT 100.64.0.0/10, where
    # some clouds keep their metadata service) is refused too.
    return named or (None if address.is_global else "non-public")


def filename_for(url: str, response: httpx.Response) -> str:
    disposition = response.headers.get("content-disposition", "")
    if "filename=" in disposition:
        name = disposition.split("filename=", 1)[1].strip().strip('"').strip("'")
    else:
        name = unquote(urlsplit(str(response.url)).path.rsplit("/", 1)[-1])
    name = Path(name).name
    return name if name and name not in (".", "..") else "model.safetensors"


def download(
    url: str,
    folder: Path,
    *,
    allow_private: bool,
    progress: ProgressCallback,
    cancel: threading.Event,
    expected_sha256: str | None = None,
    timeout: float = 30.0,
    access_token: str | None = None,
) -> Downloaded:
    """Download `url` into `folder`. A `<name>.part` left there by an interrupted run is
    continued with a `Range` request (kept when `cancel` halts the download, removed when it
    fails); the free disk space is checked against the announced size before the first byte.
    `access_token` goes to the URL's own host as a Bearer token, never to a redirect elsewhere."""
    import httpx

    folder.mkdir(parents=True, exist_ok=True)
    try:
        return _fetch(url, folder, allow_private, progress, cancel, expected_sha256, timeout, access_token)
    except httpx.HTTPError as exc:
        if cancel.is_set():
            raise DownloadCanceled() from None
        raise DownloadFailed(f"Download incomplete: {exc}") from None


def _fetch(
    url: str,
    folder: Path,
    allow_private: bool,
    progress: ProgressCallback,
    cancel: threading.Event,
    expected_sha256: str | None,
    timeout: float,
    access_token: str | None,
) -> Downloaded:
    import httpx

    current = url
    partial = next(iter(sorted(folder.glob("*.part"))), None)
    have = partial.stat().st_size if partial is not None else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    with httpx.Client(follow_redirects=False, timeout=timeout, transport=_transport(allow_private)) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(current, allow_private=allow_private)
            sent = dict(headers)
            if access_token and urlsplit(current)[:2] == urlsplit(url)[:2]:
                sent["Authorization"] = f"Bearer {access_token}"
            with client.stream("GET", current, headers=sent) as response:
                if response.is_redirect:
                    current = urljoin(current, response.headers.get("location", ""))
                    continue
                if response.status_code not in (200, 206):
                    raise DownloadFailed(f"{urlsplit(current).hostname} answered HTTP {response.status_code}")
                target = folder / filename_for(current, response)
                resuming = response.status_code == 206 and partial == target.with_name(target.name + ".part")
                if partial is not None and not resuming:
                    partial.unlink(missing_ok=True)
                return _save(response, target, have if resuming else 0, progress, cancel, expected_sha256)
    raise DownloadFailed(f"More than {MAX_REDIRECTS} redirects")


def _announced_size(response: httpx.Response, offset: int) -> int:
    content_range = response.headers.get("content-range", "")
    if response.status_code == 206 and "/" in content_range and content_range.rsplit("/", 1)[1].isdigit():
        return int(content_range.rsplit("/", 1)[1])
    length = response.headers.get("content-length", "")
    return offset + int(length) if length.isdigit() else 0


def _save(
    response: httpx.Response,
    target: Path,
    offset: int,
    progress: ProgressCallback,
    cancel: threading.Event,
    expected_sha256: str | None,
) -> Downloaded:
    total = _announced_size(response, offset)
    partial = target.with_name(target.name + ".part")
    free = shutil.disk_usage(target.parent).free
    if total - offset > free:
        raise DownloadFailed(
            f"Not enough free disk space: the download needs {total - offset} bytes, {free} are free "
            "where models are stored"
        )
    received = offset
    try:
        with partial.open("ab" if offset else "wb") as handle:
            for chunk in response.iter_bytes(CHUNK_BYTES):
                if cancel.is_set():
                    raise DownloadCanceled()
                handle.write(chunk)
                received += len(chunk)
                progress(received, total)
        if total and received != total:
            raise DownloadFailed(f"Download incomplete: got {received} of {total} bytes")
        digest = _sha256(partial)
        if expected_sha256 and digest != expected_sha256.lower():
            raise DownloadFailed("The downloaded file does not match the expected SHA-256")
        partial.replace(target)
    except DownloadCanceled:
        raise  # the part stays for a later resume; a cancelled job removes its folder
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Downloaded(path=target, size=received, sha256=digest)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(4 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
