"""A local stand-in for the Hugging Face hub, serving the routes `huggingface_hub` and Gesso's
downloader call, with the hub's answers (status codes and `X-Error-Code` headers) for missing,
private and gated repos:

- `GET /api/models/{repo}[/revision/{rev}]` → model info with `sha`, `gated` and `siblings`
  (sizes and LFS hashes with `?blobs=true`);
- `HEAD`/`GET /{repo}/resolve/{rev}/{path}` → the file, with `X-Repo-Commit`, `ETag`,
  `Content-Length`, and `Range` support (206); LFS files (`.safetensors`) are redirected to a
  "CDN" server on another port (another origin), as the hub does;
- `GET /api/whoami-v2` → 200 for a known token, else 401.

Every request is logged with its `Range` and `Authorization` headers. `bytes_per_second`
throttles file bodies; `stop()` and `start()` kill and bring back the server on the same port.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@dataclass
class FakeRepo:
    files: dict[str, bytes]
    gated: bool = False
    private: bool = False
    commit: str = COMMIT
    listed_extra: list[str] = field(default_factory=list)  # names listed but never served
    missing: set[str] = field(default_factory=set)  # listed, but resolve answers 404
    listed_sizes: dict[str, int] = field(default_factory=dict)  # sizes the listing claims instead

    @classmethod
    def from_folder(cls, folder: Path, **kwargs: object) -> FakeRepo:
        files = {
            str(p.relative_to(folder).as_posix()): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }
        return cls(files=files, **kwargs)  # type: ignore[arg-type]


@dataclass
class Request:
    method: str
    path: str
    range: str | None
    authorization: str | None
    cdn: bool  # served by the CDN server (the other origin)


def is_lfs(path: str) -> bool:
    return path.endswith((".safetensors", ".bin", ".ckpt"))


class FakeHub:
    def __init__(self) -> None:
        self.repos: dict[str, FakeRepo] = {}
        self.tokens: set[str] = set()
        self.gated_access: dict[str, set[str]] = {}  # repo → tokens allowed in
        self.requests: list[Request] = []
        self.bytes_per_second: int | None = None
        self.port = 0
        self.cdn_port = 0
        self._servers: list[ThreadingHTTPServer] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def file_requests(self, name: str) -> list[Request]:
        """GETs of files whose path ends with `name` (resolve and CDN)."""
        return [r for r in self.requests if r.method == "GET" and unquote(r.path).endswith(name)]

    @property
    def cdn_url(self) -> str:
        return f"http://127.0.0.1:{self.cdn_port}"

    @property
    def running(self) -> bool:
        return bool(self._servers)

    def start(self) -> None:
        """Listen (again) on the same ports: the hub and its CDN."""
        for cdn in (False, True):
            server = ThreadingHTTPServer(
                ("127.0.0.1", self.cdn_port if cdn else self.port), _handler(self, cdn)
            )
            server.daemon_threads = True
            if cdn:
                self.cdn_port = server.server_address[1]
            else:
                self.port = server.server_address[1]
            self._servers.append(server)
            threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        """Close the listening sockets and every open connection (a killed server)."""
        servers, self._servers = self._servers, []
        for server in servers:
            server.shutdown()
            server.server_close()
            for connection in list(getattr(server, "open_connections", [])):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    # -- answers --------------------------------------------------------------------------------------

    def token_of(self, handler: BaseHTTPRequestHandler) -> str | None:
        header = handler.headers.get("Authorization", "")
        return header.removeprefix("Bearer ") if header.startswith("Bearer ") else None

    def model_info(self, repo_id: str, token: str | None, blobs: bool) -> tuple[int, dict[str, str], bytes]:
        repo = self.repos.get(repo_id)
        if repo is None or (repo.private and token not in self.tokens):
            return (
                401 if token is None else 404,
                {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"},
                b"{}",
            )
        siblings = []
        for path in sorted(set(repo.files) | set(repo.listed_extra)):
            body = repo.files.get(path, b"")
            sibling: dict[str, object] = {"rfilename": path}
            if blobs:
                size = repo.listed_sizes.get(path, len(body))
                sibling["size"] = size
                sibling["blobId"] = hashlib.sha1(body, usedforsecurity=False).hexdigest()
                if is_lfs(path):
                    sibling["lfs"] = {
                        "sha256": hashlib.sha256(body).hexdigest(),
                        "size": size,
                        "pointerSize": 134,
                    }
            siblings.append(sibling)
        info = {
            "id": repo_id,
            "modelId": repo_id,
            "sha": repo.commit,
            "private": repo.private,
            "gated": "manual" if repo.gated else False,
            "siblings": siblings,
            "tags": [],
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(info).encode()

    def resolve_error(self, repo_id: str, path: str, token: str | None) -> tuple[int, dict[str, str]] | None:
        repo = self.repos.get(repo_id)
        if repo is None or (repo.private and token not in self.tokens):
            return 401 if token is None else 404, {"X-Error-Code": "RepoNotFound"}
        if repo.gated and token not in self.gated_access.get(repo_id, set()):
            if token is None:
                return 401, {
                    "X-Error-Code": "GatedRepo",
                    "X-Error-Message": "Access to this model is restricted",
                }
            return 403, {"X-Error-Code": "GatedRepo", "X-Error-Message": "Not in the authorized list"}
        if path not in repo.files or path in repo.missing:
            return 404, {"X-Error-Code": "EntryNotFound", "X-Error-Message": "Entry not found"}
        return None


def _handler(hub: FakeHub, cdn: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            server = self.server
            connections = getattr(server, "open_connections", None)
            if connections is None:
                connections = set()
                server.open_connections = connections  # type: ignore[attr-defined]
            connections.add(self.connection)

        def finish(self) -> None:
            try:
                super().finish()
            finally:
                getattr(self.server, "open_connections", set()).discard(self.connection)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def _answer(self, *, body: bool) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            token = hub.token_of(self)
            with hub._lock:
                hub.requests.append(
                    Request(
                        self.command,
                        self.path,
                        self.headers.get("Range"),
                        self.headers.get("Authorization"),
                        cdn,
                    )
                )
            try:
                self._route(path, parts.query, token, body)
            except OSError:  # the client went away, or the server was "killed"
                self.close_connection = True

        def _route(self, path: str, query: str, token: str | None, body: bool) -> None:
            segments = path.strip("/").split("/")
            if cdn:
                if len(segments) >= 3 and segments[0] == "cdn":
                    return self._file(segments[1], "/".join(segments[2:]), body)
                return self._send(404, {}, b"", body)
            if path == "/api/whoami-v2":
                if token in hub.tokens:
                    return self._send(
                        200,
                        {"Content-Type": "application/json"},
                        json.dumps({"name": "tester", "type": "user"}).encode(),
                        body,
                    )
                return self._send(
                    401, {"X-Error-Message": "Invalid credentials in Authorization header"}, b"{}", body
                )
            if len(segments) >= 3 and segments[:2] == ["api", "models"]:
                repo_id = "/".join(segments[2:4])
                status, headers, payload = hub.model_info(
                    repo_id, token, "blobs=True" in query or "blobs=true" in query
                )
                return self._send(status, headers, payload, body)
            if len(segments) >= 5 and segments[2] == "resolve":
                repo_id, file_path = "/".join(segments[:2]), "/".join(segments[4:])
                error = hub.resolve_error(repo_id, file_path, token)
                if error is not None:
                    return self._send(error[0], error[1], b"{}", body)
                repo = hub.repos[repo_id]
                content = repo.files[file_path]
                headers = {"X-Repo-Commit": repo.commit, "Accept-Ranges": "bytes"}
                if is_lfs(file_path):
                    sha = hashlib.sha256(content).hexdigest()
                    headers |= {
                        "ETag": f'"{sha}"',
                        "X-Linked-Etag": f'"{sha}"',
                        "X-Linked-Size": str(len(content)),
                        "Location": f"{hub.cdn_url}/cdn/{repo_id.replace('/', '--')}/{file_path}",
                    }
                    return self._send(302, headers, b"", body)
                headers["ETag"] = f'"{hashlib.sha1(content, usedforsecurity=False).hexdigest()}"'
                return self._bytes(content, headers, body)
            return self._send(404, {}, b"Not Found", body)

        def _file(self, repo_key: str, file_path: str, body: bool) -> None:
            repo = hub.repos.get(repo_key.replace("--", "/", 1))
            if repo is None or file_path not in repo.files:
                return self._send(404, {}, b"", body)
            content = repo.files[file_path]
            self._bytes(
                content, {"ETag": f'"{hashlib.sha256(content).hexdigest()}"', "Accept-Ranges": "bytes"}, body
            )

        def _bytes(self, content: bytes, headers: dict[str, str], body: bool) -> None:
            wanted = self.headers.get("Range")
            start = 0
            if wanted and wanted.startswith("bytes=") and wanted.endswith("-"):
                start = int(wanted[6:-1])
                if start >= len(content) and content:
                    return self._send(416, {"Content-Range": f"bytes */{len(content)}"}, b"", body)
                headers = {**headers, "Content-Range": f"bytes {start}-{len(content) - 1}/{len(content)}"}
            self.send_response(206 if wanted else 200)
            for name, value in {**headers, "Content-Length": str(len(content) - start)}.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self._stream(content[start:])

        def _stream(self, data: bytes) -> None:
            rate = hub.bytes_per_second
            if not rate:
                self.wfile.write(data)
                return
            piece = max(1024, rate // 20)
            for offset in range(0, len(data), piece):
                if not hub.running:
                    raise ConnectionResetError()
                self.wfile.write(data[offset : offset + piece])
                self.wfile.flush()
                time.sleep(piece / rate)

        def _send(self, status: int, headers: dict[str, str], payload: bytes, body: bool) -> None:
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(payload))}.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def fake_hub() -> Iterator[FakeHub]:
    hub = FakeHub()
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()
