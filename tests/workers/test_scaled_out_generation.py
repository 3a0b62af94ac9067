"""InvokeAI's own generation graphs through the scaled-out layout of SPEC §21, unchanged: two
`gesso serve --no-worker` processes (as behind a load balancer), two `gesso worker` processes,
PostgreSQL and Redis. The same flow as tests/e2e/test_invokeai_graphs.py — an administrator
installs the tiny models over the API, a user enqueues every graph on one API process — and
each graph makes its image with the graph's metadata, both workers take a share, and the
user's progress reaches their socket on the *other* API process while nobody else sees it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests import databases
from tests.e2e.server import StartServer
from tests.e2e.test_invokeai_graphs import enqueue, install_all, user_images
from tests.e2e.test_sockets import Listener, World, world_on
from tests.gen_fixtures import shared_tiny_models
from tests.invokeai_graphs import NAMES, enqueue_body, node_of_type, output_node
from tests.services.redis_server import RedisServer
from tests.workers.processes import FAST, StartWorker, until

pytestmark = pytest.mark.timeout(600)  # nine graphs on two CPU workers, beside four processes


def cluster_world(root: Path, start_server: StartServer, env: dict[str, str]) -> tuple[World, str]:
    """A world whose requests go to API process A; returns it and process B's URL."""
    (root / "gesso.yaml").write_text("multiuser: true\n", encoding="utf-8")
    a = start_server(root, args=("--no-worker",), env=env)
    b = start_server(root, args=("--no-worker",), env=env)
    return world_on(a), b.url


@pytest.fixture
def scaled_out(
    root: Path, start_server: StartServer, start_worker: StartWorker, redis_server: RedisServer
) -> Iterator[tuple[World, str]]:
    env = {**FAST, "GESSO_REDIS_URL": redis_server.url}
    world, other_url = cluster_world(root, start_server, env)
    for name in ("gpu0", "gpu1"):
        start_worker(root, name, env=env)

    def idle_workers() -> set[str]:
        listed = world.http.get("/api/v1/workers", headers=world.headers("admin")).json()
        return {w["name"] for w in listed if w["state"] == "idle"}

    until(lambda: idle_workers() == {"gpu0", "gpu1"}, "both workers registered", timeout=120)
    yield world, other_url
    world.http.close()


@pytest.mark.postgresql_only
def test_invokeai_graphs_run_unchanged_on_two_api_processes_and_two_workers(
    scaled_out: tuple[World, str], root: Path
) -> None:
    world, other_url = scaled_out
    models = install_all(world, shared_tiny_models())
    images = user_images(world, "alice")
    alice = Listener("alice").connect(other_url, world.tokens["alice"])
    bob = Listener("bob").connect(other_url, world.tokens["bob"])
    try:
        bodies = {name: enqueue_body(name, models, images) for name in NAMES}
        item_ids = {}
        for name, body in bodies.items():  # all at once, so both workers have work
            response = enqueue(world, "alice", body)
            assert response.status_code == 200, (name, response.text)
            (item_ids[name],) = response.json()["item_ids"]
        for name, body in bodies.items():
            item = world.wait_status(item_ids[name], {"completed", "failed", "canceled"}, timeout=300)
            assert item["status"] == "completed", (name, item["error_type"], item["error_message"])
            image_name = item["session"]["results"][output_node(body)]["image"]["image_name"]
            full = world.http.get(f"/api/v1/images/i/{image_name}/full", headers=world.headers("alice"))
            expected = (128, 128) if name == "upscale" else (64, 64)
            assert Image.open(io.BytesIO(full.content)).size == expected, name
            metadata = world.http.get(
                f"/api/v1/images/i/{image_name}/metadata", headers=world.headers("alice")
            ).json()
            wanted = body["batch"]["graph"]["nodes"][node_of_type(body, "core_metadata")]
            for field in ("generation_mode", "positive_prompt", "steps", "model"):
                if field in wanted:
                    assert metadata[field] == wanted[field], (name, field)
            forbidden = world.http.get(f"/api/v1/images/i/{image_name}", headers=world.headers("bob"))
            assert forbidden.status_code == 403
        ran_by = databases.query(
            root, "SELECT DISTINCT worker_id FROM session_queue WHERE status = 'completed'"
        )
        assert len(ran_by) == 2, "both workers took graphs"
        last = item_ids[NAMES[-1]]
        alice.wait_for(lambda n, d: n == "queue_item_status_changed" and d["item_id"] == last)
        assert any(p["percentage"] is not None for p in alice.of("invocation_progress"))
        completes = {e["invocation"]["type"] for e in alice.of("invocation_complete")}
        assert {"main_model_loader", "compel", "noise", "denoise_latents", "l2i"} <= completes
        assert bob.of("invocation_progress") == [] and bob.of("invocation_complete") == []
    finally:
        alice.close()
        bob.close()
