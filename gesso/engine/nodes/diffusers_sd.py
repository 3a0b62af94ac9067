"""Stable Diffusion generation nodes: `sd_text_to_image` and `sd_image_to_image` (SD 1.x, 2.x, SDXL).

These compound nodes are Gesso-specific (SPEC §12): InvokeAI spreads the same work over a graph
of model-loader, prompt, noise, denoise and decode nodes. Gesso-specific too is `model`, the main
model's key as a plain string; InvokeAI's `ModelIdentifierField` shape ({"key": ..., ...}) is
accepted as well, for `model`, `vae` and each LoRA. `seed` defaults to 0; the studio's Generate
button sends a random one. Noise comes from a CPU generator, so a seed gives the same image on
any device of the same kind.

Models are reached only through `ctx.models` (`gesso.models.loader.ModelLoader` in the server).
Every denoising step reports progress with a cheap preview (the latents through a fixed linear
latent→RGB projection, no VAE decode) and honours cancellation. The result stores its
generation parameters under InvokeAI's metadata names, so a client can recall them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import numpy as np
from PIL import Image
from pydantic import BaseModel, BeforeValidator, Field, model_validator

from gesso.engine.nodes.gallery import ImageOutput
from gesso.engine.nodes.image_ops import MAX_PIXELS, SEED_MAX
from gesso.engine.registry import BaseNode, BaseOutput
from gesso.engine.types import BoardField, ImageField
from gesso.models.schedulers import SchedulerName

if TYPE_CHECKING:
    from gesso.engine.context import NodeContext, NodeModels, PreparedPipeline

MIN_SIDE = 64
MAX_SIDE = 4096
MAX_LORAS = 16

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


def _model_key(value: Any) -> Any:
    """A key string, or InvokeAI's `ModelIdentifierField` ({"key": ..., "name": ..., ...})."""
    return value.get("key") if isinstance(value, dict) else value


ModelKey = Annotated[str, BeforeValidator(_model_key), Field(min_length=1, max_length=64)]
Side = Annotated[int, Field(ge=MIN_SIDE, le=MAX_SIDE, multiple_of=8)]


class LoraWeight(BaseModel):
    """A LoRA and its weight: {"key", "weight"}, or InvokeAI's LoRAField {"lora": {...}, "weight"}."""

    key: ModelKey
    weight: float = Field(default=0.75, ge=-10.0, le=10.0)

    @model_validator(mode="before")
    @classmethod
    def _invokeai_shape(cls, value: Any) -> Any:
        if isinstance(value, dict) and "key" not in value:
            inner = value.get("lora") or value.get("model")
            if inner is not None:
                return {**value, "key": _model_key(inner)}
        return value


def latent_preview(latents: Any, base: str) -> Image.Image | None:
    """A small RGB picture of 4-channel latents (1/8 of the image's size), without the VAE."""
    import torch

    sample = latents[0].detach().float()
    if sample.ndim != 3 or sample.shape[0] != 4:
        return None
    factors = torch.tensor(LATENT_RGB_SDXL if base == "sdxl" else LATENT_RGB_SD, device=sample.device)
    rgb = torch.einsum("chw,cr->hwr", sample, factors)
    pixels = ((rgb + 1.0) * 127.5).clamp(0, 255).to(torch.uint8).cpu().numpy()
    return Image.fromarray(np.ascontiguousarray(pixels), "RGB")


class StableDiffusionNode(BaseNode):
    """Inputs and the generation loop both nodes share."""

    use_cache: bool = False  # a new image each run, even with the same inputs
    model: ModelKey = Field(
        description="The main model's key (Gesso-specific; a ModelIdentifierField works too)"
    )
    prompt: str = Field(default="", max_length=10_000)
    negative_prompt: str = Field(default="", max_length=10_000)
    steps: int = Field(default=20, ge=1, le=200)
    cfg_scale: float = Field(default=7.5, ge=1.0, le=200.0)
    scheduler: SchedulerName = "euler"
    seed: int = Field(default=0, ge=0, le=SEED_MAX, description="Noise seed; the studio sends a random one")
    vae: ModelKey | None = None
    loras: list[LoraWeight] = Field(default_factory=list, max_length=MAX_LORAS)
    board: BoardField | None = None
    metadata: dict[str, Any] | None = None

    def _models(self, ctx: NodeContext) -> NodeModels:
        if ctx.models is None:
            raise RuntimeError(f"{self.node_type}: this server runs without a model manager")
        return ctx.models

    def _generate(self, ctx: NodeContext, mode: str, **call: Any) -> tuple[Image.Image, PreparedPipeline]:
        import torch

        ctx.progress(None, "Loading model")
        loras = [(lora.key, lora.weight) for lora in self.loras]
        with self._models(ctx).pipeline(
            self.model, mode=mode, scheduler=self.scheduler, vae=self.vae, loras=loras
        ) as prepared:

            def on_step_end(pipe: Any, step: int, timestep: Any, tensors: dict[str, Any]) -> dict[str, Any]:
                total = int(getattr(pipe, "num_timesteps", 0) or self.steps)
                preview = latent_preview(tensors["latents"], prepared.base)
                ctx.progress((step + 1) / total, f"Step {step + 1} of {total}", preview)
                return tensors

            with torch.inference_mode():
                result = prepared.pipe(
                    prompt=self.prompt,
                    negative_prompt=self.negative_prompt or None,
                    num_inference_steps=self.steps,
                    guidance_scale=self.cfg_scale,
                    generator=torch.Generator("cpu").manual_seed(self.seed),
                    output_type="pil",
                    callback_on_step_end=on_step_end,
                    callback_on_step_end_tensor_inputs=["latents"],
                    **call,
                )
        image: Image.Image = result.images[0]
        return image, prepared

    def _recall(self, mode: str, prepared: PreparedPipeline, width: int, height: int) -> dict[str, Any]:
        """The image's metadata: the node's `metadata` input, overlaid by the generation parameters
        under InvokeAI's recall names."""
        return {
            **(self.metadata or {}),
            "generation_mode": f"sdxl_{mode}" if prepared.base == "sdxl" else mode,
            "positive_prompt": self.prompt,
            "negative_prompt": self.negative_prompt,
            "width": width,
            "height": height,
            "seed": self.seed,
            "rand_device": "cpu",
            "steps": self.steps,
            "cfg_scale": self.cfg_scale,
            "scheduler": self.scheduler,
            "model": prepared.model,
            "vae": prepared.vae,
            "loras": prepared.loras,
        }

    def _save(self, ctx: NodeContext, image: Image.Image, metadata: dict[str, Any]) -> ImageOutput:
        record = ctx.save_image(
            image.convert("RGB"),
            board_id=self.board.board_id if self.board else None,
            is_intermediate=self.is_intermediate,
            metadata=metadata,
        )
        return ImageOutput.of_record(record)


class TextToImageNode(StableDiffusionNode):
    """Generates an image from a prompt with a main model (Gesso-specific compound node)."""

    node_type: ClassVar[str] = "sd_text_to_image"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    width: Side = 512
    height: Side = 512

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        if self.width * self.height > MAX_PIXELS:
            raise ValueError(f"{self.node_type}: {self.width}x{self.height} exceeds {MAX_PIXELS} pixels")
        image, prepared = self._generate(ctx, "txt2img", width=self.width, height=self.height)
        return self._save(ctx, image, self._recall("txt2img", prepared, self.width, self.height))


class ImageToImageNode(StableDiffusionNode):
    """Re-draws `image` guided by a prompt (Gesso-specific compound node).

    `strength` is how much is re-drawn, from a little to all (1 ignores the input); the last
    `int(steps * strength)` of `steps` denoising steps run, at least one. `width`/`height`
    default to the input's size rounded down to a multiple of 8; otherwise the input is resized
    to them first."""

    node_type: ClassVar[str] = "sd_image_to_image"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField
    strength: float = Field(default=0.75, ge=0.0, le=1.0)
    width: Side | None = None
    height: Side | None = None

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        source = ctx.load_image(self.image.image_name)
        width = self.width or source.width // 8 * 8
        height = self.height or source.height // 8 * 8
        sides_ok = MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE
        if not sides_ok or width * height > MAX_PIXELS:
            raise ValueError(
                f"{self.node_type}: a {width}x{height} result is not allowed "
                f"(sides {MIN_SIDE}..{MAX_SIDE}, at most {MAX_PIXELS} pixels)"
            )
        if int(self.steps * self.strength) < 1:
            raise ValueError(
                f"{self.node_type}: strength {self.strength} with {self.steps} steps runs no denoising "
                "step; raise the strength or the steps"
            )
        source = source.convert("RGB")
        if source.size != (width, height):
            source = source.resize((width, height), Image.Resampling.LANCZOS)
        image, prepared = self._generate(ctx, "img2img", image=source, strength=self.strength)
        metadata = self._recall("img2img", prepared, width, height)
        metadata |= {"strength": self.strength, "init_image": self.image.image_name}
        return self._save(ctx, image, metadata)


DIFFUSERS_NODES: tuple[type[BaseNode], ...] = (TextToImageNode, ImageToImageNode)
