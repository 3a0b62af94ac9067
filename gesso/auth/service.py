"""Login, token verification and session revocation.

Every authenticated request re-reads the user and session rows: a token is honoured only while
its user exists, is active, is not `system`, has the same token epoch, and its session is not
revoked. The role comes from that row, never from the token.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Protocol

from gesso.audit.origin import Origin, anonymous
from gesso.audit.service import AuditLog
from gesso.auth import store
from gesso.auth.actor import Actor
from gesso.auth.api_tokens import ApiTokenService, is_api_token, scopes_of
from gesso.auth.store import SessionRecord
from gesso.auth.throttle import Throttle
from gesso.auth.tokens import MEDIA_AUDIENCE, InvalidToken, IssuedToken, TokenClaims, TokenService
from gesso.auth.totp import IncorrectCode, TwoFactor
from gesso.db.engine import Database
from gesso.db.metadata import utcnow
from gesso.errors import Forbidden, NotFound, TooManyRequests, Unauthenticated
from gesso.settings_store.service import AppSettings
from gesso.users.errors import IncorrectCurrentPassword
from gesso.users.passwords import PasswordHasher
from gesso.users.store import UserRecord, set_last_login
from gesso.users.store import find_by_email as find_user_by_email

logger = logging.getLogger(__name__)

BAD_CREDENTIALS = "Incorrect email or password"
INVALID_TOKEN = "Invalid or expired token"
OTP_REQUIRED = "otp_required"


class MultiuserDisabled(Forbidden):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"Multi-user mode is off: {what} is not needed in single-user mode "
            "(set multiuser: true in gesso.yaml to enable accounts)"
        )


@dataclass(frozen=True)
class Authentication:
    """A verified request identity, with what is needed to mint its replacement token."""

    actor: Actor
    user: UserRecord
    claims: TokenClaims | None  # None for a personal API token (it has no session)
    touch_token: bool = False  # an API token whose `last_used_at` is due for a write


class HeaderAuthenticator(Protocol):
    """Sign-in by a trusted proxy's header (`auth/proxy.py`)."""

    def present(self, headers: dict[str, str]) -> bool: ...

    def authenticate(self, headers: dict[str, str], peer: str, client: str) -> Authentication: ...


@dataclass(frozen=True)
class LoginResult:
    user: UserRecord
    token: IssuedToken
    media_token: IssuedToken
    two_factor_setup_required: bool = False


class AuthService:
    def __init__(
        self,
        db: Database,
        hasher: PasswordHasher,
        tokens: TokenService,
        throttle: Throttle,
        app_settings: AppSettings,
        api_tokens: ApiTokenService,
        audit: AuditLog,
        *,
        multiuser: bool,
        password_login: bool = True,
        two_factor: TwoFactor | None = None,
        require_2fa: str = "none",
    ) -> None:
        self.two_factor = two_factor
        self.header_auth: HeaderAuthenticator | None = None  # set by Services when configured
        self.require_2fa = require_2fa
        self._db = db
        self.api_tokens = api_tokens
        self.password_login = password_login
        self._audit = audit
        self._hasher = hasher
        self.tokens = tokens
        self._throttle = throttle
        self._app_settings = app_settings
        self.multiuser = multiuser

    # -- login -----------------------------------------------------------------------------

    def login(
        self,
        email: str,
        password: str,
        *,
        remember_me: bool,
        ip: str,
        user_agent: str | None,
        otp: str | None = None,
    ) -> LoginResult:
        """Verify a password (constant work whether or not the email exists) and open a session."""
        if not self.multiuser:
            raise MultiuserDisabled("logging in")
        if not self.password_login:
            raise Forbidden("Password sign-in is turned off on this server: use single sign-on")
        email = email.strip()
        retry_after = self._throttle.retry_after(email, ip)
        if retry_after is not None:
            logger.info("Login throttled for a client (retry after %ss)", retry_after)
            self._audit.record_alone(
                anonymous(ip), "auth.login_throttled", target_type="user", target_id=email.lower(),
                outcome="denied", details={"retry_after": retry_after},
            )  # fmt: skip
            raise TooManyRequests("Too many failed login attempts; try again later", retry_after)
        with self._db.read() as conn:
            user = find_user_by_email(conn, email)
        if user is None or user.is_system:
            self._hasher.verify_dummy(password)
            verified = False
        else:
            verified = self._hasher.verify(user.password_hash, password)
        if not verified or user is None:
            self._throttle.record_failure(email, ip)
            logger.debug("Login refused: bad credentials")
            self._audit.record_alone(
                anonymous(ip), "auth.login_failed", target_type="user",
                target_id=user.user_id if user is not None else email.lower(), outcome="denied",
                details={"reason": "bad_credentials"},
            )  # fmt: skip
            raise Unauthenticated(BAD_CREDENTIALS)
        if not user.is_active:
            self._audit.record_alone(
                anonymous(ip), "auth.login_failed", target_type="user", target_id=user.user_id,
                outcome="denied", details={"reason": "account_disabled"},
            )  # fmt: skip
            raise Forbidden("User account is disabled", audited=True)
        self._second_factor(user, otp, email, ip)
        self._throttle.record_success(email)
        return self.open_session(
            user, remember_me=remember_me, ip=ip, user_agent=user_agent, method="password"
        )

    @contextmanager
    def reauthentication(self, email: str, ip: str) -> Iterator[None]:
        """A signed-in user proving again who they are (setting a new password, turning 2FA
        off): a wrong password or code inside counts in the login throttle like a failed login,
        and an account or address over its limit gets 429, so a stolen session cannot guess its
        way to the account's password or second factor."""
        retry_after = self._throttle.retry_after(email, ip)
        if retry_after is not None:
            raise TooManyRequests("Too many failed attempts; try again later", retry_after)
        try:
            yield
        except (IncorrectCurrentPassword, IncorrectCode):
            self._throttle.record_failure(email, ip)
            logger.debug("Re-authentication refused: wrong password or code")
            raise

    def _second_factor(self, user: UserRecord, otp: str | None, email: str, ip: str) -> None:
        """An enrolled user also needs a current code (or an unused recovery code). A wrong
        code counts in the login throttle exactly like a wrong password."""
        if self.two_factor is None or not self.two_factor.is_enabled(user.user_id):
            return
        if not otp:
            raise Unauthenticated(OTP_REQUIRED)
        if self.two_factor.verify(user.user_id, otp) is None:
            self._throttle.record_failure(email, ip)
            self._audit.record_alone(
                anonymous(ip), "auth.login_failed", target_type="user", target_id=user.user_id,
                outcome="denied", details={"reason": "bad_otp"},
            )  # fmt: skip
            raise Unauthenticated("Incorrect one-time code")

    def needs_two_factor_setup(self, user: UserRecord) -> bool:
        """`require_2fa` applies to this user and they have not enrolled yet."""
        if self.two_factor is None or self.require_2fa == "none":
            return False
        if self.require_2fa == "admins" and not user.is_admin:
            return False
        return not self.two_factor.is_enabled(user.user_id)

    def open_session(
        self, user: UserRecord, *, remember_me: bool, ip: str, user_agent: str | None, method: str
    ) -> LoginResult:
        """Sign a verified, active user in: a session row, `last_login_at` and the audit event in
        one transaction, then the API and media tokens. `method` says how they proved who they
        are (password, invite, sso, header)."""
        if not user.is_active or user.is_system:
            raise Forbidden("User account is disabled")
        session = SessionRecord(
            session_id=uuid.uuid4().hex,
            user_id=user.user_id,
            created_at=utcnow(),
            remember_me=remember_me,
            user_agent=(user_agent or "")[:512] or None,
            ip_address=ip[:64],
            revoked_at=None,
        )
        with self._db.write() as conn:
            store.insert_session(conn, session)
            set_last_login(conn, user.user_id, session.created_at)
            self._audit.record(
                conn, Origin(user.user_id, "user", ip), "auth.login", target_type="user",
                target_id=user.user_id, details={"method": method, "remember_me": remember_me},
            )  # fmt: skip
        user = replace(user, last_login_at=session.created_at)
        token = self._mint(user, session.session_id, remember_me)
        media = self._mint(user, session.session_id, remember_me, audience=MEDIA_AUDIENCE)
        logger.debug("Login accepted for user %s (%s)", user.user_id, method)
        setup = self.needs_two_factor_setup(user)
        return LoginResult(user=user, token=token, media_token=media, two_factor_setup_required=setup)

    # -- verification ----------------------------------------------------------------------

    @property
    def reads_are_local(self) -> bool:
        """True when the per-request lookup is a local SQLite read of well under a millisecond."""
        return self._db.is_sqlite

    def authenticate(self, token: str, *, media: bool = False) -> Authentication:
        if is_api_token(token):
            if media:  # the media cookie only ever holds a media JWT
                raise Unauthenticated(INVALID_TOKEN)
            return self._authenticate_api_token(token)
        try:
            claims = self.tokens.decode(token, audience=MEDIA_AUDIENCE if media else None)
        except InvalidToken as exc:
            logger.debug("Token refused: %s", exc.reason)
            raise Unauthenticated(INVALID_TOKEN) from None
        if self._db.is_sqlite:
            user = store.find_user_with_live_session_sqlite(self._db, claims.user_id, claims.session_id)
        else:
            with self._db.read_once() as conn:
                user = store.find_user_with_live_session(conn, claims.user_id, claims.session_id)
        if user is None or user.is_system or not user.is_active or user.token_epoch != claims.token_epoch:
            logger.debug("Token refused: user, session or epoch no longer valid")
            raise Unauthenticated(INVALID_TOKEN)
        actor = Actor(
            user_id=user.user_id,
            email=user.email,
            display_name=user.display_name,
            is_admin=user.is_admin,
            session_id=claims.session_id,
            remember_me=claims.remember_me,
        )
        return Authentication(actor=actor, user=user, claims=claims)

    def _authenticate_api_token(self, secret: str) -> Authentication:
        found = self.api_tokens.find_live(secret)
        if found is None or found.user.is_system or not found.user.is_active:
            logger.debug("API token refused: unknown, expired, or its user is inactive")
            raise Unauthenticated(INVALID_TOKEN)
        user = found.user
        actor = Actor(
            user_id=user.user_id,
            email=user.email,
            display_name=user.display_name,
            is_admin=user.is_admin,
            token_id=found.token.token_id,
            scopes=scopes_of(found.token),
        )
        touch = self.api_tokens.needs_touch(found.token)
        return Authentication(actor=actor, user=user, claims=None, touch_token=touch)

    def refreshed_token(self, auth: Authentication, user: UserRecord | None = None) -> IssuedToken:
        """A new token for the same session with a full lifetime, minted from the DB row."""
        assert auth.claims is not None, "API tokens are never refreshed"
        return self._mint(user or auth.user, auth.claims.session_id, auth.claims.remember_me)

    def media_token(self, auth: Authentication) -> IssuedToken:
        """A media-cookie token that lives no longer than the Bearer token it came from."""
        assert auth.claims is not None, "API tokens get no media cookie"
        seconds = self.tokens.seconds_left(auth.claims)
        return self._mint(
            auth.user,
            auth.claims.session_id,
            auth.claims.remember_me,
            audience=MEDIA_AUDIENCE,
            lifetime=seconds,
        )

    def _mint(
        self,
        user: UserRecord,
        session_id: str,
        remember_me: bool,
        *,
        audience: str | None = None,
        lifetime: int | None = None,
    ) -> IssuedToken:
        return self.tokens.mint(
            user_id=user.user_id,
            email=user.email,
            is_admin=user.is_admin,
            token_epoch=user.token_epoch,
            session_id=session_id,
            remember_me=remember_me,
            audience=audience,
            lifetime_seconds=lifetime,
        )

    # -- sessions --------------------------------------------------------------------------

    def live_session_states(self, wanted: dict[str, tuple[str, str]]) -> dict[str, tuple[bool, int] | None]:
        """For each key's (user_id, session_id): (is_admin, token_epoch) while the user is active
        and the session live, else None (the socket sweep's one query)."""
        with self._db.read() as conn:
            return store.live_session_states(conn, wanted)

    def list_sessions(self, actor: Actor) -> list[SessionRecord]:
        with self._db.read() as conn:
            return store.list_live_sessions(conn, actor.user_id)

    def logout(self, actor: Actor) -> None:
        if actor.session_id is None:
            return
        with self._db.write() as conn:
            store.revoke_session(conn, actor.user_id, actor.session_id)
            self._audit.record(conn, actor, "auth.logout", target_type="user", target_id=actor.user_id)

    def revoke_session(self, actor: Actor, session_id: str) -> None:
        """Revoke one of the caller's own sessions; someone else's id is simply not found."""
        with self._db.write() as conn:
            if not store.revoke_session(conn, actor.user_id, session_id):
                raise NotFound("Session not found")
            self._audit.record(
                conn, actor, "auth.session_revoke", target_type="session", target_id=session_id
            )

    def logout_all(self, actor: Actor) -> int:
        with self._db.write() as conn:
            revoked = store.revoke_user_sessions(conn, actor.user_id)
            self._audit.record(
                conn, actor, "auth.logout", target_type="user", target_id=actor.user_id,
                details={"all_sessions": True, "revoked": revoked},
            )  # fmt: skip
            return revoked

    def after_password_change(
        self, user: UserRecord, changed_by: Actor, authentication: Authentication | None
    ) -> IssuedToken | None:
        """Every session of `user` is revoked except, when users change their own password, the
        one making the change, which gets a replacement token (older tokens died with the epoch)."""
        own = (
            authentication is not None
            and authentication.claims is not None
            and user.user_id == changed_by.user_id
        )
        self.revoke_other_sessions(user.user_id, keep_session_id=changed_by.session_id if own else None)
        return self.refreshed_token(authentication, user) if own and authentication is not None else None

    def revoke_other_sessions(self, user_id: str, keep_session_id: str | None) -> int:
        with self._db.write() as conn:
            return store.revoke_user_sessions(conn, user_id, except_session_id=keep_session_id)

    def rotate_jwt_secret(self) -> int:
        revoked = rotate_jwt_secret(self._db, self._app_settings)
        self.tokens.reload_secret()
        return revoked


def rotate_jwt_secret(db: Database, app_settings: AppSettings) -> int:
    """New signing secret; every session is revoked so every user must log in again.

    Works on a database whose secret row is missing (that is how such a database is repaired).
    """
    app_settings.rotate_jwt_secret()
    with db.write() as conn:
        return store.revoke_all_sessions(conn)
