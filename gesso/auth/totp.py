"""TOTP two-factor authentication (RFC 6238 with pyotp, SPEC §18).

- Setup stores a new secret, not yet active; `enable` with a correct code activates it and
  returns 10 recovery codes, shown once and stored as SHA-256 hashes.
- A code is accepted once: its time step must be later than the last one used (one conditional
  UPDATE, so two logins racing with the same code cannot both pass). The step before and after
  the current one are accepted too (clock drift between phone and server).
- A recovery code works once, in place of a code.
- Secrets are encrypted with AES-GCM under `app_settings.totp_key`.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyotp

from gesso.audit.origin import Attribution
from gesso.audit.service import AuditLog
from gesso.auth import store
from gesso.db.engine import Database
from gesso.db.metadata import utcnow
from gesso.errors import Conflict, InvalidInput, NotFound
from gesso.settings_store.service import AppSettings

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ISSUER = "Gesso"
RECOVERY_CODES = 10
DRIFT_STEPS = 1
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)


class IncorrectCode(InvalidInput):
    def __init__(self, detail: str = "Incorrect code") -> None:
        super().__init__(detail)


class MissingTotpKey(RuntimeError):
    """The database has no `totp_key` (it is created by migration 0011)."""


class SecretBox:
    """AES-GCM with a 256-bit key; the nonce travels with the ciphertext. The `cryptography`
    package loads on first use (about 40 ms that a starting server does not need)."""

    def __init__(self, key_hex: str) -> None:
        self._key = bytes.fromhex(key_hex)
        self._cipher: AESGCM | None = None

    def _aead(self) -> AESGCM:
        if self._cipher is None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._cipher = AESGCM(self._key)
        return self._cipher

    def seal(self, plain: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = nonce + self._aead().encrypt(nonce, plain.encode(), b"gesso-totp")
        return "v1:" + base64.urlsafe_b64encode(sealed).decode()

    def open(self, sealed: str) -> str:
        from cryptography.exceptions import InvalidTag

        raw = base64.urlsafe_b64decode(sealed.removeprefix("v1:"))
        try:
            return self._aead().decrypt(raw[:12], raw[12:], b"gesso-totp").decode()
        except InvalidTag:
            raise RuntimeError("A stored TOTP secret cannot be decrypted (was totp_key changed?)") from None


def hash_recovery_code(code: str) -> str:
    normalized = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalized.encode()).hexdigest()


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code `code` is (current ± drift), or None."""
    cleaned = code.strip().replace(" ", "")
    if not (cleaned.isdigit() and len(cleaned) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now if now is not None else time.time())
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.generate_otp(step), cleaned):
            return step
    return None


@dataclass(frozen=True)
class TotpSetup:
    secret: str
    otpauth_uri: str


class TwoFactorNotEnabled(InvalidInput):
    def __init__(self) -> None:
        super().__init__("Two-factor authentication is not on for this account")


class TwoFactor:
    def __init__(self, db: Database, app_settings: AppSettings, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit
        key = app_settings.get("totp_key")
        if key is None:
            raise MissingTotpKey("app_settings has no totp_key; run `gesso db upgrade`")
        self._box = SecretBox(key)

    def is_enabled(self, user_id: str) -> bool:
        with self._db.read() as conn:
            record = store.find_totp(conn, user_id)
        return record is not None and record.enabled_at is not None

    def setup(self, by: Attribution, user_id: str, email: str) -> TotpSetup:
        """A new secret to scan; refused while 2FA is on (turn it off first)."""
        secret = pyotp.random_base32()
        with self._db.write() as conn:
            existing = store.find_totp(conn, user_id)
            if existing is not None and existing.enabled_at is not None:
                raise Conflict(
                    "Two-factor authentication is already on; turn it off first to set it up again"
                )
            store.save_pending_totp(conn, user_id, self._box.seal(secret), utcnow())
        uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
        return TotpSetup(secret=secret, otpauth_uri=uri)

    def enable(self, by: Attribution, user_id: str, code: str) -> list[str]:
        """Activate the pending secret with a correct code; returns the recovery codes."""
        codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
        with self._db.write() as conn:
            record = store.find_totp(conn, user_id)
            if record is None:
                raise NotFound("No two-factor setup to enable: start with POST /api/v1/auth/2fa/setup")
            if record.enabled_at is not None:
                raise Conflict("Two-factor authentication is already on")
            step = matching_step(self._box.open(record.secret_encrypted), code)
            if step is None:
                raise IncorrectCode("Incorrect code: enter the 6 digits your authenticator app shows now")
            store.enable_totp(conn, user_id, step, utcnow())
            store.replace_recovery_codes(conn, user_id, [hash_recovery_code(c) for c in codes])
            self._audit.record(conn, by, "auth.2fa_enable", target_type="user", target_id=user_id)
        return codes

    def verify(self, user_id: str, code: str) -> str | None:
        """Use a code or a recovery code once. Returns "totp" or "recovery_code", None if refused."""
        with self._db.write() as conn:
            record = store.find_totp(conn, user_id)
            if record is None or record.enabled_at is None:
                return None
            step = matching_step(self._box.open(record.secret_encrypted), code)
            if step is not None:
                return "totp" if store.use_totp_step(conn, user_id, step) else None
            if store.use_recovery_code(conn, user_id, hash_recovery_code(code), utcnow()):
                return "recovery_code"
        return None

    def disable(self, by: Attribution, user_id: str, *, reason: str) -> None:
        """Remove the second factor (the caller has checked password and code, or is an admin)."""
        with self._db.write() as conn:
            if not store.delete_second_factor(conn, user_id):
                raise TwoFactorNotEnabled()
            action = "auth.2fa_reset" if reason == "admin_reset" else "auth.2fa_disable"
            self._audit.record(conn, by, action, target_type="user", target_id=user_id)

    def recovery_codes_left(self, user_id: str) -> int:
        with self._db.read() as conn:
            return store.count_unused_recovery_codes(conn, user_id)
