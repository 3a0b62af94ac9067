"""InvokeAI 6.x's own generation graphs (tests/fixtures/invokeai_graphs, as its UI builds them)
through a real server: an administrator installs tiny models over the API, a user enqueues each
graph with `enqueue_batch`, and gets an image with the graph's metadata and the usual events.
Graphs naming another user's image, a missing or unfit model are refused at enqueue."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.e2e.server import StartServer
from tests.e2e.test_generation import install
from tests.e2e.test_sockets import Listener, World, make_world
from tests.gen_fixtures import TinyModels, shared_tiny_models
from tests.invokeai_graphs import NAMES, enqueue_body, node_of_type, output_node

PLACEHOLDERS = {
    "<sd1>": "pipeline",
    "<sdxl>": "sdxl",
    "<refiner>": "refiner",
    "<kohya_lora>": "kohya_lora",
    "<controlnet>": "controlnet",
    "<upscaler>": "upscaler",
}


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


def install_all(world: World, tiny: TinyModels) -> dict[str, dict[str, Any]]:
    models = {}
    for placeholder, attribute in PLACEHOLDERS.items():
        config = install(world, getattr(tiny, attribute))
        models[placeholder] = {k: config[k] for k in ("key", "hash", "name", "base", "type")}
    return models


def upload(world: World, who: str, image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    response = world.http.post(
        "/api/v1/images/upload",
        params={"image_category": "user", "is_intermediate": "false"},
        files={"file": ("in.png", buffer.getvalue(), "image/png")},
        headers=world.headers(who),
    )
    assert response.status_code == 201, response.text
    name: str = response.json()["image_name"]
    return name


def user_images(world: World, who: str) -> dict[str, str]:
    mask = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    mask.paste((255, 255, 255, 255), (16, 16, 48, 48))  # the painted square is regenerated
    grey_mask = Image.new("L", (64, 64), 255)
    grey_mask.paste(0, (16, 16, 48, 48))  # the same square, as InvokeAI 6.x's canvas sends it
    return {
        "<init_image>": upload(world, who, Image.new("RGB", (64, 64), (200, 40, 40))),
        "<mask_image>": upload(world, who, mask),
        "<inpaint_mask>": upload(world, who, grey_mask),
        "<control_image>": upload(world, who, Image.new("RGB", (64, 64), (255, 255, 255))),
    }


def enqueue(world: World, who: str, body: dict[str, Any]) -> Any:
    return world.http.post("/api/v1/queue/default/enqueue_batch", json=body, headers=world.headers(who))


def message(response: Any) -> str:
    """The readable text of an error body (422 bodies are FastAPI's validation list)."""
    detail = response.json()["detail"]
    return detail if isinstance(detail, str) else " ".join(item["msg"] for item in detail)


@pytest.mark.timeout(540)  # nine graphs, three model families, on shared CPUs
def test_invokeai_graphs_each_make_an_image_with_metadata_and_events(
    world: World, listen: Callable[[str], Listener]
) -> None:
    models = install_all(world, shared_tiny_models())
    images = user_images(world, "alice")
    alice, bob = listen("alice"), listen("bob")
    for name in NAMES:
        body = enqueue_body(name, models, images)
        response = enqueue(world, "alice", body)
        assert response.status_code == 200, (name, response.text)
        (item_id,) = response.json()["item_ids"]
        item = world.wait_status(item_id, {"completed", "failed", "canceled"}, timeout=180)
        assert item["status"] == "completed", (name, item["error_type"], item["error_message"])
        result = item["session"]["results"][output_node(body)]
        assert result["type"] == "image_output", name
        image_name = result["image"]["image_name"]
        expected = (128, 128) if name == "upscale" else (64, 64)
        full = world.http.get(f"/api/v1/images/i/{image_name}/full", headers=world.headers("alice"))
        assert Image.open(io.BytesIO(full.content)).size == expected, name
        metadata = world.http.get(
            f"/api/v1/images/i/{image_name}/metadata", headers=world.headers("alice")
        ).json()
        wanted = body["batch"]["graph"]["nodes"][node_of_type(body, "core_metadata")]
        for field in (
            "generation_mode",
            "positive_prompt",
            "steps",
            "scheduler",
            "model",
            "loras",
            "upscale_model",
        ):
            if field in wanted:
                assert metadata[field] == wanted[field], (name, field)
        if "seed" in wanted:
            assert metadata["seed"] == 1234 or name == "sdxl_refiner", name  # batch data sets the seed
        assert (
            world.http.get(f"/api/v1/images/i/{image_name}", headers=world.headers("bob")).status_code == 403
        )
    alice.wait_for(lambda n, d: n == "queue_item_status_changed" and d["status"] == "completed")
    steps = [p for p in alice.of("invocation_progress") if p["percentage"] is not None]
    assert steps and all(p["image"] is None or p["image"]["dataURL"].startswith("data:image/") for p in steps)
    assert any(p["invocation"]["type"] == "denoise_latents" and p["image"] is not None for p in steps)
    completes = {e["invocation"]["type"] for e in alice.of("invocation_complete")}
    assert {"main_model_loader", "compel", "noise", "denoise_latents", "l2i", "core_metadata"} <= completes
    assert bob.of("invocation_progress") == []


def test_graphs_naming_what_the_user_may_not_use_are_refused_at_enqueue(world: World) -> None:
    models = install_all(world, shared_tiny_models())
    alices = user_images(world, "alice")
    bobs = user_images(world, "bob")
    for name, placeholder in (
        ("img2img", "<init_image>"),
        ("inpaint", "<mask_image>"),
        ("controlnet", "<control_image>"),
    ):
        body = enqueue_body(name, models, {**bobs, placeholder: alices[placeholder]})
        refused = enqueue(world, "bob", body)
        assert refused.status_code == 403, (name, refused.text)
        assert alices[placeholder] in refused.json()["detail"]
    sdxl_into_sd1 = enqueue_body("t2i", {**models, "<sd1>": models["<sdxl>"]})
    refused = enqueue(world, "alice", sdxl_into_sd1)
    assert refused.status_code == 422
    assert "main_model_loader" in message(refused) and "'model'" in message(refused)
    unknown = enqueue_body("t2i", {**models, "<sd1>": {**models["<sd1>"], "key": "no-such-model"}})
    refused = enqueue(world, "alice", unknown)
    assert refused.status_code == 422 and "no-such-model" in message(refused)
    odd_size = enqueue_body("t2i", models)
    odd_size["batch"]["graph"]["nodes"][node_of_type(odd_size, "noise")]["width"] = 63
    assert enqueue(world, "alice", odd_size).status_code == 422
    missing_control_image = enqueue_body("controlnet", models, alices)
    del missing_control_image["batch"]["graph"]["nodes"][node_of_type(missing_control_image, "controlnet")][
        "image"
    ]
    refused = enqueue(world, "alice", missing_control_image)
    assert refused.status_code == 422 and "'image'" in message(refused)
    status = world.http.get("/api/v1/queue/default/status", headers=world.headers("admin")).json()
    assert status["queue"]["total"] == 0 if "queue" in status else status.get("total", 0) == 0
