"""Quotas, usage and weighted fair share (SPEC §17), over HTTP against the real app and database."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gesso.quotas.service import demand_of
from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user
from tests.gallery_helpers import upload_response
from tests.queue_helpers import Q, add_graph, enqueue, enqueue_response, image_graph, pause, resume, wait_for

QUOTAS = "/api/v1/quotas"


@pytest.fixture
def admin(mu_client: TestClient) -> str:
    return admin_token(mu_client)


def user(client: TestClient, admin: str, email: str) -> tuple[str, str]:
    """(user_id, session token) of a new user."""
    created = make_user(client, admin, email)
    return created["user_id"], login_as(client, email, USER_PASSWORD)


def set_quota(client: TestClient, admin: str, path: str, **values: Any) -> dict[str, Any]:
    response = client.put(f"{QUOTAS}/{path}", json=values, headers=bearer(admin))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def group_with(client: TestClient, admin: str, name: str, *user_ids: str) -> str:
    group_id: str = client.post("/api/v1/groups", json={"name": name}, headers=bearer(admin)).json()[
        "group_id"
    ]
    for user_id in user_ids:
        client.put(f"/api/v1/groups/{group_id}/members/{user_id}", headers=bearer(admin))
    return group_id


def pending(client: TestClient, token: str) -> int:
    count: int = client.get(f"{Q}/status", headers=bearer(token)).json()["queue"]["user_pending"]
    return count


def test_user_value_wins_and_the_most_generous_group_wins(mu_client: TestClient, admin: str) -> None:
    alice, _ = user(mu_client, admin, "alice@example.com")
    strict = group_with(mu_client, admin, "Strict", alice)
    generous = group_with(mu_client, admin, "Generous", alice)
    set_quota(mu_client, admin, f"groups/{strict}", max_pending_items=1, max_steps=10, queue_weight=1)
    set_quota(mu_client, admin, f"groups/{generous}", max_pending_items=5, queue_weight=3)
    got = mu_client.get(f"{QUOTAS}/users/{alice}", headers=bearer(admin)).json()
    assert got["max_pending_items"] is None  # nothing set on the user
    assert got["effective"]["max_pending_items"] == 5 and got["effective"]["max_steps"] == 10
    assert got["effective"]["queue_weight"] == 3 and got["effective"]["max_items_per_day"] is None

    mine = set_quota(mu_client, admin, f"users/{alice}", max_pending_items=2)
    assert mine["max_pending_items"] == 2 and mine["effective"]["max_pending_items"] == 2
    assert mine["effective"]["max_steps"] == 10
    group = mu_client.get(f"{QUOTAS}/groups/{generous}", headers=bearer(admin)).json()
    assert group["max_pending_items"] == 5 and group["max_steps"] is None


def test_quota_routes_refuse_bad_input_and_non_admins(mu_client: TestClient, admin: str) -> None:
    alice, alice_token = user(mu_client, admin, "alice@example.com")
    negative = mu_client.put(f"{QUOTAS}/users/{alice}", json={"max_steps": -1}, headers=bearer(admin))
    assert negative.status_code == 422 and negative.json()["detail"][0]["loc"][-1] == "max_steps"
    weight = mu_client.put(f"{QUOTAS}/users/{alice}", json={"queue_weight": 0}, headers=bearer(admin))
    assert weight.status_code == 422 and weight.json()["detail"][0]["loc"][-1] == "queue_weight"
    assert mu_client.put(f"{QUOTAS}/users/nobody", json={}, headers=bearer(admin)).status_code == 404
    assert mu_client.get(f"{QUOTAS}/groups/nogroup", headers=bearer(admin)).status_code == 404
    assert mu_client.put(f"{QUOTAS}/groups/nogroup", json={}, headers=bearer(admin)).status_code == 404
    assert mu_client.get(f"{QUOTAS}/users/{alice}", headers=bearer(alice_token)).status_code == 403
    assert mu_client.put(f"{QUOTAS}/users/{alice}", json={}, headers=bearer(alice_token)).status_code == 403
    assert mu_client.get("/api/v1/usage", headers=bearer(alice_token)).status_code == 403
    assert mu_client.get(f"{QUOTAS}/users/{alice}").status_code == 401


def test_pending_limit_refuses_the_whole_enqueue(mu_client: TestClient, admin: str) -> None:
    alice, token = user(mu_client, admin, "alice@example.com")
    pause(mu_client, admin)
    set_quota(mu_client, admin, f"users/{alice}", max_pending_items=2)
    enqueue(mu_client, token, add_graph())
    refused = enqueue_response(mu_client, token, add_graph(), runs=2)
    assert refused.status_code == 429
    body = refused.json()
    assert body["quota"] == "max_pending_items" and body["limit"] == 2 and body["used"] == 1
    assert "2" in body["detail"] and "Retry-After" not in refused.headers
    assert pending(mu_client, token) == 1  # nothing of the refused batch was queued
    assert enqueue(mu_client, token, add_graph())["enqueued"] == 1
    # Another user is not limited by alice's quota; null = unlimited.
    _, bob = user(mu_client, admin, "bob@example.com")
    assert enqueue(mu_client, bob, add_graph(), runs=5)["enqueued"] == 5


def test_daily_limit_answers_retry_after_to_midnight_utc(mu_client: TestClient, admin: str) -> None:
    alice, token = user(mu_client, admin, "alice@example.com")
    pause(mu_client, admin)
    group = group_with(mu_client, admin, "Daily", alice)
    set_quota(mu_client, admin, f"groups/{group}", max_items_per_day=3)
    enqueue(mu_client, token, add_graph(), runs=2)
    mu_client.put(f"{Q}/cancel_all_except_current", headers=bearer(token))  # canceling gives nothing back
    refused = enqueue_response(mu_client, token, add_graph(), runs=2)
    assert refused.status_code == 429
    assert (refused.json()["quota"], refused.json()["limit"], refused.json()["used"]) == (
        "max_items_per_day",
        3,
        2,
    )
    assert 0 < int(refused.headers["Retry-After"]) <= 86400
    assert enqueue(mu_client, token, add_graph())["enqueued"] == 1
    usage = mu_client.get("/api/v1/auth/me/usage", headers=bearer(token)).json()
    assert usage["used"]["items_today"] == 3 and usage["limits"]["max_items_per_day"] == 3


def test_image_size_limit_applies_to_batch_values_too(mu_client: TestClient, admin: str) -> None:
    alice, token = user(mu_client, admin, "alice@example.com")
    pause(mu_client, admin)
    set_quota(mu_client, admin, f"users/{alice}", max_pixels_per_image=64 * 64)
    assert enqueue(mu_client, token, image_graph(size=64))["enqueued"] == 1
    too_big = enqueue_response(mu_client, token, image_graph(size=65))
    assert too_big.status_code == 429 and too_big.json()["quota"] == "max_pixels_per_image"
    assert too_big.json()["used"] == 65 * 65
    data = [[{"node_path": "blank", "field_name": "width", "items": [32, 128]}]]
    in_batch = enqueue_response(mu_client, token, image_graph(size=64), data=data)
    assert in_batch.status_code == 429 and pending(mu_client, token) == 1


def test_steps_are_read_from_every_node() -> None:
    sessions = [
        {
            "graph": {
                "nodes": {"d": {"type": "denoise_latents", "steps": 30}, "n": {"width": 512, "height": 768}}
            }
        },
        {"graph": {"nodes": {"d": {"type": "denoise_latents", "steps": 50}}}},
    ]
    demand = demand_of(sessions)
    assert (demand.items, demand.max_pixels, demand.max_steps) == (2, 512 * 768, 50)


def test_concurrent_enqueues_at_the_limit_cannot_both_pass(mu_client: TestClient, admin: str) -> None:
    alice, token = user(mu_client, admin, "alice@example.com")
    pause(mu_client, admin)
    set_quota(mu_client, admin, f"users/{alice}", max_pending_items=3)
    for _ in range(3):
        enqueue(mu_client, token, add_graph())
        mu_client.put(f"{Q}/cancel_all_except_current", headers=bearer(token))
    with ThreadPoolExecutor(8) as pool:
        codes = list(
            pool.map(lambda _: enqueue_response(mu_client, token, add_graph()).status_code, range(8))
        )
    assert sorted(codes) == [200] * 3 + [429] * 5
    assert pending(mu_client, token) == 3


def test_storage_quota_refuses_uploads_and_then_enqueues(mu_client: TestClient, admin: str) -> None:
    alice, token = user(mu_client, admin, "alice@example.com")
    assert upload_response(mu_client, token).status_code == 201
    set_quota(mu_client, admin, f"users/{alice}", max_storage_mb=0)
    refused = upload_response(mu_client, token)
    assert refused.status_code == 429 and refused.json()["quota"] == "max_storage_mb"
    assert refused.json()["limit"] == 0
    blocked = enqueue_response(mu_client, token, add_graph())
    assert blocked.status_code == 429 and blocked.json()["quota"] == "max_storage_mb"
    usage = mu_client.get("/api/v1/auth/me/usage", headers=bearer(token)).json()
    assert usage["used"]["storage_mb"] > 0 and usage["limits"]["max_storage_mb"] == 0


def test_usage_counts_run_time_and_the_admin_listing(mu_client: TestClient, admin: str) -> None:
    alice, token = user(mu_client, admin, "alice@example.com")
    fresh = mu_client.get("/api/v1/auth/me/usage", headers=bearer(token)).json()
    assert fresh == {
        "limits": {
            "max_pending_items": None, "max_items_per_day": None, "max_storage_mb": None,
            "max_pixels_per_image": None, "max_steps": None, "queue_weight": 1,
        },
        "used": {"pending_items": 0, "items_today": 0, "storage_mb": 0.0},
        "gpu_seconds_30d": 0.0,
    }  # fmt: skip
    item_id = enqueue(mu_client, token, image_graph(size=256))["item_ids"][0]
    assert wait_for(mu_client, token, item_id)["status"] == "completed"
    usage = mu_client.get("/api/v1/auth/me/usage", headers=bearer(token)).json()
    assert usage["gpu_seconds_30d"] > 0 and usage["used"]["items_today"] == 1
    listing = mu_client.get("/api/v1/usage", params={"limit": 10}, headers=bearer(admin)).json()
    assert listing["total"] == 2 and {u["email"] for u in listing["items"]} == {
        "alice@example.com",
        "admin@example.com",
    }
    mine = next(u for u in listing["items"] if u["user_id"] == alice)
    assert mine["gpu_seconds_30d"] == usage["gpu_seconds_30d"]


def test_weighted_round_robin_gives_weight_two_two_items_per_turn(mu_client: TestClient, admin: str) -> None:
    alice, alice_token = user(mu_client, admin, "alice@example.com")
    bob, bob_token = user(mu_client, admin, "bob@example.com")
    heavy = group_with(mu_client, admin, "Heavy", alice)
    set_quota(mu_client, admin, f"groups/{heavy}", queue_weight=2)
    pause(mu_client, admin)
    alice_ids = enqueue(mu_client, alice_token, add_graph(), runs=6)["item_ids"]
    bob_ids = enqueue(mu_client, bob_token, add_graph(), runs=3)["item_ids"]
    resume(mu_client, admin)
    for item_id in [*alice_ids, *bob_ids]:
        wait_for(mu_client, admin, item_id)
    items = mu_client.get(f"{Q}/list_all", headers=bearer(admin)).json()
    order = [i["user_id"] for i in sorted(items, key=lambda i: (i["started_at"], i["item_id"]))]
    a, b = alice, bob
    assert order == [a, a, b, a, a, b, a, a, b]
