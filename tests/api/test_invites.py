"""Invite links, password-reset links and the forced password change (SPEC §18) over HTTP:
one-time use (also under a race), expiry, revocation, a fixed e-mail, who may make links,
what is audited, and that no token is stored or recorded."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import databases
from tests.audit_helpers import assert_no_secret, events, whole_database_text
from tests.conftest import AppFactory
from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user

AUTH = "/api/v1/auth"
NEW_PASSWORD = "Fresh-pass7"


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    return make_client(multiuser=True)


def invite(client: TestClient, admin: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"{AUTH}/invites", json=body, headers=bearer(admin))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def accept(client: TestClient, token: str, email: str, password: str = NEW_PASSWORD) -> Any:
    body = {"email": email, "display_name": "New person", "password": password}
    return client.post(f"{AUTH}/invites/{token}/accept", json=body)


def expire_invite(root: Path, invite_id: str) -> None:
    databases.execute(
        root, "UPDATE invites SET expires_at = :past WHERE invite_id = :invite_id",
        past=datetime(2020, 1, 1), invite_id=invite_id,
    )  # fmt: skip


def test_admin_invite_is_accepted_once_and_signs_the_new_user_in(client: TestClient) -> None:
    admin = admin_token(client)
    created = invite(client, admin, is_admin=True, expires_in_hours=2)
    assert created["url"].endswith(f"/invite#{created['token']}")
    info = client.get(f"{AUTH}/invites/{created['token']}").json()
    assert info["is_admin"] is True and info["email"] is None
    response = accept(client, created["token"], "new@example.com")
    assert response.status_code == 200, response.text
    signed_in = response.json()
    assert signed_in["user"]["is_admin"] is True and signed_in["password_change_required"] is False
    assert "gesso_media_token" in response.cookies
    assert client.get(f"{AUTH}/me", headers=bearer(signed_in["token"])).json()["email"] == "new@example.com"
    again = accept(client, created["token"], "other@example.com")
    assert again.status_code == 400 and again.json()["detail"] == "This invite link has already been used"
    assert client.get(f"{AUTH}/invites/{created['token']}").status_code == 400
    emails = [u["email"] for u in client.get(f"{AUTH}/users", headers=bearer(admin)).json()]
    assert "other@example.com" not in emails
    listed = client.get(f"{AUTH}/invites", headers=bearer(admin)).json()
    assert listed[0]["used_by"] == signed_in["user"]["user_id"] and listed[0]["used_at"] is not None


def test_invite_for_a_fixed_address_refuses_another(client: TestClient) -> None:
    admin = admin_token(client)
    created = invite(client, admin, email="Only@Example.com")
    wrong = accept(client, created["token"], "someone@example.com")
    assert wrong.status_code == 400 and "another e-mail" in wrong.json()["detail"]
    assert accept(client, created["token"], "only@example.COM").status_code == 200


def test_expired_revoked_and_unknown_invites_are_refused(client: TestClient, root: Path) -> None:
    admin = admin_token(client)
    expired = invite(client, admin)
    expire_invite(root, expired["invite_id"])
    assert (
        accept(client, expired["token"], "a@example.com").json()["detail"] == "This invite link has expired"
    )
    revoked = invite(client, admin)
    assert client.delete(f"{AUTH}/invites/{revoked['invite_id']}", headers=bearer(admin)).status_code == 204
    assert client.delete(f"{AUTH}/invites/{revoked['invite_id']}", headers=bearer(admin)).status_code == 404
    assert (
        accept(client, revoked["token"], "b@example.com").json()["detail"] == "This invite has been revoked"
    )
    assert accept(client, "not-a-real-token", "c@example.com").status_code == 400
    reasons = [e["details"]["reason"] for e in events(client, admin, action="auth.invite_refused")]
    assert reasons == ["unknown", "revoked", "expired"]


def test_two_racing_accepts_create_one_account(client: TestClient) -> None:
    admin = admin_token(client)
    created = invite(client, admin)
    codes: list[int] = []
    barrier = threading.Barrier(2)

    def run(email: str) -> None:
        barrier.wait()
        codes.append(accept(client, created["token"], email).status_code)

    threads = [threading.Thread(target=run, args=(f"racer{n}@example.com",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 400]
    emails = [u["email"] for u in client.get(f"{AUTH}/users", headers=bearer(admin)).json()]
    assert len([e for e in emails if e.startswith("racer")]) == 1


def test_only_admins_make_links(client: TestClient) -> None:
    admin = admin_token(client)
    user = make_user(client, admin, "u@example.com")
    token = login_as(client, "u@example.com", USER_PASSWORD)
    assert client.post(f"{AUTH}/invites", json={}).status_code == 401
    assert client.post(f"{AUTH}/invites", json={}, headers=bearer(token)).status_code == 403
    assert client.get(f"{AUTH}/invites", headers=bearer(token)).status_code == 403
    assert client.post(f"{AUTH}/users/{user['user_id']}/reset_link", headers=bearer(token)).status_code == 403


@pytest.mark.parametrize("hours", [0, 24 * 91, "soon"])
def test_bad_expiry_is_422(client: TestClient, hours: object) -> None:
    admin = admin_token(client)
    response = client.post(f"{AUTH}/invites", json={"expires_in_hours": hours}, headers=bearer(admin))
    assert response.status_code == 422


def test_reset_link_sets_a_password_once_and_ends_old_sessions(client: TestClient) -> None:
    admin = admin_token(client)
    user = make_user(client, admin, "u@example.com")
    old = login_as(client, "u@example.com", USER_PASSWORD)
    first = client.post(f"{AUTH}/users/{user['user_id']}/reset_link", headers=bearer(admin)).json()
    link = client.post(
        f"{AUTH}/users/{user['user_id']}/reset_link", json={"expires_in_hours": 1}, headers=bearer(admin)
    ).json()
    assert link["url"].endswith(f"/reset#{link['token']}")
    # A newer link replaces the older one.
    assert client.post(f"{AUTH}/reset/{first['token']}", json={"password": NEW_PASSWORD}).status_code == 400
    assert client.get(f"{AUTH}/reset/{link['token']}").json()["email"] == "u@example.com"
    assert client.post(f"{AUTH}/reset/{link['token']}", json={"password": NEW_PASSWORD}).status_code == 200
    assert client.get(f"{AUTH}/me", headers=bearer(old)).status_code == 401
    login_as(client, "u@example.com", NEW_PASSWORD)
    reused = client.post(f"{AUTH}/reset/{link['token']}", json={"password": "Another-1"})
    assert reused.status_code == 400 and "already been used" in reused.json()["detail"]
    used = events(client, admin, action="auth.reset_link_use")
    assert len(used) == 1 and used[0]["target_id"] == user["user_id"] and used[0]["actor_user_id"] is None


def test_reset_link_for_system_or_unknown_user_is_refused(client: TestClient) -> None:
    admin = admin_token(client)
    assert client.post(f"{AUTH}/users/system/reset_link", headers=bearer(admin)).status_code == 400
    assert client.post(f"{AUTH}/users/nobody/reset_link", headers=bearer(admin)).status_code == 404


def test_forced_change_allows_only_profile_and_logout_until_done(client: TestClient) -> None:
    admin = admin_token(client)
    user = make_user(client, admin, "u@example.com")
    flagged = client.patch(
        f"{AUTH}/users/{user['user_id']}", json={"must_change_password": True}, headers=bearer(admin)
    )
    assert flagged.json()["must_change_password"] is True
    response = client.post(f"{AUTH}/login", json={"email": "u@example.com", "password": USER_PASSWORD})
    assert response.json()["password_change_required"] is True
    token = response.json()["token"]
    assert client.get("/api/v1/boards/?all=true", headers=bearer(token)).status_code == 403
    assert (
        client.post("/api/v1/boards/", params={"board_name": "x"}, headers=bearer(token)).status_code == 403
    )
    assert client.get(f"{AUTH}/sessions", headers=bearer(token)).status_code == 403
    assert client.get("/api/v1/images/i/x.png/full").status_code == 403  # media cookie from login
    assert client.get(f"{AUTH}/me", headers=bearer(token)).status_code == 200
    changed = client.patch(
        f"{AUTH}/me",
        json={"current_password": USER_PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(token),
    )
    assert changed.status_code == 200 and changed.json()["must_change_password"] is False
    fresh = changed.headers["X-Refreshed-Token"]
    assert client.get("/api/v1/boards/?all=true", headers=bearer(fresh)).status_code == 200
    denied = events(client, admin, action="request.denied")
    assert [e["target_id"] for e in denied] == ["POST /api/v1/boards/"]


def test_no_link_token_or_password_is_stored_or_audited(client: TestClient, root: Path) -> None:
    admin = admin_token(client)
    user = make_user(client, admin, "u@example.com")
    created = invite(client, admin)
    accept(client, created["token"], "n@example.com", "Invite-pass1")
    reset = client.post(f"{AUTH}/users/{user['user_id']}/reset_link", headers=bearer(admin)).json()
    client.post(f"{AUTH}/reset/{reset['token']}", json={"password": "Reset-pass2"})
    client.post(f"{AUTH}/reset/{reset['token']}", json={"password": "Reset-pass3"})
    assert_no_secret(root, [created["token"], reset["token"], "Invite-pass1", "Reset-pass2", "Reset-pass3"])
    database = whole_database_text(root)
    for token in (created["token"], reset["token"]):
        assert token not in database
    assert {
        "auth.invite_create",
        "auth.invite_accept",
        "auth.reset_link_create",
        "auth.reset_link_refused",
    } <= {e["action"] for e in events(client, admin)}
