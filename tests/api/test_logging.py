"""Logs never contain passwords, tokens or the JWT secret, even at DEBUG."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from tests.factories import bearer, login_as, make_user, setup_admin

PASSWORD = "Very-secret-pw9"


def test_debug_logs_of_a_full_login_flow_hold_no_secrets(
    mu_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    services = mu_client.app.state.services  # type: ignore[attr-defined]
    with caplog.at_level(logging.DEBUG):
        setup_admin(mu_client, password=PASSWORD)
        token = login_as(mu_client, "admin@example.com", PASSWORD)
        mu_client.get("/api/v1/auth/me", headers=bearer(token))
        make_user(mu_client, token, "bob@example.com", password=PASSWORD)
        mu_client.post(
            "/api/v1/auth/login", json={"email": "bob@example.com", "password": "wrong-" + PASSWORD}
        )
        mu_client.get("/api/v1/auth/me", headers=bearer(token + "x"))
        response = mu_client.patch(
            "/api/v1/auth/me",
            json={"current_password": PASSWORD, "new_password": PASSWORD + "2"},
            headers=bearer(token),
        )
        refreshed = response.headers["x-refreshed-token"]
        mu_client.post("/api/v1/auth/logout", headers=bearer(refreshed))

    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert caplog.records, "the flow should have logged something at DEBUG"
    secret = services.app_settings.jwt_secret()
    for forbidden in (PASSWORD, token, refreshed, secret, token.split(".")[2]):
        assert forbidden not in text


def test_info_level_is_quiet_for_ordinary_requests(
    mu_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    setup_admin(mu_client, password=PASSWORD)
    token = login_as(mu_client, "admin@example.com", PASSWORD)
    with caplog.at_level(logging.INFO, logger="gesso"):
        for _ in range(5):
            mu_client.get("/api/v1/auth/me", headers=bearer(token))
            mu_client.get("/api/v1/auth/me")
    assert [r for r in caplog.records if r.name.startswith("gesso") and r.levelno >= logging.INFO] == []
