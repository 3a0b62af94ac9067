"""Factories that build real users and sessions through the real API (nothing mocked)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "Admin-pass1"
USER_PASSWORD = "User-pass1"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def setup_admin(
    client: TestClient, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/auth/setup", json={"email": email, "password": password, "display_name": "Admin"}
    )
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()["user"]
    return user


def login_as(client: TestClient, email: str, password: str, remember_me: bool = False) -> str:
    response = client.post(
        "/api/v1/auth/login", json={"email": email, "password": password, "remember_me": remember_me}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def admin_token(client: TestClient) -> str:
    """Set up the administrator (once) and log in as them."""
    status = client.get("/api/v1/auth/status").json()
    if status["setup_required"]:
        setup_admin(client)
    return login_as(client, ADMIN_EMAIL, ADMIN_PASSWORD)


def make_user(
    client: TestClient,
    admin: str,
    email: str,
    password: str = USER_PASSWORD,
    *,
    is_admin: bool = False,
    display_name: str | None = None,
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/auth/users",
        json={"email": email, "password": password, "is_admin": is_admin, "display_name": display_name},
        headers=bearer(admin),
    )
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user
