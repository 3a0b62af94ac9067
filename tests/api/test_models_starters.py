"""Starter models (`GET /api/v2/models/starter_models`, SPEC §15): InvokeAI's shape, the curated
list, `is_installed`, and installing a starter with its dependencies from a fake hub."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import AppFactory
from tests.fake_hub import FakeHub, fake_hub
from tests.hub_repos import hand_pipeline, refiner_pipeline, vae_repo
from tests.model_api import TERMINAL, M, wait_job

STARTERS = f"{M}/starter_models"
FIELDS = {
    "name", "source", "description", "base", "type", "format", "variant", "is_installed", "dependencies",
    "previous_names", "capabilities", "default_settings", "panel_schema",
}  # fmt: skip
TURBO = "stabilityai/sdxl-turbo"
VAE = "madebyollin/sdxl-vae-fp16-fix"
REFINER = "stabilityai/stable-diffusion-xl-refiner-1.0"


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    with fake_hub() as running:
        monkeypatch.setenv("HF_ENDPOINT", running.url)
        running.repos[TURBO] = hand_pipeline(tmp_path / "turbo", "StableDiffusionXLPipeline", 2048)
        running.repos[VAE] = vae_repo(tmp_path / "vae", 0.13025)
        running.repos[REFINER] = refiner_pipeline(tmp_path / "refiner")
        yield running


def start(client: TestClient, source: str) -> dict[str, Any]:
    response = client.post(f"{M}/install", params={"source": source}, json={})
    assert response.status_code == 201, response.text
    return dict(response.json())


def by_source(listing: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {model["source"]: model for model in listing["starter_models"]}


def test_starter_models_have_invokeais_shape_and_the_curated_list(su_client: TestClient) -> None:
    response = su_client.get(STARTERS)
    assert response.status_code == 200
    listing = response.json()
    assert set(listing) == {"starter_models", "starter_bundles"}
    models = listing["starter_models"]
    assert all(set(model) == FIELDS for model in models)
    assert all(not model["is_installed"] for model in models)
    kinds = sorted((m["base"], m["type"]) for m in models)
    assert kinds.count(("sd-1", "main")) == 1 and kinds.count(("sdxl", "main")) == 2  # base + turbo
    assert ("sdxl-refiner", "main") in kinds and ("sdxl", "vae") in kinds
    assert kinds.count(("sd-1", "controlnet")) == 2 and kinds.count(("sdxl", "controlnet")) == 2
    assert kinds.count(("any", "spandrel_image_to_image")) == 2
    sources = by_source(listing)
    assert {TURBO, VAE, REFINER, "stabilityai/stable-diffusion-xl-base-1.0"} <= set(sources)
    assert [dep["source"] for dep in sources[TURBO]["dependencies"]] == [VAE]
    assert all(set(dep) == FIELDS - {"dependencies"} for dep in sources[TURBO]["dependencies"])
    assert not any(s.endswith((".ckpt", ".pth", ".bin", ".pt")) for s in sources)  # safetensors only
    bundles = listing["starter_bundles"]
    assert set(bundles) == {"sd-1", "sdxl"}
    assert all(set(bundle) == {"name", "models"} and bundle["models"] for bundle in bundles.values())


def test_installing_a_starter_installs_its_dependencies_and_marks_them_installed(
    hub: FakeHub, make_client: AppFactory, root: Path
) -> None:
    client = make_client()
    job = start(client, TURBO)
    jobs = client.get(f"{M}/install").json()
    assert sorted(j["source"]["repo_id"] for j in jobs) == sorted([TURBO, VAE])
    ended = [wait_job(client, j["id"], until=TERMINAL) for j in jobs]
    assert [j["status"] for j in ended] == ["completed", "completed"], ended
    names = {j["source"]["repo_id"]: j["config_out"]["name"] for j in ended}
    assert names == {TURBO: "SDXL Turbo", VAE: "sdxl-vae-fp16-fix"}  # the starters' names
    turbo = next(j for j in ended if j["id"] == job["id"])["config_out"]
    assert (turbo["base"], turbo["type"]) == ("sdxl", "main") and "steps" in turbo["description"]
    sources = by_source(client.get(STARTERS).json())
    assert sources[TURBO]["is_installed"] and sources[VAE]["is_installed"]
    assert sources[TURBO]["dependencies"] == []  # installed dependencies are left out
    assert sources["stabilityai/stable-diffusion-xl-base-1.0"]["dependencies"] == []
    assert not sources["stabilityai/stable-diffusion-xl-base-1.0"]["is_installed"]
    bundle = {m["source"]: m for m in client.get(STARTERS).json()["starter_bundles"]["sdxl"]["models"]}
    assert bundle[VAE]["is_installed"]


def test_installing_a_starter_skips_dependencies_installed_or_on_their_way(
    hub: FakeHub, make_client: AppFactory
) -> None:
    client = make_client()
    vae = start(client, VAE)
    start(client, REFINER)  # depends on the VAE, whose install is already running
    jobs = client.get(f"{M}/install").json()
    assert sorted(j["source"]["repo_id"] for j in jobs) == sorted([VAE, REFINER])
    refiner = next(wait_job(client, j["id"]) for j in jobs if j["id"] != vae["id"])
    assert refiner["status"] == "completed" and refiner["config_out"]["base"] == "sdxl-refiner"
    assert wait_job(client, vae["id"])["status"] == "completed"
    assert by_source(client.get(STARTERS).json())[REFINER]["is_installed"]


def test_an_explicit_name_wins_over_the_starters(hub: FakeHub, make_client: AppFactory) -> None:
    client = make_client()
    response = client.post(f"{M}/install", params={"source": VAE}, json={"name": "My VAE"})
    job = wait_job(client, response.json()["id"])
    assert job["config_out"]["name"] == "My VAE" and job["config_out"]["description"]
    assert by_source(client.get(STARTERS).json())[VAE]["is_installed"]  # matched by source
