"""Identify a model on disk (base, type, format) from its configs and tensor names and shapes.

Nothing here executes code from the model: diffusers folders are read through their JSON
configs, single files through the safetensors header (names and shapes only, no tensor data).
Pickle-based formats (`.ckpt`, `.bin`, `.pt`, `.pth`) are refused outright, because loading
them can run arbitrary code; convert them to `.safetensors` first.
"""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gesso.errors import InvalidInput
from gesso.models.lora import UnknownLoraLayout, lora_format
from gesso.models.upscalers import describe as describe_upscaler

PICKLE_SUFFIXES = {".ckpt", ".bin", ".pt", ".pth", ".pkl"}
MAX_HEADER_BYTES = 100 * 1024 * 1024
# Cross-attention width of the UNet tells SD versions apart: 768 (CLIP-L) for SD 1.x,
# 1024 (OpenCLIP-H) for SD 2.x, 2048 (CLIP-L + bigG) for SDXL.
CONTEXT_TO_BASE = {768: "sd-1", 1024: "sd-2", 2048: "sdxl"}
PIPELINE_BASES = {
    "StableDiffusionPipeline": None,  # sd-1 or sd-2: decided by the UNet's cross_attention_dim
    "StableDiffusionImg2ImgPipeline": None,
    "StableDiffusionXLPipeline": "sdxl",
    "StableDiffusionXLImg2ImgPipeline": "sdxl",
}


class UnidentifiedModel(InvalidInput):
    """The model could not be identified; the message says why."""


@dataclass(frozen=True)
class ProbeResult:
    base: str
    type: str
    format: str
    name: str
    config: dict[str, Any] = field(default_factory=dict)


def probe(path: Path) -> ProbeResult:
    if not path.exists():
        raise UnidentifiedModel(f"No file or folder at {path}")
    if path.is_dir():
        return _probe_folder(path)
    if path.suffix.lower() in PICKLE_SUFFIXES:
        raise UnidentifiedModel(
            f"{path.name}: pickle-based checkpoints ({', '.join(sorted(PICKLE_SUFFIXES))}) are refused "
            "because loading them can execute code; convert the model to .safetensors"
        )
    if path.suffix.lower() != ".safetensors":
        raise UnidentifiedModel(
            f"{path.name}: not a model file (expected a .safetensors file or a diffusers folder)"
        )
    return _probe_safetensors(path)


# -- diffusers folders -----------------------------------------------------------------------


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UnidentifiedModel(f"Cannot read {path.name}: {exc}") from None
    if not isinstance(value, dict):
        raise UnidentifiedModel(f"{path.name} is not a JSON object")
    return value


def _probe_folder(path: Path) -> ProbeResult:
    index = path / "model_index.json"
    if index.is_file():
        model_index = _read_json(index)
        pipeline = str(model_index.get("_class_name", ""))
        if pipeline not in PIPELINE_BASES:
            raise UnidentifiedModel(
                f"Unsupported diffusers pipeline {pipeline!r} (supported: SD 1.x, SD 2.x, SDXL)"
            )
        base = PIPELINE_BASES[pipeline] or _base_from_unet(path / "unet" / "config.json")
        no_first_encoder = "text_encoder" in model_index and not any(model_index["text_encoder"] or [])
        if base == "sdxl" and (model_index.get("requires_aesthetics_score") is True or no_first_encoder):
            base = "sdxl-refiner"  # the refiner has only the second (bigG) text encoder
        if not any(path.glob("unet/*.safetensors")):
            raise UnidentifiedModel(
                "The diffusers folder has no .safetensors UNet weights (pickled .bin is refused)"
            )
        return ProbeResult(base=base, type="main", format="diffusers", name=path.name)
    config = path / "config.json"
    if config.is_file() and _read_json(config).get("_class_name") == "ControlNetModel":
        if not any(path.glob("*.safetensors")):
            raise UnidentifiedModel(
                "The ControlNet folder has no .safetensors weights (pickled .bin is refused)"
            )
        base = _base_from_unet(config)
        return ProbeResult(base=base, type="controlnet", format="diffusers", name=path.name)
    if config.is_file() and _read_json(config).get("_class_name") == "AutoencoderKL":
        if not any(path.glob("*.safetensors")):
            raise UnidentifiedModel("The VAE folder has no .safetensors weights (pickled .bin is refused)")
        scaling = _number(_read_json(config).get("scaling_factor", 0.18215), "scaling_factor")
        return ProbeResult(
            base="sdxl" if abs(scaling - 0.13025) < 1e-4 else "sd-1",
            type="vae",
            format="diffusers",
            name=path.name,
        )
    raise UnidentifiedModel(f"{path.name}: a folder without model_index.json or a VAE config.json")


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UnidentifiedModel(f"{name} in the model config is not a number")
    return float(value)


def _last_dim(info: dict[str, Any]) -> int:
    shape = info.get("shape") or []
    if not shape or not isinstance(shape[-1], int):
        raise UnidentifiedModel("A tensor in the file has no usable shape")
    return int(shape[-1])


def _base_from_unet(config_path: Path) -> str:
    width = _read_json(config_path).get("cross_attention_dim")
    if isinstance(width, list):
        width = width[0] if width else None
    if width not in CONTEXT_TO_BASE:
        raise UnidentifiedModel(f"UNet cross_attention_dim {width!r} matches no supported base model")
    return CONTEXT_TO_BASE[width]


# -- single safetensors files -------------------------------------------------------------------


def read_safetensors_header(path: Path) -> dict[str, Any]:
    """Tensor names, dtypes and shapes from the JSON header; no tensor data is read."""
    with path.open("rb") as handle:
        raw_length = handle.read(8)
        if len(raw_length) != 8:
            raise UnidentifiedModel(f"{path.name}: too short to be a safetensors file")
        (length,) = struct.unpack("<Q", raw_length)
        if length > MAX_HEADER_BYTES:
            raise UnidentifiedModel(f"{path.name}: header of {length} bytes is not plausible")
        try:
            header = json.loads(handle.read(length))
        except ValueError:
            raise UnidentifiedModel(f"{path.name}: the safetensors header is not valid JSON") from None
    if not isinstance(header, dict):
        raise UnidentifiedModel(f"{path.name}: the safetensors header is not an object")
    header.pop("__metadata__", None)
    return {k: v for k, v in header.items() if isinstance(v, dict) and isinstance(v.get("shape"), list)}


def _probe_safetensors(path: Path) -> ProbeResult:
    tensors = read_safetensors_header(path)
    keys = list(tensors)
    name = path.stem
    if any(k.startswith("model.diffusion_model.") for k in keys):
        return ProbeResult(base=_checkpoint_base(tensors), type="main", format="checkpoint", name=name)
    if any(k.startswith("control_model.") for k in keys):
        return ProbeResult(base=_controlnet_base(tensors), type="controlnet", format="checkpoint", name=name)
    if _looks_like_lora(keys):
        try:
            layout = lora_format(keys)
        except UnknownLoraLayout as exc:
            raise UnidentifiedModel(f"{path.name}: an unsupported LoRA: {exc}") from None
        return ProbeResult(
            base=_lora_base(tensors),
            type="lora",
            format="diffusers" if layout == "diffusers" else "lycoris",
            name=name,
            config={"lora_layout": layout},
        )
    if any(k.startswith("encoder.conv_in") for k in keys) and any(
        k.startswith("decoder.conv_in") for k in keys
    ):
        base = "sdxl" if re.search(r"xl", name, re.IGNORECASE) else "sd-1"
        return ProbeResult(base=base, type="vae", format="checkpoint", name=name)
    try:
        descriptor = describe_upscaler(path)
    except ValueError as exc:
        raise UnidentifiedModel(
            f"{path.name}: its tensors match no supported model (SD main checkpoint, VAE, LoRA, "
            f"ControlNet, or an image-to-image model: {exc})"
        ) from None
    return ProbeResult(
        base="any",
        type="spandrel_image_to_image",
        format="checkpoint",
        name=name,
        config={"architecture": descriptor.architecture.name, "scale": int(descriptor.scale)},
    )


def _looks_like_lora(keys: list[str]) -> bool:
    markers = (".lora_down.", ".lora_A.", ".lora.down.", ".hada_w1_a", ".lokr_w1")
    return any(k.startswith(("lora_unet_", "lora_te")) or any(m in k for m in markers) for k in keys)


def _controlnet_base(tensors: dict[str, Any]) -> str:
    for key, info in tensors.items():
        if key.startswith("control_model.") and key.endswith("attn2.to_k.weight"):
            width = _last_dim(info)
            if width in CONTEXT_TO_BASE:
                return CONTEXT_TO_BASE[width]
    raise UnidentifiedModel("The ControlNet has no cross-attention layers to tell its base model from")


def _checkpoint_base(tensors: dict[str, Any]) -> str:
    if any(k.startswith("conditioner.embedders.1.") for k in tensors):
        return "sdxl"
    for key, info in tensors.items():
        if key.startswith("model.diffusion_model.") and key.endswith("attn2.to_k.weight"):
            width = _last_dim(info)
            if width in CONTEXT_TO_BASE:
                return CONTEXT_TO_BASE[width]
            raise UnidentifiedModel(f"Cross-attention width {width} matches no supported base model")
    raise UnidentifiedModel("The checkpoint has no cross-attention layers to tell its base model from")


def _lora_base(tensors: dict[str, Any]) -> str:
    if any(k.startswith("lora_te2_") or ".text_encoder_2." in k for k in tensors):
        return "sdxl"
    for key, info in tensors.items():
        down = "lora_down" in key or "lora_A" in key or "lora.down" in key or "hada_w1_b" in key
        if ("attn2_to_k" in key or "attn2.to_k" in key) and down:
            width = _last_dim(info)
            if width in CONTEXT_TO_BASE:
                return CONTEXT_TO_BASE[width]
    raise UnidentifiedModel("The LoRA has no cross-attention weights to tell its base model from")
