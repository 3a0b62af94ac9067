"""Access control in the studio, in a real browser against a real `gesso serve` (SPEC §16, §20):
a user creates a personal API token on the profile page (the secret shown once), a script uses
it within its scopes, and revoking it in the studio stops it; a user shares a private board with
another person by e-mail, who then sees it marked "Shared with me", until the share is removed.
Screenshots land in `tests/e2e/artifacts/`."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
from playwright.sync_api import expect

from tests.e2e.browser import NewVisitor
from tests.e2e.server import Server, StartServer
from tests.e2e.test_studio import log_in, make_root
from tests.model_files import lora_file

ADMIN = {"email": "admin@example.com", "password": "Admin-pass-1", "display_name": "Ada"}
ALICE = {"email": "alice@example.com", "password": "Alice-pass-1", "display_name": "Alice"}
BOB = {"email": "bob@example.com", "password": "Bob-pass-123", "display_name": "Bob"}


def set_up_people(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        client.post("/api/v1/auth/setup", json=ADMIN).raise_for_status()
        token = client.post("/api/v1/auth/login", json=ADMIN).raise_for_status().json()["token"]
        for person in (ALICE, BOB):
            body = {**person, "is_admin": False}
            client.post(
                "/api/v1/auth/users", json=body, headers={"Authorization": f"Bearer {token}"}
            ).raise_for_status()


def test_user_creates_uses_and_revokes_an_api_token(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    server = start_server(make_root(tmp_path, "tokens", "multiuser: true\n"))
    set_up_people(server)
    alice = new_visitor()
    log_in(alice.page, server, ALICE["email"], ALICE["password"])
    alice.page.goto(f"{server.url}/profile")
    panel = alice.page.get_by_role("region", name="API tokens")
    expect(panel.get_by_text("You have no API tokens.")).to_be_visible()
    panel.get_by_role("button", name="New token").click()
    dialog = alice.page.get_by_role("dialog", name="New API token")
    # Administrators' scopes are not offered to a user.
    expect(dialog.get_by_label(re.compile("^Admin"))).to_have_count(0)
    dialog.get_by_role("button", name="Create token").click()
    expect(dialog.get_by_text("Give the token a name")).to_be_visible()
    dialog.get_by_label("Name").fill("nightly backup")
    dialog.get_by_label(re.compile("^Generate")).check()
    dialog.get_by_label("Expires after (days)").fill("30")
    dialog.get_by_role("button", name="Create token").click()
    secret = dialog.get_by_test_id("new-api-token").inner_text().strip()
    assert secret.startswith("gsk_") and len(secret) >= 47
    expect(dialog.get_by_text("it will not be shown again")).to_be_visible()
    alice.screenshot("access-token-created")
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()
    table = panel.get_by_role("table", name="API tokens")
    expect(table.get_by_text("nightly backup")).to_be_visible()
    expect(table.get_by_text("generate", exact=True)).to_be_visible()
    alice.screenshot("access-tokens-list")

    script = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        me = client.get("/api/v1/auth/me", headers=script)
        assert me.status_code == 200 and me.json()["email"] == ALICE["email"]
        assert client.post("/api/v1/boards/", params={"board_name": "x"}, headers=script).status_code == 403
        minted = client.post("/api/v1/auth/tokens", json={"name": "x", "scopes": ["read"]}, headers=script)
        assert minted.status_code == 403

        table.get_by_role("button", name="Revoke nightly backup").click()
        expect(panel.get_by_text("You have no API tokens.")).to_be_visible()
        assert client.get("/api/v1/auth/me", headers=script).status_code == 401


def test_user_shares_a_board_by_e_mail_and_removes_the_share(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    server = start_server(make_root(tmp_path, "shares", "multiuser: true\n"))
    set_up_people(server)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        token = client.post("/api/v1/auth/login", json=ALICE).raise_for_status().json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        client.post("/api/v1/boards/", params={"board_name": "Holiday"}, headers=auth).raise_for_status()

    alice = new_visitor()
    log_in(alice.page, server, ALICE["email"], ALICE["password"])
    alice.page.get_by_role("button", name="Actions for board Holiday").click()
    alice.page.get_by_role("menuitem", name="Share…").click()
    dialog = alice.page.get_by_role("dialog", name="Share “Holiday”")
    expect(dialog.get_by_text("Not shared with anyone yet.")).to_be_visible()
    dialog.get_by_label("Person").fill(BOB["email"])
    dialog.get_by_label("Permission", exact=True).click()
    alice.page.get_by_role("option", name="can add images").click()
    dialog.get_by_role("button", name="Share", exact=True).click()
    shared_with = dialog.get_by_role("table", name="Shared with")
    expect(shared_with.get_by_text("Bob")).to_be_visible()
    alice.screenshot("access-share-dialog")
    dialog.get_by_role("button", name="Done").click()

    bob = new_visitor()
    log_in(bob.page, server, BOB["email"], BOB["password"])
    expect(bob.page.get_by_text("Shared with me (can add images)")).to_be_visible()
    bob.screenshot("access-shared-with-me")

    alice.page.get_by_role("button", name="Actions for board Holiday").click()
    alice.page.get_by_role("menuitem", name="Share…").click()
    dialog = alice.page.get_by_role("dialog", name="Share “Holiday”")
    dialog.get_by_role("button", name="Stop sharing with Bob").click()
    expect(dialog.get_by_text("Not shared with anyone yet.")).to_be_visible()
    bob.page.reload()
    expect(bob.page.get_by_role("link", name=re.compile("Holiday"))).to_have_count(0)


def test_admin_manages_groups_and_limits(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    server = start_server(make_root(tmp_path, "groups", "multiuser: true\n"))
    set_up_people(server)
    admin = new_visitor()
    log_in(admin.page, server, ADMIN["email"], ADMIN["password"])
    nav = admin.page.get_by_role("navigation", name="Studio")
    nav.get_by_role("link", name="Groups").click()
    admin.page.get_by_role("button", name="New group").click()
    create = admin.page.get_by_role("dialog", name="New group")
    create.get_by_label("Name").fill("Class 9b")
    create.get_by_role("button", name="Create group").click()
    admin.page.get_by_role("button", name="Manage Class 9b").click()
    dialog = admin.page.get_by_role("dialog", name="Class 9b")
    dialog.get_by_label("Add a member").click()
    admin.page.get_by_role("option", name=re.compile("alice@example.com")).click()
    dialog.get_by_role("button", name="Add", exact=True).click()
    expect(dialog.get_by_text("1 member")).to_be_visible()
    dialog.get_by_role("tab", name="Limits").click()
    dialog.get_by_label("Items waiting in the queue").fill("2")
    dialog.get_by_label("Queue weight (items per turn)").fill("0")
    dialog.get_by_role("button", name="Save limits").click()
    expect(dialog.get_by_text("A whole number from 1 to 100, or empty")).to_be_visible()
    dialog.get_by_label("Queue weight (items per turn)").fill("2")
    dialog.get_by_role("button", name="Save limits").click()
    admin.screenshot("access-group-limits")
    admin.page.keyboard.press("Escape")
    expect(admin.page.get_by_text("Alice", exact=True)).to_be_visible()

    nav.get_by_role("link", name="Users").click()
    users = admin.page.get_by_role("table", name="Users")
    expect(users.get_by_text("Class 9b")).to_be_visible()

    admin.page.get_by_role("main").get_by_role("link", name="Quotas and usage").click()
    usage = admin.page.get_by_role("table", name="Usage")
    expect(usage.get_by_text("0 / 2")).to_be_visible()
    usage.get_by_role("button", name="Limits of alice@example.com").click()
    limits = admin.page.get_by_role("dialog", name="Limits of Alice")
    expect(limits.get_by_text("In force: 2").first).to_be_visible()
    limits.get_by_label("Steps per image").fill("30")
    limits.get_by_role("button", name="Save limits").click()
    expect(limits).to_be_hidden()
    admin.screenshot("access-quotas-page")

    with httpx.Client(base_url=server.url, timeout=30) as client:
        token = client.post("/api/v1/auth/login", json=ALICE).raise_for_status().json()["token"]
        mine = client.get("/api/v1/auth/me/usage", headers={"Authorization": f"Bearer {token}"}).json()
    assert mine["limits"]["max_pending_items"] == 2 and mine["limits"]["max_steps"] == 30
    assert mine["limits"]["queue_weight"] == 2


def test_admin_restricts_a_model_to_chosen_people(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    server = start_server(make_root(tmp_path, "models", "multiuser: true\n"))
    set_up_people(server)
    lora = lora_file(tmp_path / "style.safetensors")
    with httpx.Client(base_url=server.url, timeout=30) as client:
        token = client.post("/api/v1/auth/login", json=ADMIN).raise_for_status().json()["token"]
        admin_auth = {"Authorization": f"Bearer {token}"}
        client.post("/api/v2/models/install", params={"source": str(lora)}, json={}, headers=admin_auth)
        deadline = time.monotonic() + 60
        while not client.get("/api/v2/models/", headers=admin_auth).json()["models"]:
            assert time.monotonic() < deadline, "the LoRA did not install"
            time.sleep(0.2)
        bob_token = client.post("/api/v1/auth/login", json=BOB).raise_for_status().json()["token"]
        alice_token = client.post("/api/v1/auth/login", json=ALICE).raise_for_status().json()["token"]

    admin = new_visitor()
    log_in(admin.page, server, ADMIN["email"], ADMIN["password"])
    admin.page.get_by_role("navigation", name="Studio").get_by_role("link", name="Models").click()
    admin.page.get_by_role("button", name="Edit style").click()
    dialog = admin.page.get_by_role("dialog", name="Edit style")
    dialog.get_by_text("Only chosen people").click()
    dialog.get_by_label("Allowed people").click()
    admin.page.get_by_role("option", name=re.compile("alice@example.com")).click()
    dialog.get_by_label("Name").click()  # closes the open picker
    admin.screenshot("access-model-restricted")
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_be_hidden()
    expect(admin.page.get_by_text("Restricted", exact=True)).to_be_visible()

    with httpx.Client(base_url=server.url, timeout=30) as client:
        seen_by = {
            name: [
                m["name"]
                for m in client.get("/api/v2/models/", headers={"Authorization": f"Bearer {t}"}).json()[
                    "models"
                ]
            ]
            for name, t in (("alice", alice_token), ("bob", bob_token))
        }
    assert seen_by == {"alice": ["style"], "bob": []}
