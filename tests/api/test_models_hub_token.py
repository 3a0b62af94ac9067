"""The Hugging Face token (`/api/v2/models/hf_login`, SPEC §15): set by an administrator,
stored on the server, sent to the configured hub only (not to its CDN, not to plain URL
downloads), never returned by the API and never logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gesso.events.bus import Event
from tests.conftest import AppFactory
from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user
from tests.fake_hub import FakeHub, fake_hub
from tests.hub_repos import hand_pipeline
from tests.model_api import M, files_under, install, wait_job
from tests.model_files import local_server, lora_file, serve_bytes, serve_redirect

TOKEN = "hf_TheSecretTokenOfTheTests0123"
LOGIN = f"{M}/hf_login"


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    with fake_hub() as running:
        monkeypatch.setenv("HF_ENDPOINT", running.url)
        running.tokens.add(TOKEN)
        private = hand_pipeline(tmp_path / "repos" / "private")
        private.private = True
        running.repos["tester/private"] = private
        gated = hand_pipeline(tmp_path / "repos" / "gated", seed=1)
        gated.gated = True
        running.repos["tester/gated"] = gated
        yield running


@pytest.fixture
def client(hub: FakeHub, make_client: AppFactory) -> TestClient:
    return make_client()


def test_admin_sets_checks_and_clears_the_token(client: TestClient, hub: FakeHub) -> None:
    assert client.get(LOGIN).json() == "invalid"  # none set
    rejected = client.post(LOGIN, json={"token": "hf_wrong"})
    assert rejected.status_code == 200 and rejected.json() == "invalid"
    assert client.get(LOGIN).json() == "invalid"  # a token the hub rejects is not kept
    assert client.post(LOGIN, json={"token": TOKEN}).json() == "valid"
    assert client.get(LOGIN).json() == "valid"
    whoami = [r for r in hub.requests if r.path == "/api/whoami-v2"]
    assert [r.authorization for r in whoami] == ["Bearer hf_wrong", f"Bearer {TOKEN}"]
    assert client.delete(LOGIN).json() == "invalid"
    assert client.get(LOGIN).json() == "invalid"


def test_token_body_is_validated(client: TestClient) -> None:
    for body in ({}, {"token": ""}, {"token": "has space"}, {"token": "line\nbreak"}, {"token": "x" * 2000}):
        assert client.post(LOGIN, json=body).status_code == 422, body
    assert client.get(LOGIN).json() == "invalid"


def test_token_the_hub_cannot_check_is_kept_as_unknown(make_client: AppFactory) -> None:
    client = make_client()  # HF_ENDPOINT is a closed port
    assert client.post(LOGIN, json={"token": TOKEN}).json() == "unknown"
    assert client.get(LOGIN).json() == "unknown"


def test_token_opens_private_and_gated_repos_and_reaches_the_hub_only(
    client: TestClient, hub: FakeHub, root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    events: list[Event] = []
    client.app.state.services.bus.subscribe(events.append)  # type: ignore[attr-defined]
    assert install(client, "tester/private")["status"] == "error"
    hub.gated_access["tester/gated"] = {TOKEN}
    responses = [client.post(LOGIN, json={"token": TOKEN}), client.get(LOGIN)]
    private = install(client, "tester/private")
    gated = install(client, "tester/gated")
    assert private["status"] == "completed" and gated["status"] == "completed", (private, gated)
    responses += [client.get(f"{M}/install"), client.get(f"{M}/"), client.get("/openapi.json")]
    assert all(TOKEN not in response.text for response in responses)
    assert all(TOKEN not in str(event.payload) for event in events)
    assert TOKEN not in caplog.text
    on_hub = [
        r for r in hub.requests if not r.cdn and ("/resolve/" in r.path or r.path.startswith("/api/models"))
    ]
    assert on_hub and all(r.authorization == f"Bearer {TOKEN}" for r in on_hub[2:])
    on_cdn = [r for r in hub.requests if r.cdn]
    assert on_cdn and all(r.authorization is None for r in on_cdn)  # dropped on the redirect


def test_token_is_never_sent_with_plain_url_downloads(
    hub: FakeHub, make_client: AppFactory, tmp_path: Path
) -> None:
    client = make_client(allow_private_download_urls=True)
    assert client.post(LOGIN, json={"token": TOKEN}).json() == "valid"
    body = lora_file(tmp_path / "style.safetensors").read_bytes()
    seen: list[str | None] = []

    def respond(handler: object) -> None:
        seen.append(handler.headers.get("Authorization"))  # type: ignore[attr-defined]
        serve_bytes(body)(handler)  # type: ignore[arg-type]

    with local_server({"/style.safetensors": respond}) as server:
        assert install(client, server.url("/style.safetensors"))["status"] == "completed"
    assert seen == [None]


def test_gated_repo_with_a_token_that_has_no_access_says_so(
    client: TestClient, hub: FakeHub, root: Path
) -> None:
    client.post(LOGIN, json={"token": TOKEN})
    job = install(client, "tester/gated")
    assert job["status"] == "error"
    assert "has no access" in job["error"] and f"{hub.url}/tester/gated" in job["error"]
    assert files_under(root / "models") == []


def test_private_repo_without_token_reads_as_not_found_with_a_hint(client: TestClient, root: Path) -> None:
    job = install(client, "tester/private")
    assert job["status"] == "error"
    assert job["error"].startswith("Repository tester/private was not found") and "token" in job["error"]


def test_user_sees_whether_a_token_is_set_but_cannot_change_it(hub: FakeHub, mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    make_user(mu_client, admin, "bob@example.com")
    bob = bearer(login_as(mu_client, "bob@example.com", USER_PASSWORD))
    assert mu_client.post(LOGIN, json={"token": TOKEN}, headers=bearer(admin)).json() == "valid"
    assert mu_client.get(LOGIN, headers=bob).json() == "valid"
    for method in ("POST", "DELETE"):
        response = mu_client.request(method, LOGIN, json={"token": "hf_other"}, headers=bob)
        assert response.status_code == 403, method
    assert mu_client.get(LOGIN, headers=bearer(admin)).json() == "valid"
    assert mu_client.get(LOGIN).status_code == 401


def test_one_off_access_token_serves_that_install_only(
    client: TestClient, hub: FakeHub, tmp_path: Path
) -> None:
    hub.gated_access["tester/gated"] = {TOKEN}
    response = client.post(f"{M}/install", params={"source": "tester/gated", "access_token": TOKEN}, json={})
    assert response.status_code == 201 and TOKEN not in response.text
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "completed", job
    assert job["source"]["access_token"] is None
    assert any(r.authorization == f"Bearer {TOKEN}" for r in hub.requests if "/resolve/" in r.path)
    assert client.get(LOGIN).json() == "invalid"  # not stored
    assert TOKEN not in client.get(f"{M}/install").text
    assert not list((tmp_path / "root").rglob("job.json"))
    bad = client.post(f"{M}/install", params={"source": "tester/gated", "access_token": "a b"}, json={})
    assert bad.status_code == 422


def test_one_off_access_token_goes_to_the_url_host_only(make_client: AppFactory, tmp_path: Path) -> None:
    client = make_client(allow_private_download_urls=True)
    body = lora_file(tmp_path / "style.safetensors").read_bytes()
    seen: dict[str, str | None] = {}

    def final(handler: object) -> None:
        seen["cdn"] = handler.headers.get("Authorization")  # type: ignore[attr-defined]
        serve_bytes(body)(handler)  # type: ignore[arg-type]

    with local_server({"/style.safetensors": final}) as cdn:

        def first(handler: object) -> None:
            seen["origin"] = handler.headers.get("Authorization")  # type: ignore[attr-defined]
            serve_redirect(cdn.url("/style.safetensors"))(handler)  # type: ignore[arg-type]

        with local_server({"/dl": first}) as origin:
            params = {"source": origin.url("/dl"), "access_token": "civitai-token"}
            job = wait_job(client, client.post(f"{M}/install", params=params, json={}).json()["id"])
    assert job["status"] == "completed", job
    assert seen == {"origin": "Bearer civitai-token", "cdn": None}
