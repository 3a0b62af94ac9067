"""Personal API tokens (SPEC §16): creation, the secret shown once and stored only as a hash,
scopes ∩ role, what a token may never do, revocation, deactivation, expiry, `last_used_at`."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user
from tests.gallery_helpers import upload_response

TOKENS = "/api/v1/auth/tokens"


def create_token(
    client: TestClient, session: str, scopes: list[str], name: str = "script", **extra: Any
) -> dict[str, Any]:
    response = client.post(TOKENS, json={"name": name, "scopes": scopes, **extra}, headers=bearer(session))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def admin(mu_client: TestClient) -> str:
    return admin_token(mu_client)


@pytest.fixture
def alice(mu_client: TestClient, admin: str) -> dict[str, Any]:
    user = make_user(mu_client, admin, "alice@example.com")
    return {**user, "session": login_as(mu_client, "alice@example.com", USER_PASSWORD)}


def engine(client: TestClient) -> sa.Engine:
    return client.app.state.services.db.engine  # type: ignore[attr-defined,no-any-return]


def test_create_shows_the_secret_once_and_stores_only_its_hash(
    mu_client: TestClient, alice: dict[str, Any]
) -> None:
    created = create_token(mu_client, alice["session"], ["read", "generate"], expires_in_days=30)
    secret = created["token"]
    assert secret.startswith("gsk_") and len(secret) >= 4 + 43  # 32 random bytes, base64url
    assert created["prefix"] == secret[:12]
    assert created["scopes"] == ["read", "generate"]
    assert created["last_used_at"] is None
    expires = datetime.fromisoformat(created["expires_at"]) - datetime.fromisoformat(created["created_at"])
    assert expires == timedelta(days=30)

    listed = mu_client.get(TOKENS, headers=bearer(alice["session"])).json()
    assert [t["token_id"] for t in listed] == [created["token_id"]]
    assert "token" not in listed[0] and secret not in str(listed)

    with engine(mu_client).connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.text("SELECT * FROM api_tokens"))]
    assert secret not in str(rows)
    assert rows[0]["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()


def test_secrets_are_unique(mu_client: TestClient, alice: dict[str, Any]) -> None:
    secrets = {create_token(mu_client, alice["session"], ["read"])["token"] for _ in range(5)}
    assert len(secrets) == 5


def test_default_expiry_is_90_days(mu_client: TestClient, alice: dict[str, Any]) -> None:
    created = create_token(mu_client, alice["session"], ["read"])
    expires = datetime.fromisoformat(created["expires_at"]) - datetime.fromisoformat(created["created_at"])
    assert expires == timedelta(days=90)


def test_a_token_authenticates_as_its_user_without_refreshed_tokens(
    mu_client: TestClient, alice: dict[str, Any]
) -> None:
    token = create_token(mu_client, alice["session"], ["read", "gallery"])["token"]
    me = mu_client.get("/api/v1/auth/me", headers=bearer(token))
    assert me.status_code == 200 and me.json()["email"] == "alice@example.com"
    created = mu_client.post("/api/v1/boards/", params={"board_name": "B"}, headers=bearer(token))
    assert created.status_code == 201
    assert "x-refreshed-token" not in created.headers


@pytest.mark.parametrize(
    ("scopes", "method", "path", "kwargs", "expected"),
    [
        (["read"], "GET", "/api/v1/boards/", {"params": {"all": "true"}}, 200),
        (["read"], "POST", "/api/v1/boards/", {"params": {"board_name": "x"}}, 403),
        (["gallery"], "GET", "/api/v1/boards/", {"params": {"all": "true"}}, 403),
        (["gallery"], "POST", "/api/v1/boards/", {"params": {"board_name": "x"}}, 201),
        (["read"], "POST", "/api/v1/images/images_by_names", {"json": {"image_names": []}}, 200),
        (["gallery"], "POST", "/api/v1/images/star", {"json": {"image_names": []}}, 200),
        (["generate"], "POST", "/api/v1/images/star", {"json": {"image_names": []}}, 403),
        (["read"], "PUT", "/api/v1/queue/default/prune", {}, 403),
        (["generate"], "PUT", "/api/v1/queue/default/prune", {}, 200),
        (
            ["generate"],
            "POST",
            "/api/v1/client_state/default/set_by_key",
            {"params": {"key": "k"}, "json": "v"},
            200,
        ),
        (["read"], "GET", "/api/v2/models/", {}, 200),
    ],
)
def test_each_route_group_needs_its_scope(
    mu_client: TestClient,
    alice: dict[str, Any],
    scopes: list[str],
    method: str,
    path: str,
    kwargs: dict[str, Any],
    expected: int,
) -> None:
    token = create_token(mu_client, alice["session"], scopes)["token"]
    response = mu_client.request(method, path, headers=bearer(token), **kwargs)
    assert response.status_code == expected, response.text
    if expected == 403:
        needed = "read" if method == "GET" else response.json()["detail"].split("'")[1]
        assert f"lacks the '{needed}' scope" in response.json()["detail"]
        assert needed not in scopes


def test_upload_needs_generate(mu_client: TestClient, alice: dict[str, Any]) -> None:
    gallery = create_token(mu_client, alice["session"], ["gallery"])["token"]
    refused = upload_response(mu_client, gallery)
    assert refused.status_code == 403 and "'generate'" in refused.json()["detail"]
    generate = create_token(mu_client, alice["session"], ["generate"])["token"]
    assert upload_response(mu_client, generate).status_code == 201


def test_effective_rights_are_scopes_intersected_with_the_current_role(
    mu_client: TestClient, admin: str, alice: dict[str, Any]
) -> None:
    alice_admin_scope = create_token(mu_client, alice["session"], ["read", "admin", "models"])["token"]
    assert mu_client.get("/api/v1/auth/users", headers=bearer(alice_admin_scope)).status_code == 403
    assert mu_client.delete("/api/v2/models/i/nope", headers=bearer(alice_admin_scope)).status_code == 403

    admin_read_only = create_token(mu_client, admin, ["read"])["token"]
    assert mu_client.get("/api/v1/auth/users", headers=bearer(admin_read_only)).status_code == 200
    body = {"email": "bob@example.com", "password": USER_PASSWORD}
    refused = mu_client.post("/api/v1/auth/users", json=body, headers=bearer(admin_read_only))
    assert refused.status_code == 403 and "'admin'" in refused.json()["detail"]

    admin_scoped = create_token(mu_client, admin, ["admin"])["token"]
    assert mu_client.post("/api/v1/auth/users", json=body, headers=bearer(admin_scoped)).status_code == 201
    # Demote the administrator: the same token loses the admin routes on the next request.
    other_admin = make_user(mu_client, admin, "root2@example.com", is_admin=True)
    admin_id = mu_client.get("/api/v1/auth/me", headers=bearer(admin)).json()["user_id"]
    second = login_as(mu_client, other_admin["email"], USER_PASSWORD)
    demoted = mu_client.patch(
        f"/api/v1/auth/users/{admin_id}", json={"is_admin": False}, headers=bearer(second)
    )
    assert demoted.status_code == 200
    assert mu_client.get("/api/v1/auth/users", headers=bearer(admin_scoped)).status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", TOKENS, {"name": "x", "scopes": ["read"]}),
        ("DELETE", f"{TOKENS}/anything", None),
        ("PATCH", "/api/v1/auth/me", {"current_password": USER_PASSWORD, "new_password": "New-passw0rd!"}),
        ("POST", "/api/v1/auth/logout", None),
        ("POST", "/api/v1/auth/logout_all", None),
        ("DELETE", "/api/v1/auth/sessions/whatever", None),
        ("POST", "/api/v1/auth/media-cookie", None),
    ],
)
def test_a_token_can_never_manage_credentials(
    mu_client: TestClient, alice: dict[str, Any], method: str, path: str, body: dict[str, Any] | None
) -> None:
    token = create_token(mu_client, alice["session"], ["read", "generate", "gallery", "models", "admin"])[
        "token"
    ]
    response = mu_client.request(method, path, json=body, headers=bearer(token))
    assert response.status_code == 403, response.text
    assert "sign in with your password" in response.json()["detail"]
    # Nothing changed: the password still works and the session is alive.
    assert mu_client.get("/api/v1/auth/me", headers=bearer(alice["session"])).status_code == 200
    login_as(mu_client, "alice@example.com", USER_PASSWORD)


def test_a_token_cannot_reset_a_password_even_for_an_admin(
    mu_client: TestClient, admin: str, alice: dict[str, Any]
) -> None:
    token = create_token(mu_client, admin, ["read", "admin"])["token"]
    path = f"/api/v1/auth/users/{alice['user_id']}"
    response = mu_client.patch(path, json={"password": "Other-passw0rd"}, headers=bearer(token))
    assert response.status_code == 403
    login_as(mu_client, "alice@example.com", USER_PASSWORD)
    renamed = mu_client.patch(path, json={"display_name": "Alice A."}, headers=bearer(token))
    assert renamed.status_code == 200


def test_deactivation_and_deletion_kill_tokens_at_once_password_change_does_not(
    mu_client: TestClient, admin: str, alice: dict[str, Any]
) -> None:
    token = create_token(mu_client, alice["session"], ["read"])["token"]
    changed = mu_client.patch(
        "/api/v1/auth/me",
        json={"current_password": USER_PASSWORD, "new_password": "Changed-passw0rd"},
        headers=bearer(alice["session"]),
    )
    assert changed.status_code == 200
    assert mu_client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200

    path = f"/api/v1/auth/users/{alice['user_id']}"
    assert mu_client.patch(path, json={"is_active": False}, headers=bearer(admin)).status_code == 200
    assert mu_client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
    assert mu_client.patch(path, json={"is_active": True}, headers=bearer(admin)).status_code == 200
    assert mu_client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200
    assert mu_client.delete(path, headers=bearer(admin)).status_code == 204
    assert mu_client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401


def test_revoke_own_token_and_admins_revoke_anyones(
    mu_client: TestClient, admin: str, alice: dict[str, Any]
) -> None:
    first = create_token(mu_client, alice["session"], ["read"])
    second = create_token(mu_client, alice["session"], ["read"])
    bob = make_user(mu_client, admin, "bob@example.com")
    bob_session = login_as(mu_client, bob["email"], USER_PASSWORD)

    foreign = mu_client.delete(f"{TOKENS}/{first['token_id']}", headers=bearer(bob_session))
    assert foreign.status_code == 404
    assert mu_client.get(TOKENS, params={"all": "true"}, headers=bearer(bob_session)).status_code == 403

    revoked = mu_client.delete(f"{TOKENS}/{first['token_id']}", headers=bearer(alice["session"]))
    assert revoked.status_code == 204
    assert mu_client.get("/api/v1/auth/me", headers=bearer(first["token"])).status_code == 401
    assert (
        mu_client.delete(f"{TOKENS}/{first['token_id']}", headers=bearer(alice["session"])).status_code == 404
    )

    everyone = mu_client.get(TOKENS, params={"all": "true"}, headers=bearer(admin)).json()
    assert [(t["token_id"], t["user_id"]) for t in everyone] == [(second["token_id"], alice["user_id"])]
    assert mu_client.delete(f"{TOKENS}/{second['token_id']}", headers=bearer(admin)).status_code == 204
    assert mu_client.get("/api/v1/auth/me", headers=bearer(second["token"])).status_code == 401
    assert mu_client.get(TOKENS, headers=bearer(alice["session"])).json() == []


def test_expired_and_forged_tokens_are_401(mu_client: TestClient, alice: dict[str, Any]) -> None:
    created = create_token(mu_client, alice["session"], ["read"])
    past = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=1)
    with engine(mu_client).begin() as conn:
        conn.execute(sa.text("UPDATE api_tokens SET expires_at = :t"), {"t": past})
    assert mu_client.get("/api/v1/auth/me", headers=bearer(created["token"])).status_code == 401
    for forged in ("gsk_", "gsk_" + "A" * 43, created["token"][:-1], created["token"] + "x"):
        assert mu_client.get("/api/v1/auth/me", headers=bearer(forged)).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(mu_client: TestClient, alice: dict[str, Any]) -> None:
    created = create_token(mu_client, alice["session"], ["read"])
    mu_client.get("/api/v1/auth/me", headers=bearer(created["token"]))
    first = mu_client.get(TOKENS, headers=bearer(alice["session"])).json()[0]["last_used_at"]
    assert first is not None
    time.sleep(0.01)
    mu_client.get("/api/v1/auth/me", headers=bearer(created["token"]))
    assert mu_client.get(TOKENS, headers=bearer(alice["session"])).json()[0]["last_used_at"] == first
    old = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=2)
    with engine(mu_client).begin() as conn:
        conn.execute(sa.text("UPDATE api_tokens SET last_used_at = :t"), {"t": old})
    mu_client.get("/api/v1/auth/me", headers=bearer(created["token"]))
    again = mu_client.get(TOKENS, headers=bearer(alice["session"])).json()[0]["last_used_at"]
    assert datetime.fromisoformat(again) > datetime.fromisoformat(first) - timedelta(seconds=1)
    assert datetime.fromisoformat(again).replace(tzinfo=None) > old + timedelta(minutes=1)


def test_a_token_in_the_url_is_refused(mu_client: TestClient, alice: dict[str, Any]) -> None:
    token = create_token(mu_client, alice["session"], ["read"])["token"]
    for params in ({"token": token}, {"access_token": token}):
        anonymous = mu_client.get("/api/v1/boards/", params=params)
        assert anonymous.status_code == 401
        with_header = mu_client.get("/api/v1/boards/", params=params, headers=bearer(token))
        assert with_header.status_code == 401
        assert "Authorization header" in with_header.json()["detail"]
    media = mu_client.get("/api/v1/images/i/x.png/full", params={"token": token})
    assert media.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "scopes": ["read", "everything"]}, "scopes"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "x"}, "scopes"),
        ({"name": "x", "scopes": ["read"], "expires_in_days": 0}, "expires_in_days"),
        ({"name": "x", "scopes": ["read"], "expires_in_days": -5}, "expires_in_days"),
        ({"name": "x", "scopes": ["read"], "expires_in_days": 366}, "expires_in_days"),
        ({"name": "   ", "scopes": ["read"]}, "name"),
        ({"name": "n" * 101, "scopes": ["read"]}, "name"),
        ({"scopes": ["read"]}, "name"),
    ],
)
def test_bad_token_requests_are_422_naming_the_field(
    mu_client: TestClient, alice: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    response = mu_client.post(TOKENS, json=body, headers=bearer(alice["session"]))
    assert response.status_code == 422, response.text
    assert any(field in error["loc"] for error in response.json()["detail"])
    assert mu_client.get(TOKENS, headers=bearer(alice["session"])).json() == []


def test_single_user_mode_has_no_tokens(su_client: TestClient) -> None:
    created = su_client.post(TOKENS, json={"name": "cli", "scopes": ["read"]})
    assert created.status_code == 403 and "single-user mode" in created.json()["detail"]
    assert su_client.get(TOKENS).json() == []
