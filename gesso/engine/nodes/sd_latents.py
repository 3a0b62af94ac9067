"""InvokeAI's latent nodes: `noise`, `denoise_latents`, `l2i` (decode to an image), `i2l` (encode one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from gesso.engine import generation
from gesso.engine.diffusion import LATENT_SCALE, DenoiseRequest, make_noise
from gesso.engine.nodes.gallery import ImageOutput, SavesImage
from gesso.engine.nodes.image_ops import SEED_MAX
from gesso.engine.registry import BaseNode, BaseOutput
from gesso.engine.types import (
    ConditioningField,
    ControlField,
    DenoiseMaskField,
    ImageField,
    LatentsField,
    UNetField,
    VAEField,
)
from gesso.models.schedulers import SchedulerName

if TYPE_CHECKING:
    from gesso.engine.context import NodeContext

MAX_SIDE = 16384


class NoiseOutput(BaseOutput):
    output_type: ClassVar[str] = "noise_output"

    noise: LatentsField
    width: int
    height: int


class LatentsOutput(BaseOutput):
    output_type: ClassVar[str] = "latents_output"

    latents: LatentsField
    width: int
    height: int


def latents_output(ctx: NodeContext, latents: Any, seed: int | None) -> LatentsOutput:
    name = ctx.store.save({"latents": latents}, prefix=f"{ctx.node_id}__latents")
    return LatentsOutput(
        latents=LatentsField(latents_name=name, seed=seed),
        width=int(latents.shape[3]) * LATENT_SCALE,
        height=int(latents.shape[2]) * LATENT_SCALE,
    )


class NoiseNode(BaseNode):
    """Seeded Gaussian noise in latent space for a `width` x `height` image."""

    node_type: ClassVar[str] = "noise"
    output_class: ClassVar[type[BaseOutput]] = NoiseOutput

    noise_type: Literal["SD"] = "SD"
    seed: int = Field(default=0, ge=0, le=SEED_MAX)
    width: int = Field(default=512, gt=0, le=MAX_SIDE, multiple_of=LATENT_SCALE)
    height: int = Field(default=512, gt=0, le=MAX_SIDE, multiple_of=LATENT_SCALE)
    use_cpu: bool = True

    def invoke(self, ctx: NodeContext) -> NoiseOutput:
        device = ctx.models.device if ctx.models is not None else "cpu"
        noise = make_noise(self.seed, self.width, self.height, use_cpu=self.use_cpu, device=device)
        name = ctx.store.save({"latents": noise}, prefix=f"{ctx.node_id}__noise")
        return NoiseOutput(
            noise=LatentsField(latents_name=name, seed=self.seed), width=self.width, height=self.height
        )


class DenoiseLatentsNode(BaseNode):
    """Denoises latents: from noise alone (text to image), from `latents` starting at
    `denoising_start` (image to image), within a `denoise_mask` (inpainting), guided by
    ControlNets (`control`). `denoising_end` < 1 stops early, for a refiner to finish."""

    node_type: ClassVar[str] = "denoise_latents"
    output_class: ClassVar[type[BaseOutput]] = LatentsOutput

    positive_conditioning: ConditioningField | list[ConditioningField]
    negative_conditioning: ConditioningField | list[ConditioningField]
    noise: LatentsField | None = None
    steps: int = Field(default=10, gt=0, le=1000)
    cfg_scale: float | list[float] = Field(default=7.5)
    denoising_start: float = Field(default=0.0, ge=0, le=1)
    denoising_end: float = Field(default=1.0, ge=0, le=1)
    scheduler: SchedulerName = "euler"
    unet: UNetField
    control: ControlField | list[ControlField] | None = None
    ip_adapter: Any = None
    t2i_adapter: Any = None
    cfg_rescale_multiplier: float = Field(default=0.0, ge=0, lt=1)
    hidiffusion: bool = False
    hidiffusion_raunet: bool = True
    hidiffusion_window_attn: bool = True
    hidiffusion_t1_ratio: float = Field(default=0.4, ge=0, le=1)
    hidiffusion_t2_ratio: float = Field(default=0.0, ge=0, le=1)
    latents: LatentsField | None = None
    denoise_mask: DenoiseMaskField | None = None

    def invoke(self, ctx: NodeContext) -> LatentsOutput:
        unsupported = [n for n in ("ip_adapter", "t2i_adapter") if getattr(self, n) not in (None, [])]
        if self.hidiffusion:
            unsupported.append("hidiffusion")
        if unsupported:
            raise ValueError(f"denoise_latents: {', '.join(unsupported)} is not supported by Gesso yet")
        if self.denoising_start >= self.denoising_end:
            raise ValueError(
                f"denoising_start {self.denoising_start} must be below denoising_end {self.denoising_end}"
            )
        noise = ctx.store.load(self.noise.latents_name)["latents"] if self.noise else None
        latents = ctx.store.load(self.latents.latents_name)["latents"] if self.latents else None
        mask = masked = None
        if self.denoise_mask is not None:
            stored = ctx.store.load(self.denoise_mask.mask_name)
            mask = stored["mask"]
            if self.denoise_mask.masked_latents_name:
                masked = ctx.store.load(self.denoise_mask.masked_latents_name)["latents"]
            if latents is None:
                raise ValueError(
                    "denoise_latents: a denoise_mask needs the image's latents (connect i2l to latents)"
                )
        shape = noise if noise is not None else latents
        if shape is None:
            raise ValueError("denoise_latents needs noise, latents, or both")
        size = (int(shape.shape[3]) * LATENT_SCALE, int(shape.shape[2]) * LATENT_SCALE)
        base = ctx.describe_model(self.unet.unet.key).base
        seed = (
            self.noise.seed
            if self.noise and self.noise.seed is not None
            else (self.latents.seed if self.latents else None)
        )
        request = DenoiseRequest(
            unet=None, scheduler=None, base=base, steps=self.steps, cfg_scale=self.cfg_scale, seed=seed or 0,
            positive=generation.conditioning(ctx, self.positive_conditioning, "positive"),
            negative=generation.conditioning(ctx, self.negative_conditioning, "negative"),
            denoising_start=self.denoising_start, denoising_end=self.denoising_end, noise=noise,
            latents=latents, mask=mask, masked_latents=masked,
            gradient_mask=bool(self.denoise_mask and self.denoise_mask.gradient),
            cfg_rescale=self.cfg_rescale_multiplier,
            controls=generation.controls(ctx, self.control, base, size),
        )  # fmt: skip
        result = generation.run_denoise(ctx, self.unet, self.scheduler, request)
        return latents_output(ctx, result, seed)


class LatentsToImageNode(SavesImage):
    """Decodes latents with the VAE into an image and saves it (with `metadata` when wired)."""

    node_type: ClassVar[str] = "l2i"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    latents: LatentsField
    vae: VAEField
    tiled: bool = False
    tile_size: int = Field(default=0, ge=0, multiple_of=8)
    fp32: bool = False

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        latents = ctx.store.load(self.latents.latents_name)["latents"]
        ctx.progress(None, "Decoding")
        return self.save_result(ctx, generation.decode(ctx, self.vae, latents))


class ImageToLatentsNode(BaseNode):
    """Encodes an image into latents with the VAE."""

    node_type: ClassVar[str] = "i2l"
    output_class: ClassVar[type[BaseOutput]] = LatentsOutput

    image: ImageField
    vae: VAEField
    tiled: bool = False
    tile_size: int = Field(default=0, ge=0, multiple_of=8)
    fp32: bool = False
    color_compensation: Literal["None", "SDXL"] = "None"

    def invoke(self, ctx: NodeContext) -> LatentsOutput:
        image = ctx.load_image(self.image.image_name)
        return latents_output(ctx, generation.encode(ctx, self.vae, image), None)


SD_LATENT_NODES: tuple[type[BaseNode], ...] = (
    NoiseNode,
    DenoiseLatentsNode,
    LatentsToImageNode,
    ImageToLatentsNode,
)
