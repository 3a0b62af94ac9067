"""InvokeAI's prompt nodes: `compel` (SD 1.x/2.x), `sdxl_compel_prompt`, `sdxl_refiner_compel_prompt`.

Prompts go through the `compel` library, which reads InvokeAI's weighting syntax: `(word)1.2`,
`word++` / `word--`, `("a", "b").blend(0.7, 0.3)`, `("a", "b").and()`. Long prompts are not cut
at 77 tokens: they are encoded in chunks. The text encoders get the CLIP field's LoRAs and clip
skip for the duration of the encoding. The result goes to the session's tensor store and the
node passes on its name (`ConditioningField`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from gesso.engine.patches import skip_clip_layers, with_loras
from gesso.engine.registry import BaseNode, BaseOutput
from gesso.engine.types import CLIPField, ConditioningField, TensorField

if TYPE_CHECKING:
    from gesso.engine.context import NodeContext

MAX_PROMPT = 10_000
Side = Field(default=1024, ge=0, le=65536)


class ConditioningOutput(BaseOutput):
    output_type: ClassVar[str] = "conditioning_output"

    conditioning: ConditioningField


def encode(
    ctx: NodeContext, clip: CLIPField, prompt: str, *, penultimate: bool, pooled: bool
) -> tuple[Any, Any]:
    """Token embeddings (and the pooled embedding when asked) of `prompt` through `clip`'s encoder."""
    import torch
    from compel import Compel, ReturnedEmbeddingsType

    info = ctx.describe_model(clip.text_encoder.key)
    encoder_part = clip.text_encoder.submodel_type or "text_encoder"
    tokenizer = ctx.load_model(clip.tokenizer.key, clip.tokenizer.submodel_type or "tokenizer")
    text_encoder = ctx.load_model(clip.text_encoder.key, encoder_part)
    returned = (
        ReturnedEmbeddingsType.PENULTIMATE_HIDDEN_STATES_NON_NORMALIZED
        if penultimate
        else ReturnedEmbeddingsType.LAST_HIDDEN_STATES_NORMALIZED
    )
    base = "sdxl" if info.base.startswith("sdxl") else info.base
    loras = with_loras(ctx, {encoder_part: text_encoder}, clip.loras, base)
    skipped = skip_clip_layers(text_encoder, clip.skipped_layers)
    with ctx.model_manager.patch_lock, loras, skipped, torch.inference_mode():
        compel = Compel(
            tokenizer=tokenizer,
            text_encoder=text_encoder,
            returned_embeddings_type=returned,
            requires_pooled=pooled,
            truncate_long_prompts=False,
            device=str(text_encoder.device),
        )
        result = compel(prompt)
    embeds, pooled_embeds = result if pooled else (result, None)
    return embeds.float().cpu(), None if pooled_embeds is None else pooled_embeds.float().cpu()


def _save(ctx: NodeContext, tensors: dict[str, Any], mask: TensorField | None = None) -> ConditioningOutput:
    name = ctx.store.save(tensors, prefix=f"{ctx.node_id}__conditioning")
    return ConditioningOutput(conditioning=ConditioningField(conditioning_name=name, mask=mask))


class CompelNode(BaseNode):
    """Encodes a prompt (InvokeAI's weighting syntax) for SD 1.x / 2.x."""

    node_type: ClassVar[str] = "compel"
    output_class: ClassVar[type[BaseOutput]] = ConditioningOutput

    prompt: str = Field(default="", max_length=MAX_PROMPT)
    clip: CLIPField
    mask: TensorField | None = None

    def invoke(self, ctx: NodeContext) -> ConditioningOutput:
        embeds, _ = encode(ctx, self.clip, self.prompt, penultimate=False, pooled=False)
        return _save(ctx, {"embeds": embeds}, self.mask)


def _time_ids(*values: float) -> Any:
    import torch

    return torch.tensor([list(values)], dtype=torch.float32)


class SDXLCompelPromptNode(BaseNode):
    """Encodes a prompt for SDXL with both text encoders (`style` goes to the second; empty: the
    prompt), plus the size and crop SDXL is told about."""

    node_type: ClassVar[str] = "sdxl_compel_prompt"
    output_class: ClassVar[type[BaseOutput]] = ConditioningOutput

    prompt: str = Field(default="", max_length=MAX_PROMPT)
    style: str = Field(default="", max_length=MAX_PROMPT)
    original_width: int = Side
    original_height: int = Side
    crop_top: int = Field(default=0, ge=0, le=65536)
    crop_left: int = Field(default=0, ge=0, le=65536)
    target_width: int = Side
    target_height: int = Side
    clip: CLIPField
    clip2: CLIPField
    mask: TensorField | None = None

    def invoke(self, ctx: NodeContext) -> ConditioningOutput:
        import torch

        first, _ = encode(ctx, self.clip, self.prompt, penultimate=True, pooled=False)
        second, pooled = encode(ctx, self.clip2, self.style or self.prompt, penultimate=True, pooled=True)
        length = max(first.shape[1], second.shape[1])
        first, second = (torch.nn.functional.pad(e, (0, 0, 0, length - e.shape[1])) for e in (first, second))
        time_ids = _time_ids(
            self.original_height, self.original_width, self.crop_top, self.crop_left,
            self.target_height, self.target_width,
        )  # fmt: skip
        embeds = torch.cat([first, second], dim=-1)
        return _save(ctx, {"embeds": embeds, "pooled": pooled, "time_ids": time_ids}, self.mask)


class SDXLRefinerCompelPromptNode(BaseNode):
    """Encodes a style prompt for the SDXL refiner (second text encoder only) with its aesthetic score."""

    node_type: ClassVar[str] = "sdxl_refiner_compel_prompt"
    output_class: ClassVar[type[BaseOutput]] = ConditioningOutput

    style: str = Field(default="", max_length=MAX_PROMPT)
    original_width: int = Side
    original_height: int = Side
    crop_top: int = Field(default=0, ge=0, le=65536)
    crop_left: int = Field(default=0, ge=0, le=65536)
    aesthetic_score: float = Field(default=6.0, ge=0, le=100)
    clip2: CLIPField

    def invoke(self, ctx: NodeContext) -> ConditioningOutput:
        embeds, pooled = encode(ctx, self.clip2, self.style, penultimate=True, pooled=True)
        time_ids = _time_ids(
            self.original_height, self.original_width, self.crop_top, self.crop_left, self.aesthetic_score
        )
        return _save(ctx, {"embeds": embeds, "pooled": pooled, "time_ids": time_ids})


SD_PROMPT_NODES: tuple[type[BaseNode], ...] = (CompelNode, SDXLCompelPromptNode, SDXLRefinerCompelPromptNode)
