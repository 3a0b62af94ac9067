"""Helpers for the gallery tests: image bytes, uploads, boards, and a reusable multi-user world.

Logging in costs an Argon2 verification, so the gallery modules share one app and three logged-in
accounts per module (`open_world`) and wipe boards, images and client state between tests
(`reset_gallery`) through the real API.
"""

from __future__ import annotations

import io
import json
import random
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image, PngImagePlugin

from gesso.app import create_app
from tests import databases
from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user

API = "/api/v1"
METADATA = {"positive_prompt": "a red fox", "seed": 42}


def auth(token: str | None) -> dict[str, str]:
    return bearer(token) if token else {}


def image_bytes(
    size: tuple[int, int] = (8, 8),
    *,
    fmt: str = "PNG",
    mode: str = "RGB",
    color: Any = (200, 30, 30),
    text: dict[str, str] | None = None,
) -> bytes:
    buffer = io.BytesIO()
    info = None
    if text:
        info = PngImagePlugin.PngInfo()
        for key, value in text.items():
            info.add_text(key, value)
    Image.new(mode, size, color).save(buffer, fmt, pnginfo=info)
    return buffer.getvalue()


def noise_png(size: tuple[int, int], seed: int = 1) -> bytes:
    """Random pixels: a PNG that does not compress (its size is about 3 bytes per pixel)."""
    buffer = io.BytesIO()
    pixels = random.Random(seed).randbytes(size[0] * size[1] * 3)
    Image.frombytes("RGB", size, pixels).save(buffer, "PNG")
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature + IHDR claiming `width`x`height`, with a tiny IDAT: a decompression bomb
    as far as any decoder that trusts the header is concerned."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload_response(
    client: TestClient,
    token: str | None,
    data: bytes | None = None,
    *,
    board_id: str | None = None,
    category: str = "general",
    is_intermediate: bool = False,
    filename: str = "a.png",
    form: dict[str, str] | None = None,
    **params: Any,
) -> Any:
    query: dict[str, Any] = {"image_category": category, "is_intermediate": str(is_intermediate).lower()}
    if board_id:
        query["board_id"] = board_id
    query.update(params)
    return client.post(
        f"{API}/images/upload",
        params=query,
        files={"file": (filename, image_bytes() if data is None else data, "application/octet-stream")},
        data=form or {},
        headers=auth(token),
    )


def upload(client: TestClient, token: str | None, data: bytes | None = None, **kwargs: Any) -> str:
    response = upload_response(client, token, data, **kwargs)
    assert response.status_code == 201, response.text
    name: str = response.json()["image_name"]
    return name


def upload_with_metadata(client: TestClient, token: str | None, **kwargs: Any) -> str:
    data = image_bytes(text={"invokeai_metadata": json.dumps(METADATA)})
    return upload(client, token, data, **kwargs)


def create_board(
    client: TestClient, token: str | None, name: str = "Board", visibility: str = "private"
) -> str:
    response = client.post(f"{API}/boards/", params={"board_name": name}, headers=auth(token))
    assert response.status_code == 201, response.text
    board_id: str = response.json()["board_id"]
    if visibility != "private":
        set_visibility(client, token, board_id, visibility)
    return board_id


def set_visibility(client: TestClient, token: str | None, board_id: str, visibility: str) -> None:
    response = client.patch(
        f"{API}/boards/{board_id}", json={"board_visibility": visibility}, headers=auth(token)
    )
    assert response.status_code == 201, response.text


def image_dto(client: TestClient, token: str | None, name: str) -> dict[str, Any] | None:
    """The image as `token` sees it, or None when it is gone (404)."""
    response = client.get(f"{API}/images/i/{name}", headers=auth(token))
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    dto: dict[str, Any] = response.json()
    return dto


def listed_names(client: TestClient, token: str | None, **params: Any) -> list[str]:
    response = client.get(f"{API}/images/", params={"limit": 1000, **params}, headers=auth(token))
    assert response.status_code == 200, response.text
    return [item["image_name"] for item in response.json()["items"]]


def board_ids(client: TestClient, token: str | None) -> set[str]:
    response = client.get(f"{API}/boards/", params={"all": "true"}, headers=auth(token))
    assert response.status_code == 200, response.text
    return {board["board_id"] for board in response.json()}


def stored_files(root: Path) -> set[str]:
    return {p.name for p in (root / "outputs" / "images").glob("*")}


@dataclass
class World:
    """One multi-user app with an administrator and two users, logged in once."""

    client: TestClient
    root: Path
    admin: str
    owner: str
    other: str
    admin_id: str
    owner_id: str
    other_id: str


@contextmanager
def open_client(root: Path, **settings: Any) -> Iterator[TestClient]:
    with TestClient(create_app(databases.settings(root, **settings))) as client:
        yield client


@contextmanager
def open_world(root: Path) -> Iterator[World]:
    with open_client(root, multiuser=True) as client:
        admin = admin_token(client)
        owner_id = make_user(client, admin, "owner@example.com", display_name="Olive Owner")["user_id"]
        other_id = make_user(client, admin, "other@example.com", display_name="Otto Other")["user_id"]
        world = World(
            client=client,
            root=root,
            admin=admin,
            owner=login_as(client, "owner@example.com", USER_PASSWORD),
            other=login_as(client, "other@example.com", USER_PASSWORD),
            admin_id=client.get(f"{API}/auth/me", headers=bearer(admin)).json()["user_id"],
            owner_id=owner_id,
            other_id=other_id,
        )
        # Login set the last user's media cookie on this client: drop it, so every request is
        # exactly as authenticated as its Bearer header says (and anonymous means anonymous).
        client.cookies.clear()
        yield world


def reset_gallery(client: TestClient, admin: str | None, *tokens: str | None) -> None:
    """Delete every board and image (as an administrator) and each caller's client state."""
    boards = client.get(
        f"{API}/boards/", params={"all": "true", "include_archived": "true"}, headers=auth(admin)
    )
    for board in boards.json():
        client.delete(f"{API}/boards/{board['board_id']}", headers=auth(admin))
    names = listed_names(client, admin, limit=10_000)
    if names:
        response = client.post(f"{API}/images/delete", json={"image_names": names}, headers=auth(admin))
        assert response.status_code == 200, response.text
    for token in (admin, *tokens):
        client.post(f"{API}/client_state/default/delete", headers=auth(token))
    assert board_ids(client, admin) == set() and listed_names(client, admin) == []
