"""`gesso serve` as a real process, driven over real HTTP on a loopback port.

Covers what only a running server shows: the multi-user account flow end to end, single-user
mode without tokens, a busy port, the start-up banner, and tokens surviving a restart.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import databases
from tests.e2e.server import START_DEADLINE_S, StartServer, clean_env, serve_command
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, bearer

USER_EMAIL = "user@example.com"


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
    (secret,) = databases.query(mu_root, "SELECT value FROM app_settings WHERE key = 'jwt_secret'")[0]
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
