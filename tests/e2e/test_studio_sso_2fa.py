"""Single sign-on and two-factor authentication in a real browser: a person signs in through a
real OpenID Provider's pages (the `oidc-provider` package), and an administrator turns on
two-factor authentication by scanning (reading) the key, then signs in with a code."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pyotp
from playwright.sync_api import expect

from tests.e2e.browser import NewVisitor
from tests.e2e.server import StartServer
from tests.e2e.test_studio import ADMIN_EMAIL, ADMIN_PASSWORD, BOB_EMAIL, BOB_PASSWORD, GALLERY, api, log_in
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, free_port, start_provider


def test_sign_in_with_the_identity_provider(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    port = free_port()
    callback = f"http://127.0.0.1:{port}/api/v1/auth/oidc/callback"
    with start_provider([callback]) as provider:
        root = tmp_path / "sso"
        root.mkdir()
        (root / "gesso.yaml").write_text(
            "multiuser: true\n"
            f"oidc:\n  issuer: {provider.issuer}\n  client_id: {CLIENT_ID}\n"
            f"  client_secret: {CLIENT_SECRET}\n"
            "  display_name: Test IdP\n",
            encoding="utf-8",
        )
        server = start_server(root, port=port)
        with api(server) as anonymous:
            setup = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
            assert anonymous.post("/api/v1/auth/setup", json=setup).status_code == 200
        visitor = new_visitor()
        # The provider's development pages load a web font and a favicon it does not have.
        visitor.allow_console_error(r"fonts\.googleapis\.com|favicon\.ico")
        page = visitor.page
        page.goto(f"{server.url}/login")
        visitor.screenshot("sso-login-page")
        page.get_by_role("link", name="Sign in with Test IdP").click()
        # The provider's own (development) pages: any password for a known login, then consent.
        page.locator("input[name=login]").fill("alice")
        page.locator("input[name=password]").fill("anything")
        visitor.screenshot("sso-provider-login")
        page.get_by_role("button", name="Sign-in").click()
        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_url(GALLERY)
        assert "code=" not in page.url
        token = visitor.token()
        assert token is not None
        with api(server, token) as alice:
            assert alice.get("/api/v1/auth/me").json()["email"] == "alice@example.com"
        visitor.screenshot("sso-signed-in")


def test_admin_turns_on_two_factor_and_signs_in_with_a_code(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    root = tmp_path / "tfa"
    root.mkdir()
    (root / "gesso.yaml").write_text("multiuser: true\n", encoding="utf-8")
    server = start_server(root)
    with api(server) as anonymous:
        assert (
            anonymous.post(
                "/api/v1/auth/setup", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
            ).status_code
            == 200
        )
    visitor = new_visitor()
    page = visitor.page
    log_in(page, server, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto(f"{server.url}/profile")
    panel = page.get_by_role("region", name="Two-factor authentication")
    panel.get_by_role("button", name="Set up two-factor authentication").click()
    expect(panel.get_by_test_id("totp-secret")).to_be_visible()
    expect(panel.locator("svg title")).to_have_text("Two-factor QR code")
    secret = panel.get_by_test_id("totp-secret").inner_text()
    totp = pyotp.TOTP(secret)
    panel.get_by_label("Code from the app").fill(totp.now())
    visitor.screenshot("2fa-qr")
    panel.get_by_role("button", name="Turn on").click()
    codes = panel.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    visitor.screenshot("2fa-recovery-codes")

    # Signing in again asks for a code after the password.
    second = new_visitor()
    second.allow_console_error(r"status of 401 .*/api/v1/auth/login")
    second.page.goto(f"{server.url}/login")
    second.page.get_by_label("Email").fill(ADMIN_EMAIL)
    second.page.get_by_role("textbox", name="Password").fill(ADMIN_PASSWORD)
    second.page.get_by_role("button", name="Sign in", exact=True).click()
    code_field = second.page.get_by_label("One-time code")
    expect(code_field).to_be_visible()
    second.screenshot("2fa-login-code")
    next_step = totp.generate_otp(totp.timecode(time.time()) + 1)
    code_field.fill(next_step)
    second.page.get_by_role("button", name="Sign in", exact=True).click()
    expect(second.page).to_have_url(re.compile(r"/gallery"))


def test_admin_turns_off_two_factor_for_someone_who_lost_their_phone(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    root = tmp_path / "tfa-reset"
    root.mkdir()
    (root / "gesso.yaml").write_text("multiuser: true\n", encoding="utf-8")
    server = start_server(root)
    bob_login = {"email": BOB_EMAIL, "password": BOB_PASSWORD}
    with api(server) as anonymous:
        setup = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        assert anonymous.post("/api/v1/auth/setup", json=setup).status_code == 200
        admin_token = anonymous.post("/api/v1/auth/login", json=setup).json()["token"]
    with api(server, admin_token) as admin_api:
        assert admin_api.post("/api/v1/auth/users", json=bob_login).status_code == 201
    with api(server) as anonymous:
        bob_token = anonymous.post("/api/v1/auth/login", json=bob_login).json()["token"]
    with api(server, bob_token) as bob_api:
        secret = bob_api.post("/api/v1/auth/2fa/setup").json()["secret"]
        enabled = bob_api.post("/api/v1/auth/2fa/enable", json={"code": pyotp.TOTP(secret).now()})
        assert enabled.status_code == 200, enabled.text
    with api(server) as anonymous:
        assert anonymous.post("/api/v1/auth/login", json=bob_login).json()["detail"] == "otp_required"

    admin = new_visitor()
    log_in(admin.page, server, ADMIN_EMAIL, ADMIN_PASSWORD)
    admin.page.goto(f"{server.url}/users")
    admin.page.get_by_role("button", name=f"Reset link for {BOB_EMAIL}").click()
    dialog = admin.page.get_by_role("dialog", name=f"Account recovery for {BOB_EMAIL}")
    dialog.get_by_role("button", name="Turn off two-factor").click()
    expect(dialog.get_by_text("Two-factor authentication is off")).to_be_visible()
    admin.screenshot("2fa-admin-reset")
    with api(server) as anonymous:
        assert anonymous.post("/api/v1/auth/login", json=bob_login).status_code == 200
