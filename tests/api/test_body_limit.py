"""Request bodies over the limit are refused with 413 before they are stored."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import AppFactory


def test_declared_oversized_body_is_413_and_nothing_is_stored(make_client: AppFactory, root: Path) -> None:
    client = make_client(max_upload_size_mb=1)
    body = b"\0" * (3 * 1024 * 1024)
    response = client.post(
        "/api/v1/images/upload?image_category=general&is_intermediate=false",
        files={"file": ("big.png", body, "image/png")},
    )
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert list((root / "outputs" / "images").iterdir()) == []


def test_chunked_oversized_body_is_413(make_client: AppFactory) -> None:
    client = make_client(max_upload_size_mb=1)

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(3):
            yield b"x" * (1024 * 1024)

    response = client.post(
        "/api/v1/client_state/default/set_by_key?key=k",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
