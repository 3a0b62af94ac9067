"""The Audit page in a real browser: an administrator sees who signed in, who failed, who
changed what, filters by person, action and date, and pages through; others cannot open it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.browser import NewVisitor
from tests.e2e.server import StartServer
from tests.e2e.test_studio import ADMIN_EMAIL, ADMIN_PASSWORD, BOB_EMAIL, BOB_PASSWORD, api, log_in, make_root


def test_admin_reads_and_filters_the_audit_log(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    server = start_server(make_root(tmp_path, "audit", "multiuser: true\n"))
    with api(server) as anonymous:
        setup = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "display_name": "Ada Admin"}
        assert anonymous.post("/api/v1/auth/setup", json=setup).status_code == 200
        token = anonymous.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    with api(server, token.json()["token"]) as admin_api:
        bob = {"email": BOB_EMAIL, "password": BOB_PASSWORD, "display_name": "Bob"}
        assert admin_api.post("/api/v1/auth/users", json=bob).status_code == 201
    with api(server) as anonymous:
        wrong = anonymous.post("/api/v1/auth/login", json={"email": BOB_EMAIL, "password": "Not-his-1"})
        assert wrong.status_code == 401
        bob_token = anonymous.post("/api/v1/auth/login", json={"email": BOB_EMAIL, "password": BOB_PASSWORD})
    with api(server, bob_token.json()["token"]) as bob_api:
        board = bob_api.post("/api/v1/boards/", params={"board_name": "Bob's"}).json()["board_id"]
        bob_api.patch(f"/api/v1/boards/{board}", json={"board_visibility": "public"})
        assert bob_api.delete(f"/api/v1/auth/users/{board}").status_code == 403

    # Bob has no Audit link, and the page itself is guarded.
    bob_visitor = new_visitor()
    log_in(bob_visitor.page, server, BOB_EMAIL, BOB_PASSWORD)
    expect(bob_visitor.page.get_by_role("link", name="Audit log")).to_have_count(0)
    bob_visitor.page.goto(f"{server.url}/audit")
    expect(bob_visitor.page.get_by_role("table", name="Audit events")).to_have_count(0)

    visitor = new_visitor()
    page = visitor.page
    log_in(page, server, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.get_by_role("link", name="Audit log").click()
    expect(page).to_have_url(re.compile(r"/audit$"))
    table = page.get_by_role("table", name="Audit events")
    for action in ("auth.setup", "user.create", "auth.login_failed", "board.visibility", "request.denied"):
        expect(table.get_by_text(action, exact=True).first).to_be_visible()
    visitor.screenshot("audit-all")

    # Person: only Bob's own actions (his failed login was nobody's: he was not signed in).
    page.get_by_role("combobox", name="Person").click()
    page.get_by_role("option", name=re.compile("Bob")).click()
    expect(table.get_by_text("board.visibility", exact=True)).to_be_visible()
    expect(table.get_by_text("user.create", exact=True)).to_have_count(0)
    expect(table.get_by_text("private → public", exact=False)).to_be_visible()
    visitor.screenshot("audit-person")

    # Action on top of person: his refused change, shown with the route template only.
    page.get_by_role("combobox", name="Action").click()
    page.get_by_role("option", name=re.compile(r"^request\.denied")).click()
    expect(table.get_by_role("row")).to_have_count(2)  # header + one event
    expect(table.get_by_text("route DELETE /api/v1/auth/users/{user_id}")).to_be_visible()

    # Dates: nothing happened tomorrow; today has it all again.
    page.get_by_role("button", name="Clear filters").click()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    page.get_by_label("From").fill(tomorrow)
    expect(table.get_by_text("No events match these filters.")).to_be_visible()
    page.get_by_label("From").fill(date.today().isoformat())
    expect(table.get_by_text("auth.setup", exact=True)).to_be_visible()
    visitor.screenshot("audit-dates")
