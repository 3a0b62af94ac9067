"""Helpers for the model manager API tests: start an install and wait for its job (polling
`GET install/{id}` against a deadline, never a fixed sleep)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

M = "/api/v2/models"
TERMINAL = ("completed", "error", "cancelled")


def start_install(
    client: TestClient, source: str | Path, config: dict[str, Any] | None = None, **params: Any
) -> Any:
    response = client.post(f"{M}/install", params={"source": str(source), **params}, json=config or {})
    assert response.status_code == 201, response.text
    job = response.json()
    assert job["status"] == "waiting" and job["config_in"] == (config or {})
    return job


def wait_job(
    client: TestClient, job_id: int, until: tuple[str, ...] = TERMINAL, timeout: float = 10.0
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"{M}/install/{job_id}")
        assert response.status_code == 200, response.text
        job = response.json()
        if job["status"] in until or time.monotonic() > deadline:
            assert job["status"] in until, job
            return job
        time.sleep(0.02)


def install(
    client: TestClient, source: str | Path, config: dict[str, Any] | None = None, **params: Any
) -> Any:
    return wait_job(client, start_install(client, source, config, **params)["id"])


def installed(client: TestClient, source: str | Path, **params: Any) -> Any:
    job = install(client, source, **params)
    assert job["status"] == "completed", job
    return job["config_out"]


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
