"""LoRA files: recognise their key layout, and patch their weight deltas into models for one use.

Layouts (`lora_format`, read from tensor names only, so the probe needs no tensor data):
- `kohya`: `lora_unet_<module>`, `lora_te_` / `lora_te1_` / `lora_te2_<module>` with `.lora_down.weight`,
  `.lora_up.weight` and `.alpha` (SDXL files may name UNet blocks the original way,
  `input_blocks_4_1_…`; those are mapped to diffusers' names);
- `diffusers` / `peft`: `unet.<module>.lora_A.weight` / `.lora_B.weight` (or `.lora.down.weight` /
  `.lora.up.weight`), with `text_encoder.` / `text_encoder_2.` for the text encoders;
- `lycoris`: LoHa (`hada_w1_a` …) and LoKr (`lokr_w1` …) under kohya's module names.

Applying works the way InvokeAI does it: each layer's delta (up @ down x alpha / rank x weight, or
LoHa's and LoKr's products) is added to the module's weight, and the saved originals are put back
afterwards, so the cached model is unchanged once the `with` block ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

COMPONENT_PREFIXES = (
    ("lora_unet_", "unet"),
    ("lora_te2_", "text_encoder_2"),
    ("lora_te1_", "text_encoder"),
    ("lora_te_", "text_encoder"),
)
DOTTED_PREFIXES = (
    ("unet.", "unet"),
    ("text_encoder_2.", "text_encoder_2"),
    ("text_encoder.", "text_encoder"),
)
KOHYA_SUFFIXES = ("lora_down.weight", "lora_up.weight", "alpha", "dora_scale")
LOHA_SUFFIXES = ("hada_w1_a", "hada_w1_b", "hada_w2_a", "hada_w2_b", "hada_t1", "hada_t2")
LOKR_SUFFIXES = ("lokr_w1", "lokr_w2", "lokr_w1_a", "lokr_w1_b", "lokr_w2_a", "lokr_w2_b", "lokr_t2")
DOTTED_SUFFIXES = {
    "lora_A.weight": "down",
    "lora_B.weight": "up",
    "lora.down.weight": "down",
    "lora.up.weight": "up",
    "lora_down.weight": "down",
    "lora_up.weight": "up",
    "alpha": "alpha",
}
SGM_BLOCKS = re.compile(r"^lora_unet_(input_blocks|middle_block|output_blocks)_")
SGM_BLOCK_NAMES = (
    ("lora_unet_input_blocks_", "lora_unet_down_blocks_"),
    ("lora_unet_middle_block_", "lora_unet_mid_block_"),
    ("lora_unet_output_blocks_", "lora_unet_up_blocks_"),
)


class UnknownLoraLayout(ValueError):
    """The file's tensor names match no LoRA layout Gesso can apply; the message says why."""


def lora_format(keys: list[str]) -> str:
    """`kohya`, `diffusers` or `lycoris` for these tensor names, or UnknownLoraLayout."""
    if not keys:
        raise UnknownLoraLayout("the file holds no tensors")
    if any(k.endswith(LOHA_SUFFIXES + LOKR_SUFFIXES) for k in keys):
        return "lycoris"
    if any(k.startswith(tuple(p for p, _ in COMPONENT_PREFIXES)) and ".lora_" in k for k in keys):
        return "kohya"
    if any(k.endswith(tuple(DOTTED_SUFFIXES)) and (".lora_A." in k or ".lora." in k) for k in keys):
        return "diffusers"
    sample = ", ".join(sorted(keys)[:3])
    raise UnknownLoraLayout(
        "tensor names match no known LoRA layout (kohya lora_unet_…lora_down/lora_up, diffusers/PEFT "
        f"…lora_A/lora_B, LyCORIS LoHa/LoKr); first names: {sample}"
    )


@dataclass
class LoraLayer:
    component: str
    module: str  # kohya-style (underscored) or dotted module path, resolved against the model
    tensors: dict[str, Any] = field(default_factory=dict)


def parse_layers(state_dict: dict[str, Any], unet_config: dict[str, Any] | None = None) -> list[LoraLayer]:
    """Group a LoRA state dict into layers (by component and module)."""
    layout = lora_format(list(state_dict))
    if layout in ("kohya", "lycoris") and any(SGM_BLOCKS.match(k) for k in state_dict):
        state_dict = _sgm_to_diffusers(state_dict, unet_config)
    layers: dict[tuple[str, str], LoraLayer] = {}
    for key, tensor in state_dict.items():
        located = _locate(key)
        if located is None:
            continue
        component, module, part = located
        layers.setdefault((component, module), LoraLayer(component, module)).tensors[part] = tensor
    if not layers:
        raise UnknownLoraLayout("no tensor names a UNet or text-encoder layer")
    return list(layers.values())


def _locate(key: str) -> tuple[str, str, str] | None:
    for prefix, component in COMPONENT_PREFIXES:
        if key.startswith(prefix):
            module, _, suffix = key[len(prefix) :].partition(".")
            part = {"lora_down.weight": "down", "lora_up.weight": "up"}.get(suffix, suffix)
            return component, module, part
    for prefix, component in DOTTED_PREFIXES:
        if key.startswith(prefix):
            return _dotted(component, key[len(prefix) :])
    return _dotted("unet", key)  # PEFT files of a UNet alone carry no prefix


def _dotted(component: str, rest: str) -> tuple[str, str, str] | None:
    for suffix, part in DOTTED_SUFFIXES.items():
        if rest.endswith("." + suffix):
            return component, rest[: -len(suffix) - 1], part
    return None


def _sgm_to_diffusers(state_dict: dict[str, Any], unet_config: dict[str, Any] | None) -> dict[str, Any]:
    """Original-layout (SGM) UNet block names to diffusers' names, with diffusers' own mapping."""
    from diffusers.loaders.lora_conversion_utils import _maybe_map_sgm_blocks_to_diffusers

    if unet_config is None:
        raise UnknownLoraLayout("this LoRA names original SDXL UNet blocks and needs the UNet's config")
    config = SimpleNamespace(**unet_config)  # diffusers reads it by attribute (`.layers_per_block`)
    try:
        renumbered = _maybe_map_sgm_blocks_to_diffusers(dict(state_dict), config)  # type: ignore[no-untyped-call]
    except Exception as exc:
        raise UnknownLoraLayout(f"cannot map its original UNet block names: {exc}") from exc
    # diffusers renumbers the blocks but keeps the original block names ("input_blocks_1_attentions_0");
    # its module names are down_blocks / mid_block / up_blocks.
    return {_diffusers_block_names(key): tensor for key, tensor in renumbered.items()}


def _diffusers_block_names(key: str) -> str:
    for original, diffusers_name in SGM_BLOCK_NAMES:
        if key.startswith(original):
            return diffusers_name + key[len(original) :]
    return key


def layer_delta(layer: LoraLayer, weight: Any) -> Any:
    """The change this layer makes to `weight` at full strength."""
    import torch

    t = {
        k: v.to(device=weight.device, dtype=torch.float32)
        for k, v in layer.tensors.items()
        if k != "dora_scale"
    }
    if "hada_w1_a" in t:
        delta = (t["hada_w1_a"] @ t["hada_w1_b"]) * (t["hada_w2_a"] @ t["hada_w2_b"])
        rank = t["hada_w1_b"].shape[0]
    elif "lokr_w1" in t or "lokr_w1_a" in t:
        w1 = t["lokr_w1"] if "lokr_w1" in t else t["lokr_w1_a"] @ t["lokr_w1_b"]
        w2 = t["lokr_w2"] if "lokr_w2" in t else t["lokr_w2_a"] @ t["lokr_w2_b"]
        delta = torch.kron(w1, w2.flatten(1) if w2.dim() > 2 else w2)
        rank = t["lokr_w2_b"].shape[0] if "lokr_w2_b" in t else None
    elif "down" in t and "up" in t:
        down, up = t["down"], t["up"]
        rank = down.shape[0]
        if down.dim() == 4 and down.shape[2:] != (1, 1):
            delta = torch.einsum("or,rikl->oikl", up.flatten(1), down)
        else:
            delta = up.flatten(1) @ down.flatten(1)
    else:
        raise UnknownLoraLayout(f"layer {layer.module} has neither lora_down/up nor LoHa/LoKr tensors")
    alpha = t.get("alpha")
    if alpha is not None and rank:
        delta = delta * (float(alpha) / rank)
    return delta.reshape(weight.shape)


def _module_index(model: Any) -> dict[str, Any]:
    index: dict[str, Any] = {}
    for name, module in model.named_modules():
        if hasattr(module, "weight") and getattr(module, "weight", None) is not None and name:
            index[name] = module
            index[name.replace(".", "_")] = module
    return index


@contextmanager
def patched(components: dict[str, Any], loras: list[tuple[str, list[LoraLayer], float]]) -> Iterator[None]:
    """Add every LoRA's deltas to the named components' weights; restore them afterwards.

    A layer whose module the model lacks is an error naming the LoRA (a LoRA for another
    architecture), never silently skipped."""
    import torch

    saved: dict[int, tuple[Any, Any]] = {}
    try:
        with torch.no_grad():
            indexes = {name: _module_index(model) for name, model in components.items()}
            for lora_name, layers, weight in loras:
                for layer in layers:
                    index = indexes.get(layer.component)
                    if index is None:
                        continue  # e.g. a text-encoder layer while only the UNet is patched
                    module = index.get(layer.module)
                    if module is None:
                        raise UnknownLoraLayout(
                            f"LoRA {lora_name!r} changes {layer.component} layer {layer.module!r}, "
                            "which this model does not have (is it for another base model?)"
                        )
                    param = module.weight
                    if id(param) not in saved:
                        saved[id(param)] = (param, param.detach().clone())
                    param.add_((layer_delta(layer, param) * weight).to(param.dtype))
        yield
    finally:
        with torch.no_grad():
            for param, original in saved.values():
                param.copy_(original)
