"""Personal API tokens (SPEC §16): creation, listing, revocation and verification.

The secret is `gsk_` + 256 random bits (URL-safe base64), shown once at creation. Only its
SHA-256 is stored: a fast unkeyed hash is right for a secret of that entropy (nothing to
brute-force), and it lets a request find its token with one indexed lookup. Each service
method is one transaction, so an audit event can be added beside each.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from gesso.audit.service import AuditLog
from gesso.auth import token_store
from gesso.auth.actor import Actor
from gesso.auth.scopes import Scope, decode_scopes, encode_scopes
from gesso.auth.token_store import ApiTokenRecord, TokenOwner
from gesso.db.engine import Database
from gesso.db.metadata import utcnow
from gesso.errors import Forbidden, NotFound

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "gsk_"
SECRET_BYTES = 32  # 256 bits
DISPLAY_PREFIX_LENGTH = 12  # "gsk_" and 8 characters: enough to tell tokens apart, useless to guess
MAX_EXPIRY_DAYS = 365
DEFAULT_EXPIRY_DAYS = 90
LAST_USED_INTERVAL = timedelta(minutes=1)


class TokenNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Token not found")


def is_api_token(credential: str) -> bool:
    return credential.startswith(TOKEN_PREFIX)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True)
class CreatedToken:
    record: ApiTokenRecord
    secret: str


class ApiTokenService:
    def __init__(
        self, db: Database, audit: AuditLog, *, multiuser: bool, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._db = db
        self._audit = audit
        self._multiuser = multiuser
        self._clock = clock
        self._revocation_listeners: list[Callable[[str], None]] = []

    def on_revoke(self, listener: Callable[[str], None]) -> None:
        """Called with the token id after a token is revoked (open sockets using it close)."""
        self._revocation_listeners.append(listener)

    def create(self, actor: Actor, name: str, scopes: Iterable[Scope], expires_in_days: int) -> CreatedToken:
        if not self._multiuser:
            raise Forbidden(
                "Multi-user mode is off: API tokens are not needed in single-user mode "
                "(set multiuser: true in gesso.yaml to enable accounts)"
            )
        if actor.token_id is not None:
            raise Forbidden("An API token cannot create tokens; sign in with your password")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
        scopes_set = set(scopes)
        now = self._clock()
        record = ApiTokenRecord(
            token_id=uuid.uuid4().hex,
            user_id=actor.user_id,
            name=name,
            prefix=secret[:DISPLAY_PREFIX_LENGTH],
            scopes=encode_scopes(scopes_set),
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days),
            last_used_at=None,
        )
        with self._db.write() as conn:
            token_store.insert_token(conn, record, hash_secret(secret))
            self._audit.record(
                conn, actor, "auth.token_create", target_type="token", target_id=record.token_id,
                details={"name": name, "scopes": sorted(s.value for s in scopes_set),
                         "expires_at": record.expires_at.isoformat() if record.expires_at else None},
            )  # fmt: skip
        logger.debug("API token %s created for %s", record.token_id, actor.user_id)
        return CreatedToken(record=record, secret=secret)

    def list(self, actor: Actor, *, everyone: bool = False) -> list[ApiTokenRecord]:
        """The caller's tokens; an administrator may ask for everyone's."""
        if everyone and not actor.is_admin:
            raise Forbidden("Administrator privileges required to list every user's tokens")
        with self._db.read() as conn:
            return token_store.list_tokens(conn, None if everyone else actor.user_id)

    def revoke(self, actor: Actor, token_id: str) -> ApiTokenRecord:
        """Delete a token: the caller's own, or anyone's for an administrator. Someone else's
        token is "not found" to a non-administrator."""
        with self._db.write() as conn:
            record = token_store.find_token(conn, token_id)
            if record is None or (record.user_id != actor.user_id and not actor.is_admin):
                raise TokenNotFound()
            token_store.delete_token(conn, token_id)
            self._audit.record(
                conn, actor, "auth.token_revoke", target_type="token", target_id=token_id,
                details={"name": record.name, "owner_user_id": record.user_id},
            )  # fmt: skip
        logger.debug("API token %s revoked by %s", token_id, actor.user_id)
        for listener in self._revocation_listeners:
            listener(token_id)
        return record

    # -- verification ----------------------------------------------------------------------

    def find_live(self, secret: str) -> TokenOwner | None:
        """The token and its user when the secret is known and not expired (user checks are the
        caller's). One indexed query."""
        found = token_store.find_by_secret_hash(self._db, hash_secret(secret))
        if found is None:
            return None
        expires_at = found.token.expires_at
        if expires_at is not None and expires_at <= self._clock():
            return None
        return found

    def needs_touch(self, record: ApiTokenRecord) -> bool:
        last = record.last_used_at
        return last is None or last < self._clock() - LAST_USED_INTERVAL

    def touch(self, token_id: str) -> None:
        """Record use (at most one write a minute per token, across processes)."""
        with self._db.write() as conn:
            token_store.touch_token(conn, token_id, self._clock(), LAST_USED_INTERVAL)

    def live_token_ids(self, token_ids: Iterable[str]) -> set[str]:
        """Which of these tokens still exist, unexpired, for an active user (the socket sweep)."""
        with self._db.read() as conn:
            rows = token_store.live_tokens(conn, sorted(set(token_ids)), self._clock())
        return set(rows)


def scopes_of(record: ApiTokenRecord) -> frozenset[str]:
    return decode_scopes(record.scopes)
