"""The diffusion work every generation node shares: noise, the denoising loop, VAE encode/decode,
latent previews. Both InvokeAI's node set and the compound `sd_*` nodes call these, so there is one
implementation of each step.

The loop drives diffusers' components directly (UNet, scheduler, ControlNets), as InvokeAI's
`denoise_latents` does, so its inputs compose: image-to-image is `latents` + `denoising_start`,
inpainting a denoise mask (1 keeps the original, 0 regenerates; a gradient mask regenerates a
value m once the remaining noise falls below 1 - m), SDXL base + refiner a split of the same
schedule by `denoising_end` / `denoising_start`. Every step reports progress with a cheap
latent preview and honours cancellation.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from gesso.engine.context import NodeContext

LATENT_SCALE = 8
# Latent channel -> RGB contributions (rows: the four latent channels), as InvokeAI's previews use.
LATENT_RGB_SD = (
    (0.3444, 0.1385, 0.0670),
    (0.1247, 0.4027, 0.1494),
    (-0.3192, 0.2513, 0.2103),
    (-0.1307, -0.1874, -0.7445),
)
LATENT_RGB_SDXL = (
    (0.3816, 0.4930, 0.5320),
    (-0.3753, 0.1631, 0.1739),
    (0.1770, 0.3588, -0.2048),
    (-0.4350, -0.2644, -0.4289),
)


def latent_preview(latents: Any, base: str) -> Image.Image | None:
    """A small RGB picture of 4-channel latents (1/8 of the image's size), without the VAE."""
    import torch

    sample = latents[0].detach().float()
    if sample.ndim != 3 or sample.shape[0] != 4:
        return None
    factors = torch.tensor(
        LATENT_RGB_SDXL if base.startswith("sdxl") else LATENT_RGB_SD, device=sample.device
    )
    rgb = torch.einsum("chw,cr->hwr", sample, factors)
    pixels = ((rgb + 1.0) * 127.5).clamp(0, 255).to(torch.uint8).cpu().numpy()
    return Image.fromarray(np.ascontiguousarray(pixels), "RGB")


def make_noise(seed: int, width: int, height: int, *, use_cpu: bool = True, device: str = "cpu") -> Any:
    """Gaussian latent noise for a `width` x `height` image, the same for a seed on any machine
    when drawn on the CPU (InvokeAI's `use_cpu`)."""
    import torch

    where = "cpu" if use_cpu else device
    generator = torch.Generator(where).manual_seed(seed)
    shape = (1, 4, height // LATENT_SCALE, width // LATENT_SCALE)
    return torch.randn(shape, generator=generator, device=where, dtype=torch.float32).cpu()


@dataclass
class Conditioning:
    """One side of classifier-free guidance: token embeddings, and SDXL's pooled embedding and
    added time ids."""

    embeds: Any
    pooled: Any = None
    time_ids: Any = None


@dataclass
class Control:
    model: Any
    image: Any  # [1, 3, H, W] in 0..1
    weight: float | list[float]
    begin: float
    end: float
    mode: str


@dataclass
class DenoiseRequest:
    unet: Any
    scheduler: Any
    positive: Conditioning
    negative: Conditioning
    steps: int
    cfg_scale: float | list[float]
    base: str
    seed: int = 0
    denoising_start: float = 0.0
    denoising_end: float = 1.0
    noise: Any = None
    latents: Any = None
    mask: Any = None
    masked_latents: Any = None
    gradient_mask: bool = False
    cfg_rescale: float = 0.0
    controls: list[Control] = field(default_factory=list)


def schedule(scheduler: Any, steps: int, start: float, end: float, device: str) -> tuple[Any, int]:
    """The timesteps between `start` and `end` (fractions of the whole schedule) and the index of
    the first one, with the scheduler told where it begins."""
    scheduler.set_timesteps(steps, device=device)
    timesteps = scheduler.timesteps
    total = scheduler.config.num_train_timesteps
    first = len(timesteps[timesteps > round(total * (1 - start))]) if start > 0 else 0
    last = len(timesteps[timesteps >= round(total * (1 - end))]) if end < 1 else len(timesteps)
    if hasattr(scheduler, "set_begin_index"):
        scheduler.set_begin_index(first)
    return timesteps[first:last], first


def denoise(ctx: NodeContext, request: DenoiseRequest) -> Any:
    """Run the denoising loop and return the latents (float32, on the CPU)."""
    import torch

    unet = request.unet
    device, dtype = unet.device, unet.dtype
    timesteps, _ = schedule(
        request.scheduler, request.steps, request.denoising_start, request.denoising_end, str(device)
    )
    if len(timesteps) == 0:
        raise ValueError(
            f"denoising_start {request.denoising_start} and denoising_end {request.denoising_end} leave "
            f"no step of {request.steps}; widen the range or add steps"
        )
    noise = request.noise
    original = request.latents
    if original is None and noise is None:
        raise ValueError("denoise_latents needs noise, latents, or both")
    if noise is None:
        noise = torch.randn(original.shape, generator=torch.Generator("cpu").manual_seed(request.seed))
    if original is not None and original.shape != noise.shape:
        raise ValueError(f"latents {tuple(original.shape)} and noise {tuple(noise.shape)} differ in size")
    noise = noise.to(device=device, dtype=dtype)
    if original is None or (request.denoising_start <= 0 and request.mask is None):
        latents = noise * request.scheduler.init_noise_sigma
        original = torch.zeros_like(noise) if original is None else original.to(device=device, dtype=dtype)
    else:
        original = original.to(device=device, dtype=dtype)
        latents = request.scheduler.add_noise(original, noise, timesteps[:1])
    mask = _latent_mask(request.mask, latents, device, dtype)
    embeds, added, attention = _guidance_inputs(request.positive, request.negative, device, dtype)
    step_options: dict[str, Any] = {"return_dict": False}
    if "generator" in inspect.signature(request.scheduler.step).parameters:  # ancestral samplers draw noise
        step_options["generator"] = torch.Generator("cpu").manual_seed(request.seed)
    total = len(timesteps)
    with torch.inference_mode():
        for index, timestep in enumerate(timesteps):
            if mask is not None:
                latents = _apply_mask(request, latents, original, noise, mask, timestep)
            pair = request.scheduler.scale_model_input(torch.cat([latents] * 2), timestep)
            if unet.config.in_channels == 9:
                pair = torch.cat([pair, *_inpaint_model_inputs(request, mask, latents)], dim=1)
            down, mid = _control_residuals(request, pair, timestep, embeds, added, index, total)
            prediction = unet(
                pair, timestep, encoder_hidden_states=embeds, added_cond_kwargs=added,
                encoder_attention_mask=attention, down_block_additional_residuals=down,
                mid_block_additional_residual=mid, return_dict=False,
            )[0]  # fmt: skip
            latents = request.scheduler.step(
                _guided(request, prediction, index), timestep, latents, **step_options
            )[0]
            ctx.progress(
                (index + 1) / total, f"Step {index + 1} of {total}", latent_preview(latents, request.base)
            )
    if mask is not None:
        keep = mask >= 1 if request.gradient_mask else mask
        latents = (
            torch.where(keep > 0.5, original, latents)
            if request.gradient_mask
            else torch.lerp(latents, original, keep)
        )
    return latents.float().cpu()


def _guided(request: DenoiseRequest, prediction: Any, index: int) -> Any:
    uncond, cond = prediction.chunk(2)
    scale = (
        request.cfg_scale[min(index, len(request.cfg_scale) - 1)]
        if isinstance(request.cfg_scale, list)
        else request.cfg_scale
    )
    guided = uncond + scale * (cond - uncond)
    if request.cfg_rescale > 0:
        std_cond = cond.std(dim=list(range(1, cond.ndim)), keepdim=True)
        std_guided = guided.std(dim=list(range(1, guided.ndim)), keepdim=True)
        rescaled = guided * (std_cond / std_guided)
        guided = request.cfg_rescale * rescaled + (1 - request.cfg_rescale) * guided
    return guided


def _latent_mask(mask: Any, latents: Any, device: Any, dtype: Any) -> Any:
    """The denoise mask at the latents' size: given at the image's size (or already at the
    latents'), anything else is a mask for another image."""
    if mask is None:
        return None
    import torch

    mask = mask.to(device=device, dtype=torch.float32)
    latent_size = tuple(latents.shape[-2:])
    if tuple(mask.shape[-2:]) == tuple(side * LATENT_SCALE for side in latent_size):
        mask = torch.nn.functional.interpolate(mask, size=latent_size, mode="bilinear", align_corners=False)
    elif tuple(mask.shape[-2:]) != latent_size:
        height, width = mask.shape[-2:]
        raise ValueError(
            f"the denoise mask is {width}x{height} but the image is {latent_size[1] * LATENT_SCALE}x"
            f"{latent_size[0] * LATENT_SCALE}; make the mask the size of the image"
        )
    return torch.clamp(mask, 0, 1).to(dtype)


def _apply_mask(
    request: DenoiseRequest, latents: Any, original: Any, noise: Any, mask: Any, timestep: Any
) -> Any:
    import torch

    noised = request.scheduler.add_noise(original, noise, timestep.reshape(1))
    if request.gradient_mask:
        threshold = float(timestep) / request.scheduler.config.num_train_timesteps
        return torch.where(mask < 1 - threshold, latents, noised)
    return torch.lerp(latents, noised, mask)


def _inpaint_model_inputs(request: DenoiseRequest, mask: Any, latents: Any) -> list[Any]:
    """The extra channels of an inpainting model: the area to paint (1 = paint) and the masked image."""
    import torch

    paint = torch.ones_like(latents[:, :1]) if mask is None else 1 - mask
    masked = request.masked_latents
    masked = (
        torch.zeros_like(latents) if masked is None else masked.to(device=latents.device, dtype=latents.dtype)
    )
    return [torch.cat([paint] * 2), torch.cat([masked] * 2)]


def _guidance_inputs(
    positive: Conditioning, negative: Conditioning, device: Any, dtype: Any
) -> tuple[Any, Any, Any]:
    """Negative and positive side by side in one batch (padded to one length when they differ)."""
    import torch

    neg, pos = negative.embeds.to(device=device, dtype=dtype), positive.embeds.to(device=device, dtype=dtype)
    attention = None
    if neg.shape[1] != pos.shape[1]:
        length = max(neg.shape[1], pos.shape[1])
        attention = torch.zeros((2, length), device=device, dtype=dtype)
        attention[0, : neg.shape[1]] = 1
        attention[1, : pos.shape[1]] = 1
        neg, pos = (torch.nn.functional.pad(e, (0, 0, 0, length - e.shape[1])) for e in (neg, pos))
    added = None
    if positive.pooled is not None or negative.pooled is not None:
        if (
            positive.pooled is None
            or negative.pooled is None
            or positive.time_ids is None
            or negative.time_ids is None
        ):
            raise ValueError("SDXL needs SDXL conditioning (sdxl_compel_prompt) on both sides")
        added = {
            "text_embeds": torch.cat([negative.pooled, positive.pooled]).to(device=device, dtype=dtype),
            "time_ids": torch.cat([negative.time_ids, positive.time_ids]).to(device=device, dtype=dtype),
        }
    return torch.cat([neg, pos]), added, attention


def _control_residuals(
    request: DenoiseRequest, pair: Any, timestep: Any, embeds: Any, added: Any, index: int, total: int
) -> tuple[Any, Any]:
    down_sum: Any = None
    mid_sum: Any = None
    for control in request.controls:
        fraction = index / total
        if not control.begin <= fraction <= control.end:
            continue
        weight = (
            control.weight[min(index, len(control.weight) - 1)]
            if isinstance(control.weight, list)
            else control.weight
        )
        image = control.image.to(device=pair.device, dtype=pair.dtype)
        down, mid = control.model(
            pair, timestep, encoder_hidden_states=embeds, controlnet_cond=_pair(image),
            conditioning_scale=float(weight), added_cond_kwargs=added, return_dict=False,
        )  # fmt: skip
        if control.mode in ("more_control", "unbalanced"):  # the control acts on the prompt's half only
            down = [d * _cond_only(d) for d in down]
            mid = mid * _cond_only(mid)
        down_sum = down if down_sum is None else [a + b for a, b in zip(down_sum, down, strict=True)]
        mid_sum = mid if mid_sum is None else mid_sum + mid
    return down_sum, mid_sum


def _pair(image: Any) -> Any:
    import torch

    return torch.cat([image] * 2)


def _cond_only(tensor: Any) -> Any:
    import torch

    return torch.tensor([0.0, 1.0], device=tensor.device, dtype=tensor.dtype).reshape(
        2, *([1] * (tensor.ndim - 1))
    )


# -- VAE ---------------------------------------------------------------------------------------


def image_to_tensor(image: Image.Image) -> Any:
    """RGB pixels as a [1, 3, H, W] tensor in -1..1."""
    import torch

    array = np.asarray(image.convert("RGB"), dtype=np.float32) / 127.5 - 1.0
    return torch.from_numpy(array).permute(2, 0, 1).unsqueeze(0)


def encode_image(vae: Any, image: Image.Image) -> Any:
    import torch

    pixels = image_to_tensor(image).to(device=vae.device, dtype=vae.dtype)
    with torch.inference_mode():
        latents = vae.encode(pixels).latent_dist.mode()
    return (latents * vae.config.scaling_factor).float().cpu()


def decode_latents(vae: Any, latents: Any) -> Image.Image:
    import torch

    with torch.inference_mode():
        scaled = latents.to(device=vae.device, dtype=vae.dtype) / vae.config.scaling_factor
        pixels = vae.decode(scaled, return_dict=False)[0]
    array = (
        ((pixels[0].float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(1, 2, 0).cpu().numpy()
    )
    return Image.fromarray(np.ascontiguousarray(array), "RGB")


def check_side(name: str, value: int) -> None:
    if value % LATENT_SCALE:
        raise ValueError(f"{name} {value} is not a multiple of {LATENT_SCALE}")
