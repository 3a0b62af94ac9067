"""Board lists (`GET /api/v1/boards/`): what each entry shows, paging and totals, and who sees
which boards — the figures come from one list query plus the image counts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user
from tests.gallery_helpers import create_board, set_visibility, upload

API = "/api/v1/boards/"


def test_user_lists_boards_with_counts_cover_and_owner_name(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    make_user(mu_client, admin, "bob@example.com", display_name="Bob")
    bob = login_as(mu_client, "bob@example.com", USER_PASSWORD)
    board = create_board(mu_client, bob, "Holiday")
    create_board(mu_client, bob, "Empty")
    upload(mu_client, bob, board_id=board)
    upload(mu_client, bob, board_id=board, category="user")
    newest = upload(mu_client, bob, board_id=board)
    upload(mu_client, bob, board_id=board, is_intermediate=True)  # never counted nor a cover
    listed = {
        b["board_name"]: b for b in mu_client.get(API, params={"all": True}, headers=bearer(bob)).json()
    }
    holiday, empty = listed["Holiday"], listed["Empty"]
    assert (holiday["image_count"], holiday["asset_count"]) == (2, 1)
    assert holiday["cover_image_name"] == newest
    assert holiday["owner_username"] == "Bob"
    assert (empty["image_count"], empty["asset_count"], empty["cover_image_name"]) == (0, 0, None)


def test_pages_carry_the_total_also_past_the_end(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    for n in range(5):
        create_board(mu_client, admin, f"Board {n}")
    page = mu_client.get(
        API,
        params={"offset": 1, "limit": 2, "order_by": "board_name", "direction": "ASC"},
        headers=bearer(admin),
    ).json()
    assert (page["total"], page["offset"], page["limit"]) == (5, 1, 2)
    assert [b["board_name"] for b in page["items"]] == ["Board 1", "Board 2"]
    beyond = mu_client.get(API, params={"offset": 50, "limit": 2}, headers=bearer(admin)).json()
    assert (beyond["total"], beyond["items"]) == (5, [])


def test_others_see_shared_and_public_boards_but_not_private_or_archived_ones(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    for email in ("bob@example.com", "carol@example.com"):
        make_user(mu_client, admin, email)
    bob, carol = (
        login_as(mu_client, "bob@example.com", USER_PASSWORD),
        login_as(mu_client, "carol@example.com", USER_PASSWORD),
    )
    private = create_board(mu_client, bob, "Private")
    shared = create_board(mu_client, bob, "Shared")
    public = create_board(mu_client, bob, "Public")
    set_visibility(mu_client, bob, shared, "shared")
    set_visibility(mu_client, bob, public, "public")
    archived = create_board(mu_client, bob, "Archived")
    set_visibility(mu_client, bob, archived, "shared")
    mu_client.patch(f"{API}{archived}", json={"archived": True}, headers=bearer(bob))

    def names(token: str, **params: object) -> list[str]:
        boards = mu_client.get(API, params={"all": True, **params}, headers=bearer(token)).json()
        return sorted(b["board_name"] for b in boards)

    assert names(carol) == ["Public", "Shared"]
    assert names(carol, include_archived=True) == ["Archived", "Public", "Shared"]
    assert names(bob) == ["Private", "Public", "Shared"]
    assert names(admin) == ["Private", "Public", "Shared"]
    paged = mu_client.get(API, params={"offset": 0, "limit": 10}, headers=bearer(carol)).json()
    assert paged["total"] == 2 and private not in {b["board_id"] for b in paged["items"]}
