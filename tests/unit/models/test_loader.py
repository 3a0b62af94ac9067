"""`ModelLoader` over a real SQLite database and a tiny diffusers pipeline on this (CPU) machine."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from diffusers import StableDiffusionPipeline

from gesso.db.engine import Database
from gesso.models.loader import (
    IncompatibleModel,
    ModelLoader,
    ModelLoadError,
    UnknownModel,
    dtype_for,
    pick_device,
)
from gesso.models.schedulers import SCHEDULER_NAMES, SCHEDULERS, UnknownScheduler, make_scheduler
from tests.gen_fixtures import model_record, models_database, shared_tiny_models

GIB = 2**30


@pytest.fixture(scope="module")
def loader_parts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Path]]:
    tiny = shared_tiny_models()
    folder = tmp_path_factory.mktemp("loader")
    db = models_database(
        folder,
        [
            model_record("main-a", tiny.pipeline, name="Tiny A"),
            model_record("main-b", tiny.pipeline, name="Tiny B"),
            model_record("vae-sd", tiny.vae, type="vae"),
            model_record("vae-xl", tiny.sdxl_vae, type="vae", base="sdxl", name="XL VAE"),
            model_record("lora-sd", tiny.lora, type="lora", format="lycoris"),
            model_record("lora-xl", tiny.lora, type="lora", format="lycoris", base="sdxl", name="XL LoRA"),
            model_record("main-xl", tiny.pipeline, base="sdxl", name="Not really XL"),
            model_record("gone", folder / "missing", name="Gone"),
            model_record("relative", Path("tiny-sd1"), name="Relative"),
        ],
    )
    yield db, tiny.pipeline.parent
    db.dispose()


@pytest.fixture
def loader(loader_parts: tuple[Database, Path]) -> ModelLoader:
    db, models_dir = loader_parts
    return ModelLoader(db, models_dir, GIB)


def test_device_and_dtype_follow_the_machine(loader: ModelLoader) -> None:
    if torch.cuda.is_available():
        expected = ("cuda", "float16")
    elif torch.backends.mps.is_available():
        expected = ("mps", "float16")
    else:
        expected = ("cpu", "float32")  # this project's development machines and CI
    assert pick_device() == expected[0]
    assert (loader.device, loader.dtype) == expected
    assert dtype_for("cuda") == dtype_for("cuda:1") == dtype_for("mps") == "float16"
    assert dtype_for("cpu") == "float32"
    pipe = loader.load("main-a")
    assert isinstance(pipe, StableDiffusionPipeline)
    assert pipe.unet.dtype == getattr(torch, expected[1])
    assert pipe.unet.device.type == expected[0]
    assert pipe.safety_checker is None


def test_device_and_dtype_can_be_forced(loader_parts: tuple[Database, Path]) -> None:
    db, models_dir = loader_parts
    forced = ModelLoader(db, models_dir, GIB, device="cpu", dtype="bfloat16")
    assert forced.load("main-a").unet.dtype == torch.bfloat16


def test_paths_relative_to_the_models_dir_are_resolved(loader: ModelLoader) -> None:
    assert isinstance(loader.load("relative"), StableDiffusionPipeline)


def test_second_load_is_a_cache_hit(loader: ModelLoader) -> None:
    first = loader.load("main-a")
    assert loader.load("main-a") is first
    stats = loader.cache.stats()
    assert (stats.hits, stats.misses, stats.entries) == (1, 1, 1)
    assert stats.used_bytes == sum(
        p.nbytes for m in (first.unet, first.vae, first.text_encoder) for p in [*m.parameters(), *m.buffers()]
    )


def test_tiny_budget_evicts_the_least_recently_used_pipeline(loader_parts: tuple[Database, Path]) -> None:
    db, models_dir = loader_parts
    sizing = ModelLoader(db, models_dir, GIB)
    sizing.load("main-a")
    size = sizing.cache.stats().used_bytes
    loader = ModelLoader(db, models_dir, int(size * 1.5))
    a = loader.load("main-a")
    loader.load("main-b")  # does not fit beside a: a goes
    assert [k.split("|")[0] for k in loader.cache.lru_keys()] == ["main-b"]
    assert loader.load("main-a") is not a  # loaded again
    stats = loader.cache.stats()
    assert (stats.misses, stats.hits, stats.evictions) == (3, 0, 2)


def test_zero_budget_keeps_nothing(loader_parts: tuple[Database, Path]) -> None:
    db, models_dir = loader_parts
    loader = ModelLoader(db, models_dir, 0)
    assert loader.load("main-a") is not loader.load("main-a")
    assert loader.cache.lru_keys() == []


def test_unknown_key_and_wrong_types_are_clear_errors(loader: ModelLoader) -> None:
    with pytest.raises(UnknownModel, match="Model 'nope' is not installed"):
        loader.load("nope")
    with pytest.raises(UnknownModel, match="'nope' is not installed"):
        loader.describe("nope")
    with pytest.raises(IncompatibleModel, match=r"'Tiny A' .sd-1. has no 'text_encoder_2'"):
        loader.load("main-a", "text_encoder_2")
    with pytest.raises(IncompatibleModel, match="has no 'safety_checker'"):
        loader.load("main-a", "safety_checker")


def test_missing_files_are_a_load_error(loader: ModelLoader) -> None:
    with pytest.raises(ModelLoadError, match="The files of model 'Gone' are missing"):
        loader.load("gone")


def test_parts_of_a_main_model_come_from_one_cached_load(loader: ModelLoader) -> None:
    base = loader.load("main-a")
    assert loader.load("main-a", "unet") is base.unet
    assert loader.load("main-a", "text_encoder") is base.text_encoder
    assert loader.load("main-a", "vae") is base.vae
    assert loader.cache.stats().misses == 1
    assert loader.describe("main-a").identifier("unet") == {
        "key": "main-a", "hash": "blake3:main-a", "name": "Tiny A", "base": "sd-1", "type": "main",
        "submodel_type": "unet",
    }  # fmt: skip


def test_a_standalone_vae_is_its_own_module(loader: ModelLoader) -> None:
    vae = loader.load("vae-sd")
    assert vae is not loader.load("main-a", "vae")
    assert type(vae).__name__ == "AutoencoderKL"


def test_lora_files_load_as_layers(loader: ModelLoader) -> None:
    layers = loader.load("lora-sd")
    assert layers and {layer.component for layer in layers} == {"unet"}
    assert all({"down", "up"} <= set(layer.tensors) for layer in layers)


def test_controlnet_and_upscaler_load(loader_parts: tuple[Database, Path], tmp_path: Path) -> None:
    tiny = shared_tiny_models()
    db = models_database(
        tmp_path,
        [
            model_record("cn", tiny.controlnet, type="controlnet"),
            model_record(
                "up", tiny.upscaler, type="spandrel_image_to_image", base="any", format="checkpoint"
            ),
        ],
    )
    try:
        loader = ModelLoader(db, tmp_path, GIB)
        assert type(loader.load("cn")).__name__ == "ControlNetModel"
        upscaler = loader.load("up")
        assert (upscaler.architecture.name, upscaler.scale) == ("ESRGAN", 2)
        assert loader.load("up") is upscaler
    finally:
        db.dispose()


def test_forget_drops_a_model_from_the_cache(loader: ModelLoader) -> None:
    loader.load("main-a")
    loader.load("vae-sd")
    assert loader.forget("main-a") == 1
    assert [k.split("|")[0] for k in loader.cache.lru_keys()] == ["vae-sd"]


def test_every_listed_scheduler_is_made_from_the_model_config(loader: ModelLoader) -> None:
    config = loader.load("main-a").scheduler.config
    for name in SCHEDULER_NAMES:
        scheduler = make_scheduler(name, config)
        assert type(scheduler).__name__ == SCHEDULERS[name][0]
        assert scheduler.config.beta_schedule == "scaled_linear"  # the model's schedule is kept
        if name.endswith("_k"):
            assert scheduler.config.use_karras_sigmas is True
    assert "dpmpp_sde" not in SCHEDULER_NAMES  # needs torchsde, which the gen extra leaves out
    with pytest.raises(UnknownScheduler, match="Unknown scheduler 'nope'"):
        make_scheduler("nope", config)


def test_creating_the_services_imports_neither_torch_nor_diffusers(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from gesso.config import Settings\n"
        "from gesso.app import create_app\n"
        "from gesso.services import Services\n"
        f"services = Services.open(Settings(root={str(tmp_path)!r}))\n"
        "create_app(Settings(root=" + repr(str(tmp_path)) + "))\n"
        "assert services.model_loader.cache.lru_keys() == []\n"
        "services.close()\n"
        "heavy = sorted(m for m in ('torch', 'diffusers', 'transformers', 'peft') if m in sys.modules)\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
