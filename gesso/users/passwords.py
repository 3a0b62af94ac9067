"""Argon2id hashing, the password policy, and generated passwords.

`verify_dummy` spends the same work as a real verification so that a login for an unknown
email takes as long as one with a wrong password. Its hash is built, not computed (see
`_unmatchable_hash`), so start-up spends no Argon2 work on it.
"""

from __future__ import annotations

import base64
import contextlib
import secrets
import string

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from gesso.errors import InvalidInput

MAX_PASSWORD_LENGTH = 1024
GENERATED_LENGTH = 16
_GENERATED_ALPHABET = string.ascii_letters + string.digits + "!@#$%^&*-_=+?"


class WeakPassword(InvalidInput):
    pass


def check_password_policy(password: str, *, strict: bool) -> None:
    """Strict: at least 8 characters with upper, lower and digit. Otherwise: not empty."""
    if not password:
        raise WeakPassword("Password must not be empty")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"Password must be at most {MAX_PASSWORD_LENGTH} characters")
    if not strict:
        return
    missing = []
    if len(password) < 8:
        missing.append("at least 8 characters")
    if not any(c.isupper() for c in password):
        missing.append("an uppercase letter")
    if not any(c.islower() for c in password):
        missing.append("a lowercase letter")
    if not any(c.isdigit() for c in password):
        missing.append("a digit")
    if missing:
        raise WeakPassword("Password must contain " + ", ".join(missing))


def generate_password() -> str:
    while True:
        password = "".join(secrets.choice(_GENERATED_ALPHABET) for _ in range(GENERATED_LENGTH))
        if (
            any(c.isupper() for c in password)
            and any(c.islower() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password


class PasswordHasher:
    def __init__(self) -> None:
        self._hasher = argon2.PasswordHasher(type=argon2.Type.ID)
        self._dummy_hash = _unmatchable_hash(self._hasher)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        if not password_hash:
            self.verify_dummy(password)
            return False
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def verify_dummy(self, password: str) -> None:
        with contextlib.suppress(VerificationError):
            self._hasher.verify(self._dummy_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


def _unmatchable_hash(hasher: argon2.PasswordHasher) -> str:
    """An Argon2id hash string with the hasher's parameters, a random salt and a random digest.

    Verifying a password against it runs the full Argon2 computation with those parameters
    (as against any stored hash) and fails, as no known password produces a random digest."""

    def encoded(size: int) -> str:
        return base64.b64encode(secrets.token_bytes(size)).decode("ascii").rstrip("=")

    parameters = f"m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"
    version = argon2.low_level.ARGON2_VERSION
    return f"$argon2id$v={version}${parameters}${encoded(hasher.salt_len)}${encoded(hasher.hash_len)}"
