"""Who may do what on `/api/v2/models` (SPEC §9): any user reads, only administrators change;
anonymous callers get 401 in multi-user mode; single-user mode may do everything without a token."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import AppFactory
from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user
from tests.model_api import M, installed, wait_job
from tests.model_files import lora_file, vae_checkpoint

READ, ADMIN = "read", "admin"

# (method, route template, who may call it), in the order they are called.
MATRIX = [
    ("GET", "/", READ),
    ("GET", "/get_by_attrs", READ),
    ("GET", "/i/{key}", READ),
    ("PATCH", "/i/{key}", ADMIN),
    ("GET", "/scan_folder", ADMIN),
    ("POST", "/install", ADMIN),
    ("GET", "/install", ADMIN),
    ("GET", "/install/{id}", ADMIN),
    ("DELETE", "/install/{id}", ADMIN),
    ("DELETE", "/install", ADMIN),
    ("GET", "/starter_models", ADMIN),
    ("GET", "/hf_login", READ),
    ("POST", "/hf_login", ADMIN),
    ("DELETE", "/hf_login", ADMIN),
    ("DELETE", "/i/{key}", ADMIN),  # last: it removes the model the other calls use
]
Call = tuple[str, str, dict[str, Any], Any, str]


def calls(key: str, job_id: int, src: Path) -> list[Call]:
    """One concrete request per MATRIX row: (method, url, params, json body, who)."""
    concrete: dict[tuple[str, str], tuple[str, dict[str, Any], Any]] = {
        ("GET", "/"): ("/", {"base_models": "sd-1"}, None),
        ("GET", "/get_by_attrs"): ("/get_by_attrs", {"name": "style", "type": "lora", "base": "sd-1"}, None),
        ("GET", "/i/{key}"): (f"/i/{key}", {}, None),
        ("PATCH", "/i/{key}"): (f"/i/{key}", {}, {"description": "changed"}),
        ("GET", "/scan_folder"): ("/scan_folder", {"scan_path": str(src)}, None),
        ("POST", "/install"): ("/install", {"source": str(src / "vae.safetensors")}, {}),
        ("GET", "/install"): ("/install", {}, None),
        ("GET", "/install/{id}"): (f"/install/{job_id}", {}, None),
        ("DELETE", "/install/{id}"): (f"/install/{job_id}", {}, None),
        ("DELETE", "/install"): ("/install", {}, None),
        ("GET", "/starter_models"): ("/starter_models", {}, None),
        ("GET", "/hf_login"): ("/hf_login", {}, None),
        ("POST", "/hf_login"): ("/hf_login", {}, {"token": "hf_example"}),
        ("DELETE", "/hf_login"): ("/hf_login", {}, None),
        ("DELETE", "/i/{key}"): (f"/i/{key}", {}, None),
    }
    return [(method, M + concrete[method, t][0], *concrete[method, t][1:], who) for method, t, who in MATRIX]


def sources(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    lora_file(src / "style.safetensors")
    vae_checkpoint(src / "vae.safetensors")
    return src


def test_matrix_covers_every_models_route(su_client: TestClient) -> None:
    paths = su_client.get("/openapi.json").json()["paths"]
    routes = {
        (method.upper(), path.removeprefix(M))
        for path, operations in paths.items()
        if path.startswith(M)
        for method in operations
    }
    assert routes == {(method, template) for method, template, _ in MATRIX}


def test_anonymous_gets_401_on_every_models_route(mu_client: TestClient, tmp_path: Path) -> None:
    admin_token(mu_client)
    for method, url, params, body, _ in calls("some-key", 1, sources(tmp_path)):
        response = mu_client.request(method, url, params=params, json=body)
        assert response.status_code == 401, (method, url)
        bad = mu_client.request(method, url, params=params, json=body, headers=bearer("not-a-token"))
        assert bad.status_code == 401, (method, url)


def test_user_reads_models_but_gets_403_on_every_change(mu_client: TestClient, tmp_path: Path) -> None:
    src = sources(tmp_path)
    admin = admin_token(mu_client)
    make_user(mu_client, admin, "bob@example.com")
    bob = bearer(login_as(mu_client, "bob@example.com", USER_PASSWORD))
    job = mu_client.post(
        f"{M}/install", params={"source": str(src / "style.safetensors")}, json={}, headers=bearer(admin)
    ).json()
    mu_client.headers.update(bearer(admin))
    config = wait_job(mu_client, job["id"])["config_out"]
    mu_client.headers.pop("Authorization")
    for method, url, params, body, who in calls(config["key"], job["id"], src):
        response = mu_client.request(method, url, params=params, json=body, headers=bob)
        if who == READ:
            assert response.status_code == 200, (method, url, response.text)
        else:
            assert response.status_code == 403, (method, url)
            assert response.json() == {"detail": "Administrator privileges required"}
    after = mu_client.get(f"{M}/i/{config['key']}", headers=bob).json()
    assert after == config  # nothing changed
    assert len(mu_client.get(f"{M}/install", headers=bearer(admin)).json()) == 1
    assert mu_client.get(f"{M}/", headers=bob).json()["models"] == [config]


def run_as_admin(client: TestClient, src: Path, headers: dict[str, str]) -> None:
    client.headers.update(headers)
    try:
        config = installed(client, src / "style.safetensors")
        new_job = None
        for method, url, params, body, _ in calls(config["key"], 1, src):
            response = client.request(method, url, params=params, json=body)
            assert 200 <= response.status_code < 300, (method, url, response.text)
            if (method, url) == ("POST", f"{M}/install"):
                new_job = response.json()["id"]
        assert client.get(f"{M}/i/{config['key']}").status_code == 404
        assert new_job is not None
        deadline = time.monotonic() + 10  # the install started above may have been pruned already
        while not client.get(f"{M}/", params={"model_type": "vae"}).json()["models"]:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        client.headers.pop("Authorization", None)


def test_admin_may_call_every_models_route(mu_client: TestClient, tmp_path: Path) -> None:
    run_as_admin(mu_client, sources(tmp_path), bearer(admin_token(mu_client)))


def test_second_admin_may_call_every_models_route(mu_client: TestClient, tmp_path: Path) -> None:
    admin = admin_token(mu_client)
    make_user(mu_client, admin, "ann@example.com", is_admin=True)
    run_as_admin(mu_client, sources(tmp_path), bearer(login_as(mu_client, "ann@example.com", USER_PASSWORD)))


def test_single_user_may_call_every_models_route_without_token(
    make_client: AppFactory, tmp_path: Path
) -> None:
    run_as_admin(make_client(), sources(tmp_path), {})
