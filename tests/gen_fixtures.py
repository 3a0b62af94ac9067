"""Tiny, randomly initialised Stable Diffusion models for tests and benchmarks (needs the `gen` extra).

`build_tiny_pipeline` writes a diffusers folder (`model_index.json`, safetensors weights, a
tokenizer vocabulary written here) that Gesso's probe identifies as an SD 1.x main model: the
UNet's cross-attention width is 768, like CLIP-L's. Everything else is as small as diffusers
allows, so a 64x64 image takes a few steps of a few milliseconds on a CPU. `build_tiny_vae` and
`build_tiny_lora` make a matching VAE folder and a LoRA file. Deterministic for a given `seed`.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gesso.db.engine import Database
from gesso.models.store import ModelRecord, insert_model

CROSS_ATTENTION_DIM = 768  # what makes the probe say "sd-1"
VAE_CHANNELS = (16, 16, 32, 32)  # four blocks: latents are 1/8 of the image, as in real SD


@dataclass(frozen=True)
class TinyModels:
    pipeline: Path  # diffusers folder, sd-1 main
    vae: Path  # diffusers folder, sd-1 VAE
    sdxl_vae: Path  # diffusers folder, probed as an SDXL VAE
    lora: Path  # .safetensors, sd-1 LoRA for `pipeline` (PEFT keys)
    kohya_lora: Path  # .safetensors, sd-1 LoRA for `pipeline` (kohya keys, UNet and text encoder)
    sdxl: Path  # diffusers folder, sdxl main with both text encoders
    refiner: Path  # diffusers folder, sdxl-refiner main
    controlnet: Path  # diffusers folder, sd-1 ControlNet for `pipeline`
    upscaler: Path  # .safetensors, a 2x ESRGAN that spandrel recognises


def _vocabulary(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    vocab = {"<|startoftext|>": 0, "!": 1, "<|endoftext|>": 2}
    for index, letter in enumerate("abcdefghijklmnopqrstuvwxyz"):
        vocab[letter] = 3 + index
        vocab[letter + "</w>"] = 30 + index
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    return folder / "vocab.json", folder / "merges.txt"


def _tiny_vae(scaling_factor: float = 0.18215) -> Any:
    from diffusers import AutoencoderKL

    return AutoencoderKL(
        block_out_channels=VAE_CHANNELS,
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * len(VAE_CHANNELS),
        up_block_types=("UpDecoderBlock2D",) * len(VAE_CHANNELS),
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=8,
        sample_size=64,
        scaling_factor=scaling_factor,
    )


def build_tiny_pipeline(dest: Path, *, seed: int = 0) -> Path:
    """Write a tiny SD 1.x diffusers pipeline folder at `dest` and return `dest`."""
    import torch
    from diffusers import DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=8,
        in_channels=4,
        out_channels=4,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=CROSS_ATTENTION_DIM,
        attention_head_dim=4,
        norm_num_groups=8,
    )
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            bos_token_id=0,
            eos_token_id=2,
            pad_token_id=1,
            hidden_size=CROSS_ATTENTION_DIM,
            intermediate_size=37,
            projection_dim=32,
            layer_norm_eps=1e-5,
            num_attention_heads=4,
            num_hidden_layers=1,
            vocab_size=1000,
            max_position_embeddings=77,
        )
    )
    with tempfile.TemporaryDirectory() as scratch:  # the pipeline saves its own copy
        vocab, merges = _vocabulary(Path(scratch))
        tokenizer = CLIPTokenizer(str(vocab), str(merges), model_max_length=77)
    scheduler = DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
        steps_offset=1,
    )
    pipe = StableDiffusionPipeline(
        unet=unet,
        vae=_tiny_vae(),
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(str(dest), safe_serialization=True)
    return dest


def _tiny_text_encoder(hidden: int, *, projection: bool = False) -> Any:
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    config = CLIPTextConfig(
        bos_token_id=0, eos_token_id=2, pad_token_id=1, hidden_size=hidden, intermediate_size=37,
        projection_dim=32, layer_norm_eps=1e-5, num_attention_heads=4, num_hidden_layers=2,
        vocab_size=1000, max_position_embeddings=77, hidden_act="gelu",
    )  # fmt: skip
    return CLIPTextModelWithProjection(config) if projection else CLIPTextModel(config)


def _tiny_tokenizer() -> Any:
    from transformers import CLIPTokenizer

    with tempfile.TemporaryDirectory() as scratch:  # the pipeline saves its own copy
        vocab, merges = _vocabulary(Path(scratch))
        return CLIPTokenizer(str(vocab), str(merges), model_max_length=77)


def _tiny_sdxl_unet(cross_attention_dim: int, time_ids: int) -> Any:
    from diffusers import UNet2DConditionModel

    return UNet2DConditionModel(
        block_out_channels=(32, 64), layers_per_block=1, sample_size=8, in_channels=4, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=cross_attention_dim, attention_head_dim=(2, 4), norm_num_groups=8,
        use_linear_projection=True, addition_embed_type="text_time", addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 1), projection_class_embeddings_input_dim=time_ids * 8 + 32,
    )  # fmt: skip


def _euler() -> Any:
    from diffusers import EulerDiscreteScheduler

    return EulerDiscreteScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1,
        timestep_spacing="leading",
    )  # fmt: skip


def build_tiny_sdxl(dest: Path, *, seed: int = 3) -> Path:
    """A tiny SDXL base pipeline folder: both text encoders (32 wide each), the "text_time" UNet."""
    import torch
    from diffusers import StableDiffusionXLPipeline

    torch.manual_seed(seed)
    pipe = StableDiffusionXLPipeline(
        vae=_tiny_vae(0.13025), text_encoder=_tiny_text_encoder(32),
        text_encoder_2=_tiny_text_encoder(32, projection=True), tokenizer=_tiny_tokenizer(),
        tokenizer_2=_tiny_tokenizer(), unet=_tiny_sdxl_unet(64, 6), scheduler=_euler(),
        add_watermarker=False,
    )  # fmt: skip
    pipe.save_pretrained(str(dest), safe_serialization=True)
    return dest


def build_tiny_refiner(dest: Path, *, seed: int = 4) -> Path:
    """A tiny SDXL refiner folder: the second text encoder only, aesthetic-score time ids."""
    import torch
    from diffusers import StableDiffusionXLImg2ImgPipeline

    torch.manual_seed(seed)
    pipe = StableDiffusionXLImg2ImgPipeline(
        vae=_tiny_vae(0.13025), text_encoder=None, text_encoder_2=_tiny_text_encoder(32, projection=True),
        tokenizer=None, tokenizer_2=_tiny_tokenizer(), unet=_tiny_sdxl_unet(32, 5), scheduler=_euler(),
        requires_aesthetics_score=True, add_watermarker=False,
    )  # fmt: skip
    pipe.save_pretrained(str(dest), safe_serialization=True)
    return dest


def build_tiny_controlnet(dest: Path, pipeline_dir: Path, *, seed: int = 5) -> Path:
    """A ControlNet made from the tiny SD 1.x UNet (so its shapes fit), with random weights."""
    import torch
    from diffusers import ControlNetModel, UNet2DConditionModel

    torch.manual_seed(seed)
    unet = UNet2DConditionModel.from_pretrained(str(pipeline_dir / "unet"))
    controlnet = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(8, 16, 32, 32))
    with torch.no_grad():  # from_unet zero-initialises the outputs: make the control visible
        for parameter in controlnet.parameters():
            if not parameter.any():
                parameter.normal_(0, 0.5)
    controlnet.save_pretrained(str(dest), safe_serialization=True)
    return dest


def build_tiny_kohya_lora(dest: Path, pipeline_dir: Path, *, rank: int = 4, seed: int = 6) -> Path:
    """A LoRA in kohya's layout (`lora_unet_…`, `lora_te_…`, lora_down/lora_up/alpha) for the tiny
    SD 1.x pipeline's UNet attention and text-encoder attention layers."""
    import torch
    from diffusers import UNet2DConditionModel
    from safetensors.torch import save_file
    from transformers import CLIPTextModel

    generator = torch.Generator().manual_seed(seed)
    tensors: dict[str, Any] = {}
    unet = UNet2DConditionModel.from_pretrained(str(pipeline_dir / "unet"))
    encoder = CLIPTextModel.from_pretrained(str(pipeline_dir / "text_encoder"))
    targets = [("lora_unet_", unet, ("to_q", "to_k", "to_v")), ("lora_te_", encoder, ("q_proj", "v_proj"))]
    for prefix, model, suffixes in targets:
        for name, module in model.named_modules():
            if not name.endswith(suffixes) or not hasattr(module, "in_features"):
                continue
            key = prefix + name.replace(".", "_")
            tensors[f"{key}.lora_down.weight"] = torch.randn(rank, module.in_features, generator=generator)
            tensors[f"{key}.lora_up.weight"] = (
                torch.randn(module.out_features, rank, generator=generator) * 0.5
            )
            tensors[f"{key}.alpha"] = torch.tensor(float(rank))
    dest.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(dest))
    return dest


def build_tiny_upscaler(dest: Path, *, seed: int = 7) -> Path:
    """A 2x ESRGAN (8 filters, one block) as safetensors: spandrel recognises it; fast on a CPU."""
    import torch
    from safetensors.torch import save_file

    from gesso.models.upscalers import import_spandrel

    import_spandrel()
    from spandrel.architectures.ESRGAN import ESRGAN

    torch.manual_seed(seed)
    model = ESRGAN(in_nc=3, out_nc=3, num_filters=8, num_blocks=1, scale=2)
    dest.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(dest))
    return dest


def build_tiny_vae(dest: Path, *, seed: int = 1, sdxl: bool = False) -> Path:
    """Write a tiny VAE diffusers folder (probed as sd-1, or sdxl by its scaling factor)."""
    import torch

    torch.manual_seed(seed)
    _tiny_vae(0.13025 if sdxl else 0.18215).save_pretrained(str(dest), safe_serialization=True)
    return dest


def build_tiny_lora(
    dest: Path, pipeline_dir: Path, *, rank: int = 4, seed: int = 2, scale: float = 0.5
) -> Path:
    """Write a LoRA `.safetensors` (PEFT key format) for the attention layers of the UNet in
    `pipeline_dir`. Unlike a freshly initialised LoRA, both matrices are random, so it visibly
    changes the output."""
    import torch
    from diffusers import UNet2DConditionModel
    from safetensors.torch import save_file

    unet = UNet2DConditionModel.from_pretrained(str(pipeline_dir / "unet"))
    generator = torch.Generator().manual_seed(seed)
    tensors: dict[str, Any] = {}
    for name, module in unet.named_modules():
        if not name.endswith(
            ("attn1.to_q", "attn1.to_k", "attn1.to_v", "attn2.to_q", "attn2.to_k", "attn2.to_v")
        ):
            continue
        down = torch.randn(rank, module.in_features, generator=generator) * scale
        up = torch.randn(module.out_features, rank, generator=generator) * scale
        tensors[f"unet.{name}.lora_A.weight"] = down.contiguous()
        tensors[f"unet.{name}.lora_B.weight"] = up.contiguous()
    dest.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(dest))
    return dest


def model_record(
    key: str, path: Path, *, base: str = "sd-1", type: str = "main", format: str = "diffusers", name: str = ""
) -> ModelRecord:
    """A record for `gesso.models.store.insert_model`, as an install would write it."""
    return ModelRecord(
        key=key,
        name=name or key,
        base=base,
        type=type,
        format=format,
        path=str(path),
        hash=f"blake3:{key}",
        file_size=0,
        description=None,
        source=str(path),
        source_type="path",
        default_settings=None,
    )


@functools.cache
def shared_tiny_models() -> TinyModels:
    """One tiny pipeline, VAE and LoRA per test process (built on first use, removed at exit).

    Treat the folders as read-only: copy them before changing anything."""
    folder = Path(tempfile.mkdtemp(prefix="gesso-tiny-models-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    pipeline = build_tiny_pipeline(folder / "tiny-sd1")
    return TinyModels(
        pipeline=pipeline,
        vae=build_tiny_vae(folder / "tiny-vae"),
        sdxl_vae=build_tiny_vae(folder / "tiny-vae-xl", sdxl=True),
        lora=build_tiny_lora(folder / "tiny-lora.safetensors", pipeline),
        kohya_lora=build_tiny_kohya_lora(folder / "tiny-kohya-lora.safetensors", pipeline),
        sdxl=build_tiny_sdxl(folder / "tiny-sdxl"),
        refiner=build_tiny_refiner(folder / "tiny-sdxl-refiner"),
        controlnet=build_tiny_controlnet(folder / "tiny-controlnet", pipeline),
        upscaler=build_tiny_upscaler(folder / "tiny-esrgan-2x.safetensors"),
    )


def models_database(folder: Path, records: list[ModelRecord]) -> Database:
    """A migrated SQLite database under `folder` holding `records`."""
    from gesso.db.migrate import upgrade

    folder.mkdir(parents=True, exist_ok=True)
    db = Database(f"sqlite:///{folder / 'gesso.db'}")
    upgrade(db)
    with db.write() as conn:
        for record in records:
            insert_model(conn, record)
    return db
