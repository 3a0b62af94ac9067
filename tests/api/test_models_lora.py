"""Installing LoRA files over the API: a LoRA in an unknown key layout is refused with the reason
(the install job ends in error and nothing is recorded); the layouts Gesso applies install."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.model_api import M, install
from tests.model_files import lora_file, write_safetensors


def test_lora_in_an_unknown_layout_is_refused_at_install_with_the_reason(
    su_client: TestClient, tmp_path: Path
) -> None:
    keys = ["lora_unet_down_blocks_0_attentions_0_proj_in.weird_a", "lora_unet_down_blocks_0_x.weird_b"]
    strange = write_safetensors(tmp_path / "strange.safetensors", {key: [4, 4] for key in keys})
    job = install(su_client, strange)
    assert job["status"] == "error" and job["config_out"] is None, job
    assert "an unsupported LoRA" in job["error"] and "no known LoRA layout" in job["error"], job["error"]
    assert su_client.get(f"{M}/").json()["models"] == []

    kohya = install(su_client, lora_file(tmp_path / "style.safetensors"))
    assert kohya["status"] == "completed", kohya
    config = kohya["config_out"]
    assert (config["type"], config["base"]) == ("lora", "sd-1")
