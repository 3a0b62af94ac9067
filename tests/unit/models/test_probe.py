"""The probe identifies base/type/format from configs and safetensors headers, and refuses with a
clear reason what it cannot identify (pickles are never opened)."""

from __future__ import annotations

import json
import random
import struct
from pathlib import Path

import pytest

from gesso.models.probe import UnidentifiedModel, probe
from tests.model_files import (
    LORA_TE2,
    LORA_UNET_ATTN2,
    diffusers_folder,
    lora_file,
    sd1_checkpoint,
    sdxl_checkpoint,
    vae_checkpoint,
    vae_folder,
    write_safetensors,
)


def identity(path: Path) -> tuple[str, str, str]:
    found = probe(path)
    return found.base, found.type, found.format


# -- single-file checkpoints -------------------------------------------------------------------------


def test_probe_sd1_checkpoint_is_sd1_main_checkpoint(tmp_path: Path) -> None:
    found = probe(sd1_checkpoint(tmp_path / "dreamy.safetensors"))
    assert (found.base, found.type, found.format, found.name) == ("sd-1", "main", "checkpoint", "dreamy")


def test_probe_sd2_checkpoint_is_sd2(tmp_path: Path) -> None:
    assert identity(sd1_checkpoint(tmp_path / "v2.safetensors", width=1024)) == ("sd-2", "main", "checkpoint")


def test_probe_sdxl_checkpoint_with_conditioner_is_sdxl(tmp_path: Path) -> None:
    assert identity(sdxl_checkpoint(tmp_path / "xl.safetensors")) == ("sdxl", "main", "checkpoint")


def test_probe_sdxl_checkpoint_by_context_width_is_sdxl(tmp_path: Path) -> None:
    path = sdxl_checkpoint(tmp_path / "xl.safetensors", conditioner=False)
    assert identity(path) == ("sdxl", "main", "checkpoint")


def test_probe_checkpoint_with_unknown_context_width_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnidentifiedModel, match="width 512"):
        probe(sd1_checkpoint(tmp_path / "odd.safetensors", width=512))


def test_probe_checkpoint_without_cross_attention_is_refused(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "m.safetensors", {"model.diffusion_model.out.2.weight": [4, 320]})
    with pytest.raises(UnidentifiedModel, match="cross-attention"):
        probe(path)


def test_probe_safetensors_metadata_block_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "meta.safetensors"
    write_safetensors(path, {"encoder.conv_in.weight": [8], "decoder.conv_in.weight": [8]}, {"format": "pt"})
    assert identity(path) == ("sd-1", "vae", "checkpoint")


# -- VAE and LoRA files --------------------------------------------------------------------------------


def test_probe_vae_checkpoint_is_sd1_vae(tmp_path: Path) -> None:
    assert identity(vae_checkpoint(tmp_path / "vae-ft-mse.safetensors")) == ("sd-1", "vae", "checkpoint")


def test_probe_vae_checkpoint_named_xl_is_sdxl(tmp_path: Path) -> None:
    assert identity(vae_checkpoint(tmp_path / "sdXL_vae.safetensors")) == ("sdxl", "vae", "checkpoint")


def test_probe_kohya_lora_with_768_context_is_sd1(tmp_path: Path) -> None:
    found = probe(lora_file(tmp_path / "style.safetensors"))
    assert (found.base, found.type, found.format, found.name) == ("sd-1", "lora", "lycoris", "style")


def test_probe_kohya_lora_with_1024_context_is_sd2(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "l.safetensors", {LORA_UNET_ATTN2: [4, 1024]})
    assert identity(path) == ("sd-2", "lora", "lycoris")


def test_probe_lora_with_te2_keys_is_sdxl(tmp_path: Path) -> None:
    assert identity(lora_file(tmp_path / "xl.safetensors", base="sdxl")) == ("sdxl", "lora", "lycoris")
    only_te2 = write_safetensors(tmp_path / "te2.safetensors", {LORA_TE2: [4, 1280]})
    assert identity(only_te2) == ("sdxl", "lora", "lycoris")


def test_probe_lora_without_cross_attention_is_refused(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "l.safetensors", {"lora_unet_conv_in.lora_down.weight": [4, 4]})
    with pytest.raises(UnidentifiedModel, match="LoRA"):
        probe(path)


# -- diffusers folders ---------------------------------------------------------------------------------


def test_probe_sd1_diffusers_folder_is_sd1_main_diffusers(tmp_path: Path) -> None:
    found = probe(diffusers_folder(tmp_path / "tiny-sd"))
    assert (found.base, found.type, found.format, found.name) == ("sd-1", "main", "diffusers", "tiny-sd")


def test_probe_sd2_diffusers_folder_is_sd2(tmp_path: Path) -> None:
    assert identity(diffusers_folder(tmp_path / "sd2", cross_attention_dim=1024)) == (
        "sd-2", "main", "diffusers",
    )  # fmt: skip


def test_probe_sdxl_diffusers_folder_is_sdxl(tmp_path: Path) -> None:
    path = diffusers_folder(tmp_path / "xl", "StableDiffusionXLPipeline", cross_attention_dim=2048)
    assert identity(path) == ("sdxl", "main", "diffusers")


def test_probe_diffusers_vae_with_sdxl_scaling_factor_is_sdxl(tmp_path: Path) -> None:
    assert identity(vae_folder(tmp_path / "vae-a", scaling_factor=0.13025)) == ("sdxl", "vae", "diffusers")
    assert identity(vae_folder(tmp_path / "vae-b")) == ("sd-1", "vae", "diffusers")


def test_probe_unknown_pipeline_class_is_refused(tmp_path: Path) -> None:
    path = diffusers_folder(tmp_path / "flux", "FluxPipeline")
    with pytest.raises(UnidentifiedModel, match="FluxPipeline"):
        probe(path)


def test_probe_unknown_cross_attention_dim_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnidentifiedModel, match="cross_attention_dim 4096"):
        probe(diffusers_folder(tmp_path / "odd", cross_attention_dim=4096))


def test_probe_diffusers_folder_with_only_pickled_unet_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnidentifiedModel, match=r"\.safetensors"):
        probe(diffusers_folder(tmp_path / "pickled", weights="bin"))


def test_probe_diffusers_vae_folder_with_only_pickled_weights_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnidentifiedModel, match=r"\.safetensors"):
        probe(vae_folder(tmp_path / "vae", weights="bin"))


def test_probe_folder_without_known_config_is_refused(tmp_path: Path) -> None:
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "config.json").write_text(json.dumps({"_class_name": "CLIPTextModel"}))
    with pytest.raises(UnidentifiedModel, match=r"model_index\.json"):
        probe(tmp_path / "stuff")


def test_probe_folder_with_broken_model_index_is_refused(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "model_index.json").write_text("{not json")
    with pytest.raises(UnidentifiedModel, match=r"model_index\.json"):
        probe(tmp_path / "broken")


# -- refusals --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".ckpt", ".bin", ".pt", ".pth"])
def test_probe_pickle_file_is_refused_without_being_read(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"model{suffix}"
    path.write_bytes(b"\x80\x04\x95 this would run code if unpickled")
    with pytest.raises(UnidentifiedModel) as caught:
        probe(path)
    message = caught.value.detail
    assert "pickle" in message and "convert" in message and ".safetensors" in message


def test_probe_other_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(UnidentifiedModel, match="not a model file"):
        probe(path)


def test_probe_random_bytes_named_safetensors_are_refused(tmp_path: Path) -> None:
    rng = random.Random(5)
    for n in range(20):
        path = tmp_path / f"noise{n}.safetensors"
        path.write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
        with pytest.raises(UnidentifiedModel, match=f"noise{n}"):
            probe(path)


def test_probe_small_length_then_garbage_is_refused_as_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "garbage.safetensors"
    path.write_bytes(struct.pack("<Q", 16) + b"\xff\xfe not json at all" + bytes(64))
    with pytest.raises(UnidentifiedModel, match="not valid JSON"):
        probe(path)


def test_probe_huge_claimed_header_length_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.safetensors"
    path.write_bytes(struct.pack("<Q", 2**62) + b"{}")
    with pytest.raises(UnidentifiedModel, match="not plausible"):
        probe(path)


def test_probe_truncated_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "short.safetensors"
    path.write_bytes(b"\x01\x02")
    with pytest.raises(UnidentifiedModel, match="too short"):
        probe(path)


def test_probe_header_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    raw = b"[1, 2, 3]"
    path = tmp_path / "list.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw)
    with pytest.raises(UnidentifiedModel, match="not an object"):
        probe(path)


def test_probe_unknown_tensors_are_refused(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "clip.safetensors", {"text_model.embeddings.weight": [49408, 768]})
    with pytest.raises(UnidentifiedModel, match="match no supported model"):
        probe(path)


def test_probe_malformed_shape_is_refused_with_a_reason(tmp_path: Path) -> None:
    raw = json.dumps({"model.diffusion_model.x.attn2.to_k.weight": {"dtype": "F16", "shape": []}}).encode()
    path = tmp_path / "scalar.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw)
    with pytest.raises(UnidentifiedModel):
        probe(path)


def test_probe_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnidentifiedModel, match="No file or folder"):
        probe(tmp_path / "nowhere.safetensors")
