"""Bulk downloads (InvokeAI's `POST /api/v1/images/download` + `GET .../download/{name}`): a zip of
the images the caller may see, built in the background, fetched once, by its requester only."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

from tests.databases import SharedRoot
from tests.factories import bearer
from tests.gallery_helpers import API, World, create_board, noise_png, open_world, set_visibility, upload

DOWNLOAD = f"{API}/images/download"


@pytest.fixture(scope="module")
def world(shared_root: SharedRoot) -> Iterator[World]:
    with open_world(shared_root("downloads")) as opened:
        yield opened


def start(world: World, token: str, **body: Any) -> Any:
    return world.client.post(DOWNLOAD, json=body, headers=bearer(token))


def fetch_zip(world: World, token: str, name: str, timeout: float = 15) -> zipfile.ZipFile:
    deadline = time.monotonic() + timeout
    while True:
        response = world.client.get(f"{DOWNLOAD}/{name}", headers=bearer(token))
        if response.status_code == 200:
            assert response.headers["content-type"] == "application/zip"
            return zipfile.ZipFile(io.BytesIO(response.content))
        assert response.status_code == 404, response.text
        assert time.monotonic() < deadline, "the zip was not ready in time"
        time.sleep(0.05)


def full_bytes(world: World, token: str, name: str) -> bytes:
    return world.client.get(f"{API}/images/i/{name}/full", headers=bearer(token)).content


def test_owner_downloads_chosen_images_once(world: World) -> None:
    names = [upload(world.client, world.owner, noise_png((16, 16), seed=s)) for s in (1, 2)]
    started = start(world, world.owner, image_names=names)
    assert started.status_code == 202, started.text
    body = started.json()
    assert set(body) == {"response", "bulk_download_item_name"}
    assert body["bulk_download_item_name"].endswith(".zip") and "2 images" in body["response"]
    archive = fetch_zip(world, world.owner, body["bulk_download_item_name"])
    assert sorted(archive.namelist()) == sorted(names)
    assert all(archive.read(n) == full_bytes(world, world.owner, n) for n in names)
    # Fetched once: gone afterwards.
    again = world.client.get(f"{DOWNLOAD}/{body['bulk_download_item_name']}", headers=bearer(world.owner))
    assert again.status_code == 404


def test_another_users_image_names_are_refused_or_left_out(world: World) -> None:
    private = upload(world.client, world.owner, noise_png((16, 16), seed=3))
    refused = start(world, world.other, image_names=[private])
    assert refused.status_code == 403, refused.text
    own = upload(world.client, world.other, noise_png((16, 16), seed=4))
    mixed = start(world, world.other, image_names=[private, own])
    assert mixed.status_code == 202
    archive = fetch_zip(world, world.other, mixed.json()["bulk_download_item_name"])
    assert archive.namelist() == [own]


def test_a_zip_is_private_to_its_requester_even_from_admins(world: World) -> None:
    name = upload(world.client, world.owner, noise_png((16, 16), seed=5))
    item = start(world, world.owner, image_names=[name]).json()["bulk_download_item_name"]
    fetch_deadline = time.monotonic() + 15
    for token in (world.other, world.admin):
        assert world.client.get(f"{DOWNLOAD}/{item}", headers=bearer(token)).status_code == 404
    assert time.monotonic() < fetch_deadline
    assert fetch_zip(world, world.owner, item).namelist() == [name]
    assert world.client.get(f"{DOWNLOAD}/{item}").status_code == 401


def test_board_download_follows_board_visibility(world: World) -> None:
    board = create_board(world.client, world.owner, "zip me")
    names = {upload(world.client, world.owner, noise_png((16, 16), seed=s), board_id=board) for s in (6, 7)}
    assert start(world, world.other, board_id=board).status_code == 403
    set_visibility(world.client, world.owner, board, "shared")
    shared = start(world, world.other, board_id=board)
    assert shared.status_code == 202, shared.text
    assert set(fetch_zip(world, world.other, shared.json()["bulk_download_item_name"]).namelist()) == names
    assert start(world, world.owner, board_id="no-such-board").status_code == 404


def test_a_board_shared_with_one_person_downloads_for_them(world: World) -> None:
    board = create_board(world.client, world.owner, "shared with Otto")
    name = upload(world.client, world.owner, noise_png((16, 16), seed=8), board_id=board)
    assert start(world, world.other, board_id=board).status_code == 403
    shared = world.client.put(
        f"{API}/boards/{board}/shares/user/{world.other_id}",
        json={"permission": "view"},
        headers=bearer(world.owner),
    )
    assert shared.is_success, shared.text
    started = start(world, world.other, board_id=board)
    assert started.status_code == 202, started.text
    assert fetch_zip(world, world.other, started.json()["bulk_download_item_name"]).namelist() == [name]
    by_name = start(world, world.other, image_names=[name])
    assert fetch_zip(world, world.other, by_name.json()["bulk_download_item_name"]).namelist() == [name]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"image_names": []}, 400),
        ({"image_names": ["missing.png"]}, 403),
        ({"image_names": ["x.png"] * 10_001}, 422),
        ({"image_names": "not-a-list"}, 422),
        ({"board_id": "x" * 200}, 422),
    ],
)
def test_bad_requests_say_what_was_wrong(world: World, body: dict[str, Any], status: int) -> None:
    response = start(world, world.owner, **body)
    assert response.status_code == status, response.text
    assert response.json()["detail"]


@pytest.mark.parametrize("name", ["..%2F..%2Fgesso.db", "0" * 32 + ".txt", "..", "a.zip", "0" * 31 + "g.zip"])
def test_unknown_or_odd_zip_names_are_404(world: World, name: str) -> None:
    response = world.client.get(f"{DOWNLOAD}/{name}", headers=bearer(world.owner))
    assert response.status_code == 404
