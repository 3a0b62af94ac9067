"""Single-user mode: no login anywhere, every request is the synthetic `system` administrator."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import AppFactory
from tests.factories import USER_PASSWORD, bearer


def test_status_reports_single_user(su_client: TestClient) -> None:
    assert su_client.get("/api/v1/auth/status").json() == {
        "setup_required": False,
        "multiuser_enabled": False,
        "strict_password_checking": False,
        "admin_email": None,
        "oidc": {"enabled": False, "display_name": None},
        "password_login": True,
    }


def test_login_and_setup_are_403_with_a_clear_message(su_client: TestClient) -> None:
    for path, body in (
        ("/api/v1/auth/login", {"email": "a@example.com", "password": "pw"}),
        ("/api/v1/auth/setup", {"email": "a@example.com", "password": "pw"}),
    ):
        response = su_client.post(path, json=body)
        assert response.status_code == 403
        assert "Multi-user mode is off" in response.json()["detail"]


def test_me_is_the_system_admin_without_a_token(su_client: TestClient) -> None:
    me = su_client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["user_id"] == "system"
    assert me.json()["is_admin"] is True
    assert me.json()["email"] == "system@system.local"


def test_a_token_is_ignored_not_rejected(su_client: TestClient) -> None:
    assert su_client.get("/api/v1/auth/me", headers=bearer("garbage")).status_code == 200


def test_user_management_works_for_the_synthetic_admin(su_client: TestClient) -> None:
    created = su_client.post(
        "/api/v1/auth/users", json={"email": "later@example.com", "password": USER_PASSWORD}
    )
    assert created.status_code == 201
    assert [u["email"] for u in su_client.get("/api/v1/auth/users").json()] == ["later@example.com"]


def test_system_account_cannot_be_given_a_password(su_client: TestClient) -> None:
    response = su_client.patch("/api/v1/auth/me", json={"current_password": "", "new_password": "pw"})
    assert response.status_code == 400
    assert "system user" in response.json()["detail"]


def test_mutations_carry_no_refreshed_token(su_client: TestClient) -> None:
    response = su_client.patch("/api/v1/auth/me", json={"display_name": "Me"})
    assert response.status_code == 200
    assert "x-refreshed-token" not in response.headers


def test_users_created_in_single_user_mode_can_log_in_after_switching(make_client: AppFactory) -> None:
    single = make_client()
    single.post(
        "/api/v1/auth/users", json={"email": "boss@example.com", "password": USER_PASSWORD, "is_admin": True}
    )
    multi = make_client(multiuser=True)
    assert multi.get("/api/v1/auth/status").json()["setup_required"] is False
    response = multi.post("/api/v1/auth/login", json={"email": "boss@example.com", "password": USER_PASSWORD})
    assert response.status_code == 200 and response.json()["user"]["is_admin"] is True
