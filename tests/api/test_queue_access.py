"""SPEC §7 queue access in multi-user mode: owner A ("owner"), another user B ("other"), an
administrator, and anonymous callers. B sees A's items only redacted, never A's prompt text; bulk
operations by B touch only B's items; single-item changes to A's items are 403 for B.

One app and three logins per module; every test starts from an empty, paused queue.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.databases import SharedRoot
from tests.factories import USER_PASSWORD, bearer, login_as, make_user
from tests.gallery_helpers import (
    World,
    auth,
    create_board,
    listed_names,
    open_world,
    set_visibility,
    upload_with_metadata,
)
from tests.queue_helpers import (
    Q,
    add_graph,
    edge,
    enqueue,
    enqueue_response,
    get_item,
    image_graph,
    list_all,
    mark_failed,
    mark_in_progress,
    pause,
    put,
    resume,
    status,
    wait_for,
)

SECRET = f"zebra-prompt-{uuid.uuid4().hex}"
ORIGIN, DEST = f"origin-{SECRET}", f"dest-{SECRET}"
KEPT = ("item_id", "queue_id", "status", "created_at", "updated_at", "started_at", "completed_at")
NULLED = (
    "user_display_name", "user_email", "origin", "destination", "field_values",
    "error_type", "error_message", "error_traceback", "workflow", "retried_from_item_id",
)  # fmt: skip
REDACTED = {"user_id": "redacted", "batch_id": "redacted", "session_id": "redacted", "priority": 0}
REDACTED |= dict.fromkeys(NULLED)


@pytest.fixture(scope="module")
def world(shared_root: SharedRoot) -> Iterator[World]:
    with open_world(shared_root("queue_access")) as opened:
        yield opened


@pytest.fixture
def clean(world: World) -> World:
    pause(world.client, world.admin)
    put(world.client, world.admin, "clear")
    return world


@dataclass(frozen=True)
class Scene:
    failed: int  # A's failed item (error_* set)
    retry: int  # A's pending retry of it (retried_from_item_id set)
    main: list[int]  # A's prepended batch (priority 1, field_values, workflow)
    a_batch: str
    b_pending: int
    b_canceled: int
    b_batch: str

    @property
    def a_items(self) -> list[int]:
        return [self.failed, self.retry, *self.main]


def secret_graph() -> dict[str, Any]:
    graph = add_graph()
    graph["nodes"]["prompt"] = {"type": "string", "value": SECRET}
    return graph


@pytest.fixture
def scene(clean: World) -> Scene:
    c, a, b = clean.client, clean.owner, clean.other
    failed = enqueue(c, a, secret_graph(), origin=ORIGIN, destination=DEST)["item_ids"][0]
    mark_failed(clean.root, failed, f"failed on {SECRET}")
    retry = put(c, a, "retry_items_by_id", json=[failed])["retried_item_ids"][0]
    b_batch = enqueue(c, b, add_graph(), runs=2, origin="b-origin", destination="b-dest")
    b_canceled, b_pending = sorted(b_batch["item_ids"])
    put(c, b, f"i/{b_canceled}/cancel")
    data = [[{"node_path": "prompt", "field_name": "value", "items": [f"{SECRET}-1", f"{SECRET}-2"]}]]
    main = enqueue(c, a, secret_graph(), prepend=True, origin=ORIGIN, destination=DEST, data=data,
                   workflow={"name": SECRET})  # fmt: skip
    assert main["priority"] == 1
    return Scene(failed, retry, sorted(main["item_ids"]), main["batch"]["batch_id"], b_pending, b_canceled,
                 b_batch["batch"]["batch_id"])  # fmt: skip


def admin_view(world: World, ids: list[int]) -> dict[int, dict[str, Any]]:
    response = world.client.post(f"{Q}/items_by_ids", json={"item_ids": ids}, headers=bearer(world.admin))
    return {item["item_id"]: item for item in response.json()}


def assert_redacted(got: dict[str, Any], full: dict[str, Any]) -> None:
    assert set(got) == set(full)
    assert {k: got[k] for k in REDACTED} == REDACTED
    assert {k: got[k] for k in KEPT} == {k: full[k] for k in KEPT}
    assert got["session"]["graph"]["nodes"] == {} and got["session"]["graph"]["edges"] == []
    assert not got["session"].get("results") and got["session"]["id"] == "redacted"


def read_as(world: World, token: str, route: str, scene: Scene) -> tuple[list[dict[str, Any]], list[str]]:
    """The items `route` returns to `token`, and the raw response texts."""
    c, h = world.client, bearer(token)
    if route == "current":
        mark_in_progress(world.root, scene.main[0])
    if route == "item":
        responses = [c.get(f"{Q}/i/{i}", headers=h) for i in scene.a_items]
    else:
        responses = [{
            "list_all": lambda: c.get(f"{Q}/list_all", headers=h),
            "list": lambda: c.get(f"{Q}/list", params={"limit": 100}, headers=h),
            "items_by_ids": lambda: c.post(f"{Q}/items_by_ids", json={"item_ids": scene.a_items}, headers=h),
            "current": lambda: c.get(f"{Q}/current", headers=h),
            "next": lambda: c.get(f"{Q}/next", headers=h),
        }[route]()]  # fmt: skip
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    items: list[dict[str, Any]] = []
    for body in (r.json() for r in responses):
        items.extend(body["items"] if route == "list" else body if isinstance(body, list) else [body])
    return items, [r.text for r in responses]


READ_ROUTES = ("list_all", "list", "items_by_ids", "item", "current", "next")


@pytest.mark.parametrize("route", READ_ROUTES)
def test_other_reads_owner_items_redacted_without_prompt_text(world: World, scene: Scene, route: str) -> None:
    items, texts = read_as(world, world.other, route, scene)
    full = admin_view(world, scene.a_items)
    mine = [item for item in items if item["item_id"] in full]
    assert mine, "the route returned none of the owner's items"
    for item in mine:
        assert_redacted(item, full[item["item_id"]])
    for text in texts:
        assert SECRET not in text and "owner@example.com" not in text and "Olive" not in text
        assert world.owner_id not in text


@pytest.mark.parametrize("route", READ_ROUTES)
@pytest.mark.parametrize("actor", ["owner", "admin"])
def test_owner_and_admin_read_full_items(world: World, scene: Scene, route: str, actor: str) -> None:
    """In full, except that an owner who is not an admin reads a failed item's error as a sentence."""
    items, _ = read_as(world, getattr(world, actor), route, scene)
    full = admin_view(world, scene.a_items)
    mine = [item for item in items if item["item_id"] in full]
    expected = full if actor == "admin" else {i: for_person(item) for i, item in full.items()}
    assert mine and all(item == expected[item["item_id"]] for item in mine)
    assert all(item["user_id"] == world.owner_id and item["origin"] == ORIGIN for item in mine)


def for_person(item: dict[str, Any]) -> dict[str, Any]:
    """`item` as its owner (not an admin) reads it: mark_failed's ValueError is a settings error
    whose short message is kept after the sentence; no traceback."""
    if item["error_type"] is None:
        return item
    sentence = f"The generation settings could not be used. Check them and try again. {item['error_message']}"
    errors = dict.fromkeys(item["session"].get("errors") or {}, sentence)
    return (
        item
        | {"error_type": "invalid_settings", "error_message": sentence, "error_traceback": None}
        | {"session": item["session"] | {"errors": errors}}
    )


def test_owner_admin_and_other_see_the_details_each_is_entitled_to(world: World, scene: Scene) -> None:
    full = admin_view(world, [*scene.a_items, scene.b_pending])
    failed, retry, first = full[scene.failed], full[scene.retry], full[scene.main[0]]
    assert SECRET in failed["error_message"] and retry["retried_from_item_id"] == scene.failed
    assert first["priority"] == 1 and first["workflow"] == {"name": SECRET}
    assert first["field_values"] == [{"node_path": "prompt", "field_name": "value", "value": f"{SECRET}-1"}]
    assert first["user_display_name"] == "Olive Owner" and first["user_email"] == "owner@example.com"
    seen_by_owner = {i["item_id"]: i for i in list_all(world.client, world.owner)}
    assert_redacted(seen_by_owner[scene.b_pending], full[scene.b_pending])
    own = {i["item_id"]: i for i in list_all(world.client, world.other)}[scene.b_pending]
    assert own == full[scene.b_pending] and own["origin"] == "b-origin"


def test_everyone_gets_global_counts_but_only_own_user_counts_and_current(world: World, scene: Scene) -> None:
    mark_in_progress(world.root, scene.main[0])
    seen = {a: status(world.client, getattr(world, a))["queue"] for a in ("owner", "other", "admin")}
    counts = ("pending", "in_progress", "completed", "failed", "canceled", "total")
    for queue in seen.values():
        assert {k: queue[k] for k in counts} == {
            "pending": 3, "in_progress": 1, "completed": 0, "failed": 1, "canceled": 1, "total": 6,
        }  # fmt: skip
    assert (seen["owner"]["user_pending"], seen["owner"]["user_in_progress"]) == (2, 1)
    assert (seen["other"]["user_pending"], seen["other"]["user_in_progress"]) == (1, 0)
    current = get_item(world.client, world.admin, scene.main[0])
    for actor in ("owner", "admin"):
        queue = seen[actor]
        assert (queue["item_id"], queue["batch_id"]) == (scene.main[0], scene.a_batch)
        assert queue["session_id"] == current["session_id"]
    assert (seen["other"]["item_id"], seen["other"]["batch_id"], seen["other"]["session_id"]) == (None,) * 3


def test_other_batch_and_destination_counts_cover_only_own_items(world: World, scene: Scene) -> None:
    c = world.client
    response = c.get(f"{Q}/b/{scene.a_batch}/status", headers=bearer(world.other))
    assert response.json()["total"] == 0 and SECRET not in response.text
    assert c.get(f"{Q}/b/{scene.a_batch}/status", headers=bearer(world.owner)).json()["pending"] == 2
    for actor, total in (("other", 0), ("owner", 4), ("admin", 4)):
        counts = c.get(
            f"{Q}/counts_by_destination", params={"destination": DEST}, headers=auth(getattr(world, actor))
        )
        assert counts.json()["total"] == total, actor
    ids = {a: c.get(f"{Q}/item_ids", headers=bearer(getattr(world, a))).json() for a in ("other", "admin")}
    assert ids["other"] == ids["admin"] and set(scene.a_items) <= set(ids["other"]["item_ids"])


SINGLE = {
    "cancel": lambda c, h, s: c.put(f"{Q}/i/{s.main[0]}/cancel", headers=h),
    "delete": lambda c, h, s: c.delete(f"{Q}/i/{s.main[0]}", headers=h),
    "retry": lambda c, h, s: c.put(f"{Q}/retry_items_by_id", json=[s.failed], headers=h),
}


@pytest.mark.parametrize("action", SINGLE)
def test_other_changing_owner_item_is_403_and_admin_may(world: World, scene: Scene, action: str) -> None:
    before = admin_view(world, scene.a_items)
    response = SINGLE[action](world.client, bearer(world.other), scene)
    assert response.status_code == 403, response.text
    assert SECRET not in response.text and admin_view(world, scene.a_items) == before
    response = SINGLE[action](world.client, bearer(world.admin), scene)
    assert response.status_code == 200, response.text
    after = admin_view(world, scene.a_items)
    if action == "cancel":
        assert after[scene.main[0]]["status"] == "canceled"
    elif action == "delete":
        assert scene.main[0] not in after
    else:
        [new_id] = response.json()["retried_item_ids"]
        retried = admin_view(world, [new_id])[new_id]
        assert (retried["user_id"], retried["retried_from_item_id"]) == (world.owner_id, scene.failed)


@pytest.mark.parametrize("actor", ["other", "owner", "admin"])
def test_anyone_changing_missing_item_gets_404(world: World, clean: World, actor: str) -> None:
    h = bearer(getattr(world, actor))
    assert world.client.put(f"{Q}/i/999999/cancel", headers=h).status_code == 404
    assert world.client.delete(f"{Q}/i/999999", headers=h).status_code == 404
    assert world.client.get(f"{Q}/i/999999", headers=h).status_code == 404


# route: request kwargs (from the scene), result for B (other), result for an administrator, and
# the owner's (failed, retry, main batch) statuses after the administrator's call (None: deleted).
Bulk = tuple[Callable[[Scene], dict[str, Any]], dict[str, int], dict[str, int], tuple[str | None, ...]]
BULK: dict[str, Bulk] = {
    "cancel_by_batch_ids": (lambda s: {"json": {"batch_ids": [s.a_batch, s.b_batch]}},
                            {"canceled": 1}, {"canceled": 3}, ("failed", "pending", "canceled")),
    "cancel_by_destination": (lambda s: {"params": {"destination": DEST}},
                              {"canceled": 0}, {"canceled": 3}, ("failed", "canceled", "canceled")),
    "cancel_all_except_current": (lambda s: {}, {"canceled": 1}, {"canceled": 4},
                                  ("failed", "canceled", "canceled")),
    "delete_all_except_current": (lambda s: {}, {"deleted": 1}, {"deleted": 4}, ("failed", None, None)),
    "prune": (lambda s: {}, {"deleted": 1}, {"deleted": 2}, (None, "pending", "pending")),
    "clear": (lambda s: {}, {"deleted": 2}, {"deleted": 6}, (None, None, None)),
}  # fmt: skip


def owner_statuses(world: World, scene: Scene) -> tuple[str | None, ...]:
    seen = {i: item["status"] for i, item in admin_view(world, scene.a_items).items()}
    main = {seen.get(i) for i in scene.main}
    assert len(main) == 1, main
    return (seen.get(scene.failed), seen.get(scene.retry), *main)


@pytest.mark.parametrize("route", BULK)
def test_other_bulk_operation_leaves_owner_items_untouched(world: World, scene: Scene, route: str) -> None:
    kwargs, by_other, _, _ = BULK[route]
    before = admin_view(world, scene.a_items)
    assert put(world.client, world.other, route, **kwargs(scene)) == by_other
    assert admin_view(world, scene.a_items) == before


@pytest.mark.parametrize("route", BULK)
def test_admin_bulk_operation_affects_every_user(world: World, scene: Scene, route: str) -> None:
    kwargs, _, by_admin, owner_after = BULK[route]
    assert owner_statuses(world, scene) == ("failed", "pending", "pending")
    assert put(world.client, world.admin, route, **kwargs(scene)) == by_admin
    assert owner_statuses(world, scene) == owner_after


@pytest.mark.parametrize("action", ["pause", "resume"])
def test_non_admin_processor_control_is_403_and_admin_may(world: World, clean: World, action: str) -> None:
    for user in (world.other, world.owner):
        assert world.client.put(f"{Q}/processor/{action}", headers=bearer(user)).status_code == 403
    assert world.client.put(f"{Q}/processor/{action}", headers=bearer(world.admin)).status_code == 200
    pause(world.client, world.admin)


def test_anonymous_gets_401_on_every_queue_route(world: World) -> None:
    paths = world.client.get("/openapi.json").json()["paths"]
    routes = [
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith(("/api/v1/queue/", "/api/v1/nodes"))
        for method in operations
    ]
    assert len(routes) >= 23  # 22 queue routes + /nodes
    body = {"batch": {"graph": add_graph()}, "item_ids": [1], "batch_ids": ["b"]}
    for method, path in routes:
        url = path.format(queue_id="default", item_id=1, batch_id="b", destination="d")
        response = world.client.request(method, url, params={"destination": "d"}, json=body)
        assert response.status_code == 401, (method, path, response.status_code)


def run_as(world: World, token: str, graph: dict[str, Any]) -> dict[str, Any]:
    item_id = enqueue(world.client, token, graph)["item_ids"][0]
    resume(world.client, world.admin)
    item = wait_for(world.client, token, item_id)
    pause(world.client, world.admin)
    return item


def test_other_cannot_load_owner_image_through_image_node(clean: World) -> None:
    c = clean.client
    name = upload_with_metadata(c, clean.owner)
    assert c.get(f"/api/v1/images/i/{name}", headers=bearer(clean.other)).status_code == 403
    gallery = listed_names(c, clean.other)
    graph = {
        "nodes": {"load": {"type": "image", "image": {"image_name": name}}, "save": {"type": "save_image"}},
        "edges": [edge("load", "image", "save", "image")],
    }
    # Refused before anything is queued (the preflight checks every image the graph names).
    refused = enqueue_response(c, clean.other, graph)
    assert refused.status_code == 403 and name in refused.json()["detail"]
    text = refused.text
    assert "red fox" not in text and clean.owner_id not in text and "owner@example.com" not in text
    assert listed_names(c, clean.other) == gallery


def test_other_cannot_save_into_owner_private_board_but_owner_and_public_can(clean: World) -> None:
    c = clean.client
    board = create_board(c, clean.owner, "Owner's board")
    refused = run_as(clean, clean.other, image_graph(board_id=board))
    assert refused["status"] == "failed" and "save" not in refused["session"]["results"]
    assert listed_names(c, clean.admin, board_id=board) == []
    own = run_as(clean, clean.owner, image_graph(board_id=board))
    assert own["status"] == "completed", own
    saved = own["session"]["results"]["save"]["image"]["image_name"]
    dto = c.get(f"/api/v1/images/i/{saved}", headers=bearer(clean.owner)).json()
    assert (dto["user_id"], dto["board_id"], dto["node_id"]) == (clean.owner_id, board, "save")
    assert dto["session_id"] == own["session_id"]
    assert listed_names(c, clean.admin, board_id=board) == [saved]
    assert c.get(f"/api/v1/images/i/{saved}", headers=bearer(clean.other)).status_code == 403
    set_visibility(c, clean.owner, board, "public")
    assert run_as(clean, clean.other, image_graph(board_id=board))["status"] == "completed"


@pytest.mark.parametrize("change", ["deactivate", "delete"])
def test_admin_removing_user_cancels_their_pending_and_running_items(clean: World, change: str) -> None:
    c, email = clean.client, f"leaver-{uuid.uuid4().hex[:8]}@example.com"
    user_id = make_user(c, clean.admin, email)["user_id"]
    token = login_as(c, email, USER_PASSWORD)
    c.cookies.clear()
    theirs = sorted(enqueue(c, token, add_graph(), runs=3)["item_ids"])
    others = enqueue(c, clean.other, add_graph())["item_ids"]
    mark_in_progress(clean.root, theirs[0])
    url, admin = f"/api/v1/auth/users/{user_id}", bearer(clean.admin)
    if change == "deactivate":
        response = c.patch(url, json={"is_active": False}, headers=admin)
    else:
        response = c.delete(url, headers=admin)
    assert response.status_code in (200, 204), response.text
    after = admin_view(clean, theirs + others)
    assert {after[i]["status"] for i in theirs} == {"canceled"}
    assert after[others[0]]["status"] == "pending"
    assert c.get(f"{Q}/status", headers=bearer(token)).status_code == 401


def test_delete_by_destination_is_scoped_to_the_caller(world: World, scene: Scene) -> None:
    before = admin_view(world, scene.a_items)
    other = world.client.delete(f"{Q}/d/{DEST}", headers=bearer(world.other))
    assert other.status_code == 200 and other.json() == {"deleted": 0}
    assert admin_view(world, scene.a_items) == before
    admin = world.client.delete(f"{Q}/d/{DEST}", headers=bearer(world.admin))
    assert admin.json() == {"deleted": 4}  # every one of A's items carries that destination
    assert owner_statuses(world, scene) == (None, None, None)
