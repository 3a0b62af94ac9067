"""Generation steps over InvokeAI's fields (`UNetField`, `VAEField`, `ControlField`, …): load the
parts a field names through the owner's `NodeContext`, apply its LoRAs / seamless / clip-skip
patches, and run the shared functions of `diffusion`. The standard nodes (`denoise_latents`,
`l2i`, `i2l`, …) and the compound `sd_*` nodes both call these."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageOps

from gesso.engine.diffusion import (
    LATENT_SCALE,
    Conditioning,
    Control,
    DenoiseRequest,
    decode_latents,
    denoise,
    encode_image,
)
from gesso.engine.patches import seamless, with_loras
from gesso.engine.types import ConditioningField, ControlField, UNetField, VAEField
from gesso.models.schedulers import make_scheduler

if TYPE_CHECKING:
    from gesso.engine.context import NodeContext


def model_family(base: str) -> str:
    """Bases whose parts fit together: SD 1.x and 2.x VAEs are one family, SDXL base and refiner another."""
    return "sdxl" if base.startswith("sdxl") else "sd"


def conditioning(
    ctx: NodeContext, value: ConditioningField | list[ConditioningField], side: str
) -> Conditioning:
    """The stored conditioning; several (a collection) are joined along the token axis, like `.and()`."""
    import torch

    fields = value if isinstance(value, list) else [value]
    if not fields:
        raise ValueError(f"{side} conditioning is an empty collection")
    if any(f.mask is not None for f in fields):
        raise ValueError("regional prompts (conditioning with a mask) are not supported yet")
    stored = [ctx.store.load(f.conditioning_name) for f in fields]
    embeds = torch.cat([s["embeds"] for s in stored], dim=1) if len(stored) > 1 else stored[0]["embeds"]
    return Conditioning(embeds=embeds, pooled=stored[0].get("pooled"), time_ids=stored[0].get("time_ids"))


@dataclass
class LoadedUNet:
    module: Any
    scheduler_config: Any
    base: str


def load_unet(ctx: NodeContext, unet: UNetField) -> LoadedUNet:
    info = ctx.describe_model(unet.unet.key)
    module = ctx.load_model(unet.unet.key, unet.unet.submodel_type or "unet")
    scheduler = ctx.load_model(unet.scheduler.key, unet.scheduler.submodel_type or "scheduler")
    return LoadedUNet(module, scheduler.config, info.base)


def controls(
    ctx: NodeContext, value: ControlField | list[ControlField] | None, base: str, size: tuple[int, int]
) -> list[Control]:
    """Each ControlNet loaded, with its image fitted to the generated size (`size` = width, height)."""
    import numpy as np
    import torch

    prepared = []
    for field in [] if value is None else value if isinstance(value, list) else [value]:
        info = ctx.describe_model(field.control_model.key)
        if info.type != "controlnet":
            raise ValueError(f"model {info.name!r} is a {info.type} model, not a ControlNet")
        if info.base != base:
            raise ValueError(f"ControlNet {info.name!r} is for {info.base} models; the main model is {base}")
        image = fit_image(ctx.load_image(field.image.image_name).convert("RGB"), size, field.resize_mode)
        pixels = torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1).unsqueeze(0)
        prepared.append(
            Control(
                model=ctx.load_model(field.control_model.key),
                image=pixels,
                weight=field.control_weight,
                begin=field.begin_step_percent,
                end=field.end_step_percent,
                mode=field.control_mode,
            )
        )
    return prepared


def fit_image(image: Image.Image, size: tuple[int, int], resize_mode: str) -> Image.Image:
    """`image` at `size`: stretched (`just_resize*`), cropped to fill (`crop_resize`) or padded
    (`fill_resize`)."""
    if image.size == size:
        return image
    if resize_mode == "crop_resize":
        return ImageOps.fit(image, size, Image.Resampling.LANCZOS)
    if resize_mode == "fill_resize":
        return ImageOps.pad(image, size, Image.Resampling.LANCZOS, color=(0, 0, 0))
    return image.resize(size, Image.Resampling.LANCZOS)


def run_denoise(ctx: NodeContext, unet_field: UNetField, scheduler_name: str, request: DenoiseRequest) -> Any:
    """`request` completed with the UNet and a fresh scheduler, run with the UNet's LoRAs and
    seamless setting applied for the duration."""
    loaded = load_unet(ctx, unet_field)
    request.unet = loaded.module
    request.scheduler = make_scheduler(scheduler_name, loaded.scheduler_config)
    request.base = loaded.base
    loras = with_loras(ctx, {"unet": loaded.module}, unet_field.loras, _lora_base(loaded.base))
    with ctx.model_manager.patch_lock, loras, seamless(loaded.module, unet_field.seamless_axes):
        return denoise(ctx, request)


def _lora_base(base: str) -> str:
    return "sdxl" if base == "sdxl-refiner" else base


def load_vae(ctx: NodeContext, vae: VAEField) -> Any:
    return ctx.load_model(vae.vae.key, vae.vae.submodel_type or ("vae" if vae.vae.type == "main" else None))


def decode(ctx: NodeContext, vae_field: VAEField, latents: Any) -> Image.Image:
    vae = load_vae(ctx, vae_field)
    with ctx.model_manager.patch_lock, seamless(vae, vae_field.seamless_axes):
        return decode_latents(vae, latents)


def encode(ctx: NodeContext, vae_field: VAEField, image: Image.Image) -> Any:
    """Latents of `image` (RGB, cut down to a multiple of 8 on each side)."""
    width, height = image.width // LATENT_SCALE * LATENT_SCALE, image.height // LATENT_SCALE * LATENT_SCALE
    if width < LATENT_SCALE or height < LATENT_SCALE:
        raise ValueError(f"image {image.width}x{image.height} is too small to encode")
    if (width, height) != image.size:
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    vae = load_vae(ctx, vae_field)
    with ctx.model_manager.patch_lock, seamless(vae, vae_field.seamless_axes):
        return encode_image(vae, image.convert("RGB"))


def lora_metadata(loras: Sequence[Any]) -> list[dict[str, Any]]:
    return [{"model": lora.lora.model_dump(exclude_none=True), "weight": lora.weight} for lora in loras]
