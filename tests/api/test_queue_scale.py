"""Queue operations that stay cheap with a long history: `list_all` is bounded and pages,
bulk cancel/delete/prune change thousands of rows at once and announce them with one event.

(Speed itself is measured in bench/queue_bench.py; these tests check the behaviour.)
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from gesso.events.bus import Event
from tests.conftest import AppFactory
from tests.factories import admin_token, login_as, make_user
from tests.queue_helpers import Q, add_graph, enqueue, list_all, pause, put, status

BIG = 5000


@pytest.fixture
def paused(make_client: AppFactory) -> TestClient:
    client = make_client(max_queue_size=20_000)
    pause(client)
    return client


def heard(client: TestClient) -> list[Event]:
    """Every event the server publishes from now on (the real bus, observed)."""
    events: list[Event] = []
    client.app.state.services.bus.subscribe(events.append)  # type: ignore[attr-defined]
    return events


def enqueue_many(client: TestClient, token: str | None, count: int) -> dict[str, Any]:
    return enqueue(client, token, add_graph(), runs=count)


def test_list_all_is_capped_and_pages_back_into_history(paused: TestClient) -> None:
    old = enqueue_many(paused, None, 700)
    assert (
        put(paused, None, "cancel_by_batch_ids", json={"batch_ids": [old["batch"]["batch_id"]]})["canceled"]
        == 700
    )
    live = enqueue_many(paused, None, 600)["item_ids"]
    first = list_all(paused)
    assert len(first) == 1000
    ids = [item["item_id"] for item in first]
    assert ids == sorted(ids)  # queue order: priority, then item id
    assert set(live) <= set(ids)  # everything still waiting comes first
    canceled = sorted(i for i in ids if i not in set(live))
    assert canceled == sorted(old["item_ids"])[-400:]  # then the newest of the history
    second = list_all(paused, offset=1000)
    assert sorted(item["item_id"] for item in second) == sorted(old["item_ids"])[:300]
    assert list_all(paused, offset=1300) == []
    assert [i["item_id"] for i in list_all(paused, limit=5)] == sorted(live)[-5:]
    for bad in ({"limit": 0}, {"limit": 1001}, {"offset": -1}):
        assert paused.get(f"{Q}/list_all", params=bad).status_code == 422, bad


def test_bulk_cancel_of_thousands_is_one_event_and_true_counts(paused: TestClient) -> None:
    items = enqueue_many(paused, None, BIG)["item_ids"]
    events = heard(paused)
    assert put(paused, None, "cancel_all_except_current")["canceled"] == BIG
    names = [e.name for e in events]
    assert names == ["queue_items_canceled"]
    assert events[0].payload["canceled_item_ids"] == sorted(items)
    counts = status(paused)["queue"]
    assert counts["pending"] == 0 and counts["canceled"] == BIG and counts["total"] == BIG
    assert put(paused, None, "prune")["deleted"] == BIG
    assert status(paused)["queue"]["total"] == 0


def test_bulk_delete_of_pending_items_keeps_totals(paused: TestClient) -> None:
    enqueue_many(paused, None, BIG)
    events = heard(paused)
    assert put(paused, None, "delete_all_except_current")["deleted"] == BIG
    assert [e.name for e in events] == ["queue_items_canceled"]
    counts = status(paused)["queue"]
    assert counts["total"] == 0 and counts["pending"] == 0 and counts["canceled"] == 0


def test_admin_bulk_cancel_tells_each_owner_only_their_ids(make_client: AppFactory) -> None:
    client = make_client(multiuser=True)
    admin = admin_token(client)
    pause(client, admin)
    tokens = {}
    for name in ("alice", "bob"):
        user = make_user(client, admin, f"{name}@example.com")
        tokens[name] = (user["user_id"], login_as(client, f"{name}@example.com", "User-pass1"))
    mine = {name: enqueue_many(client, token, 30)["item_ids"] for name, (_, token) in tokens.items()}
    events = heard(client)
    assert put(client, admin, "cancel_all_except_current")["canceled"] == 60
    [event] = events
    for name, (user_id, _) in tokens.items():
        assert event.per_owner[user_id]["canceled_item_ids"] == sorted(mine[name])
    # A user's own bulk cancel touches only their items.
    more = enqueue_many(client, tokens["bob"][1], 5)["item_ids"]
    enqueue_many(client, tokens["alice"][1], 5)
    assert put(client, tokens["bob"][1], "cancel_all_except_current")["canceled"] == 5
    assert status(client, admin)["queue"]["pending"] == 5
    assert {i["item_id"] for i in list_all(client, tokens["bob"][1]) if i["status"] == "canceled"} >= set(
        more
    )
