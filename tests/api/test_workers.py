"""`GET /api/v1/workers`: administrators see every worker (here the API process's own) with its
device, state, current item and heartbeat; nobody else does."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import AppFactory
from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user
from tests.queue_helpers import enqueue, wait_for

SLEEP = {"nodes": {"nap": {"type": "bench_sleep", "seconds": 1.5}}, "edges": []}


def workers(client: TestClient, token: str | None) -> list[dict[str, Any]]:
    response = client.get("/api/v1/workers", headers=bearer(token) if token else {})
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()
    return listed


def test_admin_sees_the_in_process_worker_and_what_it_runs(make_client: AppFactory) -> None:
    client = make_client(multiuser=True, enable_benchmark_nodes=True, port=9321)
    admin = admin_token(client)
    [worker] = workers(client, admin)
    assert worker["in_process"] is True and worker["name"].endswith("-serve-9321")
    assert worker["state"] == "idle" and worker["current_item_id"] is None
    assert worker["device"] == "auto"  # chosen by the first model load: start-up imports no torch
    assert datetime.now(UTC) - datetime.fromisoformat(worker["last_heartbeat"]) < timedelta(minutes=1)

    item_id = enqueue(client, admin, SLEEP)["item_ids"][0]
    deadline = time.monotonic() + 15
    while (busy := workers(client, admin)[0])["state"] != "busy":
        assert time.monotonic() < deadline, busy
        time.sleep(0.05)
    assert busy["current_item_id"] == item_id
    wait_for(client, admin, item_id)


def test_the_device_is_recorded_once_the_model_stack_chooses_it(make_client: AppFactory) -> None:
    client = make_client(multiuser=True)
    admin = admin_token(client)
    worker = client.app.state.services.worker  # type: ignore[attr-defined]
    chosen = worker.device_name  # what the first generation's model load does
    assert chosen in ("cpu", "mps") or chosen.startswith("cuda")
    worker.heartbeat.poke()
    deadline = time.monotonic() + 15
    while (listed := workers(client, admin)[0])["device"] != chosen:
        assert time.monotonic() < deadline, listed
        time.sleep(0.05)


def test_only_administrators_see_workers(make_client: AppFactory) -> None:
    client = make_client(multiuser=True)
    admin = admin_token(client)
    make_user(client, admin, "user@example.com")
    user = login_as(client, "user@example.com", USER_PASSWORD)
    assert client.get("/api/v1/workers", headers=bearer(user)).status_code == 403
    assert client.get("/api/v1/workers").status_code == 401


def test_single_user_mode_sees_workers(su_client: TestClient) -> None:
    assert len(workers(su_client, None)) == 1


def test_benchmark_node_is_unknown_by_default(make_client: AppFactory) -> None:
    client = make_client()
    response = client.post("/api/v1/queue/default/enqueue_batch", json={"batch": {"graph": SLEEP}})
    assert response.status_code == 422
    assert "bench_sleep" in response.text
