"""HS256 JWTs (PyJWT).

Claims: `sub` and `user_id` (same value), `email`, `is_admin` (informational only: the role is
always read from the database), `remember_me`, `token_epoch`, `sid`, `iat`, `exp`. A token
without `exp`, signed with another algorithm, or with a bad signature is refused. Media-cookie
tokens carry `aud=media` and are refused as Bearer tokens.

PyJWT is imported by the first mint or check, not at start-up: with the `cryptography` package it
loads, it costs about 50 ms that a starting server does not need before its first sign-in.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ALGORITHM = "HS256"
LIFETIME_SECONDS = 24 * 3600
REMEMBER_ME_LIFETIME_SECONDS = 7 * 24 * 3600
MEDIA_AUDIENCE = "media"
_REQUIRED_CLAIMS = ["exp", "iat", "sub", "sid", "token_epoch"]
VERIFIED_CACHE_SIZE = 4096


class InvalidToken(Exception):
    """The token cannot be trusted; `reason` is for DEBUG logs only (never the token itself)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    email: str
    is_admin: bool
    remember_me: bool
    token_epoch: int
    session_id: str
    issued_at: int
    expires_at: int


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int


def lifetime_for(remember_me: bool) -> int:
    return REMEMBER_ME_LIFETIME_SECONDS if remember_me else LIFETIME_SECONDS


class TokenService:
    """Mints and verifies tokens. The secret comes from the database; it is re-read when a
    signature fails, so a rotation done by the CLI in another process takes effect here."""

    def __init__(self, load_secret: Callable[[], str], clock: Callable[[], float] = time.time) -> None:
        self._load_secret = load_secret
        self._clock = clock
        self._lock = threading.Lock()
        self._secret = load_secret()
        self._verified: OrderedDict[tuple[str, str | None], TokenClaims] = OrderedDict()

    def reload_secret(self) -> None:
        with self._lock:
            self._secret = self._load_secret()
            self._verified.clear()

    def mint(
        self,
        *,
        user_id: str,
        email: str,
        is_admin: bool,
        token_epoch: int,
        session_id: str,
        remember_me: bool,
        lifetime_seconds: int | None = None,
        audience: str | None = None,
    ) -> IssuedToken:
        now = int(self._clock())
        lifetime = lifetime_seconds if lifetime_seconds is not None else lifetime_for(remember_me)
        payload: dict[str, Any] = {
            "sub": user_id,
            "user_id": user_id,
            "email": email,
            "is_admin": is_admin,
            "remember_me": remember_me,
            "token_epoch": token_epoch,
            "sid": session_id,
            "iat": now,
            "exp": now + lifetime,
        }
        if audience is not None:
            payload["aud"] = audience
        import jwt

        return IssuedToken(jwt.encode(payload, self._secret, algorithm=ALGORITHM), lifetime)

    def decode(self, token: str, audience: str | None = None) -> TokenClaims:
        """Verify a token. Signature checks are remembered per token (a bounded cache cleared on
        secret reload); expiry is checked on every call. Whether the token's user, session and
        epoch are still valid is the caller's job, on every request."""
        key = (token, audience)
        with self._lock:
            cached = self._verified.get(key)
        if cached is not None:
            if cached.expires_at <= self._clock():
                raise InvalidToken("ExpiredSignatureError")
            return cached
        claims = self._verify(token, audience)
        with self._lock:
            self._verified[key] = claims
            if len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        return claims

    def _verify(self, token: str, audience: str | None) -> TokenClaims:
        import jwt

        try:
            payload = self._decode(token, audience)
        except jwt.InvalidSignatureError:
            self.reload_secret()
            try:
                payload = self._decode(token, audience)
            except jwt.PyJWTError as exc:
                raise InvalidToken(type(exc).__name__) from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(type(exc).__name__) from None
        try:
            return TokenClaims(
                user_id=str(payload["sub"]),
                email=str(payload.get("email", "")),
                is_admin=bool(payload.get("is_admin", False)),
                remember_me=bool(payload.get("remember_me", False)),
                token_epoch=int(payload["token_epoch"]),
                session_id=str(payload["sid"]),
                issued_at=int(payload["iat"]),
                expires_at=int(payload["exp"]),
            )
        except (TypeError, ValueError):
            raise InvalidToken("malformed claims") from None

    def seconds_left(self, claims: TokenClaims) -> int:
        return max(0, claims.expires_at - int(self._clock()))

    def _decode(self, token: str, audience: str | None) -> dict[str, Any]:
        import jwt

        return jwt.decode(
            token,
            self._secret,
            algorithms=[ALGORITHM],
            audience=audience,
            options={"require": _REQUIRED_CLAIMS},
            leeway=0,
        )
