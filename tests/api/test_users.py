"""User management API (`/api/v1/auth/users`) and its effect on live tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user


def test_admin_creates_user_with_201_and_no_hash(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    user = make_user(mu_client, admin, "bob@example.com", display_name="Bob")
    assert user["is_admin"] is False and user["is_active"] is True and user["display_name"] == "Bob"
    assert set(user) & {"password", "password_hash"} == set()
    assert "argon2" not in str(user) and USER_PASSWORD not in str(user)


def test_admin_create_duplicate_email_in_other_case_is_400(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    make_user(mu_client, admin, "bob@example.com")
    response = mu_client.post(
        "/api/v1/auth/users", json={"email": "BOB@example.com", "password": "pw"}, headers=bearer(admin)
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "A user with this email already exists"}


def test_admin_lists_users_newest_first_without_system_and_without_cap(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    for n in range(3):
        make_user(mu_client, admin, f"user{n}@example.com")
    listing = mu_client.get("/api/v1/auth/users", headers=bearer(admin)).json()
    assert [u["email"] for u in listing] == [
        "user2@example.com", "user1@example.com", "user0@example.com", "admin@example.com",
    ]  # fmt: skip
    assert all(u["user_id"] != "system" for u in listing)
    page = mu_client.get("/api/v1/auth/users?offset=1&limit=2", headers=bearer(admin)).json()
    assert [u["email"] for u in page] == ["user1@example.com", "user0@example.com"]


def test_user_cannot_manage_users(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    bob_id = make_user(mu_client, admin, "bob@example.com")["user_id"]
    bob = login_as(mu_client, "bob@example.com", USER_PASSWORD)
    calls = [
        ("GET", "/api/v1/auth/users", None),
        ("POST", "/api/v1/auth/users", {"email": "x@example.com", "password": "pw"}),
        ("GET", f"/api/v1/auth/users/{bob_id}", None),
        ("PATCH", f"/api/v1/auth/users/{bob_id}", {"is_admin": True}),
        ("DELETE", f"/api/v1/auth/users/{bob_id}", None),
    ]
    for method, path, body in calls:
        response = mu_client.request(method, path, json=body, headers=bearer(bob))
        assert response.status_code == 403, (method, path)
        assert response.json() == {"detail": "Administrator privileges required"}
    assert mu_client.get(f"/api/v1/auth/users/{bob_id}", headers=bearer(admin)).json()["is_admin"] is False


def test_admin_unknown_user_is_404_and_system_is_400(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    for method in ("GET", "PATCH", "DELETE"):
        body = {"display_name": "x"} if method == "PATCH" else None
        assert (
            mu_client.request(method, "/api/v1/auth/users/nope", json=body, headers=bearer(admin)).status_code
            == 404
        )
        response = mu_client.request(method, "/api/v1/auth/users/system", json=body, headers=bearer(admin))
        assert response.status_code == 400, method
        assert "system user" in response.json()["detail"]


def test_admin_cannot_remove_the_last_administrator(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    admin_id = mu_client.get("/api/v1/auth/me", headers=bearer(admin)).json()["user_id"]
    for method, body in (("PATCH", {"is_admin": False}), ("PATCH", {"is_active": False}), ("DELETE", None)):
        response = mu_client.request(
            method, f"/api/v1/auth/users/{admin_id}", json=body, headers=bearer(admin)
        )
        assert response.status_code == 400
        assert response.json() == {"detail": "Cannot remove the last administrator"}
    assert mu_client.get("/api/v1/auth/me", headers=bearer(admin)).json()["is_admin"] is True


def test_demotion_applies_on_the_very_next_request(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    carol = make_user(mu_client, admin, "carol@example.com", is_admin=True)
    carol_token = login_as(mu_client, "carol@example.com", USER_PASSWORD)
    assert mu_client.get("/api/v1/auth/users", headers=bearer(carol_token)).status_code == 200
    mu_client.patch(f"/api/v1/auth/users/{carol['user_id']}", json={"is_admin": False}, headers=bearer(admin))
    assert mu_client.get("/api/v1/auth/users", headers=bearer(carol_token)).status_code == 403
    mu_client.patch(f"/api/v1/auth/users/{carol['user_id']}", json={"is_admin": True}, headers=bearer(admin))
    assert mu_client.get("/api/v1/auth/users", headers=bearer(carol_token)).status_code == 200


def test_deactivation_kills_tokens_and_blocks_login_after_correct_password(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    bob = make_user(mu_client, admin, "bob@example.com")
    token = login_as(mu_client, "bob@example.com", USER_PASSWORD)
    before = mu_client.get(f"/api/v1/auth/users/{bob['user_id']}", headers=bearer(admin)).json()[
        "last_login_at"
    ]
    mu_client.patch(f"/api/v1/auth/users/{bob['user_id']}", json={"is_active": False}, headers=bearer(admin))

    assert mu_client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
    disabled = mu_client.post(
        "/api/v1/auth/login", json={"email": "bob@example.com", "password": USER_PASSWORD}
    )
    assert disabled.status_code == 403
    assert disabled.json() == {"detail": "User account is disabled"}
    wrong = mu_client.post("/api/v1/auth/login", json={"email": "bob@example.com", "password": "wrong"})
    assert wrong.status_code == 401  # a disabled account is only revealed after a correct password
    after = mu_client.get(f"/api/v1/auth/users/{bob['user_id']}", headers=bearer(admin)).json()[
        "last_login_at"
    ]
    assert after == before


def test_admin_password_reset_bumps_epoch_and_kills_user_tokens(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    bob = make_user(mu_client, admin, "bob@example.com")
    token = login_as(mu_client, "bob@example.com", USER_PASSWORD)
    response = mu_client.patch(
        f"/api/v1/auth/users/{bob['user_id']}", json={"password": "Reset-pass3"}, headers=bearer(admin)
    )
    assert response.json()["token_epoch"] == 1
    assert mu_client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
    login_as(mu_client, "bob@example.com", "Reset-pass3")


def test_admin_resetting_own_password_gets_a_working_replacement(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    admin_id = mu_client.get("/api/v1/auth/me", headers=bearer(admin)).json()["user_id"]
    response = mu_client.patch(
        f"/api/v1/auth/users/{admin_id}", json={"password": "New-admin1"}, headers=bearer(admin)
    )
    assert mu_client.get("/api/v1/auth/me", headers=bearer(admin)).status_code == 401
    replacement = response.headers["x-refreshed-token"]
    assert mu_client.get("/api/v1/auth/me", headers=bearer(replacement)).status_code == 200


def test_deleted_user_token_is_refused_and_delete_is_204(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    bob = make_user(mu_client, admin, "bob@example.com")
    token = login_as(mu_client, "bob@example.com", USER_PASSWORD)
    response = mu_client.delete(f"/api/v1/auth/users/{bob['user_id']}", headers=bearer(admin))
    assert response.status_code == 204 and response.content == b""
    assert mu_client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
    assert mu_client.get(f"/api/v1/auth/users/{bob['user_id']}", headers=bearer(admin)).status_code == 404


def test_delete_with_unknown_reassign_target_is_400_and_keeps_user(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    bob = make_user(mu_client, admin, "bob@example.com")
    response = mu_client.delete(
        f"/api/v1/auth/users/{bob['user_id']}?reassign_to=ghost", headers=bearer(admin)
    )
    assert response.status_code == 400
    assert "reassign_to" in response.json()["detail"]
    assert mu_client.get(f"/api/v1/auth/users/{bob['user_id']}", headers=bearer(admin)).status_code == 200
