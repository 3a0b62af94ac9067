"""Shared fixtures: a real app on a real SQLite file under `tmp_path`, driven over HTTP."""

from __future__ import annotations

import os

# Before anything imports huggingface_hub: no telemetry registry fetched from the real hub.
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gesso.app import create_app
from gesso.config import Settings

AppFactory = Callable[..., TestClient]


@pytest.fixture(autouse=True)
def offline_hub(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the real Hugging Face hub or the user's hub cache: the endpoint is a
    closed local port (tests that need a hub start `tests.fake_hub` and point HF_ENDPOINT at it)
    and HF_HOME is a fresh folder."""
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_HOME", str(tmp_path_factory.mktemp("hf-home")))
    for name in ("HF_HUB_CACHE", "HF_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "root"
    path.mkdir()
    return path


@pytest.fixture
def make_client(root: Path) -> Iterator[AppFactory]:
    """Build the real app with the given settings; each call gets a running TestClient."""
    clients: list[TestClient] = []

    def _make(**overrides: Any) -> TestClient:
        client = TestClient(create_app(Settings(root=root, **overrides)))
        client.__enter__()
        clients.append(client)
        return client

    yield _make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def mu_client(make_client: AppFactory) -> TestClient:
    """Multi-user mode, no administrator yet."""
    return make_client(multiuser=True)


@pytest.fixture
def su_client(make_client: AppFactory) -> TestClient:
    """Single-user mode (the default configuration)."""
    return make_client()
