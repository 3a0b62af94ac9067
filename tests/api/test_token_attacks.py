"""Forged, expired, mangled and stale tokens are 401 and change nothing."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from tests.factories import admin_token, bearer


def claims_of(token: str) -> dict[str, object]:
    decoded: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return decoded


def unsigned(claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@pytest.fixture
def admin(mu_client: TestClient) -> str:
    return admin_token(mu_client)


def forgeries(admin: str) -> dict[str, str]:
    claims = claims_of(admin)
    now = int(time.time())
    return {
        "alg none": unsigned(claims),
        "wrong key": jwt.encode(claims, "guessed-secret-" * 4, algorithm="HS256"),
        "expired": jwt.encode({**claims, "exp": now - 10}, "irrelevant-key-" * 4, algorithm="HS256"),
        "no exp": jwt.encode({k: v for k, v in claims.items() if k != "exp"}, "x" * 64, algorithm="HS256"),
        "truncated": admin[:-5],
        "garbage": "not.a.token",
        "empty": "",
    }


def test_forged_tokens_are_401(mu_client: TestClient, admin: str) -> None:
    for name, token in forgeries(admin).items():
        response = mu_client.get("/api/v1/auth/users", headers=bearer(token))
        assert response.status_code == 401, name
        assert response.json()["detail"] in ("Invalid or expired token", "Not authenticated")


def test_forged_tokens_cannot_mutate(mu_client: TestClient, admin: str) -> None:
    for token in forgeries(admin).values():
        response = mu_client.post(
            "/api/v1/auth/users", json={"email": "evil@example.com", "password": "pw"}, headers=bearer(token)
        )
        assert response.status_code == 401
    emails = [u["email"] for u in mu_client.get("/api/v1/auth/users", headers=bearer(admin)).json()]
    assert "evil@example.com" not in emails


def signed_token(client: TestClient, **claims: Any) -> str:
    """A token correctly signed with the server's own secret, with chosen claims."""
    services = client.app.state.services  # type: ignore[attr-defined]
    fields = {"email": "e@example.com", "is_admin": True, "token_epoch": 0, "remember_me": False, **claims}
    token: str = services.tokens.mint(**fields).token
    return token


@pytest.mark.parametrize(
    "case",
    ["claims the system user", "names an unknown session", "carries a stale epoch"],
)
def test_signed_token_with_untrue_claims_is_refused(mu_client: TestClient, admin: str, case: str) -> None:
    real = claims_of(admin)
    claims = {
        "claims the system user": {"user_id": "system", "session_id": "x"},
        "names an unknown session": {"user_id": real["sub"], "session_id": "forged-sid"},
        "carries a stale epoch": {"user_id": real["sub"], "session_id": real["sid"], "token_epoch": 5},
    }[case]
    token = signed_token(mu_client, **claims)
    assert mu_client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401


def test_non_bearer_scheme_is_not_authenticated(mu_client: TestClient, admin: str) -> None:
    response = mu_client.get("/api/v1/auth/me", headers={"Authorization": f"Basic {admin}"})
    assert response.status_code == 401


def test_rotating_the_secret_logs_everyone_out(mu_client: TestClient, admin: str) -> None:
    services = mu_client.app.state.services  # type: ignore[attr-defined]
    services.auth.rotate_jwt_secret()
    assert mu_client.get("/api/v1/auth/me", headers=bearer(admin)).status_code == 401
    assert admin_token(mu_client)  # logging in again works with the new secret
