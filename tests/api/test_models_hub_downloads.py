"""Hub downloads that behave (SPEC §15): progress per file and in total, cancel, resume after a
server restart and after the hub drops the connection, the hub cache and offline mode."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gesso.app import create_app
from gesso.events.bus import Event
from tests import databases
from tests.conftest import AppFactory
from tests.fake_hub import COMMIT, FakeHub, fake_hub
from tests.hub_repos import big_model_repo, hand_pipeline
from tests.model_api import TERMINAL, M, files_under, install, start_install, wait_job

BIG = 4 * 2**20
WEIGHTS = "diffusion_pytorch_model.safetensors"


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    with fake_hub() as running:
        monkeypatch.setenv("HF_ENDPOINT", running.url)
        running.repos["tester/big"] = big_model_repo(tmp_path / "repos" / "big", BIG)
        running.repos["tester/hand-sd"] = hand_pipeline(tmp_path / "repos" / "hand-sd")
        yield running


def wait_for_bytes(client: TestClient, job_id: int, at_least: int, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"{M}/install/{job_id}").json()
        if job["bytes"] >= at_least or job["status"] in TERMINAL:
            return dict(job)
        assert time.monotonic() < deadline, job
        time.sleep(0.02)


def weight_gets(hub: FakeHub) -> list[str | None]:
    """The Range header of each GET of the big weights file from the CDN."""
    return [r.range for r in hub.requests if r.cdn and r.path.endswith(f"tester--big/{WEIGHTS}")]


def test_download_progress_is_reported_per_file_and_in_total(
    hub: FakeHub, make_client: AppFactory, root: Path
) -> None:
    hub.bytes_per_second = 8 * 2**20
    client = make_client()
    events: list[Event] = []
    client.app.state.services.bus.subscribe(events.append)  # type: ignore[attr-defined]
    job = start_install(client, "tester/big")
    seen = wait_for_bytes(client, job["id"], 2**20)
    assert seen["status"] == "downloading" and 2**20 <= seen["bytes"] < seen["total_bytes"]
    parts = {Path(p["dest"]).name: p for p in seen["download_parts"]}
    assert parts["config.json"]["status"] == "completed"
    size = len(hub.repos["tester/big"].files[WEIGHTS])
    assert parts[WEIGHTS]["status"] == "running" and parts[WEIGHTS]["total_bytes"] == size
    done = wait_job(client, job["id"], timeout=30)
    assert done["status"] == "completed" and done["bytes"] == done["total_bytes"]
    progress = [e.payload for e in events if e.name == "model_install_download_progress"]
    totals = [p["bytes"] for p in progress]
    assert len(progress) >= 3 and totals == sorted(totals) and totals[-1] == done["total_bytes"]
    weights = [next(x for x in p["parts"] if x["url"].endswith(WEIGHTS))["bytes"] for p in progress]
    assert 0 < min(w for w in weights if w) < max(weights) == size


def test_admin_cancels_hub_download_leaves_nothing(hub: FakeHub, make_client: AppFactory, root: Path) -> None:
    hub.bytes_per_second = 2**20
    client = make_client()
    job = start_install(client, "tester/big")
    assert wait_for_bytes(client, job["id"], 256 * 1024)["status"] == "downloading"
    assert client.delete(f"{M}/install/{job['id']}").status_code == 201
    ended = wait_job(client, job["id"])
    assert ended["status"] == "cancelled"
    assert {p["status"] for p in ended["download_parts"]} == {"completed", "cancelled"}
    assert files_under(root / "models") == []


def test_download_continues_after_a_server_restart(hub: FakeHub, make_client: AppFactory, root: Path) -> None:
    hub.bytes_per_second = 2 * 2**20
    with TestClient(create_app(databases.settings(root))) as first:
        job = start_install(first, "tester/big")
        wait_for_bytes(first, job["id"], 2**20)
    # the server stopped mid-download: its job and partial file wait in the staging folder
    staging = root / "models" / ".downloads" / f"job-{job['id']}"
    kept = (staging / "files" / "big" / f"{WEIGHTS}.part").stat().st_size
    assert 0 < kept < BIG and (staging / "job.json").is_file()
    second = make_client()
    resumed = wait_job(second, job["id"], timeout=30)
    assert resumed["status"] == "completed", resumed
    assert resumed["source"]["repo_id"] == "tester/big" and resumed["bytes"] == resumed["total_bytes"]
    assert weight_gets(hub) == [None, f"bytes={kept}-"]  # continued, not restarted
    assert len([r for r in hub.requests if r.path.endswith("/resolve/" + COMMIT + "/config.json")]) == 1
    assert f"/api/models/tester/big/revision/{COMMIT}" in [r.path.split("?")[0] for r in hub.requests]
    installed = root / "models" / resumed["config_out"]["path"] / WEIGHTS
    assert installed.read_bytes() == hub.repos["tester/big"].files[WEIGHTS]
    assert not staging.exists()
    new = start_install(second, "tester/hand-sd")
    assert new["id"] > job["id"]  # ids go on after the restored job


def test_download_continues_after_the_hub_drops_mid_transfer(
    hub: FakeHub, make_client: AppFactory, root: Path
) -> None:
    hub.bytes_per_second = 2 * 2**20
    client = make_client()
    job = start_install(client, "tester/big")
    wait_for_bytes(client, job["id"], 2**20)
    hub.stop()  # killed mid-download
    time.sleep(0.8)
    hub.start()
    done = wait_job(client, job["id"], timeout=40)
    assert done["status"] == "completed", done
    ranges = weight_gets(hub)
    assert ranges[0] is None and len(ranges) >= 2
    assert all(r is not None and int(r.removeprefix("bytes=").rstrip("-")) > 0 for r in ranges[1:])
    installed = root / "models" / done["config_out"]["path"] / WEIGHTS
    assert installed.read_bytes() == hub.repos["tester/big"].files[WEIGHTS]


def test_a_saved_job_whose_source_is_no_longer_allowed_fails_at_restart(
    make_client: AppFactory, root: Path
) -> None:
    staging = root / "models" / ".downloads" / "job-7"
    staging.mkdir(parents=True)
    (staging / "job.json").write_text('{"id": 7, "source": "http://127.0.0.1:1/x.safetensors"}')
    (root / "models" / ".downloads" / "job-8").mkdir()  # a crash leftover without a job file
    client = make_client()
    job = wait_job(client, 7)
    assert job["status"] == "error" and "loopback" in job["error"]
    assert files_under(root / "models") == [] and not (root / "models" / ".downloads" / "job-8").exists()
    assert start_install(client, "tester/x")["id"] > 7


# -- the hub cache and offline mode --------------------------------------------------------------------


def fill_cache(hf_home: Path, repo_id: str, files: dict[str, bytes]) -> None:
    """Lay `files` out the way huggingface_hub caches a snapshot of `repo_id`."""
    folder = hf_home / "hub" / f"models--{repo_id.replace('/', '--')}"
    (folder / "refs").mkdir(parents=True)
    (folder / "refs" / "main").write_text(COMMIT)
    for name, data in files.items():
        target = folder / "snapshots" / COMMIT / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@pytest.fixture
def hf_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    home = tmp_path / "hf-home"
    monkeypatch.setenv("HF_HOME", str(home))
    return home


def test_files_in_the_hub_cache_are_not_fetched_again(
    hub: FakeHub, hf_home: Path, make_client: AppFactory, root: Path
) -> None:
    fill_cache(hf_home, "tester/hand-sd", hub.repos["tester/hand-sd"].files)
    job = install(make_client(), "tester/hand-sd")
    assert job["status"] == "completed", job
    assert [r.path for r in hub.requests if "/resolve/" in r.path or r.cdn] == []
    assert len(files_under(root / "models" / job["config_out"]["path"])) == 6


def test_offline_mode_installs_from_the_hub_cache_without_asking_the_hub(
    hub: FakeHub, hf_home: Path, make_client: AppFactory, monkeypatch: pytest.MonkeyPatch, root: Path
) -> None:
    fill_cache(hf_home, "tester/hand-sd", hub.repos["tester/hand-sd"].files)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    client = make_client()
    job = install(client, "tester/hand-sd")
    assert job["status"] == "completed", job
    missing = install(client, "tester/big")
    assert missing["status"] == "error"
    assert missing["error"].startswith("HF_HUB_OFFLINE is set and tester/big is not in the hub cache")
    assert hub.requests == []
