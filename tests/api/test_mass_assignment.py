"""Owner fields come from the authenticated identity only: naming another user's id in a
create or update body never makes them the owner (the "mass assignment" class of advisory)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import bearer
from tests.gallery_helpers import API, World, create_board, open_world, upload
from tests.queue_helpers import Q, add_graph, pause

PROBE_FIELDS = ("user_id", "owner_id", "user", "is_admin")


@pytest.fixture
def world(root: Path) -> Iterator[World]:
    with open_world(root) as w:
        yield w


def test_board_update_naming_another_owner_is_refused_and_owner_stays(world: World) -> None:
    board_id = create_board(world.client, world.other)
    response = world.client.patch(
        f"{API}/boards/{board_id}", json={"user_id": world.owner_id}, headers=bearer(world.other)
    )
    assert response.status_code == 422
    board = world.client.get(f"{API}/boards/{board_id}", headers=bearer(world.admin)).json()
    assert board["user_id"] == world.other_id


def test_image_update_with_owner_fields_changes_nothing_but_allowed_fields(world: World) -> None:
    name = upload(world.client, world.other)
    body = {"starred": True, **dict.fromkeys(PROBE_FIELDS, world.owner_id)}
    response = world.client.patch(f"{API}/images/i/{name}", json=body, headers=bearer(world.other))
    assert response.status_code == 200
    image = world.client.get(f"{API}/images/i/{name}", headers=bearer(world.admin)).json()
    assert image["user_id"] == world.other_id and image["starred"] is True
    assert world.client.get(f"{API}/images/i/{name}", headers=bearer(world.owner)).status_code == 403


def test_enqueue_naming_another_owner_queues_for_the_caller(world: World) -> None:
    pause(world.client, world.admin)
    body = {"batch": {"graph": add_graph(), "user_id": world.owner_id}, "user_id": world.owner_id}
    response = world.client.post(f"{Q}/enqueue_batch", json=body, headers=bearer(world.other))
    assert response.status_code == 200, response.text
    [item_id] = response.json()["item_ids"]
    item = world.client.get(f"{Q}/i/{item_id}", headers=bearer(world.admin)).json()
    assert item["user_id"] == world.other_id


def test_self_update_cannot_grant_admin(world: World) -> None:
    response = world.client.patch(
        "/api/v1/auth/me", json={"display_name": "Me", "is_admin": True}, headers=bearer(world.other)
    )
    assert response.status_code in (200, 422)
    me = world.client.get("/api/v1/auth/me", headers=bearer(world.other)).json()
    assert me["is_admin"] is False
    assert world.client.get("/api/v1/auth/users", headers=bearer(world.other)).status_code == 403
