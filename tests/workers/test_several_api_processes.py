"""Two `gesso serve --no-worker` processes and a `gesso worker` sharing PostgreSQL and Redis, as
behind a load balancer (SPEC §21): REST calls on one process, events on the other with the same
routing rules; sessions, revocation and login throttling shared; Redis dying mid-run."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.server import Server, StartServer
from tests.e2e.test_sockets import Listener
from tests.services.redis_server import RedisServer
from tests.workers.processes import FAST, StartWorker, sleep_graph, until

# Every test here starts several `gesso` processes (each imports the whole app): on shared CPUs
# that alone can take a minute, so these get more than the default 120 s.
pytestmark = pytest.mark.timeout(300)

PASSWORD = "Pass-word1"
Q = "/api/v1/queue/default"


class Cluster:
    def __init__(self, root: Path, start_server: StartServer, start_worker: StartWorker, redis: RedisServer):
        (root / "gesso.yaml").write_text("multiuser: true\nsocket_sweep_seconds: 30\n", encoding="utf-8")
        env = {**FAST, "GESSO_REDIS_URL": redis.url}
        self.a: Server = start_server(root, args=("--no-worker",), env=env)
        self.b: Server = start_server(root, args=("--no-worker",), env=env)
        self.worker = start_worker(root, "gpu0", env=env)
        self.tokens: dict[str, str] = {}
        self.ids: dict[str, str] = {}
        setup = httpx.post(
            f"{self.a.url}/api/v1/auth/setup", json={"email": "admin@example.com", "password": PASSWORD}
        )
        assert setup.status_code == 200, setup.text
        self.tokens["admin"] = self.login(self.b, "admin")  # a session made on A is good on B
        for who in ("alice", "bob"):
            created = httpx.post(
                f"{self.a.url}/api/v1/auth/users",
                json={"email": f"{who}@example.com", "password": PASSWORD},
                headers=self.headers("admin"),
            )
            assert created.status_code == 201, created.text
            self.ids[who] = created.json()["user_id"]
            self.tokens[who] = self.login(self.a, who)
        until(lambda: self.worker_names() == {"gpu0"}, "the worker registered", 90)

    def worker_names(self) -> set[str]:
        response = httpx.get(f"{self.b.url}/api/v1/workers", headers=self.headers("admin"), timeout=10)
        return {w["name"] for w in response.json() if w["state"] == "idle"}

    def login(self, server: Server, who: str) -> str:
        response = httpx.post(
            f"{server.url}/api/v1/auth/login", json={"email": f"{who}@example.com", "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        return token

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def enqueue(self, server: Server, who: str, seconds: float) -> int:
        response = httpx.post(
            f"{server.url}{Q}/enqueue_batch",
            json={"batch": {"graph": sleep_graph(seconds)}},
            headers=self.headers(who),
            timeout=10,
        )
        assert response.status_code == 200, response.text
        item_id: int = response.json()["item_ids"][0]
        return item_id

    def status_of(self, server: Server, item_id: int) -> str:
        response = httpx.get(f"{server.url}{Q}/i/{item_id}", headers=self.headers("admin"), timeout=10)
        assert response.status_code == 200, response.text
        status: str = response.json()["status"]
        return status


def for_item(item_id: int) -> Any:
    return lambda name, data: (
        name == "queue_item_status_changed"
        and data.get("item_id") == item_id
        and (data.get("status") == "completed")
    )


@pytest.fixture
def cluster(
    root: Path, start_server: StartServer, start_worker: StartWorker, redis_server: RedisServer
) -> Cluster:
    return Cluster(root, start_server, start_worker, redis_server)


@pytest.mark.postgresql_only
def test_rest_on_one_process_events_on_the_other_with_the_same_rules(cluster: Cluster) -> None:
    alice = Listener("alice").connect(cluster.b.url, cluster.tokens["alice"])
    bob = Listener("bob").connect(cluster.b.url, cluster.tokens["bob"])
    admin = Listener("admin").connect(cluster.a.url, cluster.tokens["admin"])
    try:
        item_id = cluster.enqueue(cluster.a, "alice", 0.3)
        alice.wait_for(for_item(item_id))
        bob.wait_for(
            lambda name, data: name == "queue_item_status_changed" and data.get("status") == "completed"
        )
        admin.wait_for(for_item(item_id))
        assert {"batch_enqueued", "invocation_started", "invocation_complete"} <= set(alice.names())
        assert all(d["user_id"] == cluster.ids["alice"] for d in alice.of("queue_item_status_changed"))
        # Bob sees only the redacted companion, once per change, and no invocation events.
        assert not any(n.startswith("invocation_") for n in bob.names())
        assert {d["user_id"] for d in bob.of("queue_item_status_changed")} == {"redacted"}
        assert cluster.ids["alice"] not in bob.text()
        assert len(alice.of("queue_item_status_changed")) == len(bob.of("queue_item_status_changed"))
    finally:
        for listener in (alice, bob, admin):
            listener.close()


@pytest.mark.postgresql_only
def test_revocation_and_throttling_reach_every_process(cluster: Cluster) -> None:
    alice = Listener("alice").connect(cluster.b.url, cluster.tokens["alice"])
    deactivated = httpx.patch(
        f"{cluster.a.url}/api/v1/auth/users/{cluster.ids['alice']}",
        json={"is_active": False},
        headers=cluster.headers("admin"),
    )
    assert deactivated.status_code == 200, deactivated.text
    assert alice.disconnected.wait(5), "alice's socket on B stays open (the sweep is 30 s away)"

    # An API token revoked on A closes the socket opened with it on B.
    tokens = f"{cluster.a.url}/api/v1/auth/tokens"
    created = httpx.post(
        tokens, json={"name": "script", "scopes": ["read", "generate"]}, headers=cluster.headers("bob")
    )
    assert created.status_code == 201, created.text
    script = Listener("script").connect(cluster.b.url, created.json()["token"])
    revoked = httpx.delete(f"{tokens}/{created.json()['token_id']}", headers=cluster.headers("bob"))
    assert revoked.status_code == 204, revoked.text
    assert script.disconnected.wait(5), "the revoked token's socket on B stays open"

    wrong = {"email": "bob@example.com", "password": "wrong-password"}
    answers = [
        httpx.post(f"{server.url}/api/v1/auth/login", json=wrong).status_code
        for server in (cluster.a, cluster.b) * 3
    ]
    assert answers[:5] == [401] * 5 and answers[5] == 429, answers


@pytest.mark.postgresql_only
def test_redis_dying_mid_run_loses_live_events_only(cluster: Cluster, redis_server: RedisServer) -> None:
    alice = Listener("alice").connect(cluster.b.url, cluster.tokens["alice"])
    try:
        redis_server.kill()
        item_id = cluster.enqueue(cluster.a, "alice", 0.2)  # REST keeps answering
        until(lambda: cluster.status_of(cluster.b, item_id) == "completed", "the item completes", 60)
        redis_server.start()
        time.sleep(6)  # the listeners reconnect with back-off (at most 5 s apart)
        again = cluster.enqueue(cluster.a, "alice", 0.2)
        alice.wait_for(for_item(again), timeout=30)
    finally:
        alice.close()
