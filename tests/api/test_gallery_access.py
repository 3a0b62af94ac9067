"""SPEC §6 boards/images table as a matrix: every actor x every gallery route → the exact status,
whether the change happened (seen by an administrator), and exactly which items lists return.

Actors: the board's owner, an administrator, another user while the board is private / shared /
public, an anonymous caller in multi-user mode, the single-user `system` identity, and another
user with whom the private board is shared (SPEC §20) with `view`, `contribute` (`contrib`) or
`manage`.
Cells: a status code; `+` = the change happened, `-` = answered but nothing changed (batch skip).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.databases import SharedRoot
from tests.gallery_helpers import (
    API,
    METADATA,
    World,
    auth,
    create_board,
    image_dto,
    open_client,
    open_world,
    reset_gallery,
    upload,
    upload_response,
    upload_with_metadata,
)

ACTORS = (
    "owner", "admin", "other_private", "other_shared", "other_public", "anonymous",
    "view", "contrib", "manage",
)  # fmt: skip

TABLE = """
route                owner  admin  other_private  other_shared  other_public  anonymous  view  contrib  manage
get_board            200    200    403            200           200           401        200   200      200
patch_board          201+   201+   403            403           403           401        403   403      201+
delete_board         200+   200+   403            403           403           401        403   403      403
board_image_names    200    200    403            200           200           401        200   200      200
list_board_images    200    200    403            200           200           401        200   200      200
list_board_names     200    200    403            200           200           401        200   200      200
get_image            200    200    403            200           200           401        200   200      200
get_metadata         200    200    403            200           200           401        200   200      200
get_full             200    200    403            200           200           401        200   200      200
get_thumbnail        200    200    403            200           200           401        200   200      200
get_urls             200    200    403            200           200           401        200   200      200
patch_image          200+   200+   403            403           403           401        403   403      200+
delete_image         200+   200+   403            403           403           401        403   403      200+
star                 200+   200+   200-           200-          200-          401        200-  200-     200+
unstar               200+   200+   200-           200-          200-          401        200-  200-     200+
batch_delete         200+   200+   200-           200-          200-          401        200-  200-     200+
images_by_names      200    200    200            200           200           401        200   200      200
add_own_image        201+   201+   403            403           201+          401        403   201+     201+
remove_image         201+   201+   403            403           403           401        403   403      201+
batch_add_own_image  201+   201+   403            403           201+          401        403   201+     201+
batch_remove_image   201+   201+   201-           201-          201-          401        201-  201-     201+
upload_into_board    201+   201+   403            403           201+          401        403   201+     201+
"""
_ROWS = [line.split() for line in TABLE.strip().splitlines()]
assert tuple(_ROWS[0][1:]) == ACTORS
EXPECTED: dict[str, dict[str, str]] = {row[0]: dict(zip(ACTORS, row[1:], strict=True)) for row in _ROWS[1:]}


@dataclass(frozen=True)
class Scene:
    """The owner's board (visibility per actor) holding an image with metadata, the owner's
    uncategorized image, and the other user's own board and uncategorized image."""

    client: TestClient
    caller: str | None  # the actor's token (None: anonymous, or single-user mode)
    viewer: str | None  # an administrator's token, to observe effects
    board: str
    other_board: str
    board_img: str
    loose_img: str
    other_img: str
    mine: str  # an image the caller may put on a board (an admin may move anyone's)

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Response:
        headers = auth(self.caller if token is None else token)
        url = API + path.format(**vars(self))
        response: Response = self.client.request(method, url, json=fill(body, self), headers=headers)
        return response

    def seen(self, name: str) -> dict[str, Any] | None:
        return image_dto(self.client, self.viewer, name)


def fill(body: Any, scene: Scene) -> Any:
    if isinstance(body, str):
        return body.format(**vars(scene))
    if isinstance(body, list):
        return [fill(item, scene) for item in body]
    if isinstance(body, dict):
        return {key: fill(value, scene) for key, value in body.items()}
    return body


def build_scene(
    client: TestClient,
    owner: str | None,
    other: str | None,
    viewer: str | None,
    *,
    caller: str | None,
    mine: str,
    visibility: str = "private",
) -> Scene:
    board = create_board(client, owner, "Owner board", visibility)
    board_img = upload_with_metadata(client, owner, board_id=board)
    loose_img = upload(client, owner)
    other_board = create_board(client, other, "Other board")
    other_img = upload(client, other)
    names = {"board_img": board_img, "loose_img": loose_img, "other_img": other_img}
    return Scene(
        client=client,
        caller=caller,
        viewer=viewer,
        board=board,
        other_board=other_board,
        board_img=board_img,
        loose_img=loose_img,
        other_img=other_img,
        mine=names[mine],
    )


SHARE_PERMISSION = {"view": "view", "contrib": "contribute", "manage": "manage"}


def mu_scene(world: World, actor: str) -> Scene:
    caller = {"owner": world.owner, "admin": world.admin, "anonymous": None}.get(actor, world.other)
    permission = SHARE_PERMISSION.get(actor)
    others = actor.startswith("other_") or permission is not None
    scene = build_scene(
        world.client,
        world.owner,
        world.other,
        world.admin,
        caller=caller,
        visibility=actor.removeprefix("other_") if actor.startswith("other_") else "private",
        mine="other_img" if others or actor == "anonymous" else "loose_img",
    )
    if permission is not None:
        other_id = world.client.get(f"{API}/auth/me", headers=auth(world.other)).json()["user_id"]
        url = f"/boards/{{board}}/shares/user/{other_id}"
        shared = scene.call("PUT", url, {"permission": permission}, token=world.owner)
        assert shared.status_code == 200, shared.text
    return scene


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    body: Any = None
    effect: Callable[[Scene], bool] | None = None  # did the change happen (seen by an admin)?
    changed: str | None = None  # response field listing the names actually changed
    check: Callable[[Scene, Response], bool] | None = None  # the 2xx answer is the right one


def _upload_into_board(scene: Scene) -> Response:
    response: Response = upload_response(scene.client, scene.caller, board_id=scene.board)
    return response


def _board_named(name: str) -> Callable[[Scene], bool]:
    return lambda s: s.call("GET", "/boards/{board}", token=s.viewer).json().get("board_name") == name


def _on_board(key: str, expected: str | None) -> Callable[[Scene], bool]:
    return lambda s: (s.seen(getattr(s, key)) or {}).get("board_id", "gone") == (expected and s.board)


_gone: Callable[[Scene], bool] = lambda s: s.seen(s.board_img) is None  # noqa: E731
_starred: Callable[[Scene], bool] = lambda s: bool((s.seen(s.board_img) or {}).get("starred"))  # noqa: E731
_is_board_img: Callable[[Scene, Response], bool] = lambda s, r: r.json()["image_name"] == s.board_img  # noqa: E731
_names_board_img = {"image_names": ["{board_img}"]}

ROUTES: dict[str, Route] = {
    "get_board": Route("GET", "/boards/{board}", check=lambda s, r: r.json()["board_id"] == s.board),
    "patch_board": Route(
        "PATCH", "/boards/{board}", {"board_name": "Renamed"}, effect=_board_named("Renamed")
    ),
    "delete_board": Route(
        "DELETE", "/boards/{board}", effect=lambda s: _board_named("Owner board")(s) is False
    ),
    "board_image_names": Route(
        "GET", "/boards/{board}/image_names", check=lambda s, r: r.json() == [s.board_img]
    ),
    "list_board_images": Route(
        "GET",
        "/images/?board_id={board}",
        check=lambda s, r: (
            [i["image_name"] for i in r.json()["items"]] == [s.board_img] and r.json()["total"] == 1
        ),
    ),
    "list_board_names": Route(
        "GET", "/images/names?board_id={board}", check=lambda s, r: r.json()["image_names"] == [s.board_img]
    ),
    "get_image": Route("GET", "/images/i/{board_img}", check=_is_board_img),
    "get_metadata": Route("GET", "/images/i/{board_img}/metadata", check=lambda s, r: r.json() == METADATA),
    "get_full": Route(
        "GET", "/images/i/{board_img}/full", check=lambda s, r: r.content.startswith(b"\x89PNG\r\n\x1a\n")
    ),
    "get_thumbnail": Route(
        "GET", "/images/i/{board_img}/thumbnail", check=lambda s, r: r.headers["content-type"] == "image/webp"
    ),
    "get_urls": Route("GET", "/images/i/{board_img}/urls", check=_is_board_img),
    "patch_image": Route("PATCH", "/images/i/{board_img}", {"starred": True}, effect=_starred),
    "delete_image": Route("DELETE", "/images/i/{board_img}", effect=_gone),
    "star": Route("POST", "/images/star", _names_board_img, effect=_starred, changed="starred_images"),
    "unstar": Route(
        "POST",
        "/images/unstar",
        _names_board_img,
        effect=lambda s: not _starred(s),
        changed="unstarred_images",
    ),
    "batch_delete": Route("POST", "/images/delete", _names_board_img, effect=_gone, changed="deleted_images"),
    "images_by_names": Route("POST", "/images/images_by_names", {"image_names": ["{other_img}"]}),
    "add_own_image": Route(
        "POST",
        "/board_images/",
        {"board_id": "{board}", "image_name": "{mine}"},
        effect=_on_board("mine", "board"),
        changed="added_images",
    ),
    "remove_image": Route(
        "DELETE",
        "/board_images/",
        {"image_name": "{board_img}"},
        effect=_on_board("board_img", None),
        changed="removed_images",
    ),
    "batch_add_own_image": Route(
        "POST",
        "/board_images/batch",
        {"board_id": "{board}", "image_names": ["{mine}"]},
        effect=_on_board("mine", "board"),
        changed="added_images",
    ),
    "batch_remove_image": Route(
        "POST",
        "/board_images/batch/delete",
        _names_board_img,
        effect=_on_board("board_img", None),
        changed="removed_images",
    ),
    "upload_into_board": Route(
        "POST",
        "/images/upload",
        effect=lambda s: len(s.call("GET", "/boards/{board}/image_names", token=s.viewer).json()) == 2,
    ),
}
assert set(ROUTES) == set(EXPECTED)


@pytest.fixture(scope="module")
def world(shared_root: SharedRoot) -> Iterator[World]:
    with open_world(shared_root("gallery")) as opened:
        yield opened


@pytest.fixture
def mu(world: World) -> World:
    reset_gallery(world.client, world.admin, world.owner, world.other)
    return world


@pytest.fixture(scope="module")
def single_user(shared_root: SharedRoot) -> Iterator[TestClient]:
    with open_client(shared_root("single")) as client:
        yield client


@pytest.fixture
def su(single_user: TestClient) -> TestClient:
    reset_gallery(single_user, None)
    return single_user


def run_route(scene: Scene, name: str, cell: str) -> None:
    route = ROUTES[name]
    if name == "unstar":
        assert scene.call("POST", "/images/star", _names_board_img, token=scene.viewer).status_code == 200
    response = (
        _upload_into_board(scene)
        if name == "upload_into_board"
        else scene.call(route.method, route.path, route.body)
    )
    status, changed = int(cell.rstrip("+-")), cell.endswith("+")
    assert response.status_code == status, response.text
    if status >= 400:
        assert set(response.json()) == {"detail"}
    elif route.check is not None:
        assert route.check(scene, response), response.text
    if route.changed is not None and status < 400:
        target = scene.mine if "add" in name else scene.board_img
        assert response.json()[route.changed] == ([target] if changed else [])
    if route.effect is not None:
        assert route.effect(scene) is changed


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("actor", ACTORS)
def test_actor_calls_gallery_route_and_gets_the_spec_outcome(mu: World, actor: str, route: str) -> None:
    run_route(mu_scene(mu, actor), route, EXPECTED[route][actor])


@pytest.mark.parametrize("route", list(ROUTES))
def test_system_calls_gallery_route_in_single_user_mode_and_is_allowed(su: TestClient, route: str) -> None:
    scene = build_scene(su, None, None, None, caller=None, mine="loose_img")
    run_route(scene, route, EXPECTED[route]["owner"])


@pytest.mark.parametrize("route", [r for r in ROUTES if r != "images_by_names"])
@pytest.mark.parametrize("actor", ["owner", "admin", "other_public"])
def test_actor_naming_a_missing_board_or_image_gets_404(world: World, actor: str, route: str) -> None:
    caller = {"owner": world.owner, "admin": world.admin}.get(actor, world.other)
    missing = f"{uuid.uuid4()}.png"
    scene = Scene(world.client, caller, world.admin, str(uuid.uuid4()), str(uuid.uuid4()), *[missing] * 4)
    response = (
        _upload_into_board(scene)
        if route == "upload_into_board"
        else scene.call(ROUTES[route].method, ROUTES[route].path, ROUTES[route].body)
    )
    assert response.status_code == 404, response.text
    assert set(response.json()) == {"detail"}


# -- lists: silently filtered; compare exactly which items come back ---------------------------

ALL_IMAGES = "board_img loose_img other_img"
VISIBLE = {
    #              boards                 images (no board)   uncategorized         by names
    "owner": ("board", "board_img loose_img", "loose_img", "board_img loose_img"),
    "admin": ("board other_board", ALL_IMAGES, "loose_img other_img", ALL_IMAGES),
    "other_private": ("other_board", "other_img", "other_img", "other_img"),
    "other_shared": ("board other_board", "other_img", "other_img", "board_img other_img"),
    "other_public": ("board other_board", "other_img", "other_img", "board_img other_img"),
    "view": ("board other_board", "other_img", "other_img", "board_img other_img"),
    "contrib": ("board other_board", "other_img", "other_img", "board_img other_img"),
    "manage": ("board other_board", "other_img", "other_img", "board_img other_img"),
    "system": ("board other_board", ALL_IMAGES, "loose_img other_img", ALL_IMAGES),
}
LISTS = ("boards", "boards_page", "images", "image_names", "uncategorized", "uncategorized_names", "by_names")


def list_result(scene: Scene, which: str) -> tuple[int, set[str]]:
    """(status, symbolic names of what came back), checking totals against the items."""
    symbols = {getattr(scene, k): k for k in ("board", "other_board", "board_img", "loose_img", "other_img")}
    query = "?board_id=none" if which.startswith("uncategorized") else ""
    if which == "by_names":
        body = {"image_names": ["{board_img}", "{loose_img}", "{other_img}", f"{uuid.uuid4()}.png"]}
        response = scene.call("POST", "/images/images_by_names", body)
        got = [i["image_name"] for i in response.json()] if response.status_code == 200 else []
    elif which == "boards":
        response = scene.call("GET", "/boards/?all=true")
        got = [b["board_id"] for b in response.json()] if response.status_code == 200 else []
    elif which == "boards_page":
        response = scene.call("GET", "/boards/?offset=0&limit=50")
        got = [b["board_id"] for b in response.json().get("items", [])]
        assert response.status_code != 200 or response.json()["total"] == len(got)
    elif which.endswith("names"):
        response = scene.call("GET", "/images/names" + query)
        got = response.json().get("image_names", [])
        assert response.status_code != 200 or response.json()["total_count"] == len(got)
    else:
        response = scene.call("GET", "/images/" + (query or "?") + "&limit=100")
        got = [i["image_name"] for i in response.json().get("items", [])]
        assert response.status_code != 200 or response.json()["total"] == len(got)
    assert len(got) == len(set(got))
    return response.status_code, {symbols.get(name, name) for name in got}


def expected_list(actor: str, which: str) -> set[str]:
    boards, images, uncategorized, by_names = VISIBLE[actor]
    column = {"boards": boards, "boards_page": boards, "by_names": by_names}
    return set(column.get(which, uncategorized if which.startswith("uncategorized") else images).split())


@pytest.mark.parametrize("which", LISTS)
@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_actor_lists_gallery_and_sees_exactly_what_spec_allows(mu: World, actor: str, which: str) -> None:
    status, got = list_result(mu_scene(mu, actor), which)
    assert status == 200
    assert got == expected_list(actor, which)


@pytest.mark.parametrize("which", LISTS)
def test_anonymous_lists_gallery_in_multiuser_mode_and_is_401(mu: World, which: str) -> None:
    scene = replace(mu_scene(mu, "owner"), caller=None)
    assert list_result(scene, which) == (401, set())


def test_system_lists_gallery_in_single_user_mode_and_sees_everything(su: TestClient) -> None:
    scene = build_scene(su, None, None, None, caller=None, mine="loose_img")
    for which in LISTS:
        assert list_result(scene, which) == (200, expected_list("system", which)), which
