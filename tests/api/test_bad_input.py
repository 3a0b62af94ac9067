"""Bad input gets a clear 4xx and changes nothing: wrong types, missing fields, malformed JSON,
huge bodies, unicode, SQL and HTML in strings."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.factories import admin_token, bearer


@pytest.fixture
def admin(mu_client: TestClient) -> str:
    return admin_token(mu_client)


def user_emails(client: TestClient, admin: str) -> list[str]:
    return [u["email"] for u in client.get("/api/v1/auth/users", headers=bearer(admin)).json()]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "x@example.com"},
        {"email": 123, "password": "pw"},
        {"email": "x@example.com", "password": ["pw"]},
        {"email": "x@example.com", "password": "pw", "is_admin": "maybe"},
        [],
        "just a string",
    ],
)
def test_wrong_shapes_are_422_naming_the_field(mu_client: TestClient, admin: str, body: object) -> None:
    response = mu_client.post("/api/v1/auth/users", json=body, headers=bearer(admin))
    assert response.status_code == 422
    assert response.json()["detail"]
    assert user_emails(mu_client, admin) == ["admin@example.com"]


def test_malformed_json_is_422(mu_client: TestClient, admin: str) -> None:
    response = mu_client.post(
        "/api/v1/auth/users",
        content=b'{"email": "x@example.com", "password": ',
        headers={**bearer(admin), "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_ten_megabyte_body_is_rejected_with_4xx(mu_client: TestClient, admin: str) -> None:
    huge = "a" * (10 * 1024 * 1024)
    for path, body in (
        ("/api/v1/auth/users", {"email": huge + "@example.com", "password": "pw"}),
        ("/api/v1/auth/users", {"email": "big@example.com", "password": huge}),
        ("/api/v1/auth/login", {"email": "admin@example.com", "password": huge}),
    ):
        response = mu_client.post(path, json=body, headers=bearer(admin))
        assert 400 <= response.status_code < 500, path
    assert user_emails(mu_client, admin) == ["admin@example.com"]


@pytest.mark.parametrize(
    "display_name",
    ["Zoë ☃ 山田", "Robert'); DROP TABLE users;--", "<script>alert(1)</script>", "\u202etxt.exe"],
)
def test_unicode_sql_and_html_are_stored_verbatim(
    mu_client: TestClient, admin: str, display_name: str
) -> None:
    response = mu_client.post(
        "/api/v1/auth/users",
        json={"email": "odd@example.com", "password": "pw", "display_name": display_name},
        headers=bearer(admin),
    )
    assert response.status_code == 201
    assert response.json()["display_name"] == display_name
    assert response.headers["content-type"] == "application/json"
    assert sorted(user_emails(mu_client, admin)) == ["admin@example.com", "odd@example.com"]


def test_sql_in_login_email_is_malformed_or_just_a_failed_login(mu_client: TestClient, admin: str) -> None:
    response = mu_client.post("/api/v1/auth/login", json={"email": "' OR 1=1 --", "password": "x"})
    assert response.status_code == 422  # not an e-mail address at all
    response = mu_client.post("/api/v1/auth/login", json={"email": "admin'--@example.com", "password": "x"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Incorrect email or password"}


def test_negative_paging_is_422(mu_client: TestClient, admin: str) -> None:
    assert mu_client.get("/api/v1/auth/users?offset=-1", headers=bearer(admin)).status_code == 422
    assert mu_client.get("/api/v1/auth/users?limit=0", headers=bearer(admin)).status_code == 422
    assert mu_client.get("/api/v1/auth/users?limit=abc", headers=bearer(admin)).status_code == 422


def test_unknown_api_path_is_json_404_not_the_web_page(mu_client: TestClient) -> None:
    for path in ("/api/v1/nope", "/api/v2/models/nothing", "/ws/other"):
        response = mu_client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not Found"}


def test_get_with_json_content_type_is_accepted(mu_client: TestClient) -> None:
    response = mu_client.get("/api/v1/app/version", headers={"Content-Type": "application/json"})
    assert response.status_code == 200
