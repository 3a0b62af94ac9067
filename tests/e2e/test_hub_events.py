"""Model install events over real socket.io (SPEC §8, §15): a hub download's
`model_install_download_progress` and the rest reach administrators' sockets, never a user's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.server import StartServer
from tests.e2e.test_sockets import Listener, make_world
from tests.fake_hub import FakeHub, fake_hub
from tests.hub_repos import big_model_repo


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    with fake_hub() as running:
        monkeypatch.setenv("HF_ENDPOINT", running.url)  # the server subprocess inherits it
        running.repos["tester/big"] = big_model_repo(tmp_path / "big", 3 * 2**20)
        running.bytes_per_second = 4 * 2**20
        yield running


def test_download_progress_reaches_administrators_only(
    hub: FakeHub, start_server: StartServer, tmp_path: Path
) -> None:
    world = make_world(start_server, tmp_path, "multiuser: true\n")
    admin = Listener("admin").connect(world.server.url, world.tokens["admin"])
    alice = Listener("alice").connect(world.server.url, world.tokens["alice"])
    try:
        started = world.http.post(
            "/api/v2/models/install", params={"source": "tester/big"}, json={}, headers=world.headers("admin")
        )
        assert started.status_code == 201, started.text
        admin.wait_for(lambda name, data: name == "model_install_complete", timeout=60)
        progress = admin.of("model_install_download_progress")
        assert len(progress) >= 2 and progress[-1]["bytes"] == progress[-1]["total_bytes"]
        assert all(p["source"] == {"type": "hf", "repo_id": "tester/big"} for p in progress)
        assert [len(p["parts"]) for p in progress] == [2] * len(progress)
        assert admin.of("model_install_downloads_complete") and admin.of("model_install_started")
        assert not [name for name in alice.names() if name.startswith("model_install")]
    finally:
        admin.close()
        alice.close()
        world.http.close()
