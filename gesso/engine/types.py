"""Field types shared by node inputs and outputs (InvokeAI's `ImageField`, `ColorField`, …) and
the rule for which output may feed which input."""

from __future__ import annotations

import types
import typing
from typing import Any, Literal

from pydantic import BaseModel, Field


class ImageField(BaseModel):
    image_name: str = Field(max_length=128)


class BoardField(BaseModel):
    board_id: str = Field(max_length=64)


class ColorField(BaseModel):
    r: int = Field(ge=0, le=255)
    g: int = Field(ge=0, le=255)
    b: int = Field(ge=0, le=255)
    a: int = Field(default=255, ge=0, le=255)

    def rgba(self) -> tuple[int, int, int, int]:
        return (self.r, self.g, self.b, self.a)


def type_name(annotation: Any) -> str:
    """A readable, comparable name for a field type: `int`, `ImageField`, `list[int]`, `Any`."""
    if annotation is Any:
        return "Any"
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, types.UnionType):
        return type_name(args[0]) if len(args) == 1 else " | ".join(sorted(type_name(a) for a in args))
    if origin is typing.Literal:
        return "str" if all(isinstance(a, str) for a in args) else "Literal"
    if origin in (list, tuple, set):
        return f"list[{type_name(args[0]) if args else 'Any'}]"
    if origin is typing.Annotated:
        return type_name(args[0])
    return getattr(annotation, "__name__", str(annotation))


def can_feed(source: str, destination: str) -> bool:
    """Whether an output of type `source` may be connected to an input of type `destination`."""
    if source == destination or "Any" in (source, destination):
        return True
    if (source, destination) in {
        ("int", "float"),
        ("int", "str"),
        ("float", "str"),
        ("list[int]", "list[float]"),
    }:
        return True
    choices = destination.split(" | ")
    if source == "list[Any]" and any(choice.startswith("list[") for choice in choices):
        return True  # a `collect` node's collection feeds any list input
    if destination == "list[Any]" and source.startswith("list["):
        return True
    return source in choices


# -- generation fields (InvokeAI's names and shapes, SPEC §14) ----------------------------------

MODEL_BASES = ("any", "sd-1", "sd-2", "sdxl", "sdxl-refiner")


class ModelIdentifierField(BaseModel):
    """Names an installed model; only `key` is trusted (the rest is re-read from the record)."""

    key: str = Field(min_length=1, max_length=64)
    hash: str = Field(default="", max_length=200)
    name: str = Field(default="", max_length=256)
    base: str = Field(default="any", max_length=32)
    type: str = Field(default="main", max_length=64)
    submodel_type: str | None = Field(default=None, max_length=32)


class LoRAField(BaseModel):
    lora: ModelIdentifierField
    weight: float = Field(ge=-20.0, le=20.0)


class FreeUConfig(BaseModel):
    s1: float
    s2: float
    b1: float
    b2: float


class UNetField(BaseModel):
    unet: ModelIdentifierField
    scheduler: ModelIdentifierField
    loras: list[LoRAField] = Field(default_factory=list, max_length=64)
    seamless_axes: list[str] = Field(default_factory=list, max_length=2)
    freeu_config: FreeUConfig | None = None


class CLIPField(BaseModel):
    tokenizer: ModelIdentifierField
    text_encoder: ModelIdentifierField
    skipped_layers: int = Field(default=0, ge=0, le=24)
    loras: list[LoRAField] = Field(default_factory=list, max_length=64)


class VAEField(BaseModel):
    vae: ModelIdentifierField
    seamless_axes: list[str] = Field(default_factory=list, max_length=2)


class TensorField(BaseModel):
    tensor_name: str = Field(max_length=200)


class ConditioningField(BaseModel):
    conditioning_name: str = Field(max_length=200)
    mask: TensorField | None = None


class LatentsField(BaseModel):
    latents_name: str = Field(max_length=200)
    seed: int | None = None


class DenoiseMaskField(BaseModel):
    mask_name: str = Field(max_length=200)
    masked_latents_name: str | None = Field(default=None, max_length=200)
    gradient: bool = False


ControlMode = Literal["balanced", "more_prompt", "more_control", "unbalanced"]
ResizeMode = Literal["just_resize", "crop_resize", "fill_resize", "just_resize_simple"]


class ControlField(BaseModel):
    image: ImageField
    control_model: ModelIdentifierField
    control_weight: float | list[float] = 1.0
    begin_step_percent: float = Field(default=0.0, ge=0.0, le=1.0)
    end_step_percent: float = Field(default=1.0, ge=0.0, le=1.0)
    control_mode: ControlMode = "balanced"
    resize_mode: ResizeMode = "just_resize"
