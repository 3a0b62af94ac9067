"""Audit events for the access-control actions (SPEC §19 over SPEC §16, §17, §20): API tokens,
groups and their members, quotas and queue weights, model access, board shares. Each change leaves
exactly one event naming who did it and what changed; a refused change leaves none; a request
made with an API token is attributed to the token's owner with actor kind "token"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.audit_helpers import assert_no_secret, events
from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user
from tests.gallery_helpers import create_board, set_visibility
from tests.model_api import M, installed
from tests.model_files import lora_file

API = "/api/v1"


class People:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.admin = admin_token(client)
        self.alice_id = make_user(client, self.admin, "alice@example.com")["user_id"]
        self.bob_id = make_user(client, self.admin, "bob@example.com")["user_id"]
        self.alice = login_as(client, "alice@example.com", USER_PASSWORD)
        self.admin_id = client.get(f"{API}/auth/me", headers=bearer(self.admin)).json()["user_id"]

    def events(self, action: str) -> list[dict[str, Any]]:
        return events(self.client, self.admin, action=action)


@pytest.fixture
def people(mu_client: TestClient) -> People:
    return People(mu_client)


def test_token_create_and_revoke_are_recorded_without_the_secret(people: People, root: Path) -> None:
    client = people.client
    body = {"name": "laptop", "scopes": ["read", "generate"]}
    made = client.post(f"{API}/auth/tokens", json=body, headers=bearer(people.alice))
    assert made.status_code == 201, made.text
    token = made.json()
    (created,) = people.events("auth.token_create")
    assert created["actor_user_id"] == people.alice_id and created["actor_kind"] == "user"
    assert created["target_type"] == "token" and created["target_id"] == token["token_id"]
    assert created["details"]["name"] == "laptop"
    assert created["details"]["scopes"] == ["generate", "read"]

    # An administrator revokes it: the event names the administrator and the token's owner.
    gone = client.delete(f"{API}/auth/tokens/{token['token_id']}", headers=bearer(people.admin))
    assert gone.status_code == 204
    (revoked,) = people.events("auth.token_revoke")
    assert revoked["actor_user_id"] == people.admin_id and revoked["target_id"] == token["token_id"]
    assert revoked["details"]["owner_user_id"] == people.alice_id
    assert_no_secret(root, [token["token"]])


def test_refused_token_revoke_leaves_no_event(people: People) -> None:
    client = people.client
    token = client.post(
        f"{API}/auth/tokens", json={"name": "mine", "scopes": ["read"]}, headers=bearer(people.admin)
    ).json()
    bob = login_as(client, "bob@example.com", USER_PASSWORD)
    assert client.delete(f"{API}/auth/tokens/{token['token_id']}", headers=bearer(bob)).status_code == 404
    assert people.events("auth.token_revoke") == []


def test_changes_made_with_an_api_token_are_attributed_to_the_token(people: People) -> None:
    client = people.client
    secret = client.post(
        f"{API}/auth/tokens", json={"name": "script", "scopes": ["gallery"]}, headers=bearer(people.alice)
    ).json()["token"]
    board_id = create_board(client, secret, "Scripted")
    set_visibility(client, secret, board_id, "shared")
    (event,) = people.events("board.visibility")
    assert event["actor_user_id"] == people.alice_id and event["actor_kind"] == "token"


def test_group_lifecycle_is_recorded(people: People) -> None:
    client, admin = people.client, bearer(people.admin)
    group_id = client.post(f"{API}/groups", json={"name": "Club"}, headers=admin).json()["group_id"]
    group, member = f"{API}/groups/{group_id}", f"{API}/groups/{group_id}/members/{people.alice_id}"
    assert client.patch(group, json={"name": "Chess club"}, headers=admin).status_code == 200
    for _ in range(2):  # the second add changes nothing and records nothing
        assert client.put(member, headers=admin).status_code == 200
    assert client.delete(member, headers=admin).status_code == 204
    assert client.delete(group, headers=admin).status_code == 204

    found = [e for e in events(client, people.admin) if e["action"].startswith("group.")]
    assert [e["action"] for e in reversed(found)] == [
        "group.create", "group.update", "group.member_add", "group.member_remove", "group.delete",
    ]  # fmt: skip
    assert {e["target_id"] for e in found} == {group_id}
    assert {e["actor_user_id"] for e in found} == {people.admin_id}
    create, update, add, remove, delete = reversed(found)
    assert create["details"]["name"] == "Club" and update["details"]["name"] == "Chess club"
    assert add["details"]["user_id"] == remove["details"]["user_id"] == people.alice_id
    assert delete["details"]["name"] == "Chess club"


def test_refused_group_changes_leave_no_event(people: People) -> None:
    client, admin = people.client, bearer(people.admin)
    group_id = client.post(f"{API}/groups", json={"name": "Club"}, headers=admin).json()["group_id"]
    assert client.post(f"{API}/groups", json={"name": "club"}, headers=admin).status_code == 409
    assert client.put(f"{API}/groups/{group_id}/members/nobody", headers=admin).status_code == 404
    assert client.delete(f"{API}/groups/{group_id}/members/{people.bob_id}", headers=admin).status_code == 404
    assert [e["action"] for e in events(client, people.admin) if e["action"].startswith("group.")] == [
        "group.create"
    ]


def test_quota_and_queue_weight_changes_are_recorded(people: People) -> None:
    client, admin = people.client, bearer(people.admin)
    limits = {"max_items_per_day": 20, "queue_weight": 3}
    assert client.put(f"{API}/quotas/users/{people.alice_id}", json=limits, headers=admin).status_code == 200
    group_id = client.post(f"{API}/groups", json={"name": "Class"}, headers=admin).json()["group_id"]
    group_limits = client.put(f"{API}/quotas/groups/{group_id}", json={"max_steps": 30}, headers=admin)
    assert group_limits.status_code == 200, group_limits.text
    assert client.put(f"{API}/quotas/users/nobody", json=limits, headers=admin).status_code == 404

    group_event, user_event = people.events("quota.update")
    assert (user_event["target_type"], user_event["target_id"]) == ("user", people.alice_id)
    assert user_event["details"]["queue_weight"] == 3 and user_event["details"]["max_items_per_day"] == 20
    assert user_event["details"]["max_steps"] is None
    assert (group_event["target_type"], group_event["target_id"]) == ("group", group_id)
    assert group_event["details"]["max_steps"] == 30
    assert user_event["actor_user_id"] == group_event["actor_user_id"] == people.admin_id


def test_model_access_changes_are_recorded(people: People, tmp_path: Path) -> None:
    client = people.client
    client.headers.update(bearer(people.admin))
    try:
        model = installed(client, lora_file(tmp_path / "style.safetensors", seed=1))
        key = model["key"]
        assert client.patch(f"{M}/i/{key}", json={"description": "only the text"}).status_code == 200
        restricted = client.patch(
            f"{M}/i/{key}", json={"access": "restricted", "allowed_user_ids": [people.alice_id]}
        )
        assert restricted.status_code == 200, restricted.text
        refused = client.patch(f"{M}/i/{key}", json={"allowed_user_ids": ["nobody"]})
        assert refused.status_code == 400, refused.text
    finally:
        client.headers.pop("Authorization")
    (event,) = people.events("model.access")
    assert event["target_type"] == "model" and event["target_id"] == key
    assert event["actor_user_id"] == people.admin_id
    assert event["details"]["access"] == "restricted"
    assert event["details"]["allowed_user_ids"] == [people.alice_id]


def test_board_share_changes_are_recorded(people: People) -> None:
    client = people.client
    board_id = create_board(client, people.alice, "Holiday")
    url = f"{API}/boards/{board_id}/shares/user/{people.bob_id}"
    assert client.put(url, json={"permission": "view"}, headers=bearer(people.alice)).status_code == 200
    assert client.put(url, json={"permission": "manage"}, headers=bearer(people.alice)).status_code == 200
    nobody = f"{API}/boards/{board_id}/shares/user/nobody"
    assert client.put(nobody, json={"permission": "view"}, headers=bearer(people.alice)).status_code == 400
    assert client.delete(url, headers=bearer(people.alice)).status_code == 204
    assert client.delete(url, headers=bearer(people.alice)).status_code == 404

    shares = people.events("board.share")
    assert [e["details"]["permission"] for e in shares] == ["manage", "view"]
    assert all(e["target_id"] == board_id and e["details"]["id"] == people.bob_id for e in shares)
    assert all(e["actor_user_id"] == people.alice_id for e in shares)
    (unshare,) = people.events("board.unshare")
    assert unshare["target_id"] == board_id and unshare["details"] == {"kind": "user", "id": people.bob_id}
