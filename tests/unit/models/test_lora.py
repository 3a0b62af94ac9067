"""LoRA files: layouts recognised from tensor names, SDXL's original block names mapped to
diffusers' modules, LoHa and LoKr deltas added to the right weights and taken out again, and an
unknown layout refused with the reason (by the probe, so at install)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from gesso.models.lora import UnknownLoraLayout, layer_delta, lora_format, parse_layers, patched
from gesso.models.probe import UnidentifiedModel, probe
from tests.gen_fixtures import _tiny_sdxl_unet
from tests.model_files import write_safetensors

RANK = 2


def kohya(module: str, rows: int, cols: int, alpha: float | None = None) -> dict[str, Any]:
    tensors = {
        f"lora_unet_{module}.lora_down.weight": torch.randn(RANK, cols),
        f"lora_unet_{module}.lora_up.weight": torch.randn(rows, RANK),
    }
    if alpha is not None:
        tensors[f"lora_unet_{module}.alpha"] = torch.tensor(alpha)
    return tensors


def test_sdxl_kohya_lora_with_original_block_names_patches_the_matching_diffusers_modules() -> None:
    torch.manual_seed(0)
    unet = _tiny_sdxl_unet(64, 6)  # two blocks, one layer each: input_blocks_3 is down_blocks.1
    down_q = unet.down_blocks[1].attentions[0].transformer_blocks[0].attn1.to_q
    mid_k = unet.mid_block.attentions[0].transformer_blocks[0].attn2.to_k
    up_v = unet.up_blocks[0].attentions[0].transformer_blocks[0].attn1.to_v
    state = {
        **kohya("input_blocks_3_1_transformer_blocks_0_attn1_to_q", 64, 64, alpha=1.0),
        **kohya("middle_block_1_transformer_blocks_0_attn2_to_k", 64, 64),
        **kohya("output_blocks_0_1_transformer_blocks_0_attn1_to_v", 64, 64),
    }
    assert lora_format(list(state)) == "kohya"
    layers = parse_layers(state, {"layers_per_block": unet.config.layers_per_block})
    assert sorted(layer.module for layer in layers) == [
        "down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q",
        "mid_block_attentions_0_transformer_blocks_0_attn2_to_k",
        "up_blocks_0_attentions_0_transformer_blocks_0_attn1_to_v",
    ]
    before = {
        name: module.weight.detach().clone() for name, module in (("q", down_q), ("k", mid_k), ("v", up_v))
    }
    prefix = "lora_unet_input_blocks_3_1_transformer_blocks_0_attn1_to_q"
    expected_q = (
        (state[f"{prefix}.lora_up.weight"] @ state[f"{prefix}.lora_down.weight"]) * (1.0 / RANK) * 0.5
    )
    with patched({"unet": unet}, [("xl-style", layers, 0.5)]):
        assert torch.allclose(down_q.weight - before["q"], expected_q, atol=1e-5)
        assert not torch.equal(mid_k.weight, before["k"]) and not torch.equal(up_v.weight, before["v"])
    for name, module in (("q", down_q), ("k", mid_k), ("v", up_v)):
        assert torch.equal(module.weight, before[name])


def test_sdxl_original_block_names_follow_the_real_sdxl_layout() -> None:
    # SDXL base has two layers per block: input_blocks_4 is the first attention of down_blocks.1.
    state = kohya("input_blocks_4_1_transformer_blocks_0_attn2_to_k", 640, 2048)
    (layer,) = parse_layers(state, {"layers_per_block": 2})
    assert layer.module == "down_blocks_1_attentions_0_transformer_blocks_0_attn2_to_k"


def test_loha_and_lokr_layers_apply_their_products_and_are_undone() -> None:
    torch.manual_seed(1)
    model = torch.nn.Sequential()
    model.add_module("to_q", torch.nn.Linear(8, 6, bias=False))
    model.add_module("to_k", torch.nn.Linear(8, 6, bias=False))
    loha = {
        "lora_unet_to_q.hada_w1_a": torch.randn(6, RANK), "lora_unet_to_q.hada_w1_b": torch.randn(RANK, 8),
        "lora_unet_to_q.hada_w2_a": torch.randn(6, RANK), "lora_unet_to_q.hada_w2_b": torch.randn(RANK, 8),
        "lora_unet_to_q.alpha": torch.tensor(1.0),
    }  # fmt: skip
    lokr = {"lora_unet_to_k.lokr_w1": torch.randn(2, 2), "lora_unet_to_k.lokr_w2": torch.randn(3, 4)}
    state = {**loha, **lokr}
    assert lora_format(list(state)) == "lycoris"
    layers = {layer.module: layer for layer in parse_layers(state)}
    q_delta = (loha["lora_unet_to_q.hada_w1_a"] @ loha["lora_unet_to_q.hada_w1_b"]) * (
        loha["lora_unet_to_q.hada_w2_a"] @ loha["lora_unet_to_q.hada_w2_b"]
    ) * (1.0 / RANK)  # fmt: skip
    k_delta = torch.kron(lokr["lora_unet_to_k.lokr_w1"], lokr["lora_unet_to_k.lokr_w2"])
    assert torch.allclose(layer_delta(layers["to_q"], model.to_q.weight), q_delta, atol=1e-5)
    assert torch.allclose(layer_delta(layers["to_k"], model.to_k.weight), k_delta, atol=1e-5)
    q0, k0 = model.to_q.weight.detach().clone(), model.to_k.weight.detach().clone()
    with patched({"unet": model}, [("lycoris", list(layers.values()), 0.8)]):
        assert torch.allclose(model.to_q.weight, q0 + 0.8 * q_delta, atol=1e-5)
        assert torch.allclose(model.to_k.weight, k0 + 0.8 * k_delta, atol=1e-5)
    assert torch.equal(model.to_q.weight, q0) and torch.equal(model.to_k.weight, k0)


def test_a_layer_the_model_lacks_is_an_error_naming_the_lora_and_changes_nothing() -> None:
    model = torch.nn.Sequential()
    model.add_module("to_q", torch.nn.Linear(4, 4, bias=False))
    before = model.to_q.weight.detach().clone()
    layers = parse_layers({**kohya("to_q", 4, 4), **kohya("not_here", 4, 4)})
    refused = pytest.raises(UnknownLoraLayout, match="LoRA 'odd' changes unet layer 'not_here'")
    with refused, patched({"unet": model}, [("odd", layers, 1.0)]):
        pass
    assert torch.equal(model.to_q.weight, before)


def test_unknown_layout_is_refused_with_the_reason(tmp_path: Path) -> None:
    keys = ["lora_unet_down_blocks_0_attentions_0_proj_in.weird_a", "lora_unet_down_blocks_0_x.weird_b"]
    with pytest.raises(UnknownLoraLayout, match=r"match no known LoRA layout \(kohya"):
        lora_format(keys)
    path = write_safetensors(tmp_path / "strange.safetensors", {key: [4, 4] for key in keys})
    with pytest.raises(
        UnidentifiedModel, match=r"strange.safetensors: an unsupported LoRA: tensor names match no"
    ):
        probe(path)
    with pytest.raises(UnknownLoraLayout, match="holds no tensors"):
        lora_format([])
