"""The audit log over HTTP (SPEC §19): what each action records, who may read it, paging and
filters, refused changes, and that no password or token ever reaches the table."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.audit_helpers import actions, assert_no_secret, events
from tests.conftest import AppFactory
from tests.factories import ADMIN_PASSWORD, USER_PASSWORD, admin_token, bearer, login_as, make_user
from tests.gallery_helpers import create_board, set_visibility
from tests.queue_helpers import add_graph, enqueue, pause

AUDIT = "/api/v1/audit"


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    return make_client(multiuser=True)


def test_anonymous_reading_audit_log_is_refused(client: TestClient) -> None:
    admin_token(client)
    assert client.get(AUDIT).status_code == 401


def test_user_reading_audit_log_is_refused(client: TestClient) -> None:
    admin = admin_token(client)
    make_user(client, admin, "u@example.com")
    user = login_as(client, "u@example.com", USER_PASSWORD)
    assert client.get(AUDIT, headers=bearer(user)).status_code == 403
    assert client.get(f"{AUDIT}/actions", headers=bearer(user)).status_code == 403


def test_setup_and_logins_are_recorded_with_actor_and_address(client: TestClient) -> None:
    admin = admin_token(client)
    bad = client.post("/api/v1/auth/login", json={"email": "admin@example.com", "password": "wrong-1A"})
    assert bad.status_code == 401
    found = events(client, admin)
    assert [e["action"] for e in found] == ["auth.login_failed", "auth.login", "auth.setup"]
    failed, login, setup = found
    assert failed["outcome"] == "denied" and failed["actor_user_id"] is None
    assert failed["target_id"] == setup["target_id"] == login["actor_user_id"]
    assert login["actor_kind"] == "user" and login["outcome"] == "ok"
    assert login["ip"] == "testclient" and login["details"]["method"] == "password"


def test_unknown_email_and_disabled_account_logins_are_recorded(client: TestClient) -> None:
    admin = admin_token(client)
    user = make_user(client, admin, "off@example.com")
    client.patch(f"/api/v1/auth/users/{user['user_id']}", json={"is_active": False}, headers=bearer(admin))
    client.post("/api/v1/auth/login", json={"email": "nobody@example.com", "password": "x"})
    refused = client.post("/api/v1/auth/login", json={"email": "off@example.com", "password": USER_PASSWORD})
    assert refused.status_code == 403
    failed = events(client, admin, action="auth.login_failed")
    assert [(e["target_id"], e["details"]["reason"]) for e in failed] == [
        (user["user_id"], "account_disabled"),
        ("nobody@example.com", "bad_credentials"),
    ]
    # The disabled login is recorded once, not a second time as a refused change.
    assert actions(client, admin, action="request.denied") == []


def test_throttled_login_is_recorded(make_client: AppFactory) -> None:
    client = make_client(multiuser=True, login_throttle_per_account=2)
    admin = admin_token(client)
    for _ in range(3):
        client.post("/api/v1/auth/login", json={"email": "admin@example.com", "password": "nope"})
    throttled = events(client, admin, action="auth.login_throttled")
    assert len(throttled) == 1 and throttled[0]["outcome"] == "denied"
    assert throttled[0]["details"]["retry_after"] >= 1


def test_user_management_is_recorded(client: TestClient) -> None:
    admin = admin_token(client)
    me = client.get("/api/v1/auth/me", headers=bearer(admin)).json()
    kept = make_user(client, admin, "kept@example.com")
    gone = make_user(client, admin, "gone@example.com")
    client.patch(
        f"/api/v1/auth/users/{kept['user_id']}",
        json={"is_admin": True, "display_name": "Kept", "password": "New-pass9"},
        headers=bearer(admin),
    )
    response = client.delete(
        f"/api/v1/auth/users/{gone['user_id']}",
        params={"reassign_to": kept["user_id"]},
        headers=bearer(admin),
    )
    assert response.status_code == 204
    mine = events(client, admin, actor=me["user_id"])
    created = [e["details"] for e in mine if e["action"] == "user.create"]
    assert created == [
        {"email": "gone@example.com", "is_admin": False},
        {"email": "kept@example.com", "is_admin": False},
    ]
    found = {e["action"]: e for e in mine}
    update = found["user.update"]
    assert update["target_id"] == kept["user_id"]
    assert update["details"] == {
        "display_name": {"from": None, "to": "Kept"},
        "is_admin": {"from": False, "to": True},
    }
    assert found["auth.password_change"]["details"] == {"by_self": False}
    assert found["user.delete"]["details"]["reassigned_to"] == kept["user_id"]
    assert {e["actor_user_id"] for e in found.values()} == {me["user_id"]}


def test_own_password_change_and_logout_are_recorded(client: TestClient) -> None:
    admin = admin_token(client)
    make_user(client, admin, "u@example.com")
    user = login_as(client, "u@example.com", USER_PASSWORD)
    response = client.patch(
        "/api/v1/auth/me",
        json={"current_password": USER_PASSWORD, "new_password": "Other-pass2"},
        headers=bearer(user),
    )
    assert response.status_code == 200
    fresh = response.headers["X-Refreshed-Token"]
    assert client.post("/api/v1/auth/logout", headers=bearer(fresh)).status_code == 200
    change = events(client, admin, action="auth.password_change")[0]
    assert change["details"] == {"by_self": True} and change["actor_user_id"] == change["target_id"]
    assert events(client, admin, action="auth.logout")[0]["actor_user_id"] == change["target_id"]


def test_refused_change_is_recorded_once_and_refused_read_is_not(client: TestClient) -> None:
    admin = admin_token(client)
    make_user(client, admin, "u@example.com")
    user = login_as(client, "u@example.com", USER_PASSWORD)
    assert client.post(
        "/api/v1/auth/users", json={"email": "x@example.com", "password": "Pass-word1"}, headers=bearer(user)
    ).status_code == 403  # fmt: skip
    assert client.get("/api/v1/auth/users", headers=bearer(user)).status_code == 403
    denied = events(client, admin, action="request.denied")
    assert len(denied) == 1
    assert denied[0]["target_id"] == "POST /api/v1/auth/users"
    assert denied[0]["outcome"] == "denied" and denied[0]["ip"] == "testclient"
    assert denied[0]["details"] == {"reason": "Administrator privileges required"}


def test_board_visibility_change_is_recorded(client: TestClient) -> None:
    admin = admin_token(client)
    make_user(client, admin, "u@example.com")
    user = login_as(client, "u@example.com", USER_PASSWORD)
    board_id = create_board(client, user, "Mine")
    set_visibility(client, user, board_id, "public")
    client.patch(f"/api/v1/boards/{board_id}", json={"board_name": "Renamed"}, headers=bearer(user))
    found = events(client, admin, action="board.visibility")
    assert len(found) == 1
    assert found[0]["target_id"] == board_id
    assert found[0]["details"]["board_visibility"] == {"from": "private", "to": "public"}
    other = login_as(client, "admin@example.com", ADMIN_PASSWORD)
    assert events(client, other, target_id=board_id)[0]["action"] == "board.visibility"


def test_enqueue_and_admin_cancel_of_others_are_recorded(client: TestClient) -> None:
    admin = admin_token(client)
    make_user(client, admin, "u@example.com")
    user = login_as(client, "u@example.com", USER_PASSWORD)
    pause(client, admin)
    result = enqueue(client, user, add_graph(), runs=2)
    queued = events(client, admin, action="queue.enqueue")
    assert len(queued) == 1
    assert queued[0]["details"]["items"] == 2 and queued[0]["details"]["model_keys"] == []
    own = result["item_ids"][0]
    client.put(f"/api/v1/queue/default/i/{own}/cancel", headers=bearer(user))
    assert actions(client, admin, action="queue.cancel_other") == []
    other = result["item_ids"][1]
    assert client.put(f"/api/v1/queue/default/i/{other}/cancel", headers=bearer(admin)).status_code == 200
    canceled = events(client, admin, action="queue.cancel_other")
    assert len(canceled) == 1 and canceled[0]["details"]["item_ids"] == [other]


def test_pages_follow_the_cursor_newest_first_without_gaps(client: TestClient) -> None:
    admin = admin_token(client)
    for _ in range(11):
        client.post("/api/v1/auth/login", json={"email": "nobody@example.com", "password": "x"})
    pages = []
    cursor = None
    while True:
        params = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        page = client.get(AUDIT, params=params, headers=bearer(admin)).json()
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    ids = [e["id"] for page in pages for e in page]
    assert [len(p) for p in pages] == [4, 4, 4, 1]  # 11 failures + setup + login
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 13


def test_filters_by_action_prefix_and_time(client: TestClient) -> None:
    admin = admin_token(client)
    assert actions(client, admin, action="auth.") == ["auth.login", "auth.setup"]
    assert actions(client, admin, action="user.") == []
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert actions(client, admin, since=future) == []
    assert len(actions(client, admin, since=past, until=future)) == 2
    assert actions(client, admin, until=past) == []


@pytest.mark.parametrize(
    "params",
    [{"cursor": "abc"}, {"cursor": "-1"}, {"limit": 0}, {"limit": 501}, {"since": "yesterday"}],
)
def test_bad_paging_and_filter_values_are_422(client: TestClient, params: dict[str, object]) -> None:
    admin = admin_token(client)
    response = client.get(AUDIT, params=params, headers=bearer(admin))
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


def test_actions_list_describes_each_action(client: TestClient) -> None:
    admin = admin_token(client)
    listed = client.get(f"{AUDIT}/actions", headers=bearer(admin)).json()
    names = [a["action"] for a in listed]
    assert {"auth.login", "user.create", "request.denied", "queue.enqueue"} <= set(names)
    assert all(a["description"] for a in listed)


def test_no_password_or_token_reaches_the_table_or_the_log(
    client: TestClient, root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    admin = admin_token(client)
    make_user(client, admin, "u@example.com", "First-pass1")
    user = login_as(client, "u@example.com", "First-pass1")
    client.post("/api/v1/auth/login", json={"email": "u@example.com", "password": "Wrong-guess7"})
    changed = client.patch(
        "/api/v1/auth/me",
        json={"current_password": "First-pass1", "new_password": "Second-pass2"},
        headers=bearer(user),
    )
    refreshed = changed.headers["X-Refreshed-Token"]
    uid = changed.json()["user_id"]
    client.patch(f"/api/v1/auth/users/{uid}", json={"password": "Third-pass3"}, headers=bearer(admin))
    secrets = [
        ADMIN_PASSWORD,
        "First-pass1",
        "Wrong-guess7",
        "Second-pass2",
        "Third-pass3",
        admin,
        user,
        refreshed,
    ]
    assert_no_secret(root, secrets)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not [secret for secret in secrets if secret in logged]


def test_single_user_mode_records_the_system_account(make_client: AppFactory) -> None:
    client = make_client()
    board_id = create_board(client, None, "Mine")
    set_visibility(client, None, board_id, "shared")
    found = client.get(AUDIT, params={"action": "board.visibility"}).json()["items"]
    assert found[0]["actor_user_id"] == "system" and found[0]["actor_kind"] == "user"
