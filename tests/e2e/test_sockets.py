"""Live server, real socket.io clients as different users (SPEC §7, §8): isolation of events,
redacted companions, progress to the owner only, live revocation, the CLI sweep, fairness."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from tests.e2e.server import Server, StartServer, clean_env

PASSWORD = "Pass-word1"
SECRET_PROMPT = "ALICE-SECRET-PROMPT-7f3a"


def edge(source: str, source_field: str, destination: str, destination_field: str) -> dict[str, Any]:
    return {
        "source": {"node_id": source, "field": source_field},
        "destination": {"node_id": destination, "field": destination_field},
    }


def image_graph(blur_steps: int = 1, size: int = 64) -> dict[str, Any]:
    """A prompt-carrying string node, a noise image (reports progress), blurs, and a save."""
    nodes: dict[str, Any] = {
        "prompt": {"type": "string", "id": "prompt", "value": SECRET_PROMPT},
        "blank": {"type": "blank_image", "id": "blank", "width": size, "height": size},
        "noise": {"type": "img_noise", "id": "noise", "seed": 3, "amount": 0.5},
    }
    edges = [edge("blank", "image", "noise", "image")]
    previous = "noise"
    for step in range(blur_steps):
        nodes[f"blur{step}"] = {"type": "img_blur", "id": f"blur{step}", "radius": 12.0}
        edges.append(edge(previous, "image", f"blur{step}", "image"))
        previous = f"blur{step}"
    nodes["save"] = {"type": "save_image", "id": "save"}
    edges.append(edge(previous, "image", "save", "image"))
    return {"id": "g", "nodes": nodes, "edges": edges}


@dataclass
class Listener:
    """A socket.io client that records every event it receives."""

    name: str
    events: list[tuple[str, Any, float]] = field(default_factory=list)
    disconnected: threading.Event = field(default_factory=threading.Event)

    def connect(self, url: str, token: str | None) -> Listener:
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", lambda event, data: self.events.append((event, data, time.monotonic())))
        self.sio.on("disconnect", lambda *_: self.disconnected.set())
        auth = {"token": token} if token else None
        self.sio.connect(
            url, socketio_path="/ws/socket.io", auth=auth, transports=["websocket"], wait_timeout=10
        )
        self.sio.emit("subscribe_queue", {"queue_id": "default"})
        time.sleep(0.2)  # the subscription is processed before the test starts producing events
        return self

    def names(self) -> list[str]:
        return [name for name, _, _ in self.events]

    def of(self, name: str) -> list[Any]:
        return [data for event, data, _ in self.events if event == name]

    def text(self) -> str:
        return json.dumps([[name, data] for name, data, _ in self.events])

    def wait_for(self, predicate: Callable[[str, Any], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(predicate(name, data) for name, data, _ in list(self.events)):
                return
            time.sleep(0.05)
        raise AssertionError(f"{self.name} did not receive the expected event; got {self.names()}")

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


@dataclass
class World:
    server: Server
    http: httpx.Client
    tokens: dict[str, str]
    user_ids: dict[str, str]

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def enqueue(self, who: str, graph: dict[str, Any], runs: int = 1) -> list[int]:
        response = self.http.post(
            "/api/v1/queue/default/enqueue_batch",
            json={"batch": {"graph": graph, "runs": runs, "origin": f"{who}-origin"}},
            headers=self.headers(who),
        )
        assert response.status_code == 200, response.text
        ids: list[int] = response.json()["item_ids"]
        return ids

    def item(self, item_id: int) -> dict[str, Any]:
        response = self.http.get(f"/api/v1/queue/default/i/{item_id}", headers=self.headers("admin"))
        item: dict[str, Any] = response.json()
        return item

    def wait_status(self, item_id: int, statuses: set[str], timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            item = self.item(item_id)
            if item["status"] in statuses:
                return item
            time.sleep(0.1)
        raise AssertionError(f"item {item_id} stayed {self.item(item_id)['status']}")


def make_world(start_server: StartServer, tmp_path: Path, config: str) -> World:
    root = tmp_path / "root"
    root.mkdir()
    (root / "gesso.yaml").write_text(config, encoding="utf-8")
    return world_on(start_server(root))


def world_on(server: Server) -> World:
    """An administrator, alice and bob signed up and signed in on a fresh multi-user server."""
    http = httpx.Client(base_url=server.url, timeout=30)
    tokens: dict[str, str] = {}
    user_ids: dict[str, str] = {}
    setup = http.post("/api/v1/auth/setup", json={"email": "admin@example.com", "password": PASSWORD})
    user_ids["admin"] = setup.json()["user"]["user_id"]
    for who in ("admin", "alice", "bob"):
        if who != "admin":
            created = http.post(
                "/api/v1/auth/users",
                json={"email": f"{who}@example.com", "password": PASSWORD},
                headers={"Authorization": f"Bearer {tokens['admin']}"},
            )
            user_ids[who] = created.json()["user_id"]
        login = http.post("/api/v1/auth/login", json={"email": f"{who}@example.com", "password": PASSWORD})
        tokens[who] = login.json()["token"]
    return World(server, http, tokens, user_ids)


@pytest.fixture
def world(start_server: StartServer, tmp_path: Path) -> Iterator[World]:
    built = make_world(start_server, tmp_path, "multiuser: true\nsocket_sweep_seconds: 1\n")
    yield built
    built.http.close()


@pytest.fixture
def listeners() -> Iterator[Callable[[str, str, str | None], Listener]]:
    made: list[Listener] = []

    def _listen(name: str, url: str, token: str | None) -> Listener:
        listener = Listener(name).connect(url, token)
        made.append(listener)
        return listener

    yield _listen
    for listener in made:
        listener.close()


def test_users_only_hear_what_they_may_see(world: World, listeners: Callable[..., Listener]) -> None:
    alice = listeners("alice", world.server.url, world.tokens["alice"])
    bob = listeners("bob", world.server.url, world.tokens["bob"])
    admin = listeners("admin", world.server.url, world.tokens["admin"])

    (item_id,) = world.enqueue("alice", image_graph(size=256))
    world.wait_status(item_id, {"completed"})
    for listener in (alice, admin):
        listener.wait_for(lambda n, d: n == "queue_item_status_changed" and d["status"] == "completed")
    bob.wait_for(lambda n, d: n == "queue_item_status_changed" and d["status"] == "completed")

    alice_images = world.http.get("/api/v1/images/names", headers=world.headers("alice")).json()[
        "image_names"
    ]
    assert alice_images, "the graph saved images into alice's gallery"
    bob_text = bob.text()
    for secret in (SECRET_PROMPT, "alice-origin", world.user_ids["alice"], *alice_images):
        assert secret not in bob_text
    assert not {"invocation_started", "invocation_progress", "invocation_complete"} & set(bob.names())
    companions = bob.of("queue_item_status_changed")
    assert companions and all(d["user_id"] == "redacted" and d["batch_id"] == "redacted" for d in companions)
    assert all(d["item_id"] == item_id for d in companions)
    assert [d["user_id"] for d in bob.of("batch_enqueued")] == ["redacted"]

    assert SECRET_PROMPT in alice.text() and SECRET_PROMPT in admin.text()
    progress = alice.of("invocation_progress")
    assert progress and all(p["percentage"] is None or 0 <= p["percentage"] <= 1 for p in progress)
    assert admin.of("invocation_progress") == []
    completes = admin.of("invocation_complete")
    assert {c["invocation_source_id"] for c in completes} >= {"prompt", "save"}
    assert all(d["user_id"] == world.user_ids["alice"] for d in admin.of("queue_item_status_changed"))


def test_socket_without_valid_token_is_refused(world: World) -> None:
    for token in (None, "not-a-token", world.tokens["alice"] + "x"):
        client = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(
                world.server.url, socketio_path="/ws/socket.io", auth={"token": token} if token else None,
                transports=["websocket"], wait_timeout=5,
            )  # fmt: skip


def test_deactivation_disconnects_within_a_second_and_cancels_the_running_item(
    world: World, listeners: Callable[..., Listener]
) -> None:
    alice = listeners("alice", world.server.url, world.tokens["alice"])
    (item_id,) = world.enqueue("alice", image_graph(blur_steps=60, size=768))
    alice.wait_for(lambda n, d: n == "invocation_started" and d["invocation_source_id"].startswith("blur"))

    started = time.monotonic()
    response = world.http.patch(
        f"/api/v1/auth/users/{world.user_ids['alice']}",
        json={"is_active": False},
        headers=world.headers("admin"),
    )
    assert response.status_code == 200
    assert alice.disconnected.wait(1.0), "alice's socket stayed connected"
    assert time.monotonic() - started < 1.0
    item = world.wait_status(item_id, {"canceled", "completed", "failed"}, timeout=10)
    assert item["status"] == "canceled"
    assert len(item["session"]["results"]) < len(image_graph(blur_steps=60)["nodes"])


def test_cli_deactivation_from_another_process_is_caught_by_the_sweep(
    world: World, listeners: Callable[..., Listener]
) -> None:
    bob = listeners("bob", world.server.url, world.tokens["bob"])
    command = [sys.executable, "-m", "gesso", "users", "deactivate", "bob@example.com"]
    result = subprocess.run(
        [*command, "--root", str(world.server.root)],
        capture_output=True, text=True, env=clean_env(), timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert bob.disconnected.wait(10.0), "the sweep (every 1 s here) did not disconnect bob"


def test_promotion_moves_a_socket_into_the_admin_room(
    world: World, listeners: Callable[..., Listener]
) -> None:
    bob = listeners("bob", world.server.url, world.tokens["bob"])
    world.http.patch(
        f"/api/v1/auth/users/{world.user_ids['bob']}", json={"is_admin": True}, headers=world.headers("admin")
    )
    time.sleep(0.3)
    (item_id,) = world.enqueue("alice", image_graph())
    world.wait_status(item_id, {"completed"})
    bob.wait_for(lambda n, d: n == "invocation_complete")
    assert SECRET_PROMPT in bob.text()


def test_round_robin_serves_a_newcomer_before_the_busy_users_next_item(world: World) -> None:
    slow = image_graph(blur_steps=3, size=384)
    alice_ids = world.enqueue("alice", slow, runs=20)
    world.wait_status(min(alice_ids), {"in_progress", "completed"})
    bob_ids = world.enqueue("bob", slow, runs=2)
    bob_enqueued_at = world.item(min(bob_ids))["created_at"]
    first_bob = world.wait_status(min(bob_ids), {"completed"}, timeout=120)
    world.wait_status(max(bob_ids), {"completed"}, timeout=120)

    items = world.http.get("/api/v1/queue/default/list_all", headers=world.headers("admin")).json()
    alice_started_after = sorted(
        i["started_at"]
        for i in items
        if i["user_id"] == world.user_ids["alice"] and i["started_at"] and i["started_at"] > bob_enqueued_at
    )
    assert len(alice_started_after) >= 2
    assert first_bob["started_at"] <= alice_started_after[1]
    world.http.put("/api/v1/queue/default/clear", headers=world.headers("admin"))


def test_single_user_mode_runs_items_in_fifo_order(start_server: StartServer, tmp_path: Path) -> None:
    root = tmp_path / "su"
    root.mkdir()
    server = start_server(root)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        http.put("/api/v1/queue/default/processor/pause")
        graph = {"id": "g", "nodes": {"n": {"type": "integer", "id": "n", "value": 1}}, "edges": []}
        for _ in range(3):
            http.post("/api/v1/queue/default/enqueue_batch", json={"batch": {"graph": graph, "runs": 2}})
        http.put("/api/v1/queue/default/processor/resume")
        deadline = time.monotonic() + 30
        while http.get("/api/v1/queue/default/status").json()["queue"]["completed"] < 6:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        items = http.get("/api/v1/queue/default/list_all").json()
    by_start = [i["item_id"] for i in sorted(items, key=lambda i: (i["started_at"], i["item_id"]))]
    assert by_start == sorted(i["item_id"] for i in items)
