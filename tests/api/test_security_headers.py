"""Security headers on every class of route: the studio page, its assets, API JSON, served
images and thumbnails, errors, the API docs and the OpenAPI document."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gesso.api import spa
from gesso.config import Settings
from tests.conftest import AppFactory
from tests.factories import admin_token, bearer
from tests.gallery_helpers import upload

BOOT = b"window.gessoBooted = true;"
INDEX = (
    b"<!doctype html><html><head><script>"
    + BOOT
    + b'</script></head><body><div id="root"></div></body></html>'
)
EVERYWHERE = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@pytest.fixture
def web_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A built studio in miniature: index.html with an inline boot script, one asset."""
    web = tmp_path / "web"
    (web / "assets").mkdir(parents=True)
    (web / "index.html").write_bytes(INDEX)
    (web / "assets" / "app-1234.js").write_text("console.log('app');")
    monkeypatch.setattr(spa, "WEB_DIR", web)
    return web


@pytest.fixture
def client(web_dir: Path, make_client: AppFactory) -> TestClient:
    return make_client(multiuser=True)


def policy(response: object) -> dict[str, str]:
    """The CSP as {directive: sources}."""
    header = response.headers["content-security-policy"]  # type: ignore[attr-defined]
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {d[0]: (d[1] if len(d) > 1 else "") for d in directives}


def assert_common(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in EVERYWHERE.items():
        assert headers.get(name) == value, (name, headers)
    assert "camera=()" in headers["permissions-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert policy(response)["frame-ancestors"] == "'none'"
    assert "strict-transport-security" not in headers  # plain http


def test_studio_page_allows_only_its_hashed_boot_script(client: TestClient) -> None:
    expected = "'sha256-" + base64.b64encode(hashlib.sha256(BOOT).digest()).decode() + "'"
    for path in ("/", "/gallery", "/queue/deep/link"):
        response = client.get(path)
        assert response.status_code == 200
        assert_common(response)
        csp = policy(response)
        assert csp["script-src"].split() == ["'self'", expected]
        assert "unsafe-eval" not in response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in csp["script-src"]
        assert csp["object-src"] == "'none'" and csp["base-uri"] == "'self'"
        assert csp["connect-src"] == "'self'"


def test_studio_hash_follows_a_rebuilt_page(client: TestClient, web_dir: Path) -> None:
    before = policy(client.get("/"))["script-src"]
    (web_dir / "index.html").write_bytes(INDEX.replace(BOOT, b"window.rebuilt = 1;"))
    after = policy(client.get("/"))["script-src"]
    assert before != after
    assert hashlib.sha256(b"window.rebuilt = 1;").digest() == base64.b64decode(after.split("sha256-")[1][:-1])


def test_assets_api_json_errors_and_openapi_render_nothing(client: TestClient) -> None:
    token = admin_token(client)
    responses = {
        "asset": client.get("/assets/app-1234.js"),
        "public json": client.get("/api/v1/app/version"),
        "protected json": client.get("/api/v1/boards/?all=true", headers=bearer(token)),
        "401": client.get("/api/v1/boards/?all=true"),
        "404": client.get("/api/v1/no/such/route"),
        "422": client.get("/api/v1/auth/users?limit=0", headers=bearer(token)),
        "openapi": client.get("/openapi.json"),
    }
    for name, response in responses.items():
        assert_common(response)
        assert policy(response)["default-src"] == "'none'", name


def test_docs_page_allows_its_inline_script_by_hash_only(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert_common(response)
    csp = policy(response)
    assert csp["default-src"] == "'none'"
    assert "'unsafe-inline'" not in csp["script-src"] and "sha256-" in csp["script-src"]
    inline = response.text.split("<script>")[-1].split("</script>")[0].encode()
    digest = base64.b64encode(hashlib.sha256(inline).digest()).decode()
    assert f"'sha256-{digest}'" in csp["script-src"].split()


def test_served_images_are_sandboxed_attachments_of_their_own_type(client: TestClient) -> None:
    token = admin_token(client)
    name = upload(client, token)
    for kind, media in (("full", "image/png"), ("thumbnail", "image/webp")):
        response = client.get(f"/api/v1/images/i/{name}/{kind}", headers=bearer(token))
        assert response.status_code == 200
        assert response.headers["content-type"] == media
        assert_common(response)
        csp = policy(response)
        assert "sandbox" in csp and csp["default-src"] == "'none'"
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("inline; filename=") and name.removesuffix(".png") in disposition


def test_hsts_only_over_https(client: TestClient) -> None:
    assert "strict-transport-security" not in client.get("/api/v1/app/version").headers
    secure = TestClient(client.app, base_url="https://testserver")
    response = secure.get("/api/v1/app/version")
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_frame_ancestors_is_configurable(web_dir: Path, make_client: AppFactory) -> None:
    client = make_client(frame_ancestors="'self' https://intranet.example")
    for path in ("/", "/api/v1/app/version"):
        response = client.get(path)
        assert policy(response)["frame-ancestors"] == "'self' https://intranet.example"
        assert "x-frame-options" not in response.headers


def test_frame_ancestors_refuses_header_injection(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="frame_ancestors"):
        Settings(root=tmp_path, frame_ancestors="'none'; script-src *")
