"""`gesso serve` as a real process, driven over real HTTP on a loopback port.

Covers what only a running server shows: the multi-user account flow end to end, single-user
mode without tokens, a busy port, the start-up banner, and tokens surviving a restart.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, bearer

START_DEADLINE_S = 30.0
STOP_DEADLINE_S = 10.0
USER_EMAIL = "user@example.com"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("GESSO_")}


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

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

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
    """Start `gesso serve` on a free port and wait until it answers; every server is stopped."""
    servers: list[Server] = []

    def _start(root: Path, port: int | None = None) -> Server:
        port = port or free_port()
        log_path = tmp_path / f"serve-{len(servers)}.log"
        log_file = log_path.open("wb")
        process = subprocess.Popen(
            serve_command(root, port), stdout=log_file, stderr=subprocess.STDOUT, env=clean_env()
        )
        server = Server(root, port, process, log_path, log_file)
        servers.append(server)
        wait_until_ready(server)
        return server

    yield _start
    for server in servers:
        server.stop()


@pytest.fixture
def mu_root(tmp_path: Path) -> Path:
    root = tmp_path / "mu-root"
    root.mkdir()
    (root / "gesso.yaml").write_text("multiuser: true\n", encoding="utf-8")
    return root


@pytest.fixture
def su_root(tmp_path: Path) -> Path:
    root = tmp_path / "su-root"
    root.mkdir()
    return root


def login(client: httpx.Client, email: str, password: str) -> httpx.Response:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response


def set_up_admin(client: httpx.Client) -> str:
    response = client.post("/api/v1/auth/setup", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert response.status_code == 200, response.text
    token: str = login(client, ADMIN_EMAIL, ADMIN_PASSWORD).json()["token"]
    return token


def media_cookie_attributes(response: httpx.Response) -> dict[str, str]:
    for header in response.headers.get_list("set-cookie"):
        name_value, *attributes = (part.strip() for part in header.split(";"))
        if name_value.startswith("gesso_media_token="):
            pairs = (attr.partition("=") for attr in attributes)
            return {key.lower(): value for key, _, value in pairs}
    pytest.fail(f"no gesso_media_token cookie in {response.headers.get_list('set-cookie')}")


def me(client: httpx.Client, token: str | None = None) -> httpx.Response:
    return client.get("/api/v1/auth/me", headers=bearer(token) if token else None)


# -- multi-user mode ----------------------------------------------------------------------------


def test_users_sign_up_log_in_and_out_over_http_in_multiuser_mode(
    start_server: StartServer, mu_root: Path
) -> None:
    server = start_server(mu_root)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        status = client.get("/api/v1/auth/status").json()
        assert (status["setup_required"], status["multiuser_enabled"]) == (True, True)
        assert me(client).status_code == 401

        setup = client.post("/api/v1/auth/setup", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        assert setup.status_code == 200, setup.text
        assert setup.json()["user"]["is_admin"] is True
        assert client.get("/api/v1/auth/status").json()["setup_required"] is False

        admin_login = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        cookie = media_cookie_attributes(admin_login)
        assert "httponly" in cookie and cookie["path"] == "/api/v1"
        admin = admin_login.json()["token"]
        admin_profile = me(client, admin).json()
        assert (admin_profile["email"], admin_profile["is_admin"]) == (ADMIN_EMAIL, True)

        created = client.post(
            "/api/v1/auth/users",
            json={"email": USER_EMAIL, "password": USER_PASSWORD, "is_admin": False},
            headers=bearer(admin),
        )
        assert created.status_code == 201, created.text
        assert "password_hash" not in created.json()

        user = login(client, USER_EMAIL, USER_PASSWORD).json()["token"]
        profile = me(client, user).json()
        assert (profile["email"], profile["is_admin"]) == (USER_EMAIL, False)
        assert client.get("/api/v1/auth/users", headers=bearer(user)).status_code == 403
        listed = client.get("/api/v1/auth/users", headers=bearer(admin)).json()
        assert sorted(u["email"] for u in listed) == [ADMIN_EMAIL, USER_EMAIL]

        logout = client.post("/api/v1/auth/logout", headers=bearer(user))
        assert logout.status_code == 200 and logout.json() == {"success": True}
        assert me(client, user).status_code == 401
        assert me(client, admin).status_code == 200  # only the user's own session ended


def test_user_token_minted_before_restart_still_works_after_it(
    start_server: StartServer, mu_root: Path
) -> None:
    first = start_server(mu_root)
    with httpx.Client(base_url=first.url, timeout=10) as client:
        token = set_up_admin(client)
        assert me(client, token).status_code == 200
    first.stop()

    second = start_server(mu_root)
    with httpx.Client(base_url=second.url, timeout=10) as client:
        answer = me(client, token)
        assert answer.status_code == 200, answer.text
        assert answer.json()["email"] == ADMIN_EMAIL


def test_startup_log_shows_one_banner_and_no_secrets(start_server: StartServer, mu_root: Path) -> None:
    server = start_server(mu_root)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        token = set_up_admin(client)
        media = media_cookie_attributes(login(client, ADMIN_EMAIL, ADMIN_PASSWORD))
        assert me(client, token).status_code == 200
    server.stop()

    log = server.log()
    banners = [line for line in log.splitlines() if f"http://127.0.0.1:{server.port}" in line]
    assert len(banners) == 1, log
    assert "INFO" in banners[0] and "multi-user" in banners[0]
    assert " DEBUG " not in log
    with closing(sqlite3.connect(mu_root / "databases" / "gesso.db")) as conn:
        (secret,) = conn.execute("SELECT value FROM app_settings WHERE key = 'jwt_secret'").fetchone()
    for leaked in (token, secret, ADMIN_PASSWORD, *media.values()):
        if leaked:
            assert leaked not in log
    assert "eyJ" not in log  # no JWT of any kind


# -- single-user mode ---------------------------------------------------------------------------


def test_anyone_uses_single_user_server_without_token(start_server: StartServer, su_root: Path) -> None:
    server = start_server(su_root)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        status = client.get("/api/v1/auth/status").json()
        assert (status["multiuser_enabled"], status["setup_required"]) == (False, False)

        identity = me(client)
        assert identity.status_code == 200, identity.text
        assert (identity.json()["user_id"], identity.json()["is_admin"]) == ("system", True)

        users = client.get("/api/v1/auth/users")
        assert users.status_code == 200 and users.json() == []

        credentials: dict[str, Any] = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        for path in ("/api/v1/auth/login", "/api/v1/auth/setup"):
            refused = client.post(path, json=credentials)
            assert refused.status_code == 403, refused.text
            detail = refused.json()["detail"].lower()
            assert "single-user" in detail or "multi-user mode is off" in detail
    assert "single-user" in server.log()


def test_second_server_on_busy_port_exits_naming_port(
    start_server: StartServer, su_root: Path, tmp_path: Path
) -> None:
    server = start_server(su_root)
    other_root = tmp_path / "other-root"
    other_root.mkdir()

    started = time.monotonic()
    second = subprocess.run(
        serve_command(other_root, server.port),
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=START_DEADLINE_S,
    )
    assert time.monotonic() - started < 15
    assert second.returncode != 0
    assert f":{server.port}" in second.stderr and "in use" in second.stderr
    assert "Traceback" not in second.stderr
    assert httpx.get(f"{server.url}/api/v1/app/version", timeout=5).status_code == 200
