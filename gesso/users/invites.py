"""One-time invite links and password-reset links (SPEC §18). No e-mail is sent: the
administrator passes the link on.

Only the SHA-256 of a link's token is stored. Using a link is one conditional UPDATE
(`… WHERE used_at IS NULL AND expires_at > now`) in the same transaction as the account it
creates or the password it sets, so a link works once even when two requests race. A refused
link (unknown, used, expired, revoked, wrong e-mail) is audited and changes nothing.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from gesso.audit.origin import Attribution, anonymous
from gesso.audit.service import AuditLog
from gesso.db.engine import Database
from gesso.db.metadata import utcnow
from gesso.errors import InvalidInput, NotFound
from gesso.users import store
from gesso.users.emails import normalize_email
from gesso.users.errors import SystemUserProtected, UserNotFound
from gesso.users.passwords import PasswordHasher, check_password_policy
from gesso.users.service import UserService
from gesso.users.store import InviteRecord, ResetRecord, UserRecord

MAX_LINK_HOURS = 24 * 90
DEFAULT_RESET_HOURS = 24


def new_token() -> tuple[str, str]:
    """A 256-bit URL-safe token and the hash that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class LinkRefused(InvalidInput):
    """A link that cannot be used; `reason` goes to the audit log."""

    def __init__(self, detail: str, reason: str) -> None:
        super().__init__(detail)
        self.reason = reason


class InviteNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Invite not found")


@dataclass(frozen=True)
class IssuedLink:
    record_id: str
    token: str
    expires_at_iso: str


class AccountLinks:
    def __init__(self, db: Database, users: UserService, hasher: PasswordHasher, audit: AuditLog) -> None:
        self._db = db
        self._users = users
        self._hasher = hasher
        self._audit = audit

    # -- invites ---------------------------------------------------------------------------

    def create_invite(
        self, by: Attribution, *, email: str | None, is_admin: bool, expires_in_hours: int
    ) -> tuple[InviteRecord, str]:
        token, token_hash = new_token()
        now = utcnow()
        record = InviteRecord(
            invite_id=uuid.uuid4().hex,
            email=normalize_email(email) if email else None,
            is_admin=is_admin,
            created_by=by.user_id,
            created_at=now,
            expires_at=now + timedelta(hours=expires_in_hours),
            used_at=None,
            used_by=None,
            revoked_at=None,
        )
        with self._db.write() as conn:
            store.insert_invite(conn, record, token_hash)
            self._audit.record(
                conn, by, "auth.invite_create", target_type="invite", target_id=record.invite_id,
                details={"email": record.email, "is_admin": is_admin, "expires_in_hours": expires_in_hours},
            )  # fmt: skip
        return record, token

    def list_invites(self) -> list[InviteRecord]:
        with self._db.read() as conn:
            return store.list_invites(conn)

    def revoke_invite(self, by: Attribution, invite_id: str) -> None:
        with self._db.write() as conn:
            if not store.revoke_invite(conn, invite_id, utcnow()):
                raise InviteNotFound()
            self._audit.record(conn, by, "auth.invite_revoke", target_type="invite", target_id=invite_id)

    def find_open_invite(self, token: str) -> InviteRecord:
        """The invite behind a link, if it can still be accepted (else `LinkRefused`)."""
        with self._db.read() as conn:
            invite = store.find_invite_by_hash(conn, hash_token(token))
        _check_invite(invite)
        assert invite is not None
        return invite

    def accept_invite(
        self, token: str, *, email: str, display_name: str | None, password: str, ip: str
    ) -> UserRecord:
        """Create the invited account (with the invite's role) and use the invite up, at once."""
        token_hash = hash_token(token)
        with self._db.read() as conn:
            invite = store.find_invite_by_hash(conn, token_hash)
        try:
            _check_invite(invite)
            assert invite is not None
            if invite.email is not None and normalize_email(email).lower() != invite.email.lower():
                raise LinkRefused("This invite is for another e-mail address", "email_mismatch")
            record = self._users.prepare_user(email, password, display_name, invite.is_admin)
            with self._db.write() as conn:
                if not store.claim_invite(conn, token_hash, record.user_id, utcnow()):
                    raise LinkRefused("This invite link has already been used", "used")
                self._users.insert_prepared(conn, record)
                self._audit.record(
                    conn, anonymous(ip), "auth.invite_accept", target_type="invite",
                    target_id=invite.invite_id,
                    details={"user_id": record.user_id, "email": record.email, "is_admin": record.is_admin},
                )  # fmt: skip
        except LinkRefused as refused:
            self._audit.record_alone(
                anonymous(ip), "auth.invite_refused", target_type="invite",
                target_id=invite.invite_id if invite is not None else None, outcome="denied",
                details={"reason": refused.reason},
            )  # fmt: skip
            raise
        return record

    # -- password resets -------------------------------------------------------------------

    def create_reset_link(
        self, by: Attribution, user_id: str, expires_in_hours: int
    ) -> tuple[ResetRecord, str]:
        """A new link for `user_id`; any older open link of theirs stops working."""
        token, token_hash = new_token()
        now = utcnow()
        user = self._users.get_user(user_id)
        if user.is_system:
            raise SystemUserProtected("be given a password")
        record = ResetRecord(
            reset_id=uuid.uuid4().hex,
            user_id=user_id,
            created_by=by.user_id,
            created_at=now,
            expires_at=now + timedelta(hours=expires_in_hours),
            used_at=None,
        )
        with self._db.write() as conn:
            if store.get_user(conn, user_id) is None:
                raise UserNotFound()
            store.close_open_resets(conn, user_id, now)
            store.insert_reset(conn, record, token_hash)
            self._audit.record(
                conn, by, "auth.reset_link_create", target_type="user", target_id=user_id,
                details={"reset_id": record.reset_id, "expires_in_hours": expires_in_hours},
            )  # fmt: skip
        return record, token

    def find_open_reset(self, token: str) -> tuple[ResetRecord, UserRecord]:
        with self._db.read() as conn:
            reset = store.find_reset_by_hash(conn, hash_token(token))
            user = store.get_user(conn, reset.user_id) if reset is not None else None
        _check_reset(reset, user)
        assert reset is not None and user is not None
        return reset, user

    def use_reset_link(self, token: str, new_password: str, *, ip: str) -> UserRecord:
        """Set a new password through a link: every older token of the user dies (epoch bump),
        and a pending forced change is satisfied."""
        token_hash = hash_token(token)
        with self._db.read() as conn:
            reset = store.find_reset_by_hash(conn, token_hash)
            user = store.get_user(conn, reset.user_id) if reset is not None else None
        try:
            _check_reset(reset, user)
            assert reset is not None and user is not None
            check_password_policy(new_password, strict=self._users.strict_passwords)
            new_hash = self._hasher.hash(new_password)
            with self._db.write() as conn:
                if not store.claim_reset(conn, token_hash, utcnow()):
                    raise LinkRefused("This password-reset link has already been used", "used")
                store.set_password_hash(conn, user.user_id, new_hash)
                store.update_user(conn, user.user_id, must_change_password=False)
                self._audit.record(
                    conn, anonymous(ip), "auth.reset_link_use", target_type="user", target_id=user.user_id,
                    details={"reset_id": reset.reset_id},
                )  # fmt: skip
                updated = store.get_user(conn, user.user_id)
        except LinkRefused as refused:
            self._audit.record_alone(
                anonymous(ip), "auth.reset_link_refused", target_type="user",
                target_id=reset.user_id if reset is not None else None, outcome="denied",
                details={"reason": refused.reason},
            )  # fmt: skip
            raise
        assert updated is not None
        self._users.credentials_changed(updated)
        return updated


def _check_invite(invite: InviteRecord | None) -> None:
    if invite is None:
        raise LinkRefused("This invite link is not valid", "unknown")
    if invite.revoked_at is not None:
        raise LinkRefused("This invite has been revoked", "revoked")
    if invite.used_at is not None:
        raise LinkRefused("This invite link has already been used", "used")
    if invite.expires_at <= utcnow():
        raise LinkRefused("This invite link has expired", "expired")


def _check_reset(reset: ResetRecord | None, user: UserRecord | None) -> None:
    if reset is None or user is None:
        raise LinkRefused("This password-reset link is not valid", "unknown")
    if reset.used_at is not None:
        raise LinkRefused("This password-reset link has already been used", "used")
    if reset.expires_at <= utcnow():
        raise LinkRefused("This password-reset link has expired", "expired")
    if not user.is_active:
        raise LinkRefused("This account is disabled", "account_disabled")
