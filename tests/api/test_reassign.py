"""Deleting a user keeps or reassigns their content; legacy single-user data can be handed over."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import AppFactory
from tests.factories import USER_PASSWORD, admin_token, bearer, login_as, make_user


def upload(client: TestClient, token: str | None, board_id: str | None = None) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(buffer, "PNG")
    query = "image_category=general&is_intermediate=false" + (f"&board_id={board_id}" if board_id else "")
    response = client.post(
        f"/api/v1/images/upload?{query}",
        files={"file": ("a.png", buffer.getvalue(), "image/png")},
        headers=bearer(token) if token else {},
    )
    assert response.status_code == 201, response.text
    name: str = response.json()["image_name"]
    return name


def test_admin_deletes_user_and_their_content_stays_visible_to_admins(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    bob = make_user(mu_client, admin, "bob@example.com")
    token = login_as(mu_client, "bob@example.com", USER_PASSWORD)
    board_id = mu_client.post("/api/v1/boards/?board_name=Bob", headers=bearer(token)).json()["board_id"]
    image = upload(mu_client, token, board_id)

    assert mu_client.delete(f"/api/v1/auth/users/{bob['user_id']}", headers=bearer(admin)).status_code == 204

    assert (
        mu_client.get(f"/api/v1/images/i/{image}", headers=bearer(admin)).json()["user_id"] == bob["user_id"]
    )
    assert mu_client.get(f"/api/v1/boards/{board_id}", headers=bearer(admin)).status_code == 200


def test_admin_deletes_user_with_reassign_and_content_moves(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    bob = make_user(mu_client, admin, "bob@example.com")
    carol = make_user(mu_client, admin, "carol@example.com")
    bob_token = login_as(mu_client, "bob@example.com", USER_PASSWORD)
    board_id = mu_client.post("/api/v1/boards/?board_name=Bob", headers=bearer(bob_token)).json()["board_id"]
    on_board, loose = upload(mu_client, bob_token, board_id), upload(mu_client, bob_token)

    response = mu_client.delete(
        f"/api/v1/auth/users/{bob['user_id']}?reassign_to={carol['user_id']}", headers=bearer(admin)
    )
    assert response.status_code == 204

    carol_token = login_as(mu_client, "carol@example.com", USER_PASSWORD)
    assert (
        mu_client.get(f"/api/v1/boards/{board_id}", headers=bearer(carol_token)).json()["user_id"]
        == carol["user_id"]
    )
    names = mu_client.get("/api/v1/images/names", headers=bearer(carol_token)).json()["image_names"]
    assert set(names) == {on_board, loose}


def test_system_data_can_be_handed_to_a_real_account_after_switching(make_client: AppFactory) -> None:
    single = make_client()
    legacy_board = single.post("/api/v1/boards/?board_name=Old").json()["board_id"]
    legacy_image = upload(single, None, legacy_board)

    multi = make_client(multiuser=True)
    admin = admin_token(multi)
    dora = make_user(multi, admin, "dora@example.com")
    dora_token = login_as(multi, "dora@example.com", USER_PASSWORD)
    assert multi.get(f"/api/v1/images/i/{legacy_image}", headers=bearer(dora_token)).status_code == 403
    assert multi.get(f"/api/v1/images/i/{legacy_image}", headers=bearer(admin)).status_code == 200

    services = multi.app.state.services  # type: ignore[attr-defined]
    moved = services.users.reassign_content("system", dora["user_id"])
    assert moved["images"] == 1 and moved["boards"] == 1
    assert multi.get(f"/api/v1/images/i/{legacy_image}", headers=bearer(dora_token)).status_code == 200
    boards = multi.get("/api/v1/boards/?all=true", headers=bearer(dora_token)).json()
    assert [b["board_id"] for b in boards] == [legacy_board]
