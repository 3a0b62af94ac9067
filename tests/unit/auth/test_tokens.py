"""JWT minting and verification: claims, expiry, algorithm and audience rules."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from gesso.auth.tokens import (
    LIFETIME_SECONDS,
    MEDIA_AUDIENCE,
    REMEMBER_ME_LIFETIME_SECONDS,
    InvalidToken,
    TokenService,
)

SECRET = "a" * 64


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def mint(service: TokenService, remember_me: bool = False, audience: str | None = None) -> str:
    return service.mint(
        user_id="u1",
        email="u1@example.com",
        is_admin=False,
        token_epoch=3,
        session_id="s1",
        remember_me=remember_me,
        audience=audience,
    ).token


def test_token_carries_the_listed_claims() -> None:
    service = TokenService(lambda: SECRET)
    payload = jwt.decode(mint(service), SECRET, algorithms=["HS256"])
    assert payload["sub"] == payload["user_id"] == "u1"
    assert payload["email"] == "u1@example.com"
    assert payload["is_admin"] is False
    assert payload["remember_me"] is False
    assert payload["token_epoch"] == 3
    assert payload["sid"] == "s1"
    assert payload["exp"] - payload["iat"] == LIFETIME_SECONDS


def test_remember_me_lives_seven_days() -> None:
    service = TokenService(lambda: SECRET)
    issued = service.mint(
        user_id="u1", email="e@x.io", is_admin=False, token_epoch=0, session_id="s", remember_me=True
    )
    assert issued.expires_in == REMEMBER_ME_LIFETIME_SECONDS == 7 * 24 * 3600


def test_round_trip() -> None:
    service = TokenService(lambda: SECRET)
    claims = service.decode(mint(service))
    assert (claims.user_id, claims.session_id, claims.token_epoch) == ("u1", "s1", 3)


def test_expired_token_is_refused() -> None:
    clock = Clock()
    service = TokenService(lambda: SECRET, clock=clock)
    token = mint(service)
    clock.now += LIFETIME_SECONDS + 1
    with pytest.raises(InvalidToken):
        service.decode(token)


def test_token_without_exp_is_refused() -> None:
    service = TokenService(lambda: SECRET)
    token = jwt.encode(
        {"sub": "u1", "sid": "s1", "token_epoch": 0, "iat": int(time.time())}, SECRET, algorithm="HS256"
    )
    with pytest.raises(InvalidToken):
        service.decode(token)


def test_other_algorithm_is_refused() -> None:
    service = TokenService(lambda: SECRET)
    now = int(time.time())
    claims = {"sub": "u1", "sid": "s1", "token_epoch": 0, "iat": now, "exp": now + 60}
    token = jwt.encode(claims, SECRET, algorithm="HS512")
    with pytest.raises(InvalidToken):
        service.decode(token)


def test_alg_none_is_refused() -> None:
    service = TokenService(lambda: SECRET)
    now = int(time.time())
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(
        json.dumps({"sub": "u1", "sid": "s1", "token_epoch": 0, "iat": now, "exp": now + 60}).encode()
    ).rstrip(b"=")
    with pytest.raises(InvalidToken):
        service.decode(f"{header.decode()}.{body.decode()}.")


def test_bad_signature_is_refused() -> None:
    service = TokenService(lambda: SECRET)
    forged = TokenService(lambda: "b" * 64)
    with pytest.raises(InvalidToken):
        service.decode(mint(forged))


def test_media_token_is_not_a_bearer_token_and_vice_versa() -> None:
    service = TokenService(lambda: SECRET)
    media = mint(service, audience=MEDIA_AUDIENCE)
    with pytest.raises(InvalidToken):
        service.decode(media)
    assert service.decode(media, audience=MEDIA_AUDIENCE).user_id == "u1"
    with pytest.raises(InvalidToken):
        service.decode(mint(service), audience=MEDIA_AUDIENCE)


def test_secret_is_reloaded_when_a_signature_fails() -> None:
    secrets = [SECRET]
    service = TokenService(lambda: secrets[0])
    rotated = TokenService(lambda: "c" * 64)
    token = mint(rotated)
    secrets[0] = "c" * 64  # another process rotated the secret in the database
    assert service.decode(token).user_id == "u1"
