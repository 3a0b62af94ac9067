"""Which files of a hub repo an install takes (`gesso.models.hub_files`)."""

from __future__ import annotations

import json

import pytest

from gesso.models.hub import RepoFile, RepoSnapshot
from gesso.models.hub_files import (
    NothingToInstall,
    components,
    folder_files,
    rewritten_index,
    root_kind,
    single_file,
)
from gesso.models.sources import HubSource

SD_INDEX = json.dumps({
    "_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.30.0",
    "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"],
    "text_encoder": ["transformers", "CLIPTextModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
    "scheduler": ["diffusers", "PNDMScheduler"], "safety_checker": ["stable_diffusion", "SafetyChecker"],
    "feature_extractor": ["transformers", "CLIPImageProcessor"], "image_encoder": [None, None],
}).encode()  # fmt: skip


def snapshot(*paths: str) -> RepoSnapshot:
    return RepoSnapshot("o/n", "c" * 40, tuple(RepoFile(p, 10) for p in paths))


W = "diffusion_pytorch_model"
SD_REPO = snapshot(
    "model_index.json", "README.md", "v1-5-pruned.safetensors", "v1-5-pruned.ckpt",
    "unet/config.json", f"unet/{W}.safetensors", f"unet/{W}.fp16.safetensors",
    f"unet/{W}.non_ema.safetensors", f"unet/{W}.bin",
    "vae/config.json", f"vae/{W}.safetensors", f"vae/{W}.fp16.safetensors",
    "text_encoder/config.json", "text_encoder/model.safetensors", "text_encoder/model.fp16.safetensors",
    "text_encoder/pytorch_model.bin", "text_encoder/flax_model.msgpack",
    "tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/special_tokens_map.json",
    "tokenizer/tokenizer_config.json", "scheduler/scheduler_config.json",
    "feature_extractor/preprocessor_config.json", "safety_checker/config.json",
    "safety_checker/model.safetensors",
)  # fmt: skip


def local(selection: object) -> dict[str, str]:
    return {p.local_path: p.file.path for p in selection.files}  # type: ignore[attr-defined]


def test_pipeline_default_variant_takes_components_configs_and_safetensors_only() -> None:
    chosen = folder_files(SD_REPO, "", components(SD_INDEX), None)
    assert sorted(local(chosen)) == [
        "feature_extractor/preprocessor_config.json", "model_index.json", "scheduler/scheduler_config.json",
        "text_encoder/config.json", "text_encoder/model.safetensors", "tokenizer/merges.txt",
        "tokenizer/special_tokens_map.json", "tokenizer/tokenizer_config.json", "tokenizer/vocab.json",
        "unet/config.json", "unet/diffusion_pytorch_model.safetensors", "vae/config.json",
        "vae/diffusion_pytorch_model.safetensors",
    ]  # fmt: skip
    assert chosen.variant is None and all(local(chosen)[k] == k for k in local(chosen))


def test_pipeline_fp16_variant_is_fetched_under_the_default_names() -> None:
    chosen = folder_files(SD_REPO, "", components(SD_INDEX), "fp16")
    mapping = local(chosen)
    assert (
        mapping["unet/diffusion_pytorch_model.safetensors"] == "unet/diffusion_pytorch_model.fp16.safetensors"
    )
    assert mapping["text_encoder/model.safetensors"] == "text_encoder/model.fp16.safetensors"
    assert chosen.variant == "fp16"


def test_components_skip_the_safety_checker_and_empty_entries() -> None:
    assert components(SD_INDEX) == [
        "feature_extractor",
        "scheduler",
        "text_encoder",
        "tokenizer",
        "unet",
        "vae",
    ]
    for bad in (b"[1]", b"not json", json.dumps({"../x": ["diffusers", "X"]}).encode()):
        assert components(bad) == [] if bad.startswith(b"{") else pytest.raises(NothingToInstall)
    with pytest.raises(NothingToInstall):
        components(b"not json")


def test_sharded_variant_weights_keep_all_shards_and_the_index_is_renamed() -> None:
    repo = snapshot(
        "config.json", f"{W}.safetensors.index.json", f"{W}-00001-of-00002.safetensors",
        f"{W}-00002-of-00002.safetensors", f"{W}.safetensors.index.fp16.json",
        f"{W}.fp16-00001-of-00002.safetensors", f"{W}.fp16-00002-of-00002.safetensors",
    )  # fmt: skip
    chosen = folder_files(repo, "", None, "fp16")
    assert local(chosen) == {
        "config.json": "config.json",
        f"{W}-00001-of-00002.safetensors": f"{W}.fp16-00001-of-00002.safetensors",
        f"{W}-00002-of-00002.safetensors": f"{W}.fp16-00002-of-00002.safetensors",
        f"{W}.safetensors.index.json": f"{W}.safetensors.index.fp16.json",
    }
    assert [p.rewrite_index for p in chosen.files] == [False, False, False, True]
    index = {"metadata": {}, "weight_map": {"a": f"{W}.fp16-00001-of-00002.safetensors"}}
    rewritten = json.loads(rewritten_index(json.dumps(index).encode(), "fp16"))
    assert rewritten["weight_map"] == {"a": f"{W}-00001-of-00002.safetensors"}


def test_a_model_with_only_variant_weights_uses_them_and_extra_weight_files_are_left() -> None:
    repo = snapshot(
        "config.json", "diffusion_pytorch_model.fp16.safetensors", "diffusion_pytorch_model_V2.safetensors"
    )
    assert local(folder_files(repo, "", None, None)) == {
        "config.json": "config.json",
        "diffusion_pytorch_model.safetensors": "diffusion_pytorch_model.fp16.safetensors",
    }


def test_folders_without_safetensors_are_refused_with_the_reason() -> None:
    pickled = snapshot("config.json", "diffusion_pytorch_model.bin")
    with pytest.raises(NothingToInstall, match="pickled"):
        folder_files(pickled, "", None, None)
    pipeline = snapshot("model_index.json", "unet/config.json", "unet/diffusion_pytorch_model.bin")
    with pytest.raises(NothingToInstall, match=r"o/n/unet has no \.safetensors"):
        folder_files(pipeline, "", ["unet"], None)


def test_root_kind_and_subfolders() -> None:
    assert root_kind(SD_REPO, "") == "pipeline"
    assert root_kind(SD_REPO, "vae") == "model"
    assert root_kind(SD_REPO, "tokenizer") == "none"
    vae = folder_files(SD_REPO, "vae", None, "fp16")
    assert local(vae) == {"config.json": "vae/config.json", f"{W}.safetensors": f"vae/{W}.fp16.safetensors"}


def test_single_files() -> None:
    repo = snapshot("a/m.safetensors", "old.ckpt", "x.pth")
    assert local(single_file(repo, HubSource("o/n", subfolder="a/m.safetensors"))) == {
        "m.safetensors": "a/m.safetensors"
    }
    for path, message in (
        ("old.ckpt", "pickle"),
        ("x.pth", "pickle"),
        ("a/n.safetensors", "no file"),
        ("r.txt", "not a model"),
    ):
        with pytest.raises(NothingToInstall, match=message):
            single_file(repo, HubSource("o/n", subfolder=path))
