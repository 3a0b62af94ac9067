"""TOTP two-factor authentication over HTTP (SPEC §18): enrolment, login with a code or a
recovery code (each once), a code refused the second time in its window, wrong codes throttled
like wrong passwords, disabling with password and code, the admin reset, require_2fa, and that
no secret or code reaches the audit table."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient

from tests.audit_helpers import assert_no_secret, events, whole_database_text
from tests.conftest import AppFactory
from tests.factories import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    USER_PASSWORD,
    admin_token,
    bearer,
    login_as,
    make_user,
)

AUTH = "/api/v1/auth"


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    return make_client(multiuser=True)


def code_for(secret: str, steps_ahead: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(time.time()) + steps_ahead)


def enrol(client: TestClient, token: str) -> tuple[str, list[str]]:
    setup = client.post(f"{AUTH}/2fa/setup", headers=bearer(token))
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    assert setup.json()["otpauth_uri"].startswith("otpauth://totp/Gesso:")
    enabled = client.post(f"{AUTH}/2fa/enable", json={"code": code_for(secret)}, headers=bearer(token))
    assert enabled.status_code == 200, enabled.text
    codes: list[str] = enabled.json()["recovery_codes"]
    return secret, codes


def login(client: TestClient, email: str, password: str, otp: str | None = None) -> Any:
    body = {"email": email, "password": password, **({"otp": otp} if otp is not None else {})}
    return client.post(f"{AUTH}/login", json=body)


def user_with_2fa(client: TestClient) -> tuple[str, str, list[str]]:
    admin = admin_token(client)
    make_user(client, admin, "u@example.com")
    token = login_as(client, "u@example.com", USER_PASSWORD)
    secret, codes = enrol(client, token)
    return admin, secret, codes


def test_enrolled_login_needs_a_code_and_each_code_works_once(client: TestClient) -> None:
    _, secret, _ = user_with_2fa(client)
    missing = login(client, "u@example.com", USER_PASSWORD)
    assert missing.status_code == 401 and missing.json() == {"detail": "otp_required"}
    # Enabling used the current step: the next step's code signs in, once.
    code = code_for(secret, 1)
    assert login(client, "u@example.com", USER_PASSWORD, code).status_code == 200
    replay = login(client, "u@example.com", USER_PASSWORD, code)
    assert replay.status_code == 401 and replay.json()["detail"] == "Incorrect one-time code"
    # An older step is refused too once a later one was used.
    assert login(client, "u@example.com", USER_PASSWORD, code_for(secret, -1)).status_code == 401


def test_recovery_code_works_once(client: TestClient) -> None:
    _, _, codes = user_with_2fa(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert login(client, "u@example.com", USER_PASSWORD, codes[0].upper()).status_code == 200
    assert login(client, "u@example.com", USER_PASSWORD, codes[0]).status_code == 401
    token = login(client, "u@example.com", USER_PASSWORD, codes[1]).json()["token"]
    assert client.get(f"{AUTH}/2fa", headers=bearer(token)).json()["recovery_codes_left"] == 8


def test_wrong_codes_are_throttled_like_wrong_passwords(make_client: AppFactory) -> None:
    client = make_client(multiuser=True, login_throttle_per_account=3)
    user_with_2fa(client)
    for _ in range(3):
        assert login(client, "u@example.com", USER_PASSWORD, "000000").status_code == 401
    assert login(client, "u@example.com", USER_PASSWORD, "000000").status_code == 429
    admin = login_as(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    reasons = [e["details"]["reason"] for e in events(client, admin, action="auth.login_failed")]
    assert reasons.count("bad_otp") == 3


def test_enable_needs_a_correct_code_and_setup_is_refused_while_on(client: TestClient) -> None:
    admin = admin_token(client)
    setup = client.post(f"{AUTH}/2fa/setup", headers=bearer(admin)).json()
    wrong = client.post(f"{AUTH}/2fa/enable", json={"code": "123456"}, headers=bearer(admin))
    assert wrong.status_code == 400
    assert client.get(f"{AUTH}/2fa", headers=bearer(admin)).json()["enabled"] is False
    ok = client.post(f"{AUTH}/2fa/enable", json={"code": code_for(setup["secret"])}, headers=bearer(admin))
    assert ok.status_code == 200
    assert client.post(f"{AUTH}/2fa/setup", headers=bearer(admin)).status_code == 409


def test_disable_needs_password_and_code(client: TestClient) -> None:
    _, secret, codes = user_with_2fa(client)
    token = login(client, "u@example.com", USER_PASSWORD, codes[0]).json()["token"]
    bad_password = {"password": "wrong", "code": codes[1]}
    assert client.post(f"{AUTH}/2fa/disable", json=bad_password, headers=bearer(token)).status_code == 400
    bad_code = {"password": USER_PASSWORD, "code": "000000"}
    assert client.post(f"{AUTH}/2fa/disable", json=bad_code, headers=bearer(token)).status_code == 400
    good = {"password": USER_PASSWORD, "code": code_for(secret, 1)}
    assert client.post(f"{AUTH}/2fa/disable", json=good, headers=bearer(token)).status_code == 200
    assert login(client, "u@example.com", USER_PASSWORD).status_code == 200


def test_admin_resets_someones_2fa(client: TestClient) -> None:
    admin, _, _ = user_with_2fa(client)
    users = client.get(f"{AUTH}/users", headers=bearer(admin)).json()
    user_id = next(u["user_id"] for u in users if u["email"] == "u@example.com")
    assert client.delete(f"{AUTH}/users/{user_id}/2fa", headers=bearer(admin)).status_code == 204
    assert login(client, "u@example.com", USER_PASSWORD).status_code == 200
    assert client.delete(f"{AUTH}/users/{user_id}/2fa", headers=bearer(admin)).status_code == 400
    resets = events(client, admin, action="auth.2fa_reset")
    assert len(resets) == 1 and resets[0]["target_id"] == user_id


def test_require_2fa_sends_users_to_enrolment_first(make_client: AppFactory) -> None:
    client = make_client(multiuser=True, require_2fa="all")
    admin_token(client)
    response = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert response.json()["two_factor_setup_required"] is True
    token = response.json()["token"]
    assert client.get("/api/v1/boards/?all=true", headers=bearer(token)).status_code == 403
    assert client.get(f"{AUTH}/2fa", headers=bearer(token)).json()["required"] is True
    enrol(client, token)
    assert client.get("/api/v1/boards/?all=true", headers=bearer(token)).status_code == 200


def test_require_2fa_for_admins_leaves_users_alone(make_client: AppFactory) -> None:
    client = make_client(multiuser=True, require_2fa="admins")
    admin = admin_token(client)
    assert client.get("/api/v1/boards/?all=true", headers=bearer(admin)).status_code == 403
    enrol(client, admin)
    make_user(client, admin, "u@example.com")
    response = login(client, "u@example.com", USER_PASSWORD)
    assert response.json()["two_factor_setup_required"] is False
    assert client.get("/api/v1/boards/?all=true", headers=bearer(response.json()["token"])).status_code == 200


def test_no_secret_or_code_is_audited(client: TestClient, root: Path) -> None:
    _, secret, codes = user_with_2fa(client)
    code = code_for(secret, 1)
    login(client, "u@example.com", USER_PASSWORD, code)
    login(client, "u@example.com", USER_PASSWORD, codes[0])
    assert_no_secret(root, [secret, code, *codes])
    database = whole_database_text(root)
    assert secret not in database and codes[0] not in database


def test_a_session_cannot_guess_its_way_to_turning_2fa_off(make_client: AppFactory) -> None:
    """Wrong passwords or codes on `2fa/disable` count like failed logins: once over the limit,
    even the right password and code are refused (429) until the window passes, and the
    account's own login is throttled too."""
    client = make_client(multiuser=True, login_throttle_per_account=3, login_throttle_per_ip=1000)
    _, secret, codes = user_with_2fa(client)
    token = login(client, "u@example.com", USER_PASSWORD, codes[0]).json()["token"]
    guesses = [{"password": "guess-1", "code": codes[1]}, {"password": USER_PASSWORD, "code": "000000"}]
    for body in [*guesses, guesses[0]]:
        assert client.post(f"{AUTH}/2fa/disable", json=body, headers=bearer(token)).status_code == 400
    right = {"password": USER_PASSWORD, "code": code_for(secret, 1)}
    refused = client.post(f"{AUTH}/2fa/disable", json=right, headers=bearer(token))
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Too many failed attempts" in refused.json()["detail"]
    assert client.get(f"{AUTH}/2fa", headers=bearer(token)).json()["enabled"] is True
    assert login(client, "u@example.com", USER_PASSWORD, codes[2]).status_code == 429


def test_a_session_cannot_guess_the_current_password(make_client: AppFactory) -> None:
    client = make_client(multiuser=True, login_throttle_per_account=3, login_throttle_per_ip=1000)
    admin_token(client)
    token = login_as(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    for guess in ("guess-1", "guess-2", "guess-3"):
        body = {"current_password": guess, "new_password": "Brand-new-pass9"}
        assert client.patch(f"{AUTH}/me", json=body, headers=bearer(token)).status_code == 400
    right = {"current_password": ADMIN_PASSWORD, "new_password": "Brand-new-pass9"}
    refused = client.patch(f"{AUTH}/me", json=right, headers=bearer(token))
    assert refused.status_code == 429 and "retry-after" in refused.headers
    # A display-name change checks no password and is not held back.
    renamed = client.patch(f"{AUTH}/me", json={"display_name": "Still me"}, headers=bearer(token))
    assert renamed.status_code == 200
    assert login(client, ADMIN_EMAIL, ADMIN_PASSWORD).status_code == 429  # the old password still
