"""InvokeAI's model nodes for SD 1.x/2.x and SDXL: loaders, LoRAs, clip skip, seamless.

These nodes load nothing: they pass on which model and which parts of it (`UNetField`,
`CLIPField`, `VAEField`) plus the LoRAs, clip skip and seamless settings to apply; the prompt,
denoise and VAE nodes load the parts when they need them. Each loader checks that its model is
installed and of the right kind (before enqueue as well, through `model_requirements`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from pydantic import Field

from gesso.engine.registry import BaseNode, BaseOutput, ModelRequirement
from gesso.engine.types import CLIPField, LoRAField, ModelIdentifierField, UNetField, VAEField

if TYPE_CHECKING:
    from gesso.engine.context import ModelInfo, NodeContext

SD_BASES = ("sd-1", "sd-2")
_Field = TypeVar("_Field", UNetField, CLIPField, VAEField)


def checked(
    ctx: NodeContext, model: ModelIdentifierField, requirement: ModelRequirement, node: str
) -> ModelInfo:
    """The installed model, or a clear error when it is of another kind than the node takes."""
    info = ctx.describe_model(model.key)
    if info.type not in requirement.types or (requirement.bases and info.base not in requirement.bases):
        raise ValueError(
            f"{node}: {info.name!r} is a {info.base} {info.type} model; it takes {requirement.describe()}"
        )
    return info


class ModelLoaderOutput(BaseOutput):
    output_type: ClassVar[str] = "model_loader_output"

    vae: VAEField
    clip: CLIPField
    unet: UNetField


class SDXLModelLoaderOutput(BaseOutput):
    output_type: ClassVar[str] = "sdxl_model_loader_output"

    unet: UNetField
    clip: CLIPField
    clip2: CLIPField
    vae: VAEField


class SDXLRefinerModelLoaderOutput(BaseOutput):
    output_type: ClassVar[str] = "sdxl_refiner_model_loader_output"

    unet: UNetField
    clip2: CLIPField
    vae: VAEField


class VAEOutput(BaseOutput):
    output_type: ClassVar[str] = "vae_output"

    vae: VAEField


class LoRALoaderOutput(BaseOutput):
    output_type: ClassVar[str] = "lora_loader_output"

    unet: UNetField | None = None
    clip: CLIPField | None = None


class SDXLLoRALoaderOutput(BaseOutput):
    output_type: ClassVar[str] = "sdxl_lora_loader_output"

    unet: UNetField | None = None
    clip: CLIPField | None = None
    clip2: CLIPField | None = None


class LoRASelectorOutput(BaseOutput):
    output_type: ClassVar[str] = "lora_selector_output"

    lora: LoRAField


class CLIPSkipOutput(BaseOutput):
    output_type: ClassVar[str] = "clip_skip_output"

    clip: CLIPField | None = None


class SeamlessOutput(BaseOutput):
    output_type: ClassVar[str] = "seamless_output"

    unet: UNetField | None = None
    vae: VAEField | None = None


def _part(info: ModelInfo, submodel: str) -> ModelIdentifierField:
    return ModelIdentifierField.model_validate(info.identifier(submodel))


def _unet(info: ModelInfo) -> UNetField:
    return UNetField(unet=_part(info, "unet"), scheduler=_part(info, "scheduler"))


def _clip(info: ModelInfo, second: bool = False) -> CLIPField:
    suffix = "_2" if second else ""
    return CLIPField(
        tokenizer=_part(info, f"tokenizer{suffix}"), text_encoder=_part(info, f"text_encoder{suffix}")
    )


class MainModelLoaderNode(BaseNode):
    """Loads an SD 1.x / 2.x main model: its UNet, text encoder (CLIP) and VAE."""

    node_type: ClassVar[str] = "main_model_loader"
    output_class: ClassVar[type[BaseOutput]] = ModelLoaderOutput
    model_requirements: ClassVar[dict[str, ModelRequirement]] = {
        "model": ModelRequirement(("main",), SD_BASES)
    }

    model: ModelIdentifierField

    def invoke(self, ctx: NodeContext) -> ModelLoaderOutput:
        info = checked(ctx, self.model, self.model_requirements["model"], self.node_type)
        return ModelLoaderOutput(unet=_unet(info), clip=_clip(info), vae=VAEField(vae=_part(info, "vae")))


class SDXLModelLoaderNode(BaseNode):
    """Loads an SDXL base model: UNet, both text encoders and the VAE."""

    node_type: ClassVar[str] = "sdxl_model_loader"
    output_class: ClassVar[type[BaseOutput]] = SDXLModelLoaderOutput
    model_requirements: ClassVar[dict[str, ModelRequirement]] = {
        "model": ModelRequirement(("main",), ("sdxl",))
    }

    model: ModelIdentifierField

    def invoke(self, ctx: NodeContext) -> SDXLModelLoaderOutput:
        info = checked(ctx, self.model, self.model_requirements["model"], self.node_type)
        return SDXLModelLoaderOutput(
            unet=_unet(info),
            clip=_clip(info),
            clip2=_clip(info, second=True),
            vae=VAEField(vae=_part(info, "vae")),
        )


class SDXLRefinerModelLoaderNode(BaseNode):
    """Loads an SDXL refiner: UNet, the second (bigG) text encoder and the VAE."""

    node_type: ClassVar[str] = "sdxl_refiner_model_loader"
    output_class: ClassVar[type[BaseOutput]] = SDXLRefinerModelLoaderOutput
    model_requirements: ClassVar[dict[str, ModelRequirement]] = {
        "model": ModelRequirement(("main",), ("sdxl-refiner",))
    }

    model: ModelIdentifierField

    def invoke(self, ctx: NodeContext) -> SDXLRefinerModelLoaderOutput:
        info = checked(ctx, self.model, self.model_requirements["model"], self.node_type)
        return SDXLRefinerModelLoaderOutput(
            unet=_unet(info), clip2=_clip(info, second=True), vae=VAEField(vae=_part(info, "vae"))
        )


class VAELoaderNode(BaseNode):
    """Loads a standalone VAE to use instead of the main model's own."""

    node_type: ClassVar[str] = "vae_loader"
    output_class: ClassVar[type[BaseOutput]] = VAEOutput
    model_requirements: ClassVar[dict[str, ModelRequirement]] = {"vae_model": ModelRequirement(("vae",))}

    vae_model: ModelIdentifierField

    def invoke(self, ctx: NodeContext) -> VAEOutput:
        info = checked(ctx, self.vae_model, self.model_requirements["vae_model"], self.node_type)
        return VAEOutput(vae=VAEField(vae=ModelIdentifierField.model_validate(info.identifier())))


def _with_lora(target: UNetField | CLIPField | None, lora: LoRAField, node: str, field: str) -> None:
    if target is None:
        return
    if any(existing.lora.key == lora.lora.key for existing in target.loras):
        raise ValueError(f"{node}: LoRA {lora.lora.key!r} is already applied to {field}")
    target.loras.append(lora)


def _lora_field(
    ctx: NodeContext, lora: ModelIdentifierField, weight: float, node: str, bases: tuple[str, ...] | None
) -> LoRAField:
    info = checked(ctx, lora, ModelRequirement(("lora",), bases), node)
    return LoRAField(lora=ModelIdentifierField.model_validate(info.identifier()), weight=weight)


class LoRALoaderNode(BaseNode):
    """Adds a LoRA (and its weight) to the UNet and CLIP it passes on."""

    node_type: ClassVar[str] = "lora_loader"
    output_class: ClassVar[type[BaseOutput]] = LoRALoaderOutput
    model_requirements: ClassVar[dict[str, ModelRequirement]] = {
        "lora": ModelRequirement(("lora",), SD_BASES)
    }

    lora: ModelIdentifierField
    weight: float = Field(default=0.75, ge=-20.0, le=20.0)
    unet: UNetField | None = None
    clip: CLIPField | None = None

    def invoke(self, ctx: NodeContext) -> LoRALoaderOutput:
        field = _lora_field(ctx, self.lora, self.weight, self.node_type, SD_BASES)
        unet, clip = _copy(self.unet), _copy(self.clip)
        _with_lora(unet, field, self.node_type, "unet")
        _with_lora(clip, field, self.node_type, "clip")
        return LoRALoaderOutput(unet=unet, clip=clip)


class SDXLLoRALoaderNode(BaseNode):
    """Adds an SDXL LoRA to the UNet and both CLIPs it passes on."""

    node_type: ClassVar[str] = "sdxl_lora_loader"
    output_class: ClassVar[type[BaseOutput]] = SDXLLoRALoaderOutput
    model_requirements: ClassVar[dict[str, ModelRequirement]] = {
        "lora": ModelRequirement(("lora",), ("sdxl",))
    }

    lora: ModelIdentifierField
    weight: float = Field(default=0.75, ge=-20.0, le=20.0)
    unet: UNetField | None = None
    clip: CLIPField | None = None
    clip2: CLIPField | None = None

    def invoke(self, ctx: NodeContext) -> SDXLLoRALoaderOutput:
        field = _lora_field(ctx, self.lora, self.weight, self.node_type, ("sdxl",))
        unet, clip, clip2 = _copy(self.unet), _copy(self.clip), _copy(self.clip2)
        for target, name in ((unet, "unet"), (clip, "clip"), (clip2, "clip2")):
            _with_lora(target, field, self.node_type, name)
        return SDXLLoRALoaderOutput(unet=unet, clip=clip, clip2=clip2)


class LoRASelectorNode(BaseNode):
    """Picks a LoRA and its weight, for a LoRA collection loader."""

    node_type: ClassVar[str] = "lora_selector"
    output_class: ClassVar[type[BaseOutput]] = LoRASelectorOutput
    model_requirements: ClassVar[dict[str, ModelRequirement]] = {"lora": ModelRequirement(("lora",))}

    lora: ModelIdentifierField
    weight: float = Field(default=0.75, ge=-20.0, le=20.0)

    def invoke(self, ctx: NodeContext) -> LoRASelectorOutput:
        return LoRASelectorOutput(lora=_lora_field(ctx, self.lora, self.weight, self.node_type, None))


class LoRACollectionLoaderNode(BaseNode):
    """Adds every LoRA of a collection to the UNet and CLIP it passes on."""

    node_type: ClassVar[str] = "lora_collection_loader"
    output_class: ClassVar[type[BaseOutput]] = LoRALoaderOutput

    loras: LoRAField | list[LoRAField] | None = None
    unet: UNetField | None = None
    clip: CLIPField | None = None

    def invoke(self, ctx: NodeContext) -> LoRALoaderOutput:
        unet, clip = _copy(self.unet), _copy(self.clip)
        for lora in _as_list(self.loras):
            field = _lora_field(ctx, lora.lora, lora.weight, self.node_type, SD_BASES)
            _with_lora(unet, field, self.node_type, "unet")
            _with_lora(clip, field, self.node_type, "clip")
        return LoRALoaderOutput(unet=unet, clip=clip)


class SDXLLoRACollectionLoaderNode(BaseNode):
    """Adds every SDXL LoRA of a collection to the UNet and both CLIPs it passes on."""

    node_type: ClassVar[str] = "sdxl_lora_collection_loader"
    output_class: ClassVar[type[BaseOutput]] = SDXLLoRALoaderOutput

    loras: LoRAField | list[LoRAField] | None = None
    unet: UNetField | None = None
    clip: CLIPField | None = None
    clip2: CLIPField | None = None

    def invoke(self, ctx: NodeContext) -> SDXLLoRALoaderOutput:
        unet, clip, clip2 = _copy(self.unet), _copy(self.clip), _copy(self.clip2)
        for lora in _as_list(self.loras):
            field = _lora_field(ctx, lora.lora, lora.weight, self.node_type, ("sdxl",))
            for target, name in ((unet, "unet"), (clip, "clip"), (clip2, "clip2")):
                _with_lora(target, field, self.node_type, name)
        return SDXLLoRALoaderOutput(unet=unet, clip=clip, clip2=clip2)


class CLIPSkipNode(BaseNode):
    """Skips the last `skipped_layers` layers of the text encoder."""

    node_type: ClassVar[str] = "clip_skip"
    output_class: ClassVar[type[BaseOutput]] = CLIPSkipOutput

    clip: CLIPField
    skipped_layers: int = Field(default=0, ge=0, le=24)

    def invoke(self, ctx: NodeContext) -> CLIPSkipOutput:
        clip = self.clip.model_copy(deep=True)
        clip.skipped_layers += self.skipped_layers
        return CLIPSkipOutput(clip=clip)


class SeamlessNode(BaseNode):
    """Makes the UNet and VAE wrap around at the edges so the image tiles along x and/or y."""

    node_type: ClassVar[str] = "seamless"
    output_class: ClassVar[type[BaseOutput]] = SeamlessOutput

    unet: UNetField | None = None
    vae: VAEField | None = None
    seamless_y: bool = True
    seamless_x: bool = True

    def invoke(self, ctx: NodeContext) -> SeamlessOutput:
        axes = [axis for axis, on in (("x", self.seamless_x), ("y", self.seamless_y)) if on]
        unet, vae = _copy(self.unet), _copy(self.vae)
        if unet is not None:
            unet.seamless_axes = axes
        if vae is not None:
            vae.seamless_axes = axes
        return SeamlessOutput(unet=unet, vae=vae)


def _copy(value: _Field | None) -> _Field | None:
    return None if value is None else value.model_copy(deep=True)


def _as_list(loras: LoRAField | list[LoRAField] | None) -> list[LoRAField]:
    if loras is None:
        return []
    return loras if isinstance(loras, list) else [loras]


SD_MODEL_NODES: tuple[type[BaseNode], ...] = (
    MainModelLoaderNode,
    SDXLModelLoaderNode,
    SDXLRefinerModelLoaderNode,
    VAELoaderNode,
    LoRALoaderNode,
    SDXLLoRALoaderNode,
    LoRASelectorNode,
    LoRACollectionLoaderNode,
    SDXLLoRACollectionLoaderNode,
    CLIPSkipNode,
    SeamlessNode,
)
