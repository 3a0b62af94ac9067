"""User rules shared by the API and the CLI.

- The `system` account (owner of single-user data) cannot log in, get a password, be promoted,
  deactivated or deleted.
- Once set up there is always an active administrator: demoting, deactivating or deleting the
  last one fails. The check and the write happen in one write transaction, so two concurrent
  demotions of the last two admins leave one.
- Setup creates the first admin only while none is active; concurrent setups create one.
- Password hashing (slow by design) happens before the write transaction, never inside it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gesso.audit.origin import SYSTEM, Attribution
from gesso.audit.service import AuditLog
from gesso.db.engine import Database
from gesso.db.metadata import utcnow
from gesso.errors import InvalidInput
from gesso.users import store
from gesso.users.emails import normalize_email
from gesso.users.errors import (
    EmailTaken,
    IncorrectCurrentPassword,
    LastAdministrator,
    SetupAlreadyDone,
    SystemUserProtected,
    UserNotFound,
)
from gesso.users.passwords import PasswordHasher, check_password_policy
from gesso.users.store import UserRecord

logger = logging.getLogger(__name__)

MAX_DISPLAY_NAME_LENGTH = 256


@dataclass(frozen=True)
class UserUpdate:
    """Fields an administrator may change; None means "leave as is"."""

    display_name: str | None = None
    password: str | None = None
    is_admin: bool | None = None
    is_active: bool | None = None
    must_change_password: bool | None = None


@dataclass(frozen=True)
class UpdateResult:
    user: UserRecord
    password_changed: bool


@dataclass(frozen=True)
class UserChange:
    """Told to listeners after a change commits: sockets and queue items follow it at once."""

    user_id: str
    is_active: bool
    is_admin: bool
    credentials_changed: bool
    deleted: bool = False


UserListener = Callable[[UserChange], None]


class UserService:
    def __init__(
        self, db: Database, hasher: PasswordHasher, audit: AuditLog, *, strict_passwords: bool
    ) -> None:
        self._db = db
        self._audit = audit
        self._hasher = hasher
        self.strict_passwords = strict_passwords
        self._listeners: list[UserListener] = []

    def add_listener(self, listener: UserListener) -> None:
        self._listeners.append(listener)

    def _notify(self, change: UserChange) -> None:
        for listener in self._listeners:
            try:
                listener(change)
            except Exception:
                logger.exception("A user-change listener failed")

    # -- reading ---------------------------------------------------------------------------

    def get_user(self, user_id: str) -> UserRecord:
        with self._db.read() as conn:
            user = store.get_user(conn, user_id)
        if user is None:
            raise UserNotFound()
        return user

    def get_managed_user(self, user_id: str) -> UserRecord:
        """A user an administrator may manage: the system account is refused."""
        user = self.get_user(user_id)
        if user.is_system:
            raise SystemUserProtected("be managed")
        return user

    def find_by_email(self, email: str) -> UserRecord | None:
        with self._db.read() as conn:
            return store.find_by_email(conn, email.strip())

    def find_user(self, id_or_email: str) -> UserRecord | None:
        """Look a user up by id or by email (the CLI accepts either)."""
        with self._db.read() as conn:
            return store.get_user(conn, id_or_email) or store.find_by_email(conn, id_or_email.strip())

    def list_users(self, offset: int = 0, limit: int | None = None) -> list[UserRecord]:
        with self._db.read() as conn:
            return store.list_users(conn, offset, limit)

    def password_matches(self, user_id: str, password: str) -> bool:
        return self._hasher.verify(self.get_user(user_id).password_hash, password)

    def has_active_admin(self) -> bool:
        with self._db.read() as conn:
            return store.count_active_admins(conn) > 0

    # -- creating --------------------------------------------------------------------------

    def create_user(
        self,
        email: str,
        password: str,
        *,
        display_name: str | None = None,
        is_admin: bool = False,
        by: Attribution = SYSTEM,
    ) -> UserRecord:
        record = self.prepare_user(email, password, display_name, is_admin)
        with self._db.write() as conn:
            self.insert_prepared(conn, record)
            self._audit.record(
                conn, by, "user.create", target_type="user", target_id=record.user_id,
                details={"email": record.email, "is_admin": is_admin},
            )  # fmt: skip
        logger.info("Created user %s (admin=%s)", record.user_id, record.is_admin)
        return record

    def create_sso_user(
        self, email: str, display_name: str | None, is_admin: bool, *, by: Attribution
    ) -> UserRecord:
        """An account made by single sign-on: no password (it cannot sign in with one)."""
        now = utcnow()
        record = UserRecord(
            user_id=str(uuid.uuid4()), email=normalize_email(email),
            display_name=_clean_display_name(display_name), password_hash=None, is_admin=is_admin,
            is_active=True, created_at=now, updated_at=now, last_login_at=None, token_epoch=0,
        )  # fmt: skip
        with self._db.write() as conn:
            self.insert_prepared(conn, record)
            self._audit.record(
                conn, by, "user.create", target_type="user", target_id=record.user_id,
                details={"email": record.email, "is_admin": is_admin, "via": "sso"},
            )  # fmt: skip
        return record

    def setup_admin(
        self, email: str, password: str, display_name: str | None = None, *, by: Attribution = SYSTEM
    ) -> UserRecord:
        """Create the first administrator; refused once an active administrator exists."""
        with self._db.read() as conn:
            if store.count_active_admins(conn) > 0:
                raise SetupAlreadyDone()
        record = self.prepare_user(email, password, display_name, True)
        with self._db.write() as conn:
            store.lock_user_administration(conn)
            if store.count_active_admins(conn) > 0:
                raise SetupAlreadyDone()
            self.insert_prepared(conn, record)
            self._audit.record(
                conn, by, "auth.setup", target_type="user", target_id=record.user_id,
                details={"email": record.email},
            )  # fmt: skip
        logger.info("Administrator account created during setup")
        return record

    def prepare_user(self, email: str, password: str, display_name: str | None, is_admin: bool) -> UserRecord:
        """A new account's row, password policy checked and hashed (slow: call it outside any
        write transaction); `insert_prepared` stores it."""
        normalized = normalize_email(email)
        check_password_policy(password, strict=self.strict_passwords)
        now = utcnow()
        return UserRecord(
            user_id=str(uuid.uuid4()),
            email=normalized,
            display_name=_clean_display_name(display_name),
            password_hash=self._hasher.hash(password),
            is_admin=is_admin,
            is_active=True,
            created_at=now,
            updated_at=now,
            last_login_at=None,
            token_epoch=0,
        )

    @staticmethod
    def insert_prepared(conn: Connection, record: UserRecord) -> None:
        if store.find_by_email(conn, record.email) is not None:
            raise EmailTaken()
        try:
            with conn.begin_nested():
                store.insert_user(conn, record)
        except sa.exc.IntegrityError:
            raise EmailTaken() from None

    # -- changing --------------------------------------------------------------------------

    def update_user(self, user_id: str, changes: UserUpdate, *, by: Attribution = SYSTEM) -> UpdateResult:
        """Administrator update. A new password bumps the token epoch (all tokens die)."""
        new_hash = None
        if changes.password is not None:
            check_password_policy(changes.password, strict=self.strict_passwords)
            new_hash = self._hasher.hash(changes.password)
        with self._db.write() as conn:
            store.lock_user_administration(conn)
            user = self._get_in(conn, user_id)
            if user.is_system:
                raise SystemUserProtected("be modified")
            loses_admin = (
                user.is_admin and user.is_active and (changes.is_admin is False or changes.is_active is False)
            )
            if loses_admin and store.count_active_admins(conn) <= 1:
                raise LastAdministrator()
            values: dict[str, object] = {}
            if changes.display_name is not None:
                values["display_name"] = _clean_display_name(changes.display_name)
            if changes.is_admin is not None:
                values["is_admin"] = changes.is_admin
            if changes.is_active is not None:
                values["is_active"] = changes.is_active
            if changes.must_change_password is not None:
                values["must_change_password"] = changes.must_change_password
            if values:
                store.update_user(conn, user_id, **values)
            if new_hash is not None:
                store.set_password_hash(conn, user_id, new_hash)
            updated = self._get_in(conn, user_id)
            self._record_update(conn, by, user, updated, password_changed=new_hash is not None)
        logger.debug("Updated user %s: %s", user_id, sorted(values) + (["password"] if new_hash else []))
        self._notify(
            UserChange(user_id, updated.is_active, updated.is_admin, credentials_changed=new_hash is not None)
        )
        return UpdateResult(updated, password_changed=new_hash is not None)

    def update_own_profile(
        self,
        user_id: str,
        *,
        display_name: str | None = None,
        current_password: str | None = None,
        new_password: str | None = None,
        by: Attribution = SYSTEM,
    ) -> UpdateResult:
        """Self-service: a new password requires the current one."""
        user = self.get_user(user_id)
        new_hash = None
        if new_password is not None:
            if user.is_system:
                raise SystemUserProtected("be given a password")
            if not current_password:
                raise IncorrectCurrentPassword("Current password is required to set a new password")
            if not self._hasher.verify(user.password_hash, current_password):
                raise IncorrectCurrentPassword()
            check_password_policy(new_password, strict=self.strict_passwords)
            new_hash = self._hasher.hash(new_password)
        with self._db.write() as conn:
            self._get_in(conn, user_id)
            if display_name is not None:
                store.update_user(conn, user_id, display_name=_clean_display_name(display_name))
            if new_hash is not None:
                # Choosing one's own password satisfies a forced change.
                store.set_password_hash(conn, user_id, new_hash)
                store.update_user(conn, user_id, must_change_password=False)
            updated = self._get_in(conn, user_id)
            self._record_update(conn, by, user, updated, password_changed=new_hash is not None)
        if new_hash is not None:
            self._notify(UserChange(user_id, updated.is_active, updated.is_admin, credentials_changed=True))
        return UpdateResult(updated, password_changed=new_hash is not None)

    def credentials_changed(self, user: UserRecord) -> None:
        """Tell listeners that `user`'s password changed outside this service (a reset link)."""
        self._notify(UserChange(user.user_id, user.is_active, user.is_admin, credentials_changed=True))

    def set_active(self, user_id: str, active: bool, *, by: Attribution = SYSTEM) -> UserRecord:
        return self.update_user(user_id, UserUpdate(is_active=active), by=by).user

    def _record_update(
        self,
        conn: Connection,
        by: Attribution,
        before: UserRecord,
        after: UserRecord,
        *,
        password_changed: bool,
    ) -> None:
        """One `user.update` event naming the fields that changed (old → new, never the password),
        plus `auth.password_change` when the password changed."""
        changed: dict[str, object] = {
            field: {"from": getattr(before, field), "to": getattr(after, field)}
            for field in ("display_name", "is_admin", "is_active", "must_change_password")
            if getattr(before, field) != getattr(after, field)
        }
        if changed:
            self._audit.record(
                conn, by, "user.update", target_type="user", target_id=after.user_id, details=changed
            )
        if password_changed:
            self._audit.record(
                conn, by, "auth.password_change", target_type="user", target_id=after.user_id,
                details={"by_self": by.user_id == after.user_id},
            )  # fmt: skip

    # -- deleting and reassigning ----------------------------------------------------------

    def delete_user(
        self, user_id: str, reassign_to: str | None = None, *, by: Attribution = SYSTEM
    ) -> dict[str, int]:
        """Delete an account. Content stays (visible to admins) unless `reassign_to` names a
        user who receives it in the same transaction. Returns rows moved per table."""
        with self._db.write() as conn:
            store.lock_user_administration(conn)
            user = self._get_in(conn, user_id)
            if user.is_system:
                raise SystemUserProtected("be deleted")
            moved: dict[str, int] = {}
            if reassign_to is not None:
                target = self._reassign_target(conn, reassign_to)
                if target.user_id == user_id:
                    raise InvalidInput("reassign_to must be a different user than the one deleted")
                moved = store.reassign_owned_rows(conn, user_id, target.user_id)
            if user.is_admin and user.is_active and store.count_active_admins(conn) <= 1:
                raise LastAdministrator()
            store.delete_user(conn, user_id)
            self._audit.record(
                conn, by, "user.delete", target_type="user", target_id=user_id,
                details={"email": user.email, "reassigned_to": reassign_to, "moved": moved},
            )  # fmt: skip
        logger.info("Deleted user %s", user_id)
        self._notify(UserChange(user_id, False, False, credentials_changed=True, deleted=True))
        return moved

    def reassign_content(
        self, from_user_id: str, to_user_id: str, *, by: Attribution = SYSTEM
    ) -> dict[str, int]:
        """Move every owned row of one user id (which may belong to a deleted account, or be
        `system`) to an existing user."""
        with self._db.write() as conn:
            target = self._reassign_target(conn, to_user_id)
            if target.user_id == from_user_id:
                raise InvalidInput("Source and target of a reassignment must differ")
            moved = store.reassign_owned_rows(conn, from_user_id, target.user_id)
            self._audit.record(
                conn, by, "user.reassign", target_type="user", target_id=from_user_id,
                details={"to_user_id": target.user_id, "moved": moved},
            )  # fmt: skip
        logger.info("Reassigned content of %s to %s: %s", from_user_id, target.user_id, moved)
        return moved

    @staticmethod
    def _reassign_target(conn: Connection, user_id: str) -> UserRecord:
        target = store.get_user(conn, user_id)
        if target is None:
            raise InvalidInput(f"reassign_to: no user with id {user_id!r}")
        return target

    @staticmethod
    def _get_in(conn: Connection, user_id: str) -> UserRecord:
        user = store.get_user(conn, user_id)
        if user is None:
            raise UserNotFound()
        return user


def _clean_display_name(display_name: str | None) -> str | None:
    if display_name is None:
        return None
    cleaned = display_name.strip()
    if len(cleaned) > MAX_DISPLAY_NAME_LENGTH:
        raise InvalidInput(f"display_name must be at most {MAX_DISPLAY_NAME_LENGTH} characters")
    return cleaned or None
