"""Repos for the fake hub (`tests.fake_hub`), shaped like real ones: a diffusers pipeline with
fp16 variants and the files an install must leave behind (a safety checker, a pickled UNet,
a loose checkpoint at the top, a README), single VAE/ControlNet-style models and loose files."""

from __future__ import annotations

from pathlib import Path

from tests.fake_hub import FakeRepo
from tests.model_files import diffusers_folder, lora_file, vae_folder, write_safetensors

# What an install of a pipeline repo keeps (before variant renames): the components' files.
DECOYS = {
    "README.md": b"# A model\n",
    ".gitattributes": b"*.safetensors filter=lfs diff=lfs merge=lfs -text\n",
    "v1-5-pruned-emaonly.safetensors": b"\0" * 4096,
    "unet/diffusion_pytorch_model.bin": b"\x80\x04pickled weights",
    "unet/diffusion_pytorch_model.non_ema.safetensors": b"\0" * 2048,
    "safety_checker/config.json": b'{"_class_name": "StableDiffusionSafetyChecker"}',
    "safety_checker/model.safetensors": b"\0" * 2048,
    "images/sample.png": b"\x89PNG",
}


def with_decoys(repo: FakeRepo) -> FakeRepo:
    repo.files.update(DECOYS)
    return repo


def fp16_copy(data: bytes) -> bytes:
    """A stand-in fp16 file: a valid safetensors with other bytes (the probe reads headers only)."""
    return data[:-1] + bytes([(data[-1] + 1) % 256]) if data else b"\1"


def add_fp16_variants(repo: FakeRepo) -> FakeRepo:
    for path in [
        p
        for p in repo.files
        if p.endswith("/diffusion_pytorch_model.safetensors") or p.endswith("/model.safetensors")
    ]:
        if path.startswith("safety_checker/"):
            continue
        repo.files[path.replace(".safetensors", ".fp16.safetensors")] = fp16_copy(repo.files[path])
    return repo


def hand_pipeline(
    folder: Path, pipeline: str = "StableDiffusionPipeline", width: int = 768, *, seed: int = 0
) -> FakeRepo:
    """A hand-written pipeline (model_index.json, unet, vae; no torch) with decoys and fp16 files;
    pipelines with different seeds have different content."""
    diffusers_folder(folder, pipeline, width, seed=seed)
    vae_folder(folder / "vae", 0.13025 if width == 2048 else 0.18215)
    (folder / "scheduler").mkdir(exist_ok=True)
    (folder / "scheduler" / "scheduler_config.json").write_text('{"_class_name": "PNDMScheduler"}')
    index = (folder / "model_index.json").read_text()
    (folder / "model_index.json").write_text(
        index.replace(
            '"scheduler"',
            '"safety_checker": ["stable_diffusion", "StableDiffusionSafetyChecker"], "scheduler"',
        )
    )
    return add_fp16_variants(with_decoys(FakeRepo.from_folder(folder)))


def refiner_pipeline(folder: Path) -> FakeRepo:
    """An SDXL refiner: img2img pipeline, no first text encoder, aesthetics score."""
    repo = hand_pipeline(folder, "StableDiffusionXLImg2ImgPipeline", 2048, seed=3)
    index = repo.files["model_index.json"].decode()
    repo.files["model_index.json"] = index.replace(
        '"unet"', '"requires_aesthetics_score": true, "text_encoder": [null, null], "unet"', 1
    ).encode()
    return repo


def vae_repo(folder: Path, scaling_factor: float = 0.13025) -> FakeRepo:
    vae_folder(folder, scaling_factor)
    repo = FakeRepo.from_folder(folder)
    repo.files["sdxl_vae.safetensors"] = b"\0" * 1024  # a loose copy next to the diffusers files
    return add_fp16_variants_top(repo)


def add_fp16_variants_top(repo: FakeRepo) -> FakeRepo:
    data = repo.files["diffusion_pytorch_model.safetensors"]
    repo.files["diffusion_pytorch_model.fp16.safetensors"] = fp16_copy(data)
    return repo


def loose_files_repo(folder: Path) -> FakeRepo:
    """A repo of single files (no diffusers layout), like LoRA and upscaler repos."""
    lora_file(folder / "style.safetensors")
    lora_file(folder / "styles" / "xl-style.safetensors", base="sdxl")
    (folder / "old.ckpt").write_bytes(b"\x80\x04pickled")
    return FakeRepo.from_folder(folder)


def pickle_only_pipeline(folder: Path) -> FakeRepo:
    diffusers_folder(folder, weights="bin")
    return FakeRepo.from_folder(folder)


def big_model_repo(folder: Path, size: int) -> FakeRepo:
    """A VAE folder whose weights file is `size` bytes (for progress, cancel and resume)."""
    vae_folder(folder, 0.18215)
    write_safetensors(folder / "diffusion_pytorch_model.safetensors", {"encoder.conv_in.weight": [size // 2]})
    return FakeRepo.from_folder(folder)
