"""Text stored with an image (metadata, workflow, any other PNG text chunk) is bounded: a huge
chunk is refused with a clear 413 and nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import AppFactory
from tests.gallery_helpers import API, image_bytes, upload, upload_response

MB = 1024 * 1024


def stored_files(root: Path) -> list[Path]:
    return [p for p in (root / "outputs").rglob("*") if p.is_file()]


def image_count(client: TestClient) -> int:
    total: int = client.get(f"{API}/images/", params={"limit": 1}).json()["total"]
    return total


def test_a_30_mb_png_text_chunk_is_refused_and_not_stored(su_client: TestClient, root: Path) -> None:
    huge = image_bytes(text={"invokeai_metadata": json.dumps({"prompt": "x" * (30 * MB)})})
    response = upload_response(su_client, None, huge)
    assert response.status_code == 413
    assert "metadata" in response.json()["detail"] and "1,048,576" in response.json()["detail"]
    assert image_count(su_client) == 0 and stored_files(root) == []


def test_other_text_chunks_count_too(su_client: TestClient) -> None:
    junk = image_bytes(text={"Comment": "y" * (2 * MB)})
    assert upload_response(su_client, None, junk).status_code == 413


def test_metadata_form_field_is_bounded_too(su_client: TestClient) -> None:
    # Form fields beyond 1 MB are refused by the multipart parser itself (400 naming the size).
    form = {"metadata": json.dumps({"prompt": "z" * (2 * MB)})}
    response = upload_response(su_client, None, form=form)
    assert response.status_code == 400 and "maximum size" in response.json()["detail"]
    assert image_count(su_client) == 0


def test_metadata_under_the_limit_is_kept(su_client: TestClient) -> None:
    metadata = {"prompt": "p" * (MB // 2)}
    name = upload(su_client, None, image_bytes(text={"invokeai_metadata": json.dumps(metadata)}))
    assert su_client.get(f"{API}/images/i/{name}/metadata").json() == metadata


def test_the_limit_is_configurable(make_client: AppFactory) -> None:
    client = make_client(max_image_metadata_kb=4)
    small = image_bytes(text={"invokeai_metadata": json.dumps({"prompt": "q" * 3000})})
    upload(client, None, small)
    bigger = image_bytes(text={"invokeai_metadata": json.dumps({"prompt": "q" * 5000})})
    response = upload_response(client, None, bigger)
    assert response.status_code == 413 and "4,096" in response.json()["detail"]
