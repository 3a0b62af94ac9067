"""Auth API in multi-user mode: setup, login, me, sessions, logout, refresh, media cookie."""

from __future__ import annotations

import jwt
from fastapi.testclient import TestClient

from tests.conftest import AppFactory
from tests.factories import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    USER_PASSWORD,
    admin_token,
    bearer,
    login_as,
    make_user,
    setup_admin,
)


def test_anonymous_status_reports_setup_required_until_an_admin_exists(mu_client: TestClient) -> None:
    assert mu_client.get("/api/v1/auth/status").json() == {
        "setup_required": True,
        "multiuser_enabled": True,
        "strict_password_checking": False,
        "admin_email": None,
        "oidc": {"enabled": False, "display_name": None},
        "password_login": True,
    }
    setup_admin(mu_client)
    status = mu_client.get("/api/v1/auth/status").json()
    assert status["setup_required"] is False
    assert status["admin_email"] is None


def test_anonymous_setup_creates_admin_once(mu_client: TestClient) -> None:
    user = setup_admin(mu_client)
    assert user["is_admin"] is True and user["email"] == ADMIN_EMAIL
    assert "password_hash" not in user
    again = mu_client.post("/api/v1/auth/setup", json={"email": "x@example.com", "password": "pw"})
    assert again.status_code == 400
    assert again.json() == {"detail": "Administrator account already configured"}


def test_strict_setup_refuses_weak_password(make_client: AppFactory) -> None:
    client = make_client(multiuser=True, strict_password_checking=True)
    response = client.post("/api/v1/auth/setup", json={"email": ADMIN_EMAIL, "password": "weak"})
    assert response.status_code == 400
    assert "Password must contain" in response.json()["detail"]
    assert client.get("/api/v1/auth/status").json() == {
        "setup_required": True,
        "multiuser_enabled": True,
        "strict_password_checking": True,
        "admin_email": None,
        "oidc": {"enabled": False, "display_name": None},
        "password_login": True,
    }


def test_user_login_returns_token_user_and_lifetime(mu_client: TestClient) -> None:
    setup_admin(mu_client)
    response = mu_client.post(
        "/api/v1/auth/login", json={"email": ADMIN_EMAIL.upper(), "password": ADMIN_PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["expires_in"] == 24 * 3600
    assert body["user"]["email"] == ADMIN_EMAIL
    assert body["user"]["last_login_at"] is not None
    claims = jwt.decode(body["token"], options={"verify_signature": False})
    assert claims["sub"] == claims["user_id"] == body["user"]["user_id"]
    assert {"email", "is_admin", "remember_me", "token_epoch", "sid", "iat", "exp"} <= claims.keys()


def test_user_login_with_remember_me_lasts_seven_days(mu_client: TestClient) -> None:
    setup_admin(mu_client)
    response = mu_client.post(
        "/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "remember_me": True}
    )
    assert response.json()["expires_in"] == 7 * 24 * 3600


def test_login_sets_http_only_media_cookie(mu_client: TestClient) -> None:
    setup_admin(mu_client)
    response = mu_client.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("gesso_media_token=")
    assert "HttpOnly" in cookie and "Path=/api/v1" in cookie and "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # plain http here; https requests get Secure


def test_media_cookie_is_not_accepted_as_bearer_token(mu_client: TestClient) -> None:
    setup_admin(mu_client)
    response = mu_client.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    media_token = response.cookies["gesso_media_token"]
    assert mu_client.get("/api/v1/auth/me", headers=bearer(media_token)).status_code == 401


def test_media_cookie_endpoint_reissues_cookie_without_refresh_header(mu_client: TestClient) -> None:
    token = admin_token(mu_client)
    mu_client.cookies.clear()
    response = mu_client.post("/api/v1/auth/media-cookie", headers=bearer(token))
    assert response.status_code == 200 and response.json() == {"success": True}
    assert response.headers["set-cookie"].startswith("gesso_media_token=")
    assert "x-refreshed-token" not in response.headers


def test_wrong_password_and_unknown_email_get_the_same_401(mu_client: TestClient) -> None:
    setup_admin(mu_client)
    wrong = mu_client.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": "nope"})
    unknown = mu_client.post("/api/v1/auth/login", json={"email": "ghost@example.com", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Incorrect email or password"}
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_system_account_cannot_log_in(mu_client: TestClient) -> None:
    setup_admin(mu_client)
    response = mu_client.post("/api/v1/auth/login", json={"email": "system@system.local", "password": ""})
    assert response.status_code == 401


def test_user_me_returns_own_dto(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    created = make_user(mu_client, admin, "bob@example.com", display_name="Bob")
    token = login_as(mu_client, "bob@example.com", USER_PASSWORD)
    me = mu_client.get("/api/v1/auth/me", headers=bearer(token)).json()
    assert me["user_id"] == created["user_id"]
    assert me["display_name"] == "Bob" and me["is_admin"] is False
    assert set(me) == {
        "user_id", "email", "display_name", "is_admin", "is_active",
        "created_at", "updated_at", "last_login_at", "token_epoch", "must_change_password",
    }  # fmt: skip


def test_anonymous_me_is_401(mu_client: TestClient) -> None:
    setup_admin(mu_client)
    response = mu_client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}


def test_user_logout_revokes_token_immediately(mu_client: TestClient) -> None:
    token = admin_token(mu_client)
    response = mu_client.post("/api/v1/auth/logout", headers=bearer(token))
    assert response.status_code == 200 and response.json() == {"success": True}
    assert "x-refreshed-token" not in response.headers
    assert 'gesso_media_token=""' in response.headers["set-cookie"]
    assert mu_client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401


def test_user_lists_and_revokes_own_sessions(mu_client: TestClient) -> None:
    setup_admin(mu_client)
    first = login_as(mu_client, ADMIN_EMAIL, ADMIN_PASSWORD)
    second = login_as(mu_client, ADMIN_EMAIL, ADMIN_PASSWORD, remember_me=True)
    sessions = mu_client.get("/api/v1/auth/sessions", headers=bearer(first)).json()
    assert len(sessions) == 2
    assert [s["is_current"] for s in sessions].count(True) == 1
    other = next(s for s in sessions if not s["is_current"])
    assert other["remember_me"] is True

    assert (
        mu_client.delete(f"/api/v1/auth/sessions/{other['session_id']}", headers=bearer(first)).status_code
        == 200
    )
    assert mu_client.get("/api/v1/auth/me", headers=bearer(second)).status_code == 401
    assert mu_client.get("/api/v1/auth/me", headers=bearer(first)).status_code == 200


def test_user_cannot_revoke_someone_elses_session(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    make_user(mu_client, admin, "bob@example.com")
    bob = login_as(mu_client, "bob@example.com", USER_PASSWORD)
    admin_sid = jwt.decode(admin, options={"verify_signature": False})["sid"]
    assert mu_client.delete(f"/api/v1/auth/sessions/{admin_sid}", headers=bearer(bob)).status_code == 404
    assert mu_client.get("/api/v1/auth/me", headers=bearer(admin)).status_code == 200


def test_logout_all_revokes_every_session(mu_client: TestClient) -> None:
    setup_admin(mu_client)
    first = login_as(mu_client, ADMIN_EMAIL, ADMIN_PASSWORD)
    second = login_as(mu_client, ADMIN_EMAIL, ADMIN_PASSWORD)
    response = mu_client.post("/api/v1/auth/logout_all", headers=bearer(first))
    assert response.json() == {"success": True, "revoked": 2}
    for token in (first, second):
        assert mu_client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401


def test_successful_mutation_returns_a_refreshed_token_and_get_does_not(mu_client: TestClient) -> None:
    token = admin_token(mu_client)
    assert "x-refreshed-token" not in mu_client.get("/api/v1/auth/me", headers=bearer(token)).headers
    response = mu_client.patch("/api/v1/auth/me", json={"display_name": "Boss"}, headers=bearer(token))
    refreshed = response.headers["x-refreshed-token"]
    old, new = (jwt.decode(t, options={"verify_signature": False}) for t in (token, refreshed))
    assert new["sid"] == old["sid"] and new["exp"] >= old["exp"]
    assert mu_client.get("/api/v1/auth/me", headers=bearer(refreshed)).json()["display_name"] == "Boss"


def test_failed_mutation_returns_no_refreshed_token(mu_client: TestClient) -> None:
    token = admin_token(mu_client)
    response = mu_client.patch(
        "/api/v1/auth/me", json={"current_password": "wrong", "new_password": "x"}, headers=bearer(token)
    )
    assert response.status_code == 400
    assert "x-refreshed-token" not in response.headers


def test_refreshed_token_keeps_remember_me_lifetime(mu_client: TestClient) -> None:
    setup_admin(mu_client)
    token = login_as(mu_client, ADMIN_EMAIL, ADMIN_PASSWORD, remember_me=True)
    response = mu_client.patch("/api/v1/auth/me", json={"display_name": "A"}, headers=bearer(token))
    claims = jwt.decode(response.headers["x-refreshed-token"], options={"verify_signature": False})
    assert claims["remember_me"] is True and claims["exp"] - claims["iat"] == 7 * 24 * 3600


def test_own_password_change_kills_old_tokens_and_refreshes_the_caller(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    make_user(mu_client, admin, "bob@example.com")
    bob = login_as(mu_client, "bob@example.com", USER_PASSWORD)
    bob_elsewhere = login_as(mu_client, "bob@example.com", USER_PASSWORD)
    response = mu_client.patch(
        "/api/v1/auth/me",
        json={"current_password": USER_PASSWORD, "new_password": "Another-pass2"},
        headers=bearer(bob),
    )
    assert response.status_code == 200
    assert response.json()["token_epoch"] == 1
    replacement = response.headers["x-refreshed-token"]
    assert mu_client.get("/api/v1/auth/me", headers=bearer(bob)).status_code == 401
    assert mu_client.get("/api/v1/auth/me", headers=bearer(bob_elsewhere)).status_code == 401
    assert mu_client.get("/api/v1/auth/me", headers=bearer(replacement)).status_code == 200
    login_as(mu_client, "bob@example.com", "Another-pass2")


def test_own_password_change_requires_current_password(mu_client: TestClient) -> None:
    token = admin_token(mu_client)
    response = mu_client.patch("/api/v1/auth/me", json={"new_password": "x"}, headers=bearer(token))
    assert response.status_code == 400
    assert response.json()["detail"] == "Current password is required to set a new password"


def test_generate_password_is_strong(mu_client: TestClient) -> None:
    token = admin_token(mu_client)
    password = mu_client.get("/api/v1/auth/generate-password", headers=bearer(token)).json()["password"]
    assert len(password) == 16
    assert any(c.isupper() for c in password) and any(c.islower() for c in password)
    assert any(c.isdigit() for c in password)
