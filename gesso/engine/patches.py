"""Temporary changes to shared, cached modules for one use: LoRA weights, seamless tiling, clip
skip. Each is a context manager that restores the module on the way out; callers hold the model
manager's `patch_lock` while a patch is in place."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from gesso.engine.types import LoRAField
from gesso.models.lora import patched

if TYPE_CHECKING:
    from gesso.engine.context import NodeContext


@contextmanager
def with_loras(
    ctx: NodeContext, components: dict[str, Any], loras: Sequence[LoRAField], base: str
) -> Iterator[None]:
    """Add the LoRAs' weights to `components` ({"unet": module, "text_encoder": module, …})."""
    prepared = []
    for lora in loras:
        info = ctx.describe_model(lora.lora.key)
        if info.type != "lora":
            raise ValueError(f"model {info.name!r} is a {info.type} model, not a LoRA")
        if info.base != base:
            raise ValueError(f"LoRA {info.name!r} is for {info.base} models; this model is {base}")
        prepared.append((info.name, ctx.load_model(lora.lora.key), lora.weight))
    if not prepared:
        yield
        return
    with patched(components, prepared):
        yield


def _seamless_conv(module: Any, axes: frozenset[str], x: Any, weight: Any, bias: Any) -> Any:
    import torch.nn.functional as F

    pad_h, pad_w = module.padding if isinstance(module.padding, tuple) else (0, 0)
    x = F.pad(x, (pad_w, pad_w, 0, 0), mode="circular" if "x" in axes else "constant")
    x = F.pad(x, (0, 0, pad_h, pad_h), mode="circular" if "y" in axes else "constant")
    return F.conv2d(x, weight, bias, module.stride, 0, module.dilation, module.groups)


@contextmanager
def seamless(model: Any, axes: Sequence[str]) -> Iterator[None]:
    """Make `model`'s padded convolutions wrap around along `axes` ("x", "y"), so images tile."""
    import torch

    wanted = frozenset(a for a in axes if a in ("x", "y"))
    convs = [] if not wanted else [
        m for m in model.modules()
        if isinstance(m, torch.nn.Conv2d) and isinstance(m.padding, tuple) and any(m.padding)
    ]  # fmt: skip
    for module in convs:
        module._conv_forward = functools.partial(_seamless_conv, module, wanted)  # type: ignore[method-assign]
    try:
        yield
    finally:
        for module in convs:
            del module._conv_forward  # back to the class's own method


@contextmanager
def skip_clip_layers(text_encoder: Any, skipped: int) -> Iterator[None]:
    """Drop the last `skipped` transformer layers of a CLIP text encoder (InvokeAI's clip skip)."""
    import torch

    if skipped <= 0:
        yield
        return
    # transformers 5's CLIPTextModel holds the encoder itself; CLIPTextModelWithProjection (and
    # older releases) under `text_model`.
    encoder = getattr(text_encoder, "text_model", text_encoder).encoder
    layers = encoder.layers
    if skipped >= len(layers):
        raise ValueError(f"clip skip {skipped} leaves none of the text encoder's {len(layers)} layers")
    encoder.layers = torch.nn.ModuleList(list(layers)[:-skipped])
    try:
        yield
    finally:
        encoder.layers = layers


def stack() -> ExitStack:
    return ExitStack()
