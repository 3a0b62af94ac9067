"""Groups (SPEC §17): administrators create, rename, fill and delete groups; nobody else can."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user

GROUPS = "/api/v1/groups"


@pytest.fixture
def admin(mu_client: TestClient) -> str:
    return admin_token(mu_client)


def create_group(client: TestClient, admin: str, name: str, **extra: Any) -> dict[str, Any]:
    response = client.post(GROUPS, json={"name": name, **extra}, headers=bearer(admin))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_group_lifecycle(mu_client: TestClient, admin: str) -> None:
    alice = make_user(mu_client, admin, "alice@example.com", display_name="Alice")
    bob = make_user(mu_client, admin, "bob@example.com")
    group = create_group(mu_client, admin, "Students", description="Year 9")
    assert group["members"] == [] and group["description"] == "Year 9"
    gid = group["group_id"]

    added = mu_client.put(f"{GROUPS}/{gid}/members/{alice['user_id']}", headers=bearer(admin))
    assert added.status_code == 200
    assert [m["email"] for m in added.json()["members"]] == ["alice@example.com"]
    again = mu_client.put(f"{GROUPS}/{gid}/members/{alice['user_id']}", headers=bearer(admin))
    assert len(again.json()["members"]) == 1  # idempotent
    mu_client.put(f"{GROUPS}/{gid}/members/{bob['user_id']}", headers=bearer(admin))

    renamed = mu_client.patch(f"{GROUPS}/{gid}", json={"name": "Class 9b"}, headers=bearer(admin))
    assert renamed.status_code == 200 and renamed.json()["name"] == "Class 9b"
    assert renamed.json()["description"] == "Year 9"
    listed = mu_client.get(GROUPS, headers=bearer(admin)).json()
    assert [(g["name"], len(g["members"])) for g in listed] == [("Class 9b", 2)]

    removed = mu_client.delete(f"{GROUPS}/{gid}/members/{bob['user_id']}", headers=bearer(admin))
    assert removed.status_code == 204
    assert [
        m["user_id"] for m in mu_client.get(f"{GROUPS}/{gid}", headers=bearer(admin)).json()["members"]
    ] == [alice["user_id"]]
    assert (
        mu_client.delete(f"{GROUPS}/{gid}/members/{bob['user_id']}", headers=bearer(admin)).status_code == 404
    )

    # Deleting a member's account removes the membership.
    assert (
        mu_client.delete(f"/api/v1/auth/users/{alice['user_id']}", headers=bearer(admin)).status_code == 204
    )
    assert mu_client.get(f"{GROUPS}/{gid}", headers=bearer(admin)).json()["members"] == []

    assert mu_client.delete(f"{GROUPS}/{gid}", headers=bearer(admin)).status_code == 204
    assert mu_client.get(f"{GROUPS}/{gid}", headers=bearer(admin)).status_code == 404
    assert mu_client.get(GROUPS, headers=bearer(admin)).json() == []


def test_only_administrators_manage_groups(mu_client: TestClient, admin: str) -> None:
    user = make_user(mu_client, admin, "carol@example.com")
    session = login_as(mu_client, user["email"], USER_PASSWORD)
    gid = create_group(mu_client, admin, "Staff")["group_id"]
    attempts = [
        ("GET", GROUPS, None),
        ("POST", GROUPS, {"name": "Mine"}),
        ("GET", f"{GROUPS}/{gid}", None),
        ("PATCH", f"{GROUPS}/{gid}", {"name": "Hacked"}),
        ("DELETE", f"{GROUPS}/{gid}", None),
        ("PUT", f"{GROUPS}/{gid}/members/{user['user_id']}", None),
        ("DELETE", f"{GROUPS}/{gid}/members/{user['user_id']}", None),
    ]
    for method, path, body in attempts:
        assert mu_client.request(method, path, json=body, headers=bearer(session)).status_code == 403, path
        assert mu_client.request(method, path, json=body).status_code == 401, path
    group = mu_client.get(f"{GROUPS}/{gid}", headers=bearer(admin)).json()
    assert group["name"] == "Staff" and group["members"] == []


def test_bad_group_input(mu_client: TestClient, admin: str) -> None:
    gid = create_group(mu_client, admin, "Staff")["group_id"]
    create_group(mu_client, admin, "Other")
    for body, field in (
        ({"name": ""}, "name"),
        ({"name": "  "}, "name"),
        ({}, "name"),
        ({"name": "x" * 101}, "name"),
    ):
        response = mu_client.post(GROUPS, json=body, headers=bearer(admin))
        assert response.status_code == 422 and any(field in e["loc"] for e in response.json()["detail"])
    assert mu_client.post(GROUPS, json={"name": "staff"}, headers=bearer(admin)).status_code == 409
    assert (
        mu_client.patch(f"{GROUPS}/{gid}", json={"name": "OTHER"}, headers=bearer(admin)).status_code == 409
    )
    assert mu_client.patch(f"{GROUPS}/nope", json={"name": "x"}, headers=bearer(admin)).status_code == 404
    assert mu_client.delete(f"{GROUPS}/nope", headers=bearer(admin)).status_code == 404
    assert mu_client.put(f"{GROUPS}/nope/members/system", headers=bearer(admin)).status_code == 404
    assert mu_client.put(f"{GROUPS}/{gid}/members/nobody", headers=bearer(admin)).status_code == 404
    assert mu_client.put(f"{GROUPS}/{gid}/members/system", headers=bearer(admin)).status_code == 400
