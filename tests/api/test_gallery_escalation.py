"""Escalation attempts against the gallery (SPEC §6, §11): moving, reading, starring and deleting
other users' images, guessing names, path tricks, public boards, board deletion, legacy
single-user data, and per-user client state."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import AppFactory
from tests.databases import SharedRoot
from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user
from tests.gallery_helpers import (
    API,
    World,
    board_ids,
    create_board,
    image_dto,
    listed_names,
    open_world,
    reset_gallery,
    stored_files,
    upload,
)

MEDIA_SUFFIXES = ("", "/metadata", "/full", "/thumbnail", "/urls")


@pytest.fixture(scope="module")
def world(shared_root: SharedRoot) -> Iterator[World]:
    with open_world(shared_root("escalation")) as opened:
        yield opened


@pytest.fixture
def mu(world: World) -> World:
    reset_gallery(world.client, world.admin, world.owner, world.other)
    return world


def board_of(w: World, name: str) -> str | None:
    dto = image_dto(w.client, w.admin, name)
    assert dto is not None, f"{name} is gone"
    return dto["board_id"]  # type: ignore[no-any-return]


# -- moving and reading other users' images ------------------------------------------------------


def test_user_moving_foreign_image_onto_own_board_is_403_and_image_stays(mu: World) -> None:
    public = create_board(mu.client, mu.owner, "Public", "public")
    on_board, loose = upload(mu.client, mu.owner, board_id=public), upload(mu.client, mu.owner)
    mine = create_board(mu.client, mu.other, "Mine")
    for board, image in ((mine, loose), (mine, on_board), (public, loose)):
        response = mu.client.post(
            f"{API}/board_images/", json={"board_id": board, "image_name": image}, headers=bearer(mu.other)
        )
        assert response.status_code == 403, (board, image)
    assert (board_of(mu, on_board), board_of(mu, loose)) == (public, None)


def test_user_batch_moving_foreign_images_skips_them_and_they_stay(mu: World) -> None:
    public = create_board(mu.client, mu.owner, "Public", "public")
    on_board, loose = upload(mu.client, mu.owner, board_id=public), upload(mu.client, mu.owner)
    mine, own = create_board(mu.client, mu.other, "Mine"), upload(mu.client, mu.other)
    response = mu.client.post(
        f"{API}/board_images/batch",
        json={"board_id": mine, "image_names": [loose, own, on_board]},
        headers=bearer(mu.other),
    )
    assert response.status_code == 201
    assert response.json()["added_images"] == [own]
    assert (board_of(mu, on_board), board_of(mu, loose), board_of(mu, own)) == (public, None, mine)


def test_user_reading_foreign_image_by_names_drops_it_and_urls_is_403(mu: World) -> None:
    foreign, own = upload(mu.client, mu.owner), upload(mu.client, mu.other)
    response = mu.client.post(
        f"{API}/images/images_by_names", json={"image_names": [foreign, own]}, headers=bearer(mu.other)
    )
    assert [i["image_name"] for i in response.json()] == [own]
    assert mu.client.get(f"{API}/images/i/{foreign}/urls", headers=bearer(mu.other)).status_code == 403


@pytest.mark.parametrize("suffix", MEDIA_SUFFIXES)
def test_user_guessing_foreign_uncategorized_name_gets_403_and_made_up_name_404(
    mu: World, suffix: str
) -> None:
    foreign = upload(mu.client, mu.owner)
    response = mu.client.get(f"{API}/images/i/{foreign}{suffix}", headers=bearer(mu.other))
    assert response.status_code == 403
    assert response.json() == {"detail": "Not authorized to access this image"}
    made_up = mu.client.get(f"{API}/images/i/{uuid.uuid4()}.png{suffix}", headers=bearer(mu.other))
    assert made_up.status_code == 404


def test_user_batch_deleting_mixed_ownership_deletes_only_own(mu: World) -> None:
    private = create_board(mu.client, mu.owner, "Private")
    on_board, loose = upload(mu.client, mu.owner, board_id=private), upload(mu.client, mu.owner)
    own = upload(mu.client, mu.other)
    body = {"image_names": [loose, own, on_board]}
    starred = mu.client.post(f"{API}/images/star", json=body, headers=bearer(mu.other))
    assert starred.status_code == 200 and starred.json()["starred_images"] == [own]
    deleted = mu.client.post(f"{API}/images/delete", json=body, headers=bearer(mu.other))
    assert deleted.status_code == 200
    assert deleted.json() == {"affected_boards": ["none"], "deleted_images": [own]}
    assert stored_files(mu.root) == {loose, on_board}
    for name in (loose, on_board):
        assert image_dto(mu.client, mu.owner, name)["starred"] is False  # type: ignore[index]
        full = mu.client.get(f"{API}/images/i/{name}/full", headers=bearer(mu.owner))
        assert full.status_code == 200
        assert full.content == (mu.root / "outputs" / "images" / name).read_bytes()


# -- path tricks ----------------------------------------------------------------------------------

TRICKS = (
    "..",
    "..%2F..%2Fsecret.png",
    "%2E%2E%2F%2E%2E%2Fsecret.png",
    "%2e%2e",
    "..%5C..%5Csecret.png",
    "..\\..\\secret.png",
    "..%252F..%252Fsecret.png",
    "secret.png%00.png",
    "%2Fetc%2Fpasswd",
)


@pytest.fixture
def secret(mu: World) -> bytes:
    """Files just outside the images folder that a traversal would reach."""
    content = b"SECRET-SENTINEL"
    for path in (mu.root / "outputs" / "secret.png", mu.root / "secret.png"):
        path.write_bytes(content)
    return content


TRICK_CALLS = [("GET", suffix) for suffix in MEDIA_SUFFIXES] + [("PATCH", ""), ("DELETE", "")]


@pytest.mark.parametrize(("method", "suffix"), TRICK_CALLS, ids=[f"{m}{s}" for m, s in TRICK_CALLS])
@pytest.mark.parametrize("trick", TRICKS)
def test_admin_requesting_traversal_image_name_gets_400_or_404_never_a_file(
    mu: World, secret: bytes, trick: str, method: str, suffix: str
) -> None:
    body = {"starred": True} if method == "PATCH" else None
    response = mu.client.request(
        method, f"{API}/images/i/{trick}{suffix}", json=body, headers=bearer(mu.admin)
    )
    assert response.status_code in (400, 404), response.text
    assert response.headers["content-type"] == "application/json"
    assert secret not in response.content


@pytest.mark.parametrize("name", ["../secret.png", "..\\secret.png", "/etc/passwd", "a/../../secret.png", ""])
def test_admin_naming_traversal_in_a_body_gets_400_or_404(mu: World, secret: bytes, name: str) -> None:
    board = create_board(mu.client, mu.admin)
    calls = [
        ("POST", "/images/delete", {"image_names": [name]}),
        ("POST", "/images/star", {"image_names": [name]}),
        ("POST", "/board_images/", {"board_id": board, "image_name": name}),
        ("POST", "/board_images/batch", {"board_id": board, "image_names": [name]}),
        ("DELETE", "/board_images/", {"image_name": name}),
        ("PATCH", f"/boards/{board}", {"cover_image_name": name}),
    ]
    for method, path, body in calls:
        response = mu.client.request(method, API + path, json=body, headers=bearer(mu.admin))
        assert response.status_code in (400, 404), (path, response.status_code)
    by_names = mu.client.post(
        f"{API}/images/images_by_names", json={"image_names": [name]}, headers=bearer(mu.admin)
    )
    assert by_names.status_code in (200, 400, 404) and secret not in by_names.content
    assert (mu.root / "outputs" / "secret.png").read_bytes() == secret


# -- public boards: contribute, but only ever change your own images ------------------------------


@pytest.fixture
def public_board(mu: World) -> tuple[str, str, str]:
    """(board, the owner's image on it, the other user's image uploaded into it)."""
    board = create_board(mu.client, mu.owner, "Public", "public")
    return board, upload(mu.client, mu.owner, board_id=board), upload(mu.client, mu.other, board_id=board)


@pytest.mark.parametrize(
    ("path", "status", "changed"),
    [("/images/star", 200, "starred_images"), ("/images/delete", 200, "deleted_images"),
     ("/board_images/batch/delete", 201, "removed_images")],
)  # fmt: skip
def test_user_batch_changing_public_board_images_changes_only_own(
    mu: World, public_board: tuple[str, str, str], path: str, status: int, changed: str
) -> None:
    board, theirs, own = public_board
    response = mu.client.post(API + path, json={"image_names": [theirs, own]}, headers=bearer(mu.other))
    assert response.status_code == status
    assert response.json()[changed] == [own]
    assert board_of(mu, theirs) == board and image_dto(mu.client, mu.admin, theirs)["starred"] is False  # type: ignore[index]


@pytest.mark.parametrize(
    ("method", "path", "body", "ok"),
    [("PATCH", "/images/i/{name}", {"starred": True}, 200), ("DELETE", "/images/i/{name}", None, 200),
     ("DELETE", "/board_images/", {"image_name": "{name}"}, 201)],
)  # fmt: skip
def test_user_changing_single_public_board_image_is_403_unless_own(
    mu: World,
    public_board: tuple[str, str, str],
    method: str,
    path: str,
    body: dict[str, str] | None,
    ok: int,
) -> None:
    board, theirs, own = public_board
    for name, expected in ((theirs, 403), (own, ok)):
        filled = {k: v.format(name=name) if isinstance(v, str) else v for k, v in (body or {}).items()}
        response = mu.client.request(
            method, API + path.format(name=name), json=filled, headers=bearer(mu.other)
        )
        assert response.status_code == expected, (name, response.text)
    assert board_of(mu, theirs) == board and image_dto(mu.client, mu.admin, theirs)["starred"] is False  # type: ignore[index]


def test_user_adding_and_removing_own_image_on_public_board_succeeds(mu: World) -> None:
    board = create_board(mu.client, mu.owner, "Public", "public")
    own = upload(mu.client, mu.other)
    added = mu.client.post(
        f"{API}/board_images/", json={"board_id": board, "image_name": own}, headers=bearer(mu.other)
    )
    assert added.status_code == 201 and added.json()["added_images"] == [own]
    assert listed_names(mu.client, mu.owner, board_id=board) == [own]
    removed = mu.client.request(
        "DELETE", f"{API}/board_images/", json={"image_name": own}, headers=bearer(mu.other)
    )
    assert removed.status_code == 201 and removed.json()["removed_images"] == [own]
    assert listed_names(mu.client, mu.other, board_id="none") == [own]


def test_owner_changing_contributors_image_on_own_public_board_succeeds(
    mu: World, public_board: tuple[str, str, str]
) -> None:
    _, _, theirs = public_board
    starred = mu.client.patch(f"{API}/images/i/{theirs}", json={"starred": True}, headers=bearer(mu.owner))
    assert starred.status_code == 200 and starred.json()["starred"] is True
    removed = mu.client.request(
        "DELETE", f"{API}/board_images/", json={"image_name": theirs}, headers=bearer(mu.owner)
    )
    assert removed.status_code == 201 and removed.json()["removed_images"] == [theirs]
    # Back in its owner's uncategorized: no longer the board owner's to see.
    assert listed_names(mu.client, mu.other, board_id="none") == [theirs]
    assert mu.client.get(f"{API}/images/i/{theirs}", headers=bearer(mu.owner)).status_code == 403


def test_owner_deleting_public_board_with_images_keeps_contributors_images(
    mu: World, public_board: tuple[str, str, str]
) -> None:
    board, theirs, own = public_board
    response = mu.client.delete(f"{API}/boards/{board}?include_images=true", headers=bearer(mu.owner))
    assert response.status_code == 200
    assert response.json() == {"board_id": board, "deleted_board_images": [own], "deleted_images": [theirs]}
    assert image_dto(mu.client, mu.admin, theirs) is None and stored_files(mu.root) == {own}
    assert listed_names(mu.client, mu.other, board_id="none") == [own]
    assert mu.client.get(f"{API}/images/i/{own}/full", headers=bearer(mu.other)).status_code == 200


def test_admin_deleting_board_with_images_deletes_everyones(
    mu: World, public_board: tuple[str, str, str]
) -> None:
    board, theirs, own = public_board
    response = mu.client.delete(f"{API}/boards/{board}?include_images=true", headers=bearer(mu.admin))
    assert sorted(response.json()["deleted_images"]) == sorted([theirs, own])
    assert stored_files(mu.root) == set()


# -- board list and board DTO ---------------------------------------------------------------------


def test_board_lists_name_owners_and_never_show_others_private_boards(mu: World) -> None:
    private = create_board(mu.client, mu.owner, "Private")
    shared = create_board(mu.client, mu.owner, "Shared", "shared")
    others = create_board(mu.client, mu.other, "Other")
    names = {private: "Olive Owner", shared: "Olive Owner", others: "Otto Other"}
    admin_view = mu.client.get(f"{API}/boards/?all=true", headers=bearer(mu.admin)).json()
    assert {b["board_id"]: b["owner_username"] for b in admin_view} == names
    for token, expected in ((mu.other, {shared, others}), (mu.owner, {private, shared})):
        listing = mu.client.get(f"{API}/boards/?all=true", headers=bearer(token)).json()
        page = mu.client.get(f"{API}/boards/?offset=0&limit=10", headers=bearer(token)).json()
        assert {b["board_id"] for b in listing} == {b["board_id"] for b in page["items"]} == expected
        assert page["total"] == len(expected)
        # A board someone may see carries its owner's name, so the studio can say whose it is.
        assert {b["board_id"]: b["owner_username"] for b in listing} == {k: names[k] for k in expected}
    single = mu.client.get(f"{API}/boards/{shared}", headers=bearer(mu.other)).json()
    assert single["owner_username"] == "Olive Owner" and single["user_id"] == mu.owner_id


def test_owner_board_dto_counts_images_and_assets_and_follows_cover(mu: World) -> None:
    board = create_board(mu.client, mu.owner, "Counted", "shared")
    asset = upload(mu.client, mu.owner, board_id=board, category="user")
    first = upload(mu.client, mu.owner, board_id=board)
    newest = upload(mu.client, mu.owner, board_id=board)
    upload(mu.client, mu.owner, board_id=board, is_intermediate=True)

    def dto(token: str) -> dict[str, object]:
        return mu.client.get(f"{API}/boards/{board}", headers=bearer(token)).json()  # type: ignore[no-any-return]

    assert (dto(mu.other)["image_count"], dto(mu.other)["asset_count"]) == (2, 1)
    assert dto(mu.other)["cover_image_name"] == newest
    mu.client.delete(f"{API}/images/i/{newest}", headers=bearer(mu.owner))
    assert (dto(mu.owner)["image_count"], dto(mu.owner)["cover_image_name"]) == (1, first)
    changed = mu.client.patch(
        f"{API}/boards/{board}", json={"cover_image_name": asset}, headers=bearer(mu.owner)
    )
    assert changed.status_code == 201 and changed.json()["cover_image_name"] == asset
    elsewhere = upload(mu.client, mu.owner)
    refused = mu.client.patch(
        f"{API}/boards/{board}", json={"cover_image_name": elsewhere}, headers=bearer(mu.owner)
    )
    assert refused.status_code == 400 and dto(mu.owner)["cover_image_name"] == asset


# -- legacy single-user data ----------------------------------------------------------------------


def test_admin_sees_system_data_after_switching_to_multiuser_and_users_do_not(
    make_client: AppFactory, root: Path
) -> None:
    single = make_client()
    board = create_board(single, None, "Legacy")
    on_board, loose = upload(single, None, board_id=board), upload(single, None)
    multi = make_client(multiuser=True)
    admin = admin_token(multi)
    make_user(multi, admin, "user@example.com")
    user = login_as(multi, "user@example.com", USER_PASSWORD)
    multi.cookies.clear()

    listing = multi.get(f"{API}/boards/?all=true", headers=bearer(admin)).json()
    assert [(b["board_id"], b["user_id"], b["image_count"]) for b in listing] == [(board, "system", 1)]
    assert set(listed_names(multi, admin)) == {on_board, loose}
    assert multi.get(f"{API}/images/i/{loose}/full", headers=bearer(admin)).status_code == 200

    assert board_ids(multi, user) == set() and listed_names(multi, user) == []
    assert multi.get(f"{API}/boards/{board}", headers=bearer(user)).status_code == 403
    for name in (on_board, loose):
        assert multi.get(f"{API}/images/i/{name}", headers=bearer(user)).status_code == 403
    assert stored_files(root) == {on_board, loose}


# -- client state ---------------------------------------------------------------------------------

STATE = f"{API}/client_state/default"


def state_get(client: TestClient, token: str | None, key: str = "gallery") -> object:
    response = client.get(f"{STATE}/get_by_key", params={"key": key}, headers=bearer(token) if token else {})
    assert response.status_code == 200, response.text
    return response.json()


def state_set(client: TestClient, token: str | None, value: str, key: str = "gallery") -> None:
    response = client.post(
        f"{STATE}/set_by_key", params={"key": key}, json=value, headers=bearer(token) if token else {}
    )
    assert response.status_code == 200 and response.json() == value


def test_user_cannot_read_or_clear_another_users_client_state_and_admin_neither(mu: World) -> None:
    state_set(mu.client, mu.owner, "owner's")
    assert state_get(mu.client, mu.other) is None and state_get(mu.client, mu.admin) is None
    state_set(mu.client, mu.other, "other's")
    assert state_get(mu.client, mu.owner) == "owner's" and state_get(mu.client, mu.other) == "other's"
    prefix = {"prefix": "gal"}
    for token, keys in ((mu.owner, ["gallery"]), (mu.admin, [])):
        assert (
            mu.client.get(f"{STATE}/get_keys_by_prefix", params=prefix, headers=bearer(token)).json() == keys
        )
    mu.client.post(f"{STATE}/delete_by_key", params={"key": "gallery"}, headers=bearer(mu.admin))
    mu.client.post(f"{STATE}/delete", headers=bearer(mu.other))
    assert state_get(mu.client, mu.owner) == "owner's" and state_get(mu.client, mu.other) is None


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "get_by_key?key=k"), ("POST", "set_by_key?key=k"), ("GET", "get_keys_by_prefix?prefix=k"),
     ("POST", "delete_by_key?key=k"), ("POST", "delete")],
)  # fmt: skip
def test_anonymous_client_state_route_in_multiuser_mode_is_401(world: World, method: str, path: str) -> None:
    response = world.client.request(method, f"{STATE}/{path}", json="v" if "set" in path else None)
    assert response.status_code == 401


def test_system_client_state_stays_under_system_across_mode_switches(make_client: AppFactory) -> None:
    state_set(make_client(), None, "legacy")
    multi = make_client(multiuser=True)
    assert state_get(multi, admin_token(multi)) is None
    assert state_get(make_client(), None) == "legacy"
