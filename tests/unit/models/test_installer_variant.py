"""The installer's own weights choice: fp16 files when the device wants them (a GPU) and the
repo has them, the default files otherwise. Runs the real installer against the fake hub with
the device's preference given explicitly (this machine has no GPU)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gesso.events.bus import InProcessEventBus
from gesso.models.hub import HubClient, HubConfig
from gesso.models.installer import ModelInstaller
from tests.fake_hub import fake_hub
from tests.gen_fixtures import models_database
from tests.hub_repos import hand_pipeline


@pytest.mark.parametrize(("device_variant", "expected"), [("fp16", "fp16"), (None, None)])
def test_hub_install_takes_the_variant_the_device_prefers(
    tmp_path: Path, device_variant: str | None, expected: str | None
) -> None:
    with fake_hub() as hub:
        repo = hand_pipeline(tmp_path / "repo")
        hub.repos["tester/sd"] = repo
        config = HubConfig(endpoint=hub.url, offline=False, cache_dir=tmp_path / "cache")
        installer = ModelInstaller(
            models_database(tmp_path / "db", []),
            InProcessEventBus(),
            tmp_path / "models",
            allow_private_urls=False,
            hub=HubClient(config, stored_token=lambda: None),
            device_variant=lambda: device_variant,
        )
        job = installer.wait(installer.start("tester/sd", inplace=False, config={}).id, timeout=30)
    assert job.status == "completed", job.error
    assert job.source.variant == expected  # type: ignore[union-attr]
    assert job.config_out is not None and job.config_out.repo_variant == expected
    unet = tmp_path / "models" / job.config_out.path / "unet" / "diffusion_pytorch_model.safetensors"
    name = "unet/diffusion_pytorch_model" + (".fp16" if expected else "") + ".safetensors"
    assert unet.read_bytes() == repo.files[name]
