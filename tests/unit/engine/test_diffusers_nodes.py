"""`sd_text_to_image` / `sd_image_to_image` run directly through a `NodeContext`, with a real
`ModelLoader` over a real SQLite database and a tiny random pipeline (64x64, 2-4 steps)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from pydantic import ValidationError

from gesso.engine.context import Canceled, NodeContext
from gesso.engine.diffusion import latent_preview
from gesso.engine.nodes import build_registry
from gesso.engine.nodes.diffusers_sd import ImageToImageNode, IncompatibleModel, TextToImageNode
from gesso.models.loader import ModelLoader, UnknownModel
from tests.gen_fixtures import model_record, models_database, shared_tiny_models
from tests.unit.engine.conftest import OWNER, MemoryImages

SMALL = {"width": 64, "height": 64, "steps": 3, "prompt": "a red fox", "seed": 7}


@dataclass
class Recorder:
    reports: list[tuple[float | None, str, Image.Image | None]] = field(default_factory=list)
    cancel_after_steps: int | None = None

    def report(self, percentage: float | None, message: str, preview: Image.Image | None) -> None:
        self.reports.append((percentage, message, preview))

    def is_canceled(self) -> bool:
        steps = sum(1 for _, message, _ in self.reports if message.startswith("Step"))
        return self.cancel_after_steps is not None and steps >= self.cancel_after_steps

    @property
    def steps(self) -> list[tuple[float | None, str, Image.Image | None]]:
        return [r for r in self.reports if r[1].startswith("Step")]


@pytest.fixture(scope="module")
def loader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModelLoader]:
    tiny = shared_tiny_models()
    folder = tmp_path_factory.mktemp("nodes")
    db = models_database(
        folder,
        [
            model_record("tiny", tiny.pipeline, name="Tiny SD"),
            model_record("tiny-vae", tiny.vae, type="vae", name="Tiny VAE"),
            model_record("xl-vae", tiny.sdxl_vae, type="vae", base="sdxl", name="XL VAE"),
            model_record("tiny-lora", tiny.lora, type="lora", format="lycoris", name="Tiny LoRA"),
            model_record("xl-lora", tiny.lora, type="lora", format="lycoris", base="sdxl", name="XL LoRA"),
        ],
    )
    yield ModelLoader(db, folder, 2**30)
    db.dispose()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def context(loader: ModelLoader, images: MemoryImages, recorder: Recorder) -> NodeContext:
    return NodeContext(
        owner=OWNER,
        node_id="gen",
        source_node_id="gen",
        session_id="session-1",
        graph={},
        images=images,
        report_progress=recorder.report,
        is_canceled=recorder.is_canceled,
        models=loader,
    )


def text_to_image(ctx: NodeContext, images: MemoryImages, **inputs: Any) -> np.ndarray[Any, Any]:
    output = TextToImageNode.model_validate({"id": "gen", "model": "tiny", **SMALL, **inputs}).invoke(ctx)
    return np.asarray(images.image(output.image.image_name))


def test_both_nodes_are_registered() -> None:
    registry = build_registry()
    assert "sd_text_to_image" in registry and "sd_image_to_image" in registry


def test_text_to_image_makes_an_image_of_the_requested_size(
    context: NodeContext, images: MemoryImages
) -> None:
    output = TextToImageNode(id="gen", model="tiny", **SMALL).invoke(context)
    assert (output.width, output.height) == (64, 64)
    saved = images.image(output.image.image_name)
    assert saved.size == (64, 64) and saved.mode == "RGB"
    assert images.saved[-1].node_id == "gen"


def test_same_seed_same_pixels_different_seed_different(context: NodeContext, images: MemoryImages) -> None:
    first = text_to_image(context, images, seed=11)
    again = text_to_image(context, images, seed=11)
    other = text_to_image(context, images, seed=12)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_every_step_reports_progress_with_a_preview(context: NodeContext, recorder: Recorder) -> None:
    TextToImageNode(id="gen", model="tiny", **{**SMALL, "steps": 4}).invoke(context)
    assert recorder.reports[0][:2] == (None, "Loading model")
    assert [(p, m) for p, m, _ in recorder.steps] == [
        (0.25, "Step 1 of 4"),
        (0.5, "Step 2 of 4"),
        (0.75, "Step 3 of 4"),
        (1.0, "Step 4 of 4"),
    ]
    previews = [preview for _, _, preview in recorder.steps]
    assert all(p is not None and p.mode == "RGB" and p.size == (8, 8) for p in previews)  # latents: 1/8


def test_cancel_after_the_first_step_stops_the_run(
    context: NodeContext, recorder: Recorder, images: MemoryImages, loader: ModelLoader
) -> None:
    recorder.cancel_after_steps = 1
    unet = loader.load("tiny", "unet")
    before = {name: tensor.clone() for name, tensor in unet.state_dict().items()}
    with pytest.raises(Canceled):
        TextToImageNode(
            id="gen", model="tiny", **{**SMALL, "steps": 4, "loras": [{"key": "tiny-lora"}]}
        ).invoke(context)
    assert len(recorder.steps) == 1
    assert images.saved == []
    after = unet.state_dict()  # the LoRA's weights were taken out again on the way out
    assert all(bool((after[name] == tensor).all()) for name, tensor in before.items())


def test_generation_parameters_are_recorded_as_metadata(context: NodeContext, images: MemoryImages) -> None:
    TextToImageNode(
        id="gen",
        model={"key": "tiny", "name": "ignored"},
        negative_prompt="blurry",
        scheduler="dpmpp_2m",
        cfg_scale=5.0,
        vae="tiny-vae",
        loras=[{"lora": {"key": "tiny-lora"}, "weight": 0.5}],
        metadata={"app": "studio", "seed": -1},
        **SMALL,
    ).invoke(context)
    metadata = images.saved[-1].metadata
    assert metadata is not None
    tiny = {"key": "tiny", "hash": "blake3:tiny", "name": "Tiny SD", "base": "sd-1", "type": "main"}
    assert metadata == {
        "app": "studio",
        "generation_mode": "txt2img",
        "positive_prompt": "a red fox",
        "negative_prompt": "blurry",
        "width": 64,
        "height": 64,
        "seed": 7,  # the real seed wins over the metadata input
        "rand_device": "cpu",
        "steps": 3,
        "cfg_scale": 5.0,
        "scheduler": "dpmpp_2m",
        "model": tiny,
        "vae": {
            "key": "tiny-vae",
            "hash": "blake3:tiny-vae",
            "name": "Tiny VAE",
            "base": "sd-1",
            "type": "vae",
        },
        "loras": [
            {
                "model": {
                    "key": "tiny-lora",
                    "hash": "blake3:tiny-lora",
                    "name": "Tiny LoRA",
                    "base": "sd-1",
                    "type": "lora",
                },
                "weight": 0.5,
            }
        ],
    }


def test_a_lora_changes_the_image_and_leaves_the_cached_model_clean(
    context: NodeContext, images: MemoryImages
) -> None:
    plain = text_to_image(context, images)
    with_lora = text_to_image(context, images, loras=[{"key": "tiny-lora", "weight": 1.0}])
    plain_again = text_to_image(context, images)
    assert not np.array_equal(plain, with_lora)
    assert np.array_equal(plain, plain_again)


def test_image_to_image_from_an_input_image(
    context: NodeContext, images: MemoryImages, recorder: Recorder
) -> None:
    source = images.add(Image.new("RGB", (64, 64), (200, 40, 40)), "input.png")
    output = ImageToImageNode(
        id="gen", model="tiny", image={"image_name": source}, strength=0.5, **{**SMALL, "steps": 4}
    ).invoke(context)
    assert (output.width, output.height) == (64, 64)
    assert (OWNER.user_id, source) in images.loads  # read with the owner's rights
    assert [m for _, m, _ in recorder.steps] == ["Step 1 of 2", "Step 2 of 2"]  # steps x strength
    metadata = images.saved[-1].metadata
    assert metadata is not None
    assert metadata["generation_mode"] == "img2img"
    assert (metadata["strength"], metadata["init_image"]) == (0.5, source)
    result = np.asarray(images.image(output.image.image_name))
    assert not np.array_equal(result, np.asarray(images.image(source)))


def test_image_to_image_sizes_default_to_the_input_rounded_to_8(
    context: NodeContext, images: MemoryImages
) -> None:
    source = images.add(Image.new("RGBA", (75, 66), (10, 200, 40, 128)))
    output = ImageToImageNode(
        id="gen", model="tiny", image={"image_name": source}, steps=2, strength=1.0
    ).invoke(context)
    assert (output.width, output.height) == (72, 64)
    resized = ImageToImageNode(
        id="gen", model="tiny", image={"image_name": source}, steps=2, width=64, height=80
    ).invoke(context)
    assert (resized.width, resized.height) == (64, 80)


def test_image_to_image_with_no_denoising_step_is_refused(context: NodeContext, images: MemoryImages) -> None:
    source = images.add(Image.new("RGB", (64, 64)))
    node = ImageToImageNode(id="gen", model="tiny", image={"image_name": source}, steps=4, strength=0.2)
    with pytest.raises(ValueError, match="runs no denoising step"):
        node.invoke(context)


def test_vae_or_lora_of_another_base_is_refused_with_a_clear_message(
    context: NodeContext, images: MemoryImages
) -> None:
    with pytest.raises(
        IncompatibleModel, match="VAE 'XL VAE' is for sdxl models; the main model 'Tiny SD' is sd-1"
    ):
        TextToImageNode(id="gen", model="tiny", vae="xl-vae", **SMALL).invoke(context)
    with pytest.raises(
        IncompatibleModel, match="LoRA 'XL LoRA' is for sdxl models; the main model 'Tiny SD'"
    ):
        TextToImageNode(id="gen", model="tiny", loras=[{"key": "xl-lora"}], **SMALL).invoke(context)
    with pytest.raises(
        IncompatibleModel, match=r"is a vae model .sd-1. and cannot be used as the main model"
    ):
        TextToImageNode(id="gen", model="tiny-vae", **SMALL).invoke(context)
    with pytest.raises(UnknownModel, match="Model 'missing' is not installed"):
        TextToImageNode(id="gen", model="missing", **SMALL).invoke(context)
    assert images.saved == []


def test_without_a_model_manager_the_node_fails_clearly(images: MemoryImages, recorder: Recorder) -> None:
    ctx = NodeContext(OWNER, "gen", "gen", "s", {}, images, recorder.report, lambda: False)
    with pytest.raises(RuntimeError, match="without a model manager"):
        TextToImageNode(id="gen", model="tiny", **SMALL).invoke(ctx)


@pytest.mark.parametrize(
    "inputs",
    [
        {"width": 100},
        {"height": 32},
        {"steps": 0},
        {"steps": 201},
        {"scheduler": "dpmpp_sde"},
        {"seed": -1},
        {"cfg_scale": 0.5},
        {"model": ""},
        {"loras": [{"weight": 1.0}]},
    ],
)
def test_inputs_are_validated(inputs: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        TextToImageNode.model_validate({"id": "gen", "model": "tiny", **inputs})


def test_defaults() -> None:
    node = TextToImageNode(id="gen", model="tiny")
    assert (node.width, node.height, node.steps, node.cfg_scale, node.scheduler, node.seed) == (
        512,
        512,
        20,
        7.5,
        "euler",
        0,
    )
    assert node.use_cache is False
    assert ImageToImageNode(id="gen", model="tiny", image={"image_name": "x"}).strength == 0.75


@pytest.mark.parametrize("scheduler", ["ddim", "euler_a", "heun", "lms_k", "kdpm_2_a", "dpmpp_2s", "unipc_k"])
def test_schedulers_run(context: NodeContext, images: MemoryImages, scheduler: str) -> None:
    pixels = text_to_image(context, images, scheduler=scheduler, steps=2)
    assert pixels.shape == (64, 64, 3)


def test_latent_preview_is_a_fixed_linear_projection() -> None:
    import torch

    zeros = torch.zeros(1, 4, 5, 6)
    preview = latent_preview(zeros, "sd-1")
    assert preview is not None and preview.size == (6, 5)
    assert np.asarray(preview).max() == np.asarray(preview).min() == 127  # zero latents: mid grey
    assert latent_preview(torch.zeros(1, 16, 4, 4), "sd-1") is None  # not an SD latent


def test_tiny_pipeline_folder_is_reusable(tmp_path: Path) -> None:
    from gesso.models.probe import probe

    tiny = shared_tiny_models()
    assert (probe(tiny.pipeline).base, probe(tiny.pipeline).type) == ("sd-1", "main")
    assert (probe(tiny.lora).base, probe(tiny.lora).type) == ("sd-1", "lora")
    assert (probe(tiny.sdxl_vae).base, probe(tiny.vae).base) == ("sdxl", "sd-1")
