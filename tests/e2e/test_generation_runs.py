"""What a generation run leaves behind and how it fails, through a real server running InvokeAI's
graphs on the tiny models: the session's tensors (spilled to `<root>/tmp` from the first one with
`session_tensors_memory_mb: 0`) are gone after a completed, a failed and a canceled session;
input only the run can judge (a mask of another size, a LoRA of another base) fails the item
with a message that says what was wrong, and the next item runs."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.e2e.server import StartServer
from tests.e2e.test_invokeai_graphs import enqueue, install_all, upload, user_images
from tests.e2e.test_sockets import Listener, World, make_world
from tests.gen_fixtures import shared_tiny_models
from tests.invokeai_graphs import enqueue_body, node_of_type, output_node

FINISHED = {"completed", "failed", "canceled"}


@pytest.fixture
def world(start_server: StartServer, tmp_path: Path) -> Iterator[World]:
    built = make_world(start_server, tmp_path, "multiuser: true\nsession_tensors_memory_mb: 0\n")
    yield built
    built.http.close()


def session_files(world: World) -> list[Path]:
    tmp = world.server.root / "tmp"
    return sorted(tmp.rglob("*")) if tmp.exists() else []


def run(world: World, body: dict[str, Any]) -> dict[str, Any]:
    response = enqueue(world, "alice", body)
    assert response.status_code == 200, response.text
    (item_id,) = response.json()["item_ids"]
    return world.wait_status(item_id, FINISHED, timeout=180)


def sdxl_with_lora(models: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """InvokeAI's SDXL text-to-image graph with a LoRA put between the model and its users."""
    body = enqueue_body("sdxl_t2i", models)
    graph = body["batch"]["graph"]
    model = node_of_type(body, "sdxl_model_loader")
    graph["nodes"] |= {
        "lora_selector": {
            "id": "lora_selector", "type": "lora_selector", "lora": models["<kohya_lora>"], "weight": 0.8
        },
        "lora_collector": {"id": "lora_collector", "type": "collect"},
        "loras": {"id": "loras", "type": "sdxl_lora_collection_loader"},
    }  # fmt: skip

    def edge(source: str, out: str, destination: str, into: str) -> dict[str, Any]:
        return {
            "source": {"node_id": source, "field": out},
            "destination": {"node_id": destination, "field": into},
        }

    rewired = []
    for e in graph["edges"]:
        if e["source"]["node_id"] == model and e["source"]["field"] in ("unet", "clip", "clip2"):
            e = edge("loras", e["source"]["field"], e["destination"]["node_id"], e["destination"]["field"])
        rewired.append(e)
    graph["edges"] = [
        *rewired,
        edge("lora_selector", "lora", "lora_collector", "item"),
        edge("lora_collector", "collection", "loras", "loras"),
        *(edge(model, part, "loras", part) for part in ("unet", "clip", "clip2")),
    ]
    return body


@pytest.mark.timeout(480)  # five generations and a 500-step run on shared CPUs
def test_session_tensors_are_deleted_whatever_the_outcome_and_bad_runs_fail_clearly(world: World) -> None:
    models = install_all(world, shared_tiny_models())
    images = user_images(world, "alice")
    listener = Listener("alice").connect(world.server.url, world.tokens["alice"])
    try:
        # Completed.
        done = run(world, enqueue_body("t2i", models))
        assert done["status"] == "completed", done["error_message"]
        assert session_files(world) == []

        # Failed: a mask of another size than the image.
        small_mask = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
        failed = run(
            world,
            enqueue_body("inpaint", models, {**images, "<mask_image>": upload(world, "alice", small_mask)}),
        )
        assert failed["status"] == "failed"
        assert "size" in failed["error_message"] and "Traceback" not in failed["error_message"], failed
        assert session_files(world) == []

        # Failed: an SD 1.x LoRA in an SDXL graph.
        item = run(world, sdxl_with_lora(models))
        assert item["status"] == "failed"
        assert "is a sd-1 lora model; it takes sdxl lora models" in item["error_message"], item
        assert session_files(world) == []

        # Canceled while denoising: the spilled tensors are there during the run, gone after it.
        long_run = enqueue_body("t2i", models)
        long_run["batch"]["graph"]["nodes"][node_of_type(long_run, "denoise_latents")]["steps"] = 500
        (item_id,) = enqueue(world, "alice", long_run).json()["item_ids"]
        listener.wait_for(
            lambda name, data: (
                name == "invocation_progress"
                and data["item_id"] == item_id
                and data["invocation"]["type"] == "denoise_latents"
            ),
            timeout=120,
        )
        spilled = [p for p in session_files(world) if p.suffix == ".safetensors"]
        assert spilled, "nothing was spilled to <root>/tmp with session_tensors_memory_mb: 0"
        canceled = world.http.put(f"/api/v1/queue/default/i/{item_id}/cancel", headers=world.headers("alice"))
        assert canceled.status_code == 200, canceled.text
        assert world.wait_status(item_id, FINISHED, timeout=60)["status"] == "canceled"
        # The cancel request ends the item at once; the worker stops within one step and clears up.
        deadline = time.monotonic() + 30
        while session_files(world) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert session_files(world) == []

        # The worker goes on: the next item runs as usual.
        body = enqueue_body("t2i", models)
        after = run(world, body)
        assert after["status"] == "completed", after["error_message"]
        name = after["session"]["results"][output_node(body)]["image"]["image_name"]
        full = world.http.get(f"/api/v1/images/i/{name}/full", headers=world.headers("alice"))
        assert Image.open(io.BytesIO(full.content)).size == (64, 64)
        assert session_files(world) == []
    finally:
        listener.close()
