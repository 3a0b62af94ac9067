"""Stable Diffusion generation nodes: `sd_text_to_image` and `sd_image_to_image` (SD 1.x, 2.x, SDXL).

These compound nodes are Gesso-specific (SPEC §12): InvokeAI spreads the same work over a graph
of model-loader, prompt, noise, denoise and decode nodes. Gesso-specific too is `model`, the main
model's key as a plain string; InvokeAI's `ModelIdentifierField` shape ({"key": ..., ...}) is
accepted as well, for `model`, `vae` and each LoRA. `seed` defaults to 0; the studio's Generate
button sends a random one. Noise comes from a CPU generator, so a seed gives the same image on
any device of the same kind.

Both are thin compositions of the functions the standard nodes use (`gesso.engine.generation`):
the same prompt encoding (compel), noise, denoising loop (progress with a latent preview each
step, cancellation), VAE and LoRA patching. The result stores its generation parameters under
InvokeAI's metadata names, so a client can recall them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from PIL import Image
from pydantic import BaseModel, BeforeValidator, Field, model_validator

from gesso.engine import generation
from gesso.engine.diffusion import Conditioning, DenoiseRequest, make_noise
from gesso.engine.nodes import sd_prompts
from gesso.engine.nodes.gallery import ImageOutput
from gesso.engine.nodes.image_ops import MAX_PIXELS, SEED_MAX
from gesso.engine.nodes.sd_models import (
    MainModelLoaderNode,
    ModelLoaderOutput,
    SDXLModelLoaderNode,
    SDXLModelLoaderOutput,
)
from gesso.engine.registry import BaseNode, BaseOutput
from gesso.engine.types import (
    BoardField,
    CLIPField,
    ImageField,
    LoRAField,
    ModelIdentifierField,
    UNetField,
    VAEField,
)
from gesso.errors import InvalidInput
from gesso.models.schedulers import SchedulerName

if TYPE_CHECKING:
    from gesso.engine.context import ModelInfo, NodeContext


class IncompatibleModel(InvalidInput):
    """The model exists but cannot be used here (wrong type, or a base that does not match)."""


MIN_SIDE = 64
MAX_SIDE = 4096
MAX_LORAS = 16


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


@dataclass
class Parts:
    """The standard nodes' fields for this node's models (what the loader nodes would pass on)."""

    main: ModelInfo
    unet: UNetField
    clips: list[CLIPField]
    vae: VAEField


class StableDiffusionNode(BaseNode):
    """Inputs and the generation both nodes share."""

    use_cache: bool = False  # a new image each run, even with the same inputs
    model_key_inputs: ClassVar[tuple[str, ...]] = ("model", "vae")
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

    def _parts(self, ctx: NodeContext) -> Parts:
        if ctx.models is None:
            raise RuntimeError(f"{self.node_type}: this server runs without a model manager")
        main = ctx.describe_model(self.model)
        if main.type != "main" or main.base not in ("sd-1", "sd-2", "sdxl"):
            raise IncompatibleModel(
                f"Model {main.name!r} ({self.model}) is a {main.type} model ({main.base}) and cannot be "
                "used as the main model"
            )
        key = ModelIdentifierField(key=self.model)
        loaded: ModelLoaderOutput | SDXLModelLoaderOutput = (
            SDXLModelLoaderNode(id=self.id, model=key).invoke(ctx)
            if main.base == "sdxl"
            else MainModelLoaderNode(id=self.id, model=key).invoke(ctx)
        )
        vae = loaded.vae
        if self.vae:
            vae_info = ctx.describe_model(self.vae)
            if vae_info.type != "vae":
                raise IncompatibleModel(f"Model {vae_info.name!r} is a {vae_info.type} model, not a VAE")
            if generation.model_family(vae_info.base) != generation.model_family(main.base):
                raise IncompatibleModel(
                    f"VAE {vae_info.name!r} is for {vae_info.base} models; "
                    f"the main model {main.name!r} is {main.base}"
                )
            vae = VAEField(vae=ModelIdentifierField.model_validate(vae_info.identifier()))
        clips = [loaded.clip, loaded.clip2] if isinstance(loaded, SDXLModelLoaderOutput) else [loaded.clip]
        unet = loaded.unet
        for lora in self.loras:
            info = ctx.describe_model(lora.key)
            if info.type != "lora" or info.base != main.base:
                raise IncompatibleModel(
                    f"LoRA {info.name!r} is for {info.base} models; "
                    f"the main model {main.name!r} is {main.base}"
                    if info.type == "lora"
                    else f"Model {info.name!r} is a {info.type} model, not a LoRA"
                )
            field = LoRAField(lora=ModelIdentifierField.model_validate(info.identifier()), weight=lora.weight)
            unet.loras.append(field)
            for clip in clips:
                clip.loras.append(field)
        return Parts(main=main, unet=unet, clips=clips, vae=vae)

    def _conditioning(
        self, ctx: NodeContext, parts: Parts, prompt: str, width: int, height: int
    ) -> Conditioning:
        import torch

        if parts.main.base != "sdxl":
            embeds, _ = sd_prompts.encode(ctx, parts.clips[0], prompt, penultimate=False, pooled=False)
            return Conditioning(embeds=embeds)
        first, _ = sd_prompts.encode(ctx, parts.clips[0], prompt, penultimate=True, pooled=False)
        second, pooled = sd_prompts.encode(ctx, parts.clips[1], prompt, penultimate=True, pooled=True)
        length = max(first.shape[1], second.shape[1])
        first, second = (torch.nn.functional.pad(e, (0, 0, 0, length - e.shape[1])) for e in (first, second))
        time_ids = torch.tensor([[height, width, 0, 0, height, width]], dtype=torch.float32)
        return Conditioning(embeds=torch.cat([first, second], dim=-1), pooled=pooled, time_ids=time_ids)

    def _generate(
        self,
        ctx: NodeContext,
        parts: Parts,
        width: int,
        height: int,
        *,
        latents: Any = None,
        start: float = 0.0,
    ) -> Image.Image:
        request = DenoiseRequest(
            unet=None, scheduler=None, base=parts.main.base, steps=self.steps, cfg_scale=self.cfg_scale,
            seed=self.seed, denoising_start=start, latents=latents,
            noise=make_noise(self.seed, width, height),
            positive=self._conditioning(ctx, parts, self.prompt, width, height),
            negative=self._conditioning(ctx, parts, self.negative_prompt, width, height),
        )  # fmt: skip
        result = generation.run_denoise(ctx, parts.unet, self.scheduler, request)
        return generation.decode(ctx, parts.vae, result)

    def _recall(self, mode: str, parts: Parts, width: int, height: int) -> dict[str, Any]:
        """The image's metadata: the node's `metadata` input, overlaid by the generation parameters
        under InvokeAI's recall names."""
        vae_is_own = parts.vae.vae.type == "main"
        return {
            **(self.metadata or {}),
            "generation_mode": f"sdxl_{mode}" if parts.main.base == "sdxl" else mode,
            "positive_prompt": self.prompt,
            "negative_prompt": self.negative_prompt,
            "width": width,
            "height": height,
            "seed": self.seed,
            "rand_device": "cpu",
            "steps": self.steps,
            "cfg_scale": self.cfg_scale,
            "scheduler": self.scheduler,
            "model": parts.main.identifier(),
            "vae": None if vae_is_own else parts.vae.vae.model_dump(exclude_none=True),
            "loras": generation.lora_metadata(parts.unet.loras),
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
        ctx.progress(None, "Loading model")
        parts = self._parts(ctx)
        image = self._generate(ctx, parts, self.width, self.height)
        return self._save(ctx, image, self._recall("txt2img", parts, self.width, self.height))


class ImageToImageNode(StableDiffusionNode):
    """Re-draws `image` guided by a prompt (Gesso-specific compound node).

    `strength` is how much is re-drawn, from a little to all (1 ignores the input): denoising
    starts at `1 - strength` of the schedule, as InvokeAI's `denoising_start`. `width`/`height`
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
        ctx.progress(None, "Loading model")
        parts = self._parts(ctx)
        latents = generation.encode(ctx, parts.vae, source)
        image = self._generate(ctx, parts, width, height, latents=latents, start=1.0 - self.strength)
        metadata = self._recall("img2img", parts, width, height)
        metadata |= {"strength": self.strength, "init_image": self.image.image_name}
        return self._save(ctx, image, metadata)


DIFFUSERS_NODES: tuple[type[BaseNode], ...] = (TextToImageNode, ImageToImageNode)
