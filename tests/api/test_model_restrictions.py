"""Restricted models (SPEC §17): absent from others' lists, 404 by key, refused at enqueue with 403
naming the model wherever a graph names it (inline or in batch data), and refused again by the
worker when access is revoked while an item waits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user
from tests.model_api import M, installed
from tests.model_files import lora_file, sd1_checkpoint
from tests.queue_helpers import enqueue, enqueue_response, pause, resume, wait_for


class World:
    def __init__(self, client: TestClient, tmp_path: Path) -> None:
        self.client = client
        self.tmp_path = tmp_path
        self.admin = admin_token(client)
        self.ids: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        for name in ("alice", "bob", "carol"):
            self.ids[name] = make_user(client, self.admin, f"{name}@example.com")["user_id"]
            self.tokens[name] = login_as(client, f"{name}@example.com", USER_PASSWORD)
        group = client.post("/api/v1/groups", json={"name": "Studio"}, headers=bearer(self.admin)).json()
        self.group_id = group["group_id"]
        client.put(f"/api/v1/groups/{self.group_id}/members/{self.ids['carol']}", headers=bearer(self.admin))
        client.headers.update(bearer(self.admin))
        try:
            self.secret = installed(client, lora_file(tmp_path / "secret.safetensors", seed=1))
            self.public = installed(client, lora_file(tmp_path / "public.safetensors", seed=2))
        finally:
            client.headers.pop("Authorization")

    def patch(self, key: str, **changes: Any) -> Any:
        return self.client.patch(f"{M}/i/{key}", json=changes, headers=bearer(self.admin))

    def get(self, who: str, path: str, **params: Any) -> Any:
        return self.client.get(f"{M}{path}", params=params, headers=bearer(self.tokens[who]))


@pytest.fixture
def world(mu_client: TestClient, tmp_path: Path) -> World:
    w = World(mu_client, tmp_path)
    restricted = w.patch(
        w.secret["key"],
        access="restricted",
        allowed_user_ids=[w.ids["alice"]],
        allowed_group_ids=[w.group_id],
    )
    assert restricted.status_code == 200, restricted.text
    body = restricted.json()
    assert body["access"] == "restricted" and body["allowed_user_ids"] == [w.ids["alice"]]
    assert body["allowed_group_ids"] == [w.group_id]
    return w


def identifier(config: dict[str, Any]) -> dict[str, Any]:
    return {k: config[k] for k in ("key", "hash", "name", "base", "type")}


def lora_graph(config: dict[str, Any]) -> dict[str, Any]:
    return {
        "nodes": {"lora": {"type": "lora_loader", "lora": identifier(config), "weight": 0.5}},
        "edges": [],
    }


def test_restricted_model_is_invisible_to_others(world: World) -> None:
    key, name = world.secret["key"], world.secret["name"]
    for who in ("alice", "carol"):
        listed = [m["key"] for m in world.get(who, "/").json()["models"]]
        assert key in listed, who
        seen = world.get(who, f"/i/{key}").json()
        assert seen["access"] == "restricted" and seen["allowed_user_ids"] == []  # lists: admins only
    assert [m["key"] for m in world.get("bob", "/").json()["models"]] == [world.public["key"]]
    assert world.get("bob", f"/i/{key}").status_code == 404
    assert world.get("bob", "/get_by_attrs", name=name, type="lora", base="sd-1").status_code == 404
    admin_view = world.client.get(f"{M}/i/{key}", headers=bearer(world.admin)).json()
    assert admin_view["allowed_group_ids"] == [world.group_id]


def test_enqueue_naming_a_restricted_model_is_refused(world: World) -> None:
    pause(world.client, world.admin)
    refused = enqueue_response(world.client, world.tokens["bob"], lora_graph(world.secret))
    assert refused.status_code == 403
    assert world.secret["name"] in refused.json()["detail"] and "lora" in refused.json()["detail"]
    # In batch data: a value for the compound node's `vae` key swaps in the restricted model.
    world.client.headers.update(bearer(world.admin))
    main = installed(world.client, sd1_checkpoint(world.tmp_path / "main.safetensors"))
    world.client.headers.pop("Authorization")
    t2i = {"nodes": {"t2i": {"type": "sd_text_to_image", "model": main["key"]}}, "edges": []}
    data = [[{"node_path": "t2i", "field_name": "vae", "items": [world.secret["key"]]}]]
    swapped = enqueue_response(world.client, world.tokens["bob"], t2i, data=data)
    assert swapped.status_code == 403 and world.secret["name"] in swapped.json()["detail"], swapped.text
    assert enqueue(world.client, world.tokens["bob"], lora_graph(world.public))["enqueued"] == 1
    for who in ("alice", "carol"):  # by name and through the group
        assert enqueue(world.client, world.tokens[who], lora_graph(world.secret))["enqueued"] == 1
    assert enqueue(world.client, world.admin, lora_graph(world.secret))["enqueued"] == 1


def test_worker_refuses_a_model_whose_access_was_revoked_while_waiting(world: World) -> None:
    pause(world.client, world.admin)
    kept = enqueue(world.client, world.tokens["carol"], lora_graph(world.secret))["item_ids"][0]
    revoked = enqueue(world.client, world.tokens["alice"], lora_graph(world.secret))["item_ids"][0]
    assert world.patch(world.secret["key"], allowed_user_ids=[]).status_code == 200
    resume(world.client, world.admin)
    failed = wait_for(world.client, world.tokens["alice"], revoked)
    assert failed["status"] == "failed" and world.secret["name"] in (failed["error_message"] or "")
    assert wait_for(world.client, world.tokens["carol"], kept)["status"] == "completed"


def test_opening_the_model_to_everyone_shows_it_again(world: World) -> None:
    assert world.patch(world.secret["key"], access="everyone").status_code == 200
    assert world.get("bob", f"/i/{world.secret['key']}").status_code == 200


def test_bad_access_changes_name_the_field(world: World) -> None:
    key = world.secret["key"]
    unknown_user = world.patch(key, allowed_user_ids=["nobody"])
    assert unknown_user.status_code == 400 and "allowed_user_ids" in unknown_user.json()["detail"]
    unknown_group = world.patch(key, allowed_group_ids=["nogroup"])
    assert unknown_group.status_code == 400 and "allowed_group_ids" in unknown_group.json()["detail"]
    bad_access = world.patch(key, access="friends")
    assert bad_access.status_code == 422 and bad_access.json()["detail"][0]["loc"][-1] == "access"
    unchanged = world.client.get(f"{M}/i/{key}", headers=bearer(world.admin)).json()
    assert unchanged["allowed_user_ids"] == [world.ids["alice"]]
    by_user = world.client.patch(
        f"{M}/i/{key}", json={"access": "everyone"}, headers=bearer(world.tokens["alice"])
    )
    assert by_user.status_code == 403
