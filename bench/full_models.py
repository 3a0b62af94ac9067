"""Full-size Stable Diffusion 1.5 and SDXL 1.0 base architectures with random weights, built from
their published configurations (the `config.json` values of the runwayml/stable-diffusion-v1-5 and
stabilityai/stable-diffusion-xl-base-1.0 repositories, written out here), so a benchmark measures
real model sizes without downloading anything. Random weights give noise images, but every
layer, attention and channel count is the real one, so time per step is the real model's.

The tokenizers are tiny (a 55-token vocabulary from `tests/gen_fixtures.py`): tokenizing costs
nothing measurable and the text encoders keep their real 49,408-entry embeddings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.gen_fixtures import _tiny_tokenizer

SCHEDULER = {
    "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
    "num_train_timesteps": 1000, "steps_offset": 1, "timestep_spacing": "leading",
}  # fmt: skip

VAE = {
    "in_channels": 3, "out_channels": 3, "latent_channels": 4, "layers_per_block": 2,
    "block_out_channels": (128, 256, 512, 512), "norm_num_groups": 32, "act_fn": "silu",
    "down_block_types": ("DownEncoderBlock2D",) * 4, "up_block_types": ("UpDecoderBlock2D",) * 4,
}  # fmt: skip

SD15_UNET = {
    "sample_size": 64, "in_channels": 4, "out_channels": 4, "layers_per_block": 2,
    "block_out_channels": (320, 640, 1280, 1280), "attention_head_dim": 8, "cross_attention_dim": 768,
    "down_block_types": ("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
    "up_block_types": ("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
    "norm_num_groups": 32, "norm_eps": 1e-5, "flip_sin_to_cos": True, "freq_shift": 0,
    "downsample_padding": 1, "mid_block_scale_factor": 1, "act_fn": "silu",
}  # fmt: skip

SDXL_UNET = {
    "sample_size": 128, "in_channels": 4, "out_channels": 4, "layers_per_block": 2,
    "block_out_channels": (320, 640, 1280), "attention_head_dim": (5, 10, 20),
    "transformer_layers_per_block": (1, 2, 10), "cross_attention_dim": 2048,
    "down_block_types": ("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
    "up_block_types": ("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
    "use_linear_projection": True, "addition_embed_type": "text_time",
    "addition_embed_type_num_heads": 64, "addition_time_embed_dim": 256,
    "projection_class_embeddings_input_dim": 2816, "norm_num_groups": 32, "flip_sin_to_cos": True,
    "freq_shift": 0, "act_fn": "silu",
}  # fmt: skip

CLIP_L = {
    "hidden_size": 768, "intermediate_size": 3072, "num_attention_heads": 12, "num_hidden_layers": 12,
    "projection_dim": 768, "hidden_act": "quick_gelu", "vocab_size": 49408,
    "max_position_embeddings": 77, "layer_norm_eps": 1e-5,
}  # fmt: skip

OPENCLIP_BIGG = {
    "hidden_size": 1280, "intermediate_size": 5120, "num_attention_heads": 20, "num_hidden_layers": 32,
    "projection_dim": 1280, "hidden_act": "gelu", "vocab_size": 49408,
    "max_position_embeddings": 77, "layer_norm_eps": 1e-5,
}  # fmt: skip

# The tiny tokenizer's special tokens (see tests/gen_fixtures.py).
TOKENS = {"bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1}

ARCHITECTURES = ("sd15", "sdxl")
BASES = {"sd15": "sd-1", "sdxl": "sdxl"}


def _text_encoder(config: dict[str, Any], *, projection: bool = False) -> Any:
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    model_class = CLIPTextModelWithProjection if projection else CLIPTextModel
    return model_class(CLIPTextConfig(**config, **TOKENS))


def build_full_pipeline(arch: str, dest: Path, *, device: str = "cpu", seed: int = 0) -> Path:
    """Write a full-size `arch` ("sd15" or "sdxl") diffusers folder in float16 at `dest`.

    The weights are initialised on `device` (a GPU makes SDXL's 3.5 billion parameters quick)."""
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionPipeline,
        StableDiffusionXLPipeline,
        UNet2DConditionModel,
    )

    torch.manual_seed(seed)
    with torch.device(device):
        scheduler = EulerDiscreteScheduler(**SCHEDULER)
        if arch == "sd15":
            pipe: Any = StableDiffusionPipeline(
                unet=UNet2DConditionModel(**SD15_UNET),
                vae=AutoencoderKL(**VAE, sample_size=512, scaling_factor=0.18215),
                text_encoder=_text_encoder(CLIP_L),
                tokenizer=_tiny_tokenizer(),
                scheduler=scheduler,
                safety_checker=None,
                feature_extractor=None,
                requires_safety_checker=False,
            )
        elif arch == "sdxl":
            pipe = StableDiffusionXLPipeline(
                unet=UNet2DConditionModel(**SDXL_UNET),
                vae=AutoencoderKL(**VAE, sample_size=1024, scaling_factor=0.13025, force_upcast=True),
                text_encoder=_text_encoder(CLIP_L),
                text_encoder_2=_text_encoder(OPENCLIP_BIGG, projection=True),
                tokenizer=_tiny_tokenizer(),
                tokenizer_2=_tiny_tokenizer(),
                scheduler=scheduler,
                add_watermarker=False,
            )
        else:
            raise ValueError(f"unknown architecture {arch!r}: one of {ARCHITECTURES}")
    pipe.to(torch.float16)
    pipe.save_pretrained(str(dest), safe_serialization=True)
    return dest


def parameter_count(folder: Path) -> int:
    """Parameters in a saved pipeline's safetensors files."""
    from safetensors import safe_open

    total = 0
    for weights in folder.glob("*/*.safetensors"):
        with safe_open(str(weights), "pt") as tensors:
            for name in tensors.keys():  # noqa: SIM118 (safe_open has no iterator)
                total += _numel(tensors, name)
    return total


def _numel(tensors: Any, name: str) -> int:
    count = 1
    for dim in tensors.get_slice(name).get_shape():
        count *= dim
    return count
