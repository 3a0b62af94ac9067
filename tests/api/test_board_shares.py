"""Board shares (SPEC §20): sharing with a group, the share list and who may see and change it,
"shared with me (permission)" in board lists, revocation on the next request, and bad input.
The route-by-route rights of each permission are in `test_gallery_access.py`'s matrix."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user
from tests.gallery_helpers import API, create_board, upload, upload_response

BOARDS = f"{API}/boards"


class People:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.admin = admin_token(client)
        self.ids: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        for name in ("owner", "bob", "carol", "dave"):
            self.ids[name] = make_user(client, self.admin, f"{name}@example.com", display_name=name.title())[
                "user_id"
            ]
            self.tokens[name] = login_as(client, f"{name}@example.com", USER_PASSWORD)
        created = client.post(f"{API}/groups", json={"name": "Club"}, headers=bearer(self.admin)).json()
        self.group_id: str = created["group_id"]
        client.put(f"{API}/groups/{self.group_id}/members/{self.ids['carol']}", headers=bearer(self.admin))

    def h(self, who: str) -> dict[str, str]:
        return bearer(self.admin if who == "admin" else self.tokens[who])

    def share(self, who: str, board: str, kind: str, subject: str, permission: Any) -> Any:
        url = f"{BOARDS}/{board}/shares/{kind}/{subject}"
        return self.client.put(url, json={"permission": permission}, headers=self.h(who))

    def boards(self, who: str) -> dict[str, dict[str, Any]]:
        listed = self.client.get(f"{BOARDS}/", params={"all": "true"}, headers=self.h(who)).json()
        return {b["board_id"]: b for b in listed}


@pytest.fixture
def people(mu_client: TestClient) -> People:
    return People(mu_client)


def test_group_share_reaches_members_and_shows_the_permission(people: People) -> None:
    board = create_board(people.client, people.tokens["owner"], "Holiday")
    shared = people.share("owner", board, "group", people.group_id, "contribute")
    assert shared.status_code == 200
    assert shared.json() | {"created_at": None} == {
        "board_id": board, "kind": "group", "id": people.group_id, "name": "Club",
        "permission": "contribute", "created_at": None,
    }  # fmt: skip
    carol_boards = people.boards("carol")
    assert carol_boards[board]["shared_permission"] == "contribute"
    assert board not in people.boards("bob")
    assert people.boards("owner")[board]["shared_permission"] is None
    assert upload_response(people.client, people.tokens["carol"], board_id=board).status_code == 201
    # The best of a person's shares counts: a personal `manage` on top of the group's `contribute`.
    people.share("owner", board, "user", people.ids["carol"], "manage")
    assert people.boards("carol")[board]["shared_permission"] == "manage"
    page = people.client.get(
        f"{BOARDS}/", params={"offset": 0, "limit": 10}, headers=people.h("carol")
    ).json()
    assert [(b["board_id"], b["shared_permission"]) for b in page["items"]] == [(board, "manage")]
    # Leaving the group keeps the personal share only.
    people.client.delete(
        f"{API}/groups/{people.group_id}/members/{people.ids['carol']}", headers=people.h("admin")
    )
    assert people.boards("carol")[board]["shared_permission"] == "manage"


def test_revoking_a_share_takes_effect_on_the_next_request(people: People) -> None:
    board = create_board(people.client, people.tokens["owner"], "Private")
    image = upload(people.client, people.tokens["owner"], board_id=board)
    people.share("owner", board, "user", people.ids["bob"], "view")
    assert people.client.get(f"{API}/images/i/{image}", headers=people.h("bob")).status_code == 200
    gone = people.client.delete(
        f"{BOARDS}/{board}/shares/user/{people.ids['bob']}", headers=people.h("owner")
    )
    assert gone.status_code == 204
    assert people.client.get(f"{API}/images/i/{image}", headers=people.h("bob")).status_code == 403
    assert people.client.get(f"{BOARDS}/{board}", headers=people.h("bob")).status_code == 403
    assert board not in people.boards("bob")
    again = people.client.delete(
        f"{BOARDS}/{board}/shares/user/{people.ids['bob']}", headers=people.h("owner")
    )
    assert again.status_code == 404


def test_who_may_list_and_change_shares(people: People) -> None:
    board = create_board(people.client, people.tokens["owner"], "Team")
    people.share("owner", board, "user", people.ids["dave"], "manage")
    people.share("owner", board, "user", people.ids["bob"], "view")
    listed = people.client.get(f"{BOARDS}/{board}/shares", headers=people.h("dave"))
    assert listed.status_code == 200
    assert [(s["name"], s["permission"]) for s in listed.json()] == [("Dave", "manage"), ("Bob", "view")]
    assert people.client.get(f"{BOARDS}/{board}/shares", headers=people.h("bob")).status_code == 403
    assert people.client.get(f"{BOARDS}/{board}/shares", headers=people.h("carol")).status_code == 403
    assert people.client.get(f"{BOARDS}/{board}/shares", headers=people.h("admin")).status_code == 200
    # Managers do everything but delete the board or change its shares.
    assert people.share("dave", board, "user", people.ids["carol"], "view").status_code == 403
    bob_share = f"{BOARDS}/{board}/shares/user/{people.ids['bob']}"
    assert people.client.delete(bob_share, headers=people.h("dave")).status_code == 403
    assert people.client.delete(f"{BOARDS}/{board}", headers=people.h("dave")).status_code == 403
    assert people.share("admin", board, "user", people.ids["carol"], "view").status_code == 200
    assert people.client.get(f"{BOARDS}/{board}/shares").status_code == 401


def test_bad_share_requests_name_what_was_wrong(people: People) -> None:
    board = create_board(people.client, people.tokens["owner"], "Mine")
    oneself = people.share("owner", board, "user", people.ids["owner"], "view")
    assert oneself.status_code == 400 and oneself.json()["detail"].startswith("id:")
    unknown = people.share("owner", board, "user", "no-such-user", "view")
    assert unknown.status_code == 400 and "no user" in unknown.json()["detail"]
    people.client.delete(f"{API}/auth/users/{people.ids['bob']}", headers=people.h("admin"))
    deleted = people.share("owner", board, "user", people.ids["bob"], "view")
    assert deleted.status_code == 400 and "no user" in deleted.json()["detail"]
    no_group = people.share("owner", board, "group", "no-such-group", "view")
    assert no_group.status_code == 400 and "no group" in no_group.json()["detail"]
    bad_kind = people.share("owner", board, "team", people.ids["carol"], "view")
    assert bad_kind.status_code == 422 and bad_kind.json()["detail"][0]["loc"] == ["path", "kind"]
    bad_permission = people.share("owner", board, "user", people.ids["carol"], "own")
    assert bad_permission.status_code == 422 and bad_permission.json()["detail"][0]["loc"] == [
        "body",
        "permission",
    ]
    assert people.share("owner", "no-such-board", "user", people.ids["carol"], "view").status_code == 404
    assert people.share("carol", board, "user", people.ids["carol"], "view").status_code == 403
    assert people.client.get(f"{BOARDS}/{board}/shares", headers=people.h("owner")).json() == []


def test_a_person_can_be_named_by_e_mail(people: People) -> None:
    board = create_board(people.client, people.tokens["owner"], "Family")
    shared = people.share("owner", board, "user", "CAROL@example.com", "view")
    assert shared.status_code == 200 and shared.json()["id"] == people.ids["carol"]
    assert people.boards("carol")[board]["shared_permission"] == "view"
    unknown = people.share("owner", board, "user", "nobody@example.com", "view")
    assert unknown.status_code == 400 and unknown.json()["detail"] == "id: no user 'nobody@example.com'"
