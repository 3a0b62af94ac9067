"""A malformed e-mail address is a 422 request-validation error naming the field (SPEC §13), on
setup, login and user creation, as InvokeAI's email fields answer; reserved domains such as
`.local` stay accepted, and nothing is created or counted against the login throttle."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, admin_token, bearer, login_as

MALFORMED = [
    "not-an-email",
    "a@@example.com",
    "alice@",
    "@example.com",
    "alice@exa mple.com",
    "alice@-bad-.com",
]


def assert_email_422(response: Any) -> None:
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert [e["loc"] for e in errors] == [["body", "email"]]
    assert errors[0]["type"] == "value_error"
    assert errors[0]["msg"].startswith("value is not a valid email address: ")


@pytest.mark.parametrize("email", MALFORMED)
def test_anonymous_setup_with_malformed_email_is_422_and_sets_nothing_up(
    mu_client: TestClient, email: str
) -> None:
    response = mu_client.post("/api/v1/auth/setup", json={"email": email, "password": "pw"})
    assert_email_422(response)
    assert mu_client.get("/api/v1/auth/status").json()["setup_required"] is True


@pytest.mark.parametrize("email", MALFORMED)
def test_anonymous_login_with_malformed_email_is_422(mu_client: TestClient, email: str) -> None:
    admin_token(mu_client)
    assert_email_422(mu_client.post("/api/v1/auth/login", json={"email": email, "password": "pw"}))


def test_malformed_logins_do_not_count_against_the_throttle(mu_client: TestClient) -> None:
    admin_token(mu_client)
    for _ in range(30):  # more than the per-IP (20) and per-account (5) limits
        response = mu_client.post("/api/v1/auth/login", json={"email": "nobody", "password": "x"})
        assert response.status_code == 422
    assert login_as(mu_client, ADMIN_EMAIL, ADMIN_PASSWORD)


@pytest.mark.parametrize("email", MALFORMED)
def test_admin_creating_user_with_malformed_email_is_422(mu_client: TestClient, email: str) -> None:
    admin = admin_token(mu_client)
    response = mu_client.post(
        "/api/v1/auth/users", json={"email": email, "password": "pw"}, headers=bearer(admin)
    )
    assert_email_422(response)
    listing = mu_client.get("/api/v1/auth/users", headers=bearer(admin)).json()
    assert [u["email"] for u in listing] == [ADMIN_EMAIL]


def test_reserved_domains_are_accepted_and_log_in(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    response = mu_client.post(
        "/api/v1/auth/users", json={"email": "Alice@Home.LOCAL", "password": "pw"}, headers=bearer(admin)
    )
    assert response.status_code == 201, response.text
    assert response.json()["email"] == "Alice@home.local"
    assert login_as(mu_client, "alice@home.local", "pw")


def test_setup_with_local_domain_works(mu_client: TestClient) -> None:
    response = mu_client.post("/api/v1/auth/setup", json={"email": "root@nas.local", "password": "pw"})
    assert response.status_code == 200, response.text
    assert response.json()["user"]["email"] == "root@nas.local"


def test_overlong_email_is_422(mu_client: TestClient) -> None:
    response = mu_client.post(
        "/api/v1/auth/login", json={"email": "a" * 400 + "@example.com", "password": "pw"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "email"]
