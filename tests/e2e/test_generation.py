"""Real (tiny) Stable Diffusion through the whole server: an administrator installs the model
over the API, a user generates with it through the queue and watches progress on socket.io,
the result lands on the user's board, and nobody else can see it."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.e2e.server import StartServer
from tests.e2e.test_sockets import Listener, World, make_world
from tests.gen_fixtures import build_tiny_pipeline

STEPS = 3
PROMPT = "a small red cat"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_pipeline(tmp_path_factory.mktemp("models") / "tiny-sd")


@pytest.fixture
def world(start_server: StartServer, tmp_path: Path) -> Iterator[World]:
    built = make_world(start_server, tmp_path, "multiuser: true\n")
    yield built
    built.http.close()


@pytest.fixture
def listen(world: World) -> Iterator[Callable[[str], Listener]]:
    made: list[Listener] = []

    def _listen(who: str) -> Listener:
        listener = Listener(who).connect(world.server.url, world.tokens[who])
        made.append(listener)
        return listener

    yield _listen
    for listener in made:
        listener.close()


def install(world: World, source: Path) -> dict[str, Any]:
    started = world.http.post(
        "/api/v2/models/install", params={"source": str(source)}, json={}, headers=world.headers("admin")
    )
    assert started.status_code == 201, started.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = world.http.get(f"/api/v2/models/install/{started.json()['id']}", headers=world.headers("admin"))
        if job.json()["status"] in ("completed", "error", "cancelled"):
            assert job.json()["status"] == "completed", job.json()
            config: dict[str, Any] = job.json()["config_out"]
            return config
        time.sleep(0.2)
    raise AssertionError("install did not finish")


def generate(world: World, who: str, node: dict[str, Any]) -> dict[str, Any]:
    graph = {"id": "g", "nodes": {"gen": {"id": "gen", **node}}, "edges": []}
    (item_id,) = world.enqueue(who, graph)
    item = world.wait_status(item_id, {"completed", "failed", "canceled"}, timeout=180)
    assert item["status"] == "completed", (item["error_type"], item["error_message"])
    return item


def test_user_generates_with_a_model_the_admin_installed(
    world: World, tiny_model: Path, listen: Callable[[str], Listener]
) -> None:
    refused = world.http.post(
        "/api/v2/models/install", params={"source": str(tiny_model)}, json={}, headers=world.headers("alice")
    )
    assert refused.status_code == 403
    config = install(world, tiny_model)
    assert (config["base"], config["type"], config["format"]) == ("sd-1", "main", "diffusers")
    listed = world.http.get("/api/v2/models/", headers=world.headers("alice")).json()["models"]
    assert [m["key"] for m in listed] == [config["key"]]

    board = world.http.post("/api/v1/boards/", params={"board_name": "Cats"}, headers=world.headers("alice"))
    board_id = board.json()["board_id"]
    alice, bob = listen("alice"), listen("bob")
    node = {
        "type": "sd_text_to_image", "model": config["key"], "prompt": PROMPT, "negative_prompt": "blurry",
        "width": 64, "height": 64, "steps": STEPS, "cfg_scale": 5.0, "scheduler": "euler", "seed": 42,
        "board": {"board_id": board_id},
    }  # fmt: skip
    item = generate(world, "alice", node)

    alice.wait_for(lambda n, d: n == "queue_item_status_changed" and d["status"] == "completed")
    reports = [p for p in alice.of("invocation_progress") if p["invocation_source_id"] == "gen"]
    progress = [p for p in reports if p["percentage"] is not None]  # others: e.g. "Loading model"
    assert len(progress) == STEPS
    assert [round(p["percentage"], 3) for p in progress] == [round((i + 1) / STEPS, 3) for i in range(STEPS)]
    assert all(p["image"]["dataURL"].startswith("data:image/") for p in progress)
    assert bob.of("invocation_progress") == [] and PROMPT not in bob.text()

    image_name = item["session"]["results"]["gen"]["image"]["image_name"]
    on_board = world.http.get(f"/api/v1/boards/{board_id}/image_names", headers=world.headers("alice")).json()
    assert on_board == [image_name]
    full = world.http.get(f"/api/v1/images/i/{image_name}/full", headers=world.headers("alice"))
    assert Image.open(io.BytesIO(full.content)).size == (64, 64)
    metadata = world.http.get(
        f"/api/v1/images/i/{image_name}/metadata", headers=world.headers("alice")
    ).json()
    assert metadata["positive_prompt"] == PROMPT and metadata["seed"] == 42 and metadata["steps"] == STEPS
    assert metadata["model"]["key"] == config["key"]
    assert PROMPT in json.dumps(Image.open(io.BytesIO(full.content)).text)  # type: ignore[attr-defined]

    for path in (f"/api/v1/images/i/{image_name}", f"/api/v1/images/i/{image_name}/full"):
        assert world.http.get(path, headers=world.headers("bob")).status_code == 403
    assert world.http.get(f"/api/v1/boards/{board_id}", headers=world.headers("bob")).status_code == 403


def test_user_turns_an_uploaded_image_into_a_new_one(world: World, tiny_model: Path) -> None:
    config = install(world, tiny_model)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buffer, "PNG")
    upload = world.http.post(
        "/api/v1/images/upload",
        params={"image_category": "user", "is_intermediate": "false"},
        files={"file": ("red.png", buffer.getvalue(), "image/png")},
        headers=world.headers("alice"),
    )
    assert upload.status_code == 201
    source = upload.json()["image_name"]
    node = {
        "type": "sd_image_to_image", "model": config["key"], "prompt": PROMPT,
        "image": {"image_name": source}, "strength": 0.6, "steps": 4, "seed": 7,
    }  # fmt: skip
    item = generate(world, "alice", node)
    result = item["session"]["results"]["gen"]["image"]["image_name"]
    assert result != source
    dto = world.http.get(f"/api/v1/images/i/{result}", headers=world.headers("alice")).json()
    assert (dto["width"], dto["height"], dto["user_id"]) == (64, 64, world.user_ids["alice"])
    metadata = world.http.get(f"/api/v1/images/i/{result}/metadata", headers=world.headers("alice")).json()
    assert metadata["generation_mode"] == "img2img" and metadata["strength"] == 0.6

    # Bob may not use Alice's upload as his input image: refused before anything is queued, and
    # the refusal says nothing about the image.
    graph = {"id": "g", "nodes": {"gen": {"id": "gen", **node}}, "edges": []}
    refused = world.http.post(
        "/api/v1/queue/default/enqueue_batch", json={"batch": {"graph": graph}}, headers=world.headers("bob")
    )
    assert refused.status_code == 403, refused.text
    assert PROMPT not in refused.text and world.user_ids["alice"] not in refused.text


def test_user_generating_with_an_unknown_model_gets_a_clear_refusal(world: World) -> None:
    node = {"type": "sd_text_to_image", "model": "no-such-model", "prompt": "x", "width": 64, "height": 64}
    graph = {"id": "g", "nodes": {"gen": {"id": "gen", **node}}, "edges": []}
    refused = world.http.post(
        "/api/v1/queue/default/enqueue_batch",
        json={"batch": {"graph": graph}},
        headers=world.headers("alice"),
    )
    assert refused.status_code == 422, refused.text
    assert "no-such-model" in refused.json()["detail"][0]["msg"]
