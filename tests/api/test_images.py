"""The image routes themselves: uploads (formats, limits, metadata, cropping), files and
thumbnails, caching, gallery queries, changes, intermediates and uncategorized clean-up."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import AppFactory
from tests.databases import SharedRoot
from tests.factories import bearer
from tests.gallery_helpers import (
    API,
    METADATA,
    World,
    create_board,
    image_bytes,
    image_dto,
    listed_names,
    noise_png,
    open_client,
    open_world,
    png_header_only,
    reset_gallery,
    stored_files,
    upload,
    upload_response,
    upload_with_metadata,
)


@pytest.fixture(scope="module")
def single_user(shared_root: SharedRoot) -> Iterator[tuple[TestClient, Path]]:
    root = shared_root("images")
    with open_client(root) as client:
        yield client, root


@pytest.fixture
def su(single_user: tuple[TestClient, Path]) -> TestClient:
    reset_gallery(single_user[0], None)
    return single_user[0]


@pytest.fixture
def su_root(single_user: tuple[TestClient, Path]) -> Path:
    return single_user[1]


def opened(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content))


# -- uploads --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_system_uploads_png_jpeg_or_webp_and_gets_201_with_location_and_size(
    su: TestClient, fmt: str
) -> None:
    response = upload_response(su, None, image_bytes((30, 20), fmt=fmt), category="user", filename="x.img")
    assert response.status_code == 201, response.text
    dto = response.json()
    assert response.headers["location"] == dto["image_url"] == f"api/v1/images/i/{dto['image_name']}/full"
    assert (dto["width"], dto["height"], dto["image_category"], dto["user_id"]) == (30, 20, "user", "system")
    assert (dto["board_id"], dto["is_intermediate"], dto["starred"], dto["image_origin"]) == (
        None, False, False, "external",
    )  # fmt: skip
    assert image_dto(su, None, dto["image_name"]) == dto
    full = su.get(f"{API}/images/i/{dto['image_name']}/full")
    assert full.headers["content-type"] == "image/png" and opened(full.content).size == (30, 20)


def _gif() -> bytes:
    return image_bytes(fmt="GIF", mode="P", color=1)


@pytest.mark.parametrize(
    "data",
    [_gif(), b"just some text\n", bytes(random.Random(7).randbytes(4096)), b"", noise_png((64, 64))[:6000]],
    ids=["gif", "text", "garbage", "empty", "truncated_png"],
)
def test_system_uploads_unsupported_bytes_and_gets_415_with_nothing_stored(
    su: TestClient, su_root: Path, data: bytes
) -> None:
    response = upload_response(su, None, data)
    assert response.status_code == 415, response.text
    assert set(response.json()) == {"detail"}
    assert stored_files(su_root) == set() and listed_names(su, None) == []


def _pillow_bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")  # 400 megapixels in ~50 KB
    return buffer.getvalue()


@pytest.mark.parametrize(
    "make",
    [lambda: png_header_only(9000, 9000), lambda: png_header_only(100_000, 100_000), _pillow_bomb],
    ids=["81MP_header", "10GP_header", "pillow_400MP"],
)
def test_system_uploads_decompression_bomb_and_gets_413_with_nothing_stored(
    su: TestClient, su_root: Path, make: object
) -> None:
    response = upload_response(su, None, make())  # type: ignore[operator]
    assert response.status_code == 413, response.text
    assert stored_files(su_root) == set() and listed_names(su, None) == []


def test_system_uploads_file_over_configured_limit_and_gets_413(make_client: AppFactory, root: Path) -> None:
    client = make_client(max_upload_size_mb=1)
    noise = noise_png((700, 700))
    assert 1024 * 1024 < len(noise) < 2 * 1024 * 1024
    for data in (noise, noise * 2):
        response = upload_response(client, None, data)
        assert response.status_code == 413, response.text
    assert stored_files(root) == set() and listed_names(client, None) == []
    assert upload_response(client, None, image_bytes()).status_code == 201


def test_system_uploads_png_with_metadata_and_keeps_the_text_chunks(su: TestClient) -> None:
    text = {"invokeai_metadata": json.dumps(METADATA), "invokeai_workflow": json.dumps({"nodes": []})}
    name = upload(su, None, image_bytes(text=text))
    assert su.get(f"{API}/images/i/{name}/metadata").json() == METADATA
    assert image_dto(su, None, name)["has_workflow"] is True  # type: ignore[index]
    stored = opened(su.get(f"{API}/images/i/{name}/full").content)
    assert stored.text == text  # type: ignore[attr-defined]


def test_system_uploads_with_metadata_field_and_it_overrides_the_png_text(su: TestClient) -> None:
    override = {"positive_prompt": "a blue heron", "steps": 30}
    data = image_bytes(text={"invokeai_metadata": json.dumps(METADATA)})
    name = upload(su, None, data, form={"metadata": json.dumps(override)})
    assert su.get(f"{API}/images/i/{name}/metadata").json() == override
    stored = opened(su.get(f"{API}/images/i/{name}/full").content)
    assert json.loads(stored.text["invokeai_metadata"]) == override  # type: ignore[attr-defined]
    plain = upload(su, None)
    assert su.get(f"{API}/images/i/{plain}/metadata").json() is None


@pytest.mark.parametrize(("crop", "size"), [("true", (10, 4)), ("false", (40, 30))])
def test_system_uploads_with_crop_visible_and_transparent_borders_go(
    su: TestClient, crop: str, size: tuple[int, int]
) -> None:
    image = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    image.paste((10, 20, 30, 255), (5, 6, 15, 10))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    dto = upload_response(su, None, buffer.getvalue(), crop_visible=crop).json()
    assert (dto["width"], dto["height"]) == size
    assert opened(su.get(f"{API}/images/i/{dto['image_name']}/full").content).size == size


@pytest.mark.parametrize(
    ("size", "thumb"), [((600, 300), (256, 128)), ((200, 900), (57, 256)), ((8, 8), (8, 8))]
)
def test_system_gets_thumbnail_as_webp_at_most_256_px(
    su: TestClient, size: tuple[int, int], thumb: tuple[int, int]
) -> None:
    name = upload(su, None, image_bytes(size))
    response = su.get(f"{API}/images/i/{name}/thumbnail")
    assert response.status_code == 200 and response.headers["content-type"] == "image/webp"
    assert opened(response.content).format == "WEBP" and opened(response.content).size == thumb


@pytest.mark.parametrize("kind", ["full", "thumbnail"])
def test_system_revalidates_with_etag_and_gets_304(su: TestClient, kind: str) -> None:
    name = upload(su, None)
    first = su.get(f"{API}/images/i/{name}/{kind}")
    etag = first.headers["etag"]
    again = su.get(f"{API}/images/i/{name}/{kind}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    stale = su.get(f"{API}/images/i/{name}/{kind}", headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200 and stale.content == first.content


# -- gallery queries ------------------------------------------------------------------------------


@pytest.fixture
def gallery(su: TestClient) -> dict[str, str]:
    """a: general on a board (starred, oldest); b: general with metadata; c: user; d: general
    intermediate; e: mask. Uploaded in that order."""
    board = create_board(su, None, "Board")
    names = {
        "a": upload(su, None, board_id=board),
        "b": upload_with_metadata(su, None),
        "c": upload(su, None, category="user"),
        "d": upload(su, None, is_intermediate=True),
        "e": upload(su, None, category="mask"),
    }
    assert su.post(f"{API}/images/star", json={"image_names": [names["a"]]}).status_code == 200
    return {**names, "board": board}


QUERIES = {
    "default_starred_first": ({}, "a e d c b", 5),
    "newest_first": ({"starred_first": "false"}, "e d c b a", 5),
    "oldest_first": ({"starred_first": "false", "order_dir": "ASC"}, "a b c d e", 5),
    "asc_starred_first": ({"order_dir": "asc"}, "a b c d e", 5),
    "uncategorized": ({"board_id": "none"}, "e d c b", 4),
    "one_board": ({"board_id": "{board}"}, "a", 1),
    "categories": ({"categories": ["general", "mask"]}, "a e d b", 4),
    "categories_repeated": ({"categories": ["mask", "general", "mask", "general"]}, "a e d b", 4),
    "all_categories": ({"categories": ["general", "mask", "control", "user", "other"]}, "a e d c b", 5),
    "search_in_category": ({"categories": "general", "search_term": "red fox"}, "b", 1),
    "intermediates": ({"is_intermediate": "true"}, "d", 1),
    "no_intermediates_general": ({"is_intermediate": "false", "categories": "general"}, "a b", 2),
    "search_metadata": ({"search_term": "red fox"}, "b", 1),
    "search_wildcard_is_literal": ({"search_term": "%"}, "", 0),
    "origin_internal": ({"image_origin": "internal"}, "", 0),
    "page": ({"starred_first": "false", "offset": 1, "limit": 2}, "d c", 5),
}


@pytest.mark.parametrize(("query", "expected", "total"), QUERIES.values(), ids=QUERIES.keys())
def test_system_lists_images_with_filters_in_the_right_order(
    su: TestClient, gallery: dict[str, str], query: dict[str, object], expected: str, total: int
) -> None:
    params = {k: v.format(**gallery) if isinstance(v, str) else v for k, v in query.items()}
    response = su.get(f"{API}/images/", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    by_name = {v: k for k, v in gallery.items()}
    assert " ".join(by_name[i["image_name"]] for i in body["items"]) == expected
    assert (body["total"], body["offset"], body["limit"]) == (
        total,
        query.get("offset", 0),
        query.get("limit", 10),
    )
    names = su.get(f"{API}/images/names", params=params).json()
    if "offset" not in query:
        assert names["image_names"] == [i["image_name"] for i in body["items"]]
    assert names["total_count"] == len(names["image_names"]) == total
    starred = gallery["a"] in names["image_names"]
    assert names["starred_count"] == int(starred)


def test_system_lists_with_bad_query_values_and_gets_422(su: TestClient) -> None:
    for params in ({"order_dir": "sideways"}, {"limit": 0}, {"offset": -1}, {"categories": "bogus"}):
        assert su.get(f"{API}/images/", params=params).status_code == 422, params


def test_each_bad_filter_is_named_in_the_422_of_both_list_routes(su: TestClient) -> None:
    params = {"categories": ["general", "bogus"], "search_term": "x" * 501, "order_dir": "up", "limit": 0}
    filters = [("categories", 1), ("search_term",), ("order_dir",)]
    for path, expected in ((f"{API}/images/", [*filters, ("limit",)]), (f"{API}/images/names", filters)):
        response = su.get(path, params=params)
        assert response.status_code == 422, path
        assert [tuple(e["loc"]) for e in response.json()["detail"]] == [("query", *loc) for loc in expected]


def test_the_list_routes_document_their_filters(su: TestClient) -> None:
    paths = su.get("/openapi.json").json()["paths"]
    filters = ["board_id", "categories", "is_intermediate", "image_origin", "search_term", "order_dir"]
    filters.append("starred_first")
    names = paths[f"{API}/images/names"]["get"]
    assert [p["name"] for p in names["parameters"]] == filters
    assert "422" in names["responses"]
    page = paths[f"{API}/images/"]["get"]["parameters"]
    assert [p["name"] for p in page] == ["offset", "limit", *filters]
    limit = {"default": 10, "maximum": 10000, "minimum": 1, "title": "Limit", "type": "integer"}
    assert page[1]["schema"] == limit


def test_system_patches_starred_and_category(su: TestClient) -> None:
    name = upload(su, None)
    changed = su.patch(
        f"{API}/images/i/{name}", json={"starred": True, "image_category": "control", "board_id": "ignored"}
    )
    assert changed.status_code == 200
    assert (changed.json()["starred"], changed.json()["image_category"]) == (True, "control")
    assert image_dto(su, None, name) == changed.json()
    for bad in ({"image_category": "bogus"}, {"starred": "yes"}):
        assert su.patch(f"{API}/images/i/{name}", json=bad).status_code == 422, bad
    assert image_dto(su, None, name)["image_category"] == "control"  # type: ignore[index]


# -- intermediates and uncategorized (multi-user) -------------------------------------------------


@pytest.fixture(scope="module")
def world(shared_root: SharedRoot) -> Iterator[World]:
    with open_world(shared_root("images-mu")) as opened_world:
        yield opened_world


@pytest.fixture
def mu(world: World) -> World:
    reset_gallery(world.client, world.admin)
    return world


def test_user_counts_own_intermediates_and_admin_counts_all(mu: World) -> None:
    for token, count in ((mu.owner, 2), (mu.other, 1)):
        for _ in range(count):
            upload(mu.client, token, is_intermediate=True)
    upload(mu.client, mu.owner)
    for token, expected in ((mu.owner, 2), (mu.other, 1), (mu.admin, 3)):
        assert mu.client.get(f"{API}/images/intermediates", headers=bearer(token)).json() == expected


def test_user_clearing_intermediates_is_403_and_admin_clears_everyones(mu: World) -> None:
    doomed = [upload(mu.client, token, is_intermediate=True) for token in (mu.owner, mu.other)]
    kept = upload(mu.client, mu.owner)
    refused = mu.client.delete(f"{API}/images/intermediates", headers=bearer(mu.owner))
    assert refused.status_code == 403 and stored_files(mu.root) == {*doomed, kept}
    cleared = mu.client.delete(f"{API}/images/intermediates", headers=bearer(mu.admin))
    assert cleared.status_code == 200 and cleared.json() == 2
    assert stored_files(mu.root) == {kept}
    assert mu.client.get(f"{API}/images/intermediates", headers=bearer(mu.admin)).json() == 0


def test_user_deleting_uncategorized_deletes_only_own(mu: World) -> None:
    board = create_board(mu.client, mu.owner)
    own = {upload(mu.client, mu.owner), upload(mu.client, mu.owner)}
    on_board, foreign = upload(mu.client, mu.owner, board_id=board), upload(mu.client, mu.other)
    response = mu.client.delete(f"{API}/images/uncategorized", headers=bearer(mu.owner))
    assert response.status_code == 200
    assert set(response.json()["deleted_images"]) == own and response.json()["affected_boards"] == ["none"]
    assert stored_files(mu.root) == {on_board, foreign}
    by_admin = mu.client.delete(f"{API}/images/uncategorized", headers=bearer(mu.admin))
    assert by_admin.json() == {"affected_boards": [], "deleted_images": []}
    assert set(listed_names(mu.client, mu.admin)) == {on_board, foreign}


@pytest.mark.parametrize("kind", ["full", "thumbnail"])
def test_user_revalidating_foreign_image_with_its_etag_gets_403_not_304(mu: World, kind: str) -> None:
    name = upload(mu.client, mu.owner)
    etag = mu.client.get(f"{API}/images/i/{name}/{kind}", headers=bearer(mu.owner)).headers["etag"]
    probe = mu.client.get(
        f"{API}/images/i/{name}/{kind}", headers={**bearer(mu.other), "If-None-Match": etag}
    )
    assert probe.status_code == 403 and "etag" not in probe.headers
    cached = mu.client.get(
        f"{API}/images/i/{name}/{kind}", headers={**bearer(mu.owner), "If-None-Match": etag}
    )
    assert cached.status_code == 304 and cached.headers["cache-control"] == "private, no-cache"
