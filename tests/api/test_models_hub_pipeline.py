"""A real (tiny) Stable Diffusion pipeline installed by repo id from the fake hub loads in
diffusers with the files the installer chose, in its default and its fp16 variant."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gesso.models.probe import read_safetensors_header
from tests.conftest import AppFactory
from tests.fake_hub import FakeHub, FakeRepo, fake_hub
from tests.gen_fixtures import shared_tiny_models
from tests.hub_repos import with_decoys
from tests.model_api import start_install, wait_job


def fp16_file(data: bytes) -> bytes:
    import torch
    from safetensors.torch import load, save

    return save({k: v.to(torch.float16) if v.is_floating_point() else v for k, v in load(data).items()})


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    with fake_hub() as running:
        monkeypatch.setenv("HF_ENDPOINT", running.url)
        repo = with_decoys(FakeRepo.from_folder(shared_tiny_models().pipeline))
        for path in [p for p in repo.files if p.endswith(".safetensors") and "/" in p]:
            if not path.startswith("safety_checker/") and ".non_ema." not in path:
                repo.files[path.replace(".safetensors", ".fp16.safetensors")] = fp16_file(repo.files[path])
        running.repos["tester/tiny-sd"] = repo
        yield running


@pytest.mark.parametrize(("source", "dtype"), [("tester/tiny-sd", "F32"), ("tester/tiny-sd:fp16", "F16")])
def test_tiny_pipeline_installed_by_repo_id_loads_in_diffusers(
    hub: FakeHub, make_client: AppFactory, root: Path, source: str, dtype: str
) -> None:
    from diffusers import StableDiffusionPipeline

    client: TestClient = make_client()
    job = wait_job(client, start_install(client, source)["id"], timeout=60)
    assert job["status"] == "completed", job
    folder = root / "models" / job["config_out"]["path"]
    assert not list(folder.rglob("*.bin")) and not (folder / "safety_checker").exists()
    assert not list(folder.rglob("*.fp16.*"))  # variant files carry the default names
    header = read_safetensors_header(folder / "unet" / "diffusion_pytorch_model.safetensors")
    assert {tensor["dtype"] for tensor in header.values()} == {dtype}
    pipeline = StableDiffusionPipeline.from_pretrained(str(folder), safety_checker=None)
    assert pipeline.text_encoder is not None and pipeline.tokenizer is not None
