"""OpenID Connect sign-in over plain HTTP against a real OpenID Provider (SPEC §18): the happy
path, and every refusal (no pending login, another state, a replayed code, a wrong nonce,
audience or issuer, an expired or forged ID token, an unverified e-mail with link_by_email,
a domain not allowed); none of them creates a session, all are audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.audit_helpers import events
from tests.conftest import AppFactory
from tests.factories import admin_token, bearer, make_user
from tests.oidc_provider import (
    ALICE,
    RunningProvider,
    free_port,
    oidc_settings,
    sign_in_at_provider,
    start_provider,
)

CALLBACK = "http://testserver/api/v1/auth/oidc/callback"
OIDC = "/api/v1/auth/oidc"
BOB = {"email": "bob@example.com", "email_verified": False, "name": "Bob"}
ADA = {"email": "ada@corp.example", "email_verified": True, "groups": ["gesso-admins"]}


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    with start_provider([CALLBACK], {"alice": ALICE, "bob": BOB, "ada": ADA}) as running:
        yield running


@pytest.fixture(autouse=True)
def untampered(provider: RunningProvider) -> Iterator[None]:
    provider.tamper("none")
    yield
    provider.tamper("none")


def sso_client(make_client: AppFactory, provider: RunningProvider, **oidc: Any) -> TestClient:
    client = make_client(multiuser=True, oidc=oidc_settings(provider.issuer, **oidc))
    admin_token(client)
    return client


def start(client: TestClient, next_path: str | None = None) -> str:
    params = {"next": next_path} if next_path else {}
    response = client.get(f"{OIDC}/login", params=params, follow_redirects=False)
    assert response.status_code == 302, response.text
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "gesso_oidc=" in cookie
    return response.headers["location"]


def callback(client: TestClient, provider_url: str) -> Any:
    parts = urlsplit(provider_url)
    return client.get(f"{parts.path}?{parts.query}", follow_redirects=False)


def login_code(response: Any) -> str:
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert location.path == "/login/sso"
    return parse_qs(location.query)["code"][0]


def sign_in(client: TestClient, login: str = "alice", next_path: str | None = None) -> Any:
    url = start(client, next_path)
    back = sign_in_at_provider(url, login, CALLBACK)
    return callback(client, back)


def test_sign_in_creates_the_account_and_exchanges_the_code_once(
    make_client: AppFactory, provider: RunningProvider
) -> None:
    client = sso_client(make_client, provider)
    status = client.get("/api/v1/auth/status").json()
    assert (
        status["oidc"] == {"enabled": True, "display_name": "Test IdP"} and status["password_login"] is True
    )
    code = login_code(sign_in(client, next_path="/gallery/b1"))
    exchanged = client.post(f"{OIDC}/exchange", json={"code": code})
    assert exchanged.status_code == 200, exchanged.text
    body = exchanged.json()
    assert body["user"]["email"] == "alice@example.com" and body["user"]["display_name"] == "Alice Sso"
    assert body["next"] == "/gallery/b1"
    assert "gesso_media_token" in exchanged.cookies
    assert client.get("/api/v1/auth/me", headers=bearer(body["token"])).json()["email"] == "alice@example.com"
    again = client.post(f"{OIDC}/exchange", json={"code": code})
    assert again.status_code == 400
    # The second sign-in finds the same account by (issuer, sub).
    second = client.post(f"{OIDC}/exchange", json={"code": login_code(sign_in(client))}).json()
    assert second["user"]["user_id"] == body["user"]["user_id"]
    admin = admin_token(client)
    logins = events(client, admin, action="auth.login")
    assert [e["details"]["method"] for e in logins[:3]] == ["password", "sso", "sso"]


def test_callback_without_the_browser_cookie_is_refused(
    make_client: AppFactory, provider: RunningProvider
) -> None:
    client = sso_client(make_client, provider)
    back = sign_in_at_provider(start(client), "alice", CALLBACK)
    client.cookies.clear()
    refused = callback(client, back)
    assert refused.status_code == 400 and "No sign-in is in progress" in refused.json()["detail"]
    admin = admin_token(client)
    assert events(client, admin, action="auth.oidc_failed")[0]["details"] == {"reason": "no_pending_login"}
    assert "alice@example.com" not in [
        u["email"] for u in client.get("/api/v1/auth/users", headers=bearer(admin)).json()
    ]


def test_callback_with_another_state_is_refused_and_the_pending_login_is_spent(
    make_client: AppFactory, provider: RunningProvider
) -> None:
    client = sso_client(make_client, provider)
    back = sign_in_at_provider(start(client), "alice", CALLBACK)
    forged = back.replace("state=", "state=x")
    assert callback(client, forged).status_code == 400
    # The real answer no longer works either: the pending login was used up.
    assert callback(client, back).status_code == 400
    admin = admin_token(client)
    reasons = [e["details"]["reason"] for e in events(client, admin, action="auth.oidc_failed")]
    assert reasons == ["no_pending_login", "state_mismatch"]


def test_replayed_authorization_code_is_refused(make_client: AppFactory, provider: RunningProvider) -> None:
    client = sso_client(make_client, provider)
    back = sign_in_at_provider(start(client), "alice", CALLBACK)
    assert callback(client, back).status_code == 302
    start(client)  # a new pending login in this browser, but the provider's code was used
    parts = urlsplit(back)
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    code = parse_qs(parts.query)["code"][0]
    replay = client.get(f"{parts.path}?code={code}&state={state}", follow_redirects=False)
    assert replay.status_code == 400
    admin = admin_token(client)
    assert events(client, admin, action="auth.oidc_failed")[0]["details"]["reason"] == "token_exchange_failed"


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("wrong_nonce", "nonce_mismatch"),
        ("wrong_aud", "wrong_audience"),
        ("expired", "expired"),
        ("wrong_iss", "bad_claims"),
        ("bad_signature", "bad_signature"),
    ],
)
def test_bad_id_tokens_are_refused(
    make_client: AppFactory, provider: RunningProvider, mode: str, reason: str
) -> None:
    client = sso_client(make_client, provider)
    provider.tamper(mode)
    refused = sign_in(client)
    assert refused.status_code == 400, refused.text
    admin = admin_token(client)
    assert events(client, admin, action="auth.oidc_failed")[0]["details"]["reason"] == reason
    assert len(client.get("/api/v1/auth/users", headers=bearer(admin)).json()) == 1


def test_existing_account_is_linked_only_with_link_by_email_and_a_verified_address(
    make_client: AppFactory, provider: RunningProvider
) -> None:
    client = sso_client(make_client, provider, link_by_email=True)
    admin = admin_token(client)
    make_user(client, admin, "bob@example.com")
    make_user(client, admin, "alice@example.com")
    unverified = sign_in(client, "bob")
    assert unverified.status_code == 403
    assert events(client, admin, action="auth.oidc_failed")[0]["details"]["reason"] == "email_not_verified"
    linked = client.post(f"{OIDC}/exchange", json={"code": login_code(sign_in(client, "alice"))})
    assert linked.json()["user"]["email"] == "alice@example.com"


def test_without_link_by_email_an_existing_address_is_not_taken_over(
    make_client: AppFactory, provider: RunningProvider
) -> None:
    client = sso_client(make_client, provider)
    admin = admin_token(client)
    make_user(client, admin, "alice@example.com")
    assert sign_in(client, "alice").status_code == 403
    assert events(client, admin, action="auth.oidc_failed")[0]["details"]["reason"] == "email_taken"


def test_admin_role_from_a_claim_and_allowed_domains(
    make_client: AppFactory, provider: RunningProvider
) -> None:
    client = sso_client(
        make_client, provider, admin_claim="groups", admin_values=["gesso-admins"],
        allowed_email_domains=["corp.example"], scopes=["openid", "email", "profile", "groups"],
    )  # fmt: skip
    assert sign_in(client, "alice").status_code == 403
    ada = client.post(f"{OIDC}/exchange", json={"code": login_code(sign_in(client, "ada"))}).json()
    assert ada["user"]["is_admin"] is True, ada


def test_password_login_can_be_switched_off_but_not_the_cli(
    make_client: AppFactory, provider: RunningProvider
) -> None:
    client = make_client(multiuser=True, password_login=False, oidc=oidc_settings(provider.issuer))
    client.post("/api/v1/auth/setup", json={"email": "root@example.com", "password": "Root-pass1"})
    refused = client.post("/api/v1/auth/login", json={"email": "root@example.com", "password": "Root-pass1"})
    assert refused.status_code == 403 and "single sign-on" in refused.json()["detail"]
    assert client.get("/api/v1/auth/status").json()["password_login"] is False


def test_without_oidc_configured_the_routes_say_so(make_client: AppFactory) -> None:
    client = make_client(multiuser=True)
    assert client.get("/api/v1/auth/status").json()["oidc"] == {"enabled": False, "display_name": None}
    assert client.get(f"{OIDC}/login", follow_redirects=False).status_code == 404
    assert client.post(f"{OIDC}/exchange", json={"code": "x"}).status_code == 404


def test_unreachable_provider_is_a_clear_503_not_a_crash(make_client: AppFactory) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    client = make_client(multiuser=True, oidc=oidc_settings(closed))
    refused = client.get(f"{OIDC}/login", follow_redirects=False)
    assert refused.status_code == 503
    assert "identity provider cannot be reached" in refused.json()["detail"]
    assert "set-cookie" not in refused.headers


@pytest.mark.parametrize(
    "next_path", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_never_leaves_the_site(
    make_client: AppFactory, provider: RunningProvider, next_path: str
) -> None:
    client = sso_client(make_client, provider)
    code = login_code(sign_in(client, next_path=next_path))
    assert client.post(f"{OIDC}/exchange", json={"code": code}).json()["next"] is None
