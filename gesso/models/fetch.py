"""One file from the hub, resumable: bytes go to `<name>.part`, which becomes `<name>` once its
size (and SHA-256, when the hub lists one) checks out.

A `.part` left by an interrupted attempt, a halted job or a server restart is continued with a
`Range` request; a server that ignores the range answers 200 and the file starts over. A
finished file is never fetched again. Dropped connections are retried with growing pauses as
long as the retries keep making progress.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gesso.models.hub import HubError

if TYPE_CHECKING:  # the HTTP client is imported with the first download, not at start-up
    import httpx2

HASH_CHUNK = 4 * 1024 * 1024
RETRY_PAUSES = (0.5, 1.0, 2.0, 4.0, 8.0, 8.0)  # after the last, the download fails
CONNECT_TIMEOUT = 30.0
READ_TIMEOUT = 60.0


class FetchHalted(Exception):
    """The job was cancelled or the server is stopping; the `.part` file is kept."""


class FetchFailed(HubError):
    pass


@dataclass(frozen=True)
class FileRequest:
    url: str
    target: Path
    size: int | None
    sha256: str | None
    headers: dict[str, str]
    label: str  # the repo path, for messages


Progress = Callable[[int], None]  # bytes of this file on disk so far
ErrorForStatus = Callable[[int, "httpx2.Response"], HubError]


def part_path(target: Path) -> Path:
    return target.with_name(target.name + ".part")


def bytes_on_disk(target: Path) -> int:
    if target.is_file():
        return target.stat().st_size
    part = part_path(target)
    return part.stat().st_size if part.is_file() else 0


class _Part:
    """The `.part` file and the SHA-256 of the bytes it holds, kept up to date as they arrive
    (a part left by an earlier run is read once, so a resumed file is not hashed twice)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.digest = hashlib.sha256()
        self.size = 0
        if path.is_file():
            with path.open("rb") as handle:
                while chunk := handle.read(HASH_CHUNK):
                    self.digest.update(chunk)
                    self.size += len(chunk)

    def restart(self) -> None:
        self.path.unlink(missing_ok=True)
        self.digest = hashlib.sha256()
        self.size = 0


def fetch_file(
    client: httpx2.Client,
    request: FileRequest,
    *,
    progress: Progress,
    halt: threading.Event,
    error_for_status: ErrorForStatus,
) -> None:
    import httpx2

    target = request.target
    if target.is_file() and (request.size is None or target.stat().st_size == request.size):
        progress(target.stat().st_size)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    part = _Part(part_path(target))
    failures = 0
    while True:
        before = part.size
        try:
            _attempt(client, request, part, progress, halt, error_for_status)
            break
        except httpx2.TransportError as exc:
            failures = 0 if part.size > before else failures + 1
            if failures >= len(RETRY_PAUSES):
                raise FetchFailed(
                    f"Download of {request.label} failed: the connection kept dropping ({type(exc).__name__})"
                ) from None
            if halt.wait(RETRY_PAUSES[failures]):
                raise FetchHalted() from None
    _verify(request, part)
    part.path.replace(target)


def _attempt(
    client: httpx2.Client,
    request: FileRequest,
    part: _Part,
    progress: Progress,
    halt: threading.Event,
    error_for_status: ErrorForStatus,
) -> None:
    import httpx2

    if request.size is not None and part.size == request.size:
        return
    headers = dict(request.headers)
    if part.size:
        headers["Range"] = f"bytes={part.size}-"
    timeout = httpx2.Timeout(CONNECT_TIMEOUT, read=READ_TIMEOUT)
    with client.stream("GET", request.url, headers=headers, timeout=timeout) as response:
        if response.status_code == 416 and part.size:
            part.restart()  # the part no longer matches the file: start over
            raise httpx2.RemoteProtocolError("range not satisfiable")
        if response.status_code not in (200, 206):
            raise error_for_status(response.status_code, response)
        if response.status_code == 200:
            part.restart()  # the server ignored the range: the body is the whole file
        progress(part.size)
        with part.path.open("ab") as handle:
            for chunk in response.iter_bytes():
                if halt.is_set():
                    raise FetchHalted()
                handle.write(chunk)
                part.digest.update(chunk)
                part.size += len(chunk)
                progress(part.size)
    if request.size is not None and part.size < request.size:
        raise httpx2.RemoteProtocolError(f"connection closed after {part.size} of {request.size} bytes")


def _verify(request: FileRequest, part: _Part) -> None:
    if request.size is not None and part.size != request.size:
        part.restart()
        raise FetchFailed(f"Download of {request.label} has {part.size} bytes, the hub lists {request.size}")
    if request.sha256 and part.digest.hexdigest() != request.sha256.lower():
        part.restart()
        raise FetchFailed(f"Download of {request.label} does not match the SHA-256 the hub lists")
