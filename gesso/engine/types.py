"""Field types shared by node inputs and outputs (InvokeAI's `ImageField`, `ColorField`, …) and
the rule for which output may feed which input."""

from __future__ import annotations

import types
import typing
from typing import Any

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
    both_lists = source.startswith("list[") and destination.startswith("list[")
    if both_lists and "list[Any]" in (source, destination):
        return True
    return source in destination.split(" | ")
