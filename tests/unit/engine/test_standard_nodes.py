"""InvokeAI's standard node set run as whole graphs (the fixtures InvokeAI's UI builds) through the
executor, with a real `ModelLoader` over SQLite, the tiny random models and a real per-session
tensor store: denoise_latents' progress, previews and cancel (as the compound nodes have them),
metadata through core_metadata, spilled tensors, and the clip-skip and seamless patches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from gesso.engine.context import Canceled, NodeContext
from gesso.engine.executor import NodeFailed, execute
from gesso.engine.graph import parse_graph
from gesso.engine.nodes import build_registry
from gesso.engine.patches import seamless, skip_clip_layers
from gesso.engine.tensors import SessionTensors
from gesso.models.loader import ModelLoader
from tests.gen_fixtures import model_record, models_database, shared_tiny_models
from tests.invokeai_graphs import enqueue_body, node_of_type
from tests.unit.engine.conftest import OWNER, MemoryImages

REGISTRY = build_registry()


@pytest.fixture(scope="module")
def loader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModelLoader]:
    tiny = shared_tiny_models()
    folder = tmp_path_factory.mktemp("standard")
    db = models_database(
        folder,
        [
            model_record("sd1", tiny.pipeline),
            model_record("kohya", tiny.kohya_lora, type="lora", format="lycoris"),
            model_record("sdxl", tiny.sdxl, base="sdxl"),
        ],
    )
    yield ModelLoader(db, folder, 2**30)
    db.dispose()


MODELS = {
    "<sd1>": {"key": "sd1", "hash": "blake3:sd1", "name": "sd1", "base": "sd-1", "type": "main"},
    "<kohya_lora>": {"key": "kohya", "hash": "blake3:kohya", "name": "kohya", "base": "sd-1", "type": "lora"},
    "<sdxl>": {"key": "sdxl", "hash": "blake3:sdxl", "name": "sdxl", "base": "sdxl", "type": "main"},
}


@dataclass
class Run:
    """Records what the executor tells its listener; cancels after `cancel_after_steps` steps."""

    progress: list[tuple[str, float | None, str, Image.Image | None]] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    cancel_after_steps: int | None = None

    def node_started(self, node_id: str, source_node_id: str, node: dict[str, Any]) -> None:
        pass

    def node_progress(
        self, node_id: str, source: str, node: dict[str, Any], pct: float | None, msg: str, preview: Any
    ) -> None:
        self.progress.append((node["type"], pct, msg, preview))

    def node_completed(self, node_id: str, source_node_id: str, node: dict[str, Any], output: Any) -> None:
        self.completed.append(node["type"])

    def steps(self, node_type: str = "denoise_latents") -> list[tuple[float | None, str, Any]]:
        return [(p, m, i) for t, p, m, i in self.progress if t == node_type and m.startswith("Step")]

    def canceled(self) -> bool:
        return self.cancel_after_steps is not None and len(self.steps()) >= self.cancel_after_steps


def run_graph(
    body: dict[str, Any], loader: ModelLoader, images: MemoryImages, store: SessionTensors, run: Run
) -> Any:
    graph = parse_graph(body["batch"]["graph"], REGISTRY)

    def make_context(node_id: str, source_id: str, report: Any) -> NodeContext:
        return NodeContext(
            owner=OWNER, node_id=node_id, source_node_id=source_id, session_id="s-1",
            graph=body["batch"]["graph"], images=images, report_progress=report,
            is_canceled=run.canceled, models=loader, tensors=store,
        )  # fmt: skip

    return execute(graph, REGISTRY, make_context, run, run.canceled)


def edge(source: str, out: str, destination: str, into: str) -> dict[str, Any]:
    return {
        "source": {"node_id": source, "field": out},
        "destination": {"node_id": destination, "field": into},
    }


def t2i(**denoise: Any) -> dict[str, Any]:
    body = enqueue_body("t2i", MODELS)
    body["batch"]["graph"]["nodes"][node_of_type(body, "denoise_latents")].update(denoise)
    return body


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionTensors]:
    tensors = SessionTensors(tmp_path / "tmp", "s-1", memory_limit=0)  # everything but the newest spills
    yield tensors
    tensors.close()


def test_denoise_latents_reports_every_step_with_a_preview_and_l2i_saves_the_metadata(
    loader: ModelLoader, images: MemoryImages, store: SessionTensors
) -> None:
    run = Run()
    body = t2i(steps=4)
    run_graph(body, loader, images, store, run)
    assert [(p, m) for p, m, _ in run.steps()] == [
        (0.25, "Step 1 of 4"),
        (0.5, "Step 2 of 4"),
        (0.75, "Step 3 of 4"),
        (1.0, "Step 4 of 4"),
    ]
    previews = [preview for _, _, preview in run.steps()]
    assert all(p is not None and p.mode == "RGB" and p.size == (8, 8) for p in previews)  # latents: 1/8
    (saved,) = images.saved
    assert (saved.width, saved.height, saved.is_intermediate) == (64, 64, False)
    wanted = body["batch"]["graph"]["nodes"][node_of_type(body, "core_metadata")]
    assert saved.metadata is not None
    for name in (
        "positive_prompt",
        "negative_prompt",
        "seed",
        "steps",
        "scheduler",
        "model",
        "generation_mode",
    ):
        assert saved.metadata[name] == wanted[name], name
    # The run's conditioning, noise and latents went through files (limit 0) that close() removes.
    assert any(store.folder.glob("*.safetensors"))
    store.close()
    assert not store.folder.exists()


def test_cancel_after_the_first_step_stops_within_one_step_and_restores_the_lora(
    loader: ModelLoader, images: MemoryImages, store: SessionTensors
) -> None:
    body = enqueue_body("t2i_lora", MODELS)
    body["batch"]["graph"]["nodes"][node_of_type(body, "denoise_latents")]["steps"] = 6
    unet = loader.load("sd1", "unet")
    before = {name: tensor.clone() for name, tensor in unet.state_dict().items()}
    run = Run(cancel_after_steps=1)
    with pytest.raises(Canceled):
        run_graph(body, loader, images, store, run)
    assert len(run.steps()) == 1
    assert "l2i" not in run.completed and images.saved == []
    after = unet.state_dict()  # the LoRA's weights were taken out again on the way out
    assert all(bool((after[name] == tensor).all()) for name, tensor in before.items())


def pixels(body: dict[str, Any], loader: ModelLoader, images: MemoryImages, store: SessionTensors) -> Any:
    run_graph(body, loader, images, store, Run())
    return np.asarray(images.image(images.saved[-1].image_name), dtype=np.int16)


def test_seamless_changes_the_image_and_leaves_the_cached_models_as_they_were(
    loader: ModelLoader, images: MemoryImages, store: SessionTensors
) -> None:
    plain = pixels(t2i(), loader, images, store)
    body = t2i()
    graph = body["batch"]["graph"]
    loader_id, denoise, l2i = (node_of_type(body, t) for t in ("main_model_loader", "denoise_latents", "l2i"))
    graph["nodes"]["tile"] = {"id": "tile", "type": "seamless", "seamless_x": True, "seamless_y": False}
    graph["edges"] = [e for e in graph["edges"] if e["destination"]["field"] not in ("unet", "vae")]
    for field_name, target in (("unet", denoise), ("vae", l2i)):
        graph["edges"] += [
            edge(loader_id, field_name, "tile", field_name),
            edge("tile", field_name, target, field_name),
        ]
    tiled = pixels(body, loader, images, store)
    assert np.abs(tiled - plain).max() > 0
    assert np.array_equal(pixels(t2i(), loader, images, store), plain)  # the patch is gone again


def test_seamless_wraps_convolutions_around_the_chosen_axis_only() -> None:
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(1, 1, 3, padding=1, bias=False)
    x = torch.randn(1, 1, 6, 6)
    plain = conv(x)
    with torch.no_grad(), seamless(torch.nn.Sequential(conv), ["x"]):
        wrapped = conv(x)
    padded = torch.nn.functional.pad(torch.nn.functional.pad(x, (1, 1, 0, 0), mode="circular"), (0, 0, 1, 1))
    expected = torch.nn.functional.conv2d(padded, conv.weight)
    assert torch.allclose(wrapped, expected, atol=1e-6)
    assert not torch.allclose(wrapped[..., 0], plain[..., 0])  # the left column sees the right edge
    assert torch.allclose(wrapped[..., 1:-1], plain[..., 1:-1], atol=1e-6)  # the middle is untouched
    assert torch.equal(conv(x), plain)


def test_clip_skip_uses_an_earlier_layer_and_puts_the_layers_back() -> None:
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(0)
    config = CLIPTextConfig(
        hidden_size=32, intermediate_size=37, num_attention_heads=4, num_hidden_layers=3,
        vocab_size=100, max_position_embeddings=16, projection_dim=16,
    )  # fmt: skip
    encoder = CLIPTextModel(config).eval()  # transformers 5: no `text_model` level
    ids = torch.tensor([[0, 5, 6, 7, 2]])
    with torch.no_grad():
        full = encoder(ids, output_hidden_states=True)
        with skip_clip_layers(encoder, 1):
            skipped = encoder(ids).last_hidden_state
            assert len(encoder.encoder.layers) == 2
        expected = encoder.final_layer_norm(full.hidden_states[-2])
    assert torch.allclose(skipped, expected, atol=1e-5)
    assert not torch.allclose(skipped, full.last_hidden_state, atol=1e-3)
    assert len(encoder.encoder.layers) == 3
    with (
        pytest.raises(ValueError, match="leaves none of the text encoder's 3 layers"),
        skip_clip_layers(encoder, 3),
    ):
        pass


def test_clip_skip_node_changes_the_image_and_too_many_layers_fail_clearly(
    loader: ModelLoader, images: MemoryImages, store: SessionTensors
) -> None:
    body = enqueue_body("sdxl_t2i", MODELS)  # the tiny SDXL text encoders have 2 layers each
    plain = pixels(body, loader, images, store)
    graph = body["batch"]["graph"]
    loader_id = node_of_type(body, "sdxl_model_loader")
    graph["nodes"]["skip"] = {"id": "skip", "type": "clip_skip", "skipped_layers": 1}
    graph["edges"] = [
        *(
            e if (e["source"]["node_id"], e["source"]["field"]) != (loader_id, "clip")
            else {"source": {"node_id": "skip", "field": "clip"}, "destination": e["destination"]}
            for e in graph["edges"]
        ),
        edge(loader_id, "clip", "skip", "clip"),
    ]  # fmt: skip
    assert np.abs(pixels(body, loader, images, store) - plain).max() > 0
    graph["nodes"]["skip"]["skipped_layers"] = 2
    with pytest.raises(NodeFailed, match="clip skip 2 leaves none of the text encoder's 2 layers"):
        run_graph(body, loader, images, store, Run())
