"""Run `gesso serve` as a real subprocess on a free loopback port (shared by the e2e tests)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
import pytest

from tests import databases

START_DEADLINE_S = 120.0
STOP_DEADLINE_S = 10.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env() -> dict[str, str]:
    return databases.child_env()


def serve_command(root: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gesso",
        "serve",
        "--root",
        str(root),
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
    ]


@dataclass
class Server:
    root: Path
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    log_file: IO[bytes] = field(repr=False)
    base_path: str = ""

    @property
    def url(self) -> str:
        """Origin plus `base_url` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}{self.base_path}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_DEADLINE_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_DEADLINE_S)
        self.log_file.close()
        return self.process.returncode


def wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"gesso serve exited with {server.process.returncode}:\n{server.log()}")
        try:
            if httpx.get(f"{server.url}/api/v1/app/version", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"gesso serve did not answer within {START_DEADLINE_S}s:\n{server.log()}")


StartServer = Callable[..., Server]


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    """Start `gesso serve` on a free port and wait until it answers; every server is stopped.

    `base_path` must match the root's `base_url` so readiness is checked at the right place.
    A test that also asks for `root` runs its servers on that test's database (PostgreSQL in the
    `--db postgresql` pass); others use SQLite under their own roots.
    """
    servers: list[Server] = []

    def _start(
        root: Path,
        port: int | None = None,
        base_path: str = "",
        args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> Server:
        port = port or free_port()
        log_path = tmp_path / f"serve-{len(servers)}.log"
        log_file = log_path.open("wb")
        process = subprocess.Popen(
            [*serve_command(root, port), *args],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env={**clean_env(), **(env or {})},
        )
        server = Server(root, port, process, log_path, log_file, base_path)
        servers.append(server)
        wait_until_ready(server)
        return server

    yield _start
    for server in servers:
        server.stop()
