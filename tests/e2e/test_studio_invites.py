"""Invites, reset links and the forced password change in a real browser: a newcomer joins
through an invite link, an administrator manages invites on the Users page and hands out a
reset link, and a user told to change their password cannot use the studio until they do."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.browser import NewVisitor
from tests.e2e.server import StartServer
from tests.e2e.test_studio import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BOB_EMAIL,
    BOB_PASSWORD,
    GALLERY,
    api,
    log_in,
    make_root,
)

NEW_PASSWORD = "Brand-new-pass-1"


def test_invite_reset_link_and_forced_change(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    server = start_server(make_root(tmp_path, "invites", "multiuser: true\n"))
    with api(server) as anonymous:
        setup = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "display_name": "Ada Admin"}
        assert anonymous.post("/api/v1/auth/setup", json=setup).status_code == 200
        login = anonymous.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    admin_token = login.json()["token"]
    with api(server, admin_token) as admin_api:
        created = admin_api.post("/api/v1/auth/invites", json={"email": "carol@example.com"}).json()
        bob = admin_api.post("/api/v1/auth/users", json={"email": BOB_EMAIL, "password": BOB_PASSWORD}).json()

    # Carol opens her link: the address is fixed, she picks a password and is signed in.
    carol = new_visitor()
    carol.page.goto(created["url"])
    expect(carol.page.get_by_role("heading", name="You are invited to Gesso")).to_be_visible()
    expect(carol.page.get_by_label("Email")).to_have_value("carol@example.com")
    carol.page.get_by_label("Display name").fill("Carol")
    carol.page.get_by_label(re.compile(r"^Password")).fill(NEW_PASSWORD)
    carol.page.get_by_label(re.compile(r"^Confirm password")).fill(NEW_PASSWORD)
    carol.screenshot("invite-accept")
    carol.page.get_by_role("button", name="Create my account").click()
    expect(carol.page).to_have_url(GALLERY)
    # The same link a second time says so.
    second = new_visitor()
    second.allow_console_error(r"status of 400 .*/api/v1/auth/invites/")
    second.page.goto(created["url"])
    expect(second.page.get_by_text("This invite link has already been used")).to_be_visible()

    # The administrator sees it used, makes another invite and revokes it.
    admin = new_visitor()
    log_in(admin.page, server, ADMIN_EMAIL, ADMIN_PASSWORD)
    admin.page.get_by_role("link", name="Users").click()
    admin.page.get_by_role("tab", name="Invites").click()
    invites = admin.page.get_by_role("table", name="Invites")
    expect(invites.get_by_text("carol@example.com")).to_be_visible()
    expect(invites.get_by_text("used", exact=True)).to_be_visible()
    admin.page.get_by_role("button", name="New invite").click()
    dialog = admin.page.get_by_role("dialog", name="New invite")
    dialog.get_by_role("button", name="Make invite link").click()
    link = dialog.get_by_label("Invite link")
    expect(link).to_have_value(re.compile(r"/invite#[A-Za-z0-9_-]{40,}$"))
    admin.screenshot("invite-created")
    revoked_url = link.input_value()
    dialog.get_by_role("button", name="Done").click()
    admin.page.get_by_role("button", name="Revoke invite for anyone").click()
    expect(invites.get_by_text("revoked", exact=True)).to_be_visible()
    admin.screenshot("invites-tab")
    late = new_visitor()
    late.allow_console_error(r"status of 400 .*/api/v1/auth/invites/")
    late.page.goto(revoked_url)
    expect(late.page.get_by_text("This invite has been revoked")).to_be_visible()

    # A reset link for Bob, used in another browser.
    admin.page.get_by_role("tab", name="People").click()
    admin.page.get_by_role("button", name=f"Reset link for {BOB_EMAIL}").click()
    reset_dialog = admin.page.get_by_role("dialog")
    reset_dialog.get_by_role("button", name="Make reset link").click()
    reset_url = reset_dialog.get_by_label("Reset link").input_value()
    reset_dialog.get_by_role("button", name="Done").click()
    bob_visitor = new_visitor()
    bob_visitor.page.goto(reset_url)
    expect(bob_visitor.page.get_by_text(BOB_EMAIL)).to_be_visible()
    bob_visitor.page.get_by_label(re.compile(r"^New password")).fill(NEW_PASSWORD)
    bob_visitor.page.get_by_label(re.compile(r"^Confirm new password")).fill(NEW_PASSWORD)
    bob_visitor.page.get_by_role("button", name="Set new password").click()
    expect(bob_visitor.page.get_by_text("Password changed")).to_be_visible()
    bob_visitor.screenshot("reset-done")

    # Forced change: Bob must pick another password before the studio opens.
    with api(server, admin_token) as admin_api:
        flagged = admin_api.patch(f"/api/v1/auth/users/{bob['user_id']}", json={"must_change_password": True})
        assert flagged.status_code == 200
    forced = new_visitor()
    forced.page.goto(f"{server.url}/login")
    forced.page.get_by_label("Email").fill(BOB_EMAIL)
    forced.page.get_by_role("textbox", name="Password").fill(NEW_PASSWORD)
    forced.page.get_by_role("button", name="Sign in").click()
    expect(forced.page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    expect(forced.page.get_by_role("link", name="Gallery")).to_have_count(0)
    forced.screenshot("forced-change")
    forced.page.get_by_role("textbox", name="Current password").fill(NEW_PASSWORD)
    forced.page.get_by_label(re.compile(r"^New password")).fill("Another-pass-22")
    forced.page.get_by_label(re.compile(r"^Confirm new password")).fill("Another-pass-22")
    forced.page.get_by_role("button", name="Save and continue").click()
    expect(forced.page.get_by_role("link", name="Gallery")).to_be_visible()
