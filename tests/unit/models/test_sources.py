"""Install source forms (`gesso.models.sources`): paths, URLs, and every Hugging Face form."""

from __future__ import annotations

from pathlib import Path

import pytest

from gesso.models.sources import (
    HubSource,
    LocalSource,
    MalformedRepoId,
    UnsupportedSource,
    UrlSource,
    looks_like_repo_id,
    parse_source,
)

HUB = "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stabilityai/sdxl-turbo", HubSource("stabilityai/sdxl-turbo")),
        ("  stabilityai/sdxl-turbo  ", HubSource("stabilityai/sdxl-turbo")),
        ('"owner/name"', HubSource("owner/name")),
        ("owner/name:fp16", HubSource("owner/name", variant="fp16")),
        ("owner/name:vae", HubSource("owner/name", subfolder="vae")),
        ("owner/name::vae", HubSource("owner/name", subfolder="vae")),
        ("owner/name:fp16:vae", HubSource("owner/name", variant="fp16", subfolder="vae")),
        (
            "owner/name::/checkpoints/x.safetensors",
            HubSource("owner/name", subfolder="checkpoints/x.safetensors"),
        ),
        ("owner/name::model.safetensors", HubSource("owner/name", subfolder="model.safetensors")),
        ("Owner.Org/Name_v1.5", HubSource("Owner.Org/Name_v1.5")),
        ("https://huggingface.co/owner/name", HubSource("owner/name")),
        ("https://hf.co/owner/name/", HubSource("owner/name")),
        ("https://huggingface.co/owner/name/tree/main/vae", HubSource("owner/name", subfolder="vae")),
        (
            "https://huggingface.co/owner/name/resolve/abc123/sub/m.safetensors?download=true",
            HubSource("owner/name", subfolder="sub/m.safetensors", revision="abc123"),
        ),
        (
            "https://huggingface.co/owner/name/blob/main/m.safetensors",
            HubSource("owner/name", subfolder="m.safetensors"),
        ),
        (f"{HUB}/owner/name", HubSource("owner/name")),  # the configured hub
        ("https://example.com/owner/name", UrlSource("https://example.com/owner/name")),
        ("http://127.0.0.1:9999/owner/name", UrlSource("http://127.0.0.1:9999/owner/name")),
        ("/srv/models/x.safetensors", LocalSource(Path("/srv/models/x.safetensors"))),
        ("~/models/x", LocalSource(Path("~/models/x").expanduser())),
    ],
)
def test_sources_are_classified(text: str, expected: object) -> None:
    assert parse_source(text, HUB) == expected


@pytest.mark.parametrize(
    "text",
    [
        "name-only", "a/b/c", "owner//name", "-owner/name", "owner/name-", "owner/na me", "owner/na%me",
        "owner/a--b", "owner/..", "owner/a..b", "o/" + "n" * 97, "owner/name:vae:unet", "owner/name:onnx",
        "owner/name::", "owner/name:fp16:", "owner/name::../x", "owner/name::a/../b", "owner/name::a//b",
        "owner/name::./a", "owner/name::a\\b", "owner/name::a\x00b", "owner/name::" + "a" * 1100,
        "https://huggingface.co/owner", "https://huggingface.co/api/models/x", "https://huggingface.co/datasets/o/n",
        "https://huggingface.co/spaces/o/n", "https://huggingface.co/o/n/commits/main", "https://huggingface.co/o/n/tree",
        "https://huggingface.co/o/n/resolve/main/../../x", f"{HUB}/only-one",
    ],
)  # fmt: skip
def test_malformed_repo_sources_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(MalformedRepoId) as raised:
        parse_source(text, HUB)
    assert raised.value.detail and "\n" not in raised.value.detail


def test_empty_source_is_unsupported() -> None:
    for text in ("", "   ", '""'):
        with pytest.raises(UnsupportedSource):
            parse_source(text)


def test_repo_source_names_and_canonical_forms() -> None:
    assert HubSource("o/n").name == "n" and HubSource("o/n").canonical == "o/n"
    vae = HubSource("o/n", variant="fp16", subfolder="a/vae")
    assert vae.name == "n_a_vae" and vae.canonical == "o/n::a/vae" and not vae.is_single_file
    file = HubSource("o/n", subfolder="dir/m.safetensors")
    assert file.is_single_file and file.name == "m.safetensors" and file.canonical == "o/n::dir/m.safetensors"


def test_repo_id_attempts_are_told_apart_from_paths_and_urls() -> None:
    assert looks_like_repo_id("a/b/c") and looks_like_repo_id("owner/name")
    assert (
        not looks_like_repo_id("/abs")
        and not looks_like_repo_id("https://x/y")
        and not looks_like_repo_id(" ")
    )
