"""Installing from a Hugging Face repo id (SPEC §15) against a local fake hub (`tests.fake_hub`,
reached through HF_ENDPOINT): which files land in `models_dir`, variants, subfolders and single
files, and each way a hub install can fail, always as a failed job with a one-line reason and
nothing half-installed left behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gesso.events.bus import Event
from gesso.events.routing import route
from tests.conftest import AppFactory
from tests.fake_hub import FakeHub, fake_hub
from tests.hub_repos import (
    DECOYS,
    hand_pipeline,
    loose_files_repo,
    pickle_only_pipeline,
    vae_repo,
)
from tests.model_api import M, files_under, install, start_install, wait_job

PIPELINE_FILES = [
    "model_index.json",
    "scheduler/scheduler_config.json",
    "unet/config.json",
    "unet/diffusion_pytorch_model.safetensors",
    "vae/config.json",
    "vae/diffusion_pytorch_model.safetensors",
]


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    with fake_hub() as running:
        monkeypatch.setenv("HF_ENDPOINT", running.url)
        running.repos["tester/hand-sd"] = hand_pipeline(tmp_path / "repos" / "hand-sd")
        running.repos["tester/loose"] = loose_files_repo(tmp_path / "repos" / "loose")
        yield running


@pytest.fixture
def client(hub: FakeHub, make_client: AppFactory) -> TestClient:
    return make_client()


def failed(client: TestClient, source: str) -> dict[str, Any]:
    job = install(client, source)
    assert job["status"] == "error", job
    assert job["error"] and "\n" not in job["error"] and job["error_reason"], job
    assert job["config_out"] is None
    return dict(job)


def nothing_installed(client: TestClient, root: Path) -> None:
    assert files_under(root / "models") == []
    assert client.get(f"{M}/").json() == {"models": []}


# -- what an install fetches ---------------------------------------------------------------------------


def test_admin_installs_pipeline_by_repo_id_with_only_the_files_it_needs(
    client: TestClient, hub: FakeHub, root: Path
) -> None:
    job = install(client, "tester/hand-sd")
    assert job["status"] == "completed", job
    assert job["source"] == {
        "repo_id": "tester/hand-sd", "variant": None, "subfolder": None, "access_token": None, "type": "hf",
    }  # fmt: skip
    config = job["config_out"]
    assert (config["base"], config["type"], config["format"]) == ("sd-1", "main", "diffusers")
    assert (config["source"], config["source_type"], config["name"]) == (
        "tester/hand-sd",
        "hf_repo_id",
        "hand-sd",
    )
    assert files_under(root / "models" / config["path"]) == PIPELINE_FILES
    repo = hub.repos["tester/hand-sd"]
    installed = root / "models" / config["path"]
    assert all((installed / name).read_bytes() == repo.files[name] for name in PIPELINE_FILES)
    fetched = {r.path.split("/resolve/")[1].split("/", 1)[1] for r in hub.requests if "/resolve/" in r.path}
    assert fetched == set(PIPELINE_FILES)  # no decoy, pickle, safety checker or fp16 file was fetched
    assert not set(DECOYS) & fetched
    parts = job["download_parts"]
    assert [p["status"] for p in parts] == ["completed"] * len(PIPELINE_FILES)
    assert job["bytes"] == job["total_bytes"] == sum(len(repo.files[n]) for n in PIPELINE_FILES)
    assert files_under(root / "models" / ".downloads") == []


def test_admin_installs_fp16_variant_as_default_named_files(
    client: TestClient, hub: FakeHub, root: Path
) -> None:
    job = install(client, "tester/hand-sd:fp16")
    assert job["status"] == "completed", job
    assert job["source"]["variant"] == "fp16" and job["config_out"]["repo_variant"] == "fp16"
    installed = root / "models" / job["config_out"]["path"]
    assert files_under(installed) == PIPELINE_FILES
    repo = hub.repos["tester/hand-sd"]
    for component in ("unet", "vae"):
        weights = (installed / component / "diffusion_pytorch_model.safetensors").read_bytes()
        assert weights == repo.files[f"{component}/diffusion_pytorch_model.fp16.safetensors"]


def test_admin_installs_variant_the_repo_lacks_gets_the_default_weights(
    client: TestClient, hub: FakeHub, root: Path, tmp_path: Path
) -> None:
    repo = vae_repo(tmp_path / "v")
    del repo.files["diffusion_pytorch_model.fp16.safetensors"]
    hub.repos["tester/vae-plain"] = repo
    job = install(client, "tester/vae-plain:bf16")
    assert job["status"] == "completed", job
    assert job["config_out"]["repo_variant"] is None and job["source"]["variant"] is None


@pytest.mark.parametrize(
    "source",
    ["tester/hand-sd:vae", "tester/hand-sd::vae", "tester/hand-sd:fp16:vae",
     "https://huggingface.co/tester/hand-sd/tree/main/vae"],
)  # fmt: skip
def test_admin_installs_a_subfolder(client: TestClient, hub: FakeHub, root: Path, source: str) -> None:
    job = install(client, source)
    assert job["status"] == "completed", job
    assert job["source"]["subfolder"] == "vae" and job["source"]["repo_id"] == "tester/hand-sd"
    config = job["config_out"]
    assert (config["type"], config["base"], config["name"]) == ("vae", "sd-1", "hand-sd_vae")
    assert config["source"] == "tester/hand-sd::vae"
    assert files_under(root / "models" / config["path"]) == [
        "config.json",
        "diffusion_pytorch_model.safetensors",
    ]


@pytest.mark.parametrize(
    "source",
    ["tester/loose::style.safetensors", "https://huggingface.co/tester/loose/resolve/main/style.safetensors",
     "https://huggingface.co/tester/loose/blob/main/style.safetensors?download=true"],
)  # fmt: skip
def test_admin_installs_a_single_file(client: TestClient, hub: FakeHub, root: Path, source: str) -> None:
    job = install(client, source)
    assert job["status"] == "completed", job
    config = job["config_out"]
    assert (config["type"], config["base"], config["source"]) == (
        "lora",
        "sd-1",
        "tester/loose::style.safetensors",
    )
    assert files_under(root / "models") == ["sd-1/lora/style.safetensors"]
    assert (root / "models" / config["path"]).read_bytes() == hub.repos["tester/loose"].files[
        "style.safetensors"
    ]


def test_admin_installs_a_file_in_a_folder_of_the_repo(client: TestClient, root: Path) -> None:
    job = install(client, "tester/loose::styles/xl-style.safetensors")
    assert job["status"] == "completed", job
    assert files_under(root / "models") == ["sdxl/lora/xl-style.safetensors"]


def test_admin_installs_the_same_repo_twice_gets_a_duplicate_error(client: TestClient, root: Path) -> None:
    first = install(client, "tester/hand-sd")
    second = failed(client, "tester/hand-sd")
    assert second["error_reason"] == "DuplicateModel"
    assert files_under(root / "models") == [
        f"{first['config_out']['path']}/{name}" for name in PIPELINE_FILES
    ]


def test_install_events_reach_administrators_only(client: TestClient) -> None:
    events: list[Event] = []
    client.app.state.services.bus.subscribe(events.append)  # type: ignore[attr-defined]
    job = install(client, "tester/hand-sd")
    names = [e.name for e in events if e.payload.get("id") == job["id"]]
    assert names[0] == "model_install_download_started" and names[-1] == "model_install_complete"
    assert {"model_install_download_progress", "model_install_downloads_complete"} <= set(names)
    progress = [e.payload for e in events if e.name == "model_install_download_progress"]
    assert progress[-1]["bytes"] == progress[-1]["total_bytes"] == job["total_bytes"]
    assert len(progress[-1]["parts"]) == len(PIPELINE_FILES)
    assert {"url", "local_path", "bytes", "total_bytes"} == set(progress[-1]["parts"][0])
    assert all(d.rooms == ["admin"] for e in events for d in route(e))


# -- failures ------------------------------------------------------------------------------------------


def test_admin_installs_unknown_repo_fails_cleanly(client: TestClient, root: Path) -> None:
    job = failed(client, "tester/no-such-model")
    assert job["error"].startswith("Repository tester/no-such-model was not found on http://127.0.0.1:")
    nothing_installed(client, root)


def test_admin_installs_repo_without_safetensors_fails_cleanly(
    client: TestClient, hub: FakeHub, root: Path, tmp_path: Path
) -> None:
    hub.repos["tester/pickled"] = pickle_only_pipeline(tmp_path / "pickled")
    job = failed(client, "tester/pickled")
    assert "no .safetensors weights" in job["error"] and "pickled" in job["error"]
    assert not [r for r in hub.requests if r.path.endswith(".bin")]
    nothing_installed(client, root)


def test_admin_installs_repo_of_loose_files_is_told_to_name_one(client: TestClient, root: Path) -> None:
    job = failed(client, "tester/loose")
    assert "tester/loose::<file>" in job["error"] and "style.safetensors" in job["error"]
    nothing_installed(client, root)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("tester/loose::old.ckpt", "pickle"),
        ("tester/loose::missing.safetensors", "has no file missing.safetensors"),
        ("tester/hand-sd::text_encoder", "has no folder or file text_encoder"),
    ],
)
def test_admin_installs_a_missing_or_pickled_file_fails_cleanly(
    client: TestClient, root: Path, source: str, message: str
) -> None:
    assert message in failed(client, source)["error"]
    nothing_installed(client, root)


@pytest.mark.parametrize(
    "source",
    [
        "tester/hand-sd/extra", "-tester/hand-sd", "tester/hand sd", "tester/hand--sd", "tester/..",
        "tester/hand-sd:vae:unet", "tester/hand-sd::../../etc/passwd", "tester/hand-sd::vae/../unet",
        "tester/hand-sd::vae//config.json", "tester/hand-sd:onnx", "https://huggingface.co/tester",
        "https://huggingface.co/datasets/tester/hand-sd", "https://huggingface.co/tester/hand-sd/raw/x",
        "tester/" + "x" * 200,
    ],
)  # fmt: skip
def test_admin_installs_malformed_repo_id_gets_a_failed_job_with_the_reason(
    client: TestClient, hub: FakeHub, root: Path, source: str
) -> None:
    job = failed(client, source)
    assert job["error_reason"] == "MalformedRepoId"
    assert hub.requests == []  # refused before asking the hub
    nothing_installed(client, root)


def test_admin_installs_repo_whose_file_list_points_outside_fails_cleanly(
    client: TestClient, hub: FakeHub, root: Path, tmp_path: Path
) -> None:
    repo = hand_pipeline(tmp_path / "evil")
    repo.listed_extra = ["../../outside.safetensors", "unet/../../../escape.json"]
    hub.repos["tester/evil"] = repo
    job = failed(client, "tester/evil")
    assert "outside the repo" in job["error"]
    assert not [r for r in hub.requests if "/resolve/" in r.path]
    nothing_installed(client, root)
    assert not list(tmp_path.rglob("outside.safetensors")) and not list(tmp_path.rglob("escape.json"))


def test_admin_installs_gated_repo_without_token_is_told_a_token_is_needed(
    client: TestClient, hub: FakeHub, root: Path, tmp_path: Path
) -> None:
    repo = hand_pipeline(tmp_path / "gated")
    repo.gated = True
    hub.repos["tester/gated"] = repo
    job = failed(client, "tester/gated")
    assert "gated" in job["error"] and "token is needed" in job["error"]
    assert not [r for r in hub.requests if "/resolve/" in r.path]  # before the first byte
    nothing_installed(client, root)


def test_admin_installs_file_the_hub_answers_404_for_fails_cleanly(
    client: TestClient, hub: FakeHub, root: Path
) -> None:
    hub.repos["tester/hand-sd"].missing = {"vae/diffusion_pytorch_model.safetensors"}
    job = failed(client, "tester/hand-sd")
    assert "HTTP 404" in job["error"] and "vae/diffusion_pytorch_model.safetensors" in job["error"]
    nothing_installed(client, root)
    assert files_under(root / "models" / ".downloads") == []


def test_admin_installs_repo_larger_than_the_free_disk_space_is_refused_before_the_first_byte(
    client: TestClient, hub: FakeHub, root: Path
) -> None:
    hub.repos["tester/hand-sd"].listed_sizes = {"unet/diffusion_pytorch_model.safetensors": 2**55}
    job = failed(client, "tester/hand-sd")
    assert job["error_reason"] == "NotEnoughDiskSpace"
    assert job["error"].startswith("Not enough free disk space for tester/hand-sd: it needs 32768.0 TB")
    assert not [r for r in hub.requests if "/resolve/" in r.path and "model_index" not in r.path]
    nothing_installed(client, root)


def test_admin_installs_when_the_hub_is_down_fails_cleanly(make_client: AppFactory, root: Path) -> None:
    client = make_client()  # HF_ENDPOINT is a closed port
    job = failed(client, "tester/hand-sd")
    assert job["error"] == "Cannot reach http://127.0.0.1:9: ConnectError"
    nothing_installed(client, root)


def test_admin_installs_with_sha256_for_a_repo_is_400(client: TestClient) -> None:
    response = client.post(f"{M}/install", params={"source": "tester/hand-sd", "sha256": "0" * 64}, json={})
    assert response.status_code == 400 and "sha256" in response.json()["detail"]
    assert client.get(f"{M}/install").json() == []


def test_start_install_answers_waiting_job_with_hf_source(client: TestClient) -> None:
    job = start_install(client, "tester/hand-sd::vae")
    assert job["source"]["type"] == "hf" and job["source"]["access_token"] is None
    assert wait_job(client, job["id"])["status"] == "completed"
