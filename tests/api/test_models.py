"""Model manager API (`/api/v2/models`): installs from a path or a URL, records, default settings,
scan_folder and install jobs. Models are written by hand (no torch); access rules are in
test_models_access.py."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gesso.events.bus import Event
from gesso.events.routing import route
from tests.conftest import AppFactory
from tests.model_api import TERMINAL, M, files_under, install, installed, start_install, wait_job
from tests.model_files import (
    diffusers_folder,
    local_server,
    lora_file,
    serve_bytes,
    serve_slowly,
    vae_checkpoint,
)


@pytest.fixture
def src(tmp_path: Path) -> Path:
    """Models outside the root: a diffusers folder, an SD1 and an SDXL LoRA, a VAE checkpoint."""
    folder = tmp_path / "src"
    diffusers_folder(folder / "tiny-sd")
    lora_file(folder / "style.safetensors")
    lora_file(folder / "xl-style.safetensors", base="sdxl")
    vae_checkpoint(folder / "vae-ft-mse.safetensors")
    return folder


# -- installing from a local path -----------------------------------------------------------------------


def test_admin_installs_diffusers_folder_by_copy(su_client: TestClient, src: Path, root: Path) -> None:
    job = install(su_client, src / "tiny-sd")
    assert job["status"] == "completed" and job["error"] is None
    source = {k: v for k, v in job["source"].items() if v is not None}  # InvokeAI's shape has no url
    assert source == {"type": "local", "path": str(src / "tiny-sd"), "inplace": False}
    config = job["config_out"]
    assert (config["base"], config["type"], config["format"]) == ("sd-1", "main", "diffusers")
    assert config["hash"].startswith("sha256:") and len(config["hash"]) == len("sha256:") + 64
    assert config["name"] == "tiny-sd" and config["path"] == "sd-1/main/tiny-sd"
    assert config["source"] == str(src / "tiny-sd") and config["source_type"] == "path"
    assert config["variant"] == "normal" and config["prediction_type"] == "epsilon"
    assert config["default_settings"]["width"] == 512 and config["default_settings"]["height"] == 512
    copied = root / "models" / "sd-1" / "main" / "tiny-sd"
    assert not copied.is_symlink() and files_under(copied) == files_under(src / "tiny-sd")
    assert (copied / "unet/config.json").read_text() == (src / "tiny-sd/unet/config.json").read_text()
    assert su_client.get(f"{M}/i/{config['key']}").json() == config


def test_admin_installs_lora_and_vae_files(su_client: TestClient, src: Path, root: Path) -> None:
    lora = installed(su_client, src / "style.safetensors", config={"name": "My style", "description": "d"})
    assert (lora["base"], lora["type"], lora["format"], lora["name"]) == (
        "sd-1",
        "lora",
        "lycoris",
        "My style",
    )
    assert lora["description"] == "d" and lora["default_settings"] is None
    vae = installed(su_client, src / "vae-ft-mse.safetensors")
    assert (vae["base"], vae["type"], vae["format"]) == ("sd-1", "vae", "checkpoint")
    assert files_under(root / "models") == ["sd-1/lora/style.safetensors", "sd-1/vae/vae-ft-mse.safetensors"]
    assert lora["file_size"] == (src / "style.safetensors").stat().st_size


def test_admin_installs_inplace_as_a_link(su_client: TestClient, src: Path, root: Path) -> None:
    config = installed(su_client, src / "tiny-sd", inplace="true")
    link = root / "models" / config["path"]
    assert link.is_symlink() and link.resolve() == (src / "tiny-sd").resolve()


def test_admin_installs_same_content_again_ends_in_duplicate_error(su_client: TestClient, src: Path) -> None:
    first = installed(su_client, src / "tiny-sd")
    for inplace in ("false", "true"):
        job = install(su_client, src / "tiny-sd", inplace=inplace)
        assert job["status"] == "error" and job["error_reason"].startswith("DuplicateModel"), job
        assert job["config_out"] is None and "already installed" in job["error"]
    assert [m["key"] for m in su_client.get(f"{M}/").json()["models"]] == [first["key"]]


def test_admin_installs_same_content_concurrently_installs_it_once(su_client: TestClient, src: Path) -> None:
    (src / "tiny-sd" / "text_encoder").mkdir()
    (src / "tiny-sd" / "text_encoder" / "model.safetensors").write_bytes(bytes(8 * 2**20))  # widens the race
    jobs = [start_install(su_client, src / "tiny-sd")["id"] for _ in range(3)]
    statuses = sorted(wait_job(su_client, job)["status"] for job in jobs)
    assert statuses == ["completed", "error", "error"]
    assert len(su_client.get(f"{M}/").json()["models"]) == 1


def test_admin_installs_renamed_copy_of_a_file_as_duplicate(su_client: TestClient, src: Path) -> None:
    config = installed(su_client, src / "style.safetensors")
    assert config["hash"] == "sha256:" + hashlib.sha256((src / "style.safetensors").read_bytes()).hexdigest()
    (src / "renamed.safetensors").write_bytes((src / "style.safetensors").read_bytes())
    assert install(su_client, src / "renamed.safetensors")["status"] == "error"


def test_admin_installs_pickle_file_gets_clear_refusal(su_client: TestClient, src: Path, root: Path) -> None:
    (src / "old.ckpt").write_bytes(b"\x80\x04\x95 pickled")
    response = su_client.post(f"{M}/install", params={"source": str(src / "old.ckpt")}, json={})
    if response.status_code == 201:
        job = wait_job(su_client, response.json()["id"])
        assert job["status"] == "error", job
        message = job["error"]
    else:
        assert 400 <= response.status_code < 500
        message = response.json()["detail"]
    assert "pickle" in message and ".safetensors" in message
    assert files_under(root / "models") == []


def test_admin_installs_unidentifiable_model_ends_in_error(
    su_client: TestClient, src: Path, root: Path
) -> None:
    diffusers_folder(src / "flux", "FluxPipeline")
    job = install(su_client, src / "flux")
    assert job["status"] == "error" and "FluxPipeline" in job["error"]
    assert files_under(root / "models") == [] and su_client.get(f"{M}/").json() == {"models": []}


def test_admin_installs_unknown_source_is_400(su_client: TestClient) -> None:
    for source in ("/no/such/model.safetensors", "~/no/such/model", "   "):
        response = su_client.post(f"{M}/install", params={"source": source}, json={})
        assert response.status_code == 400, source
        assert "Unsupported model source" in response.json()["detail"]
    assert su_client.post(f"{M}/install", json={}).status_code == 422  # source is required
    assert su_client.get(f"{M}/install").json() == []


def test_admin_installs_with_invalid_config_is_422(su_client: TestClient, src: Path) -> None:
    for config in ({"default_settings": {"width": 500}}, {"colour": "red"}, {"base": "sd-9"}):
        response = su_client.post(f"{M}/install", params={"source": str(src / "tiny-sd")}, json=config)
        assert response.status_code == 422, config
    assert su_client.get(f"{M}/install").json() == []


# -- records --------------------------------------------------------------------------------------------


@pytest.fixture
def four(su_client: TestClient, src: Path) -> dict[str, Any]:
    return {
        name: installed(su_client, src / name)
        for name in ("tiny-sd", "style.safetensors", "xl-style.safetensors", "vae-ft-mse.safetensors")
    }


def names(client: TestClient, query: str = "") -> list[str]:
    response = client.get(f"{M}/{query}")
    assert response.status_code == 200, response.text
    return [m["name"] for m in response.json()["models"]]


def test_user_lists_models_with_filters(su_client: TestClient, four: dict[str, Any]) -> None:
    assert names(su_client) == ["style", "tiny-sd", "vae-ft-mse", "xl-style"]
    assert names(su_client, "?base_models=sdxl") == ["xl-style"]
    assert names(su_client, "?base_models=sd-1&base_models=sdxl&model_type=lora") == ["style", "xl-style"]
    assert names(su_client, "?model_type=main") == ["tiny-sd"]
    assert names(su_client, "?model_format=checkpoint") == ["vae-ft-mse"]
    assert names(su_client, "?model_format=lycoris&model_name=style") == ["style"]
    assert names(su_client, "?model_name=nothing") == []
    for bad in ("?base_models=sd-9", "?model_type=toaster", "?model_format=pickle"):
        assert su_client.get(f"{M}/{bad}").status_code == 422, bad


def test_user_gets_model_by_attrs(su_client: TestClient, four: dict[str, Any]) -> None:
    response = su_client.get(f"{M}/get_by_attrs", params={"name": "style", "type": "lora", "base": "sd-1"})
    assert response.status_code == 200 and response.json() == four["style.safetensors"]
    missing = su_client.get(f"{M}/get_by_attrs", params={"name": "style", "type": "lora", "base": "sdxl"})
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No model found with these attributes"}
    assert su_client.get(f"{M}/get_by_attrs", params={"name": "style"}).status_code == 422


def test_user_unknown_key_is_404_model_not_found(su_client: TestClient) -> None:
    for method, body in (("GET", None), ("PATCH", {"name": "x"}), ("DELETE", None)):
        response = su_client.request(method, f"{M}/i/nope", json=body)
        assert response.status_code == 404, method
        assert response.json() == {"detail": "model not found"}


def test_admin_patches_name_description_and_default_settings(
    su_client: TestClient, four: dict[str, Any]
) -> None:
    key = four["tiny-sd"]["key"]
    settings = {"steps": 20, "cfg_scale": 6.5, "scheduler": "dpmpp_2m", "width": 768, "height": 640}
    body = {"name": "Tiny", "description": "a tiny model", "default_settings": settings}
    response = su_client.patch(f"{M}/i/{key}", json=body)
    assert response.status_code == 200, response.text
    patched = response.json()
    assert (patched["name"], patched["description"]) == ("Tiny", "a tiny model")
    assert {k: patched["default_settings"][k] for k in settings} == settings
    assert su_client.get(f"{M}/i/{key}").json() == patched
    assert patched["hash"] == four["tiny-sd"]["hash"] and patched["path"] == four["tiny-sd"]["path"]
    assert names(su_client, "?model_name=Tiny") == ["Tiny"]


def test_admin_patch_with_invalid_value_is_422(su_client: TestClient, four: dict[str, Any]) -> None:
    key = four["tiny-sd"]["key"]
    bodies: list[dict[str, Any]] = [
        {"default_settings": {"width": 500}},
        {"default_settings": {"height": 32}},
        {"default_settings": {"steps": 0}},
        {"default_settings": {"cfg_scale": 0.5}},
        {"default_settings": {"sampler": "euler"}},
        {"colour": "red"},
        {"name": ""},
        {"base": "sd-9"},
    ]
    for body in bodies:
        assert su_client.patch(f"{M}/i/{key}", json=body).status_code == 422, body
    assert su_client.get(f"{M}/i/{key}").json() == four["tiny-sd"]


def test_admin_patch_with_unknown_scheduler_is_422(su_client: TestClient, four: dict[str, Any]) -> None:
    key = four["tiny-sd"]["key"]
    response = su_client.patch(f"{M}/i/{key}", json={"default_settings": {"scheduler": "warp_drive"}})
    assert response.status_code == 422


def test_admin_deletes_copied_model_and_its_files(su_client: TestClient, src: Path, root: Path) -> None:
    config = installed(su_client, src / "tiny-sd")
    response = su_client.delete(f"{M}/i/{config['key']}")
    assert response.status_code == 204 and response.content == b""
    assert not (root / "models" / config["path"]).exists()
    assert su_client.get(f"{M}/i/{config['key']}").status_code == 404
    assert files_under(src / "tiny-sd") == ["model_index.json", "unet/config.json",
                                            "unet/diffusion_pytorch_model.safetensors"]  # fmt: skip
    assert installed(su_client, src / "tiny-sd")["path"] == config["path"]  # may be installed again


def test_admin_deletes_inplace_model_keeps_original_folder(
    su_client: TestClient, src: Path, root: Path
) -> None:
    before = files_under(src / "tiny-sd")
    config = installed(su_client, src / "tiny-sd", inplace="true")
    assert su_client.delete(f"{M}/i/{config['key']}").status_code == 204
    link = root / "models" / config["path"]
    assert not link.exists() and not link.is_symlink()
    assert files_under(src / "tiny-sd") == before


# -- scan_folder ----------------------------------------------------------------------------------------


def test_admin_scans_folder_with_installed_flags(su_client: TestClient, src: Path) -> None:
    installed(su_client, src / "style.safetensors")
    response = su_client.get(f"{M}/scan_folder", params={"scan_path": str(src)})
    assert response.status_code == 200, response.text
    found = {item["path"]: item["is_installed"] for item in response.json()}
    assert found == {
        str(src / "style.safetensors"): True,
        str(src / "tiny-sd"): False,
        str(src / "vae-ft-mse.safetensors"): False,
        str(src / "xl-style.safetensors"): False,
    }


def test_admin_scans_non_directory_is_400(su_client: TestClient, src: Path) -> None:
    for scan_path in (str(src / "style.safetensors"), str(src / "nope"), "src"):
        response = su_client.get(f"{M}/scan_folder", params={"scan_path": scan_path})
        assert response.status_code == 400, scan_path
        assert response.json() == {"detail": f"The search path '{scan_path}' could not be scanned"}
    assert su_client.get(f"{M}/scan_folder").status_code == 422


# -- installing from a URL ------------------------------------------------------------------------------


def test_admin_installs_from_loopback_url_is_refused_by_default(su_client: TestClient, src: Path) -> None:
    with local_server(
        {"/style.safetensors": serve_bytes((src / "style.safetensors").read_bytes())}
    ) as server:
        response = su_client.post(
            f"{M}/install", params={"source": server.url("/style.safetensors")}, json={}
        )
        assert server.requests == []
    assert response.status_code == 400
    assert "loopback" in response.json()["detail"]
    assert su_client.get(f"{M}/install").json() == []


def test_admin_installs_from_url_when_private_allowed(make_client: AppFactory, src: Path, root: Path) -> None:
    client = make_client(allow_private_download_urls=True)
    events: list[Event] = []
    client.app.state.services.bus.subscribe(events.append)  # type: ignore[attr-defined]
    body = (src / "style.safetensors").read_bytes()
    with local_server({"/dl/style.safetensors": serve_bytes(body)}) as server:
        url = server.url("/dl/style.safetensors")
        job = install(client, url, sha256=hashlib.sha256(body).hexdigest())
    deadline = time.monotonic() + 5
    while "model_install_complete" not in [e.name for e in events] and time.monotonic() < deadline:
        time.sleep(0.01)
    names = [e.name for e in events if e.name.startswith("model_install_")]
    assert [n for i, n in enumerate(names) if n not in names[:i]] == [
        "model_install_download_started", "model_install_download_progress",
        "model_install_downloads_complete", "model_install_started", "model_install_complete",
    ]  # fmt: skip
    assert all(d.rooms == ["admin"] for e in events if e.name in names for d in route(e))
    assert events[-1].payload["key"] == job["config_out"]["key"]
    assert job["status"] == "completed", job
    assert {k: v for k, v in job["source"].items() if v is not None} == {"type": "url", "url": url}
    assert job["bytes"] == job["total_bytes"] == len(body)
    config = job["config_out"]
    assert (config["base"], config["type"], config["source"], config["source_type"]) == (
        "sd-1", "lora", url, "url",
    )  # fmt: skip
    assert files_under(root / "models") == ["sd-1/lora/style.safetensors"]
    assert (root / "models" / config["path"]).read_bytes() == body


def test_admin_installs_from_url_with_wrong_sha256_ends_in_error(
    make_client: AppFactory, src: Path, root: Path
) -> None:
    client = make_client(allow_private_download_urls=True)
    with local_server(
        {"/style.safetensors": serve_bytes((src / "style.safetensors").read_bytes())}
    ) as server:
        job = install(client, server.url("/style.safetensors"), sha256="0" * 64)
    assert job["status"] == "error" and "SHA-256" in job["error"]
    assert files_under(root / "models") == []


@pytest.fixture
def slow_server() -> Iterator[Any]:
    stop = threading.Event()
    with local_server({"/big.safetensors": serve_slowly(40 * 2**20, 64 * 1024, 0.02, stop)}) as server:
        yield server
        stop.set()


def test_admin_cancels_download_ends_cancelled_and_prune_keeps_active_jobs(
    make_client: AppFactory, src: Path, root: Path, slow_server: Any
) -> None:
    client = make_client(allow_private_download_urls=True)
    done = installed(client, src / "style.safetensors")
    job = start_install(client, slow_server.url("/big.safetensors"))
    running = wait_job(client, job["id"], until=("downloading", *TERMINAL))
    assert running["status"] == "downloading"
    assert client.delete(f"{M}/install").status_code == 204  # prune: only finished jobs go
    assert [j["id"] for j in client.get(f"{M}/install").json()] == [job["id"]]
    assert client.delete(f"{M}/install/{job['id']}").status_code == 201
    ended = wait_job(client, job["id"])
    assert ended["status"] == "cancelled", ended
    assert files_under(root / "models") == [done["path"]]
    assert client.delete(f"{M}/install").status_code == 204
    assert client.get(f"{M}/install").json() == []


def test_admin_lists_and_prunes_install_jobs(su_client: TestClient, src: Path) -> None:
    ok = install(su_client, src / "style.safetensors")
    bad = install(su_client, src / "style.safetensors")
    listing = su_client.get(f"{M}/install").json()
    assert [(j["id"], j["status"]) for j in listing] == [(ok["id"], "completed"), (bad["id"], "error")]
    response = su_client.delete(f"{M}/install")
    assert response.status_code == 204 and response.content == b""
    assert su_client.get(f"{M}/install").json() == []
    assert su_client.get(f"{M}/install/{ok['id']}").status_code == 404


def test_admin_unknown_install_job_is_404(su_client: TestClient) -> None:
    for method in ("GET", "DELETE"):
        response = su_client.request(method, f"{M}/install/99")
        assert response.status_code == 404, method
        assert response.json() == {"detail": "No job with id 99 known"}
