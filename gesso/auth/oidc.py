"""OpenID Connect sign-in (SPEC §18) with Authlib: authorization code + PKCE + state + nonce.

1. `begin` stores a pending login (state, nonce, PKCE verifier, where to go afterwards) keyed
   by the SHA-256 of a random value that only the browser has, in an HttpOnly cookie, and
   answers the provider's authorization URL.
2. `finish` (the callback) takes the pending login of *that* cookie, once (a DELETE that must
   hit a row), checks `state` in constant time, exchanges the code, and validates the ID token:
   signature against the provider's JWKS, `iss`, `aud` (and `azp`), `exp`, `nonce`.
3. The user is found by `(issuer, sub)`; by e-mail only with `link_by_email` *and*
   `email_verified`; created when `auto_create`. An `admin_claim` decides the role at each
   sign-in. The answer is a one-time login code (60 s) for the studio to exchange, never a token
   in a URL.
Every refusal is audited (`auth.oidc_failed`, with the reason) and creates no session.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from authlib.common.security import generate_token

from gesso.audit.origin import Origin, anonymous
from gesso.audit.service import AuditLog
from gesso.auth import store
from gesso.config import OidcSettings
from gesso.db.engine import Database
from gesso.db.metadata import utcnow
from gesso.errors import Forbidden, InvalidInput, ServiceUnavailable
from gesso.users.emails import normalize_email
from gesso.users.service import UserService, UserUpdate
from gesso.users.store import UserRecord

if TYPE_CHECKING:  # httpx, Authlib's client and joserfc load on first use (start-up stays light)
    from authlib.integrations.httpx_client import OAuth2Client
    from joserfc.jwk import KeySet

logger = logging.getLogger(__name__)

PENDING_SECONDS = 600
LOGIN_CODE_SECONDS = 60
CLOCK_LEEWAY = 60
HTTP_TIMEOUT = 10.0


class SsoRefused(InvalidInput):
    """A sign-on that must not create a session; `reason` goes to the audit log."""

    def __init__(self, detail: str, reason: str) -> None:
        super().__init__(detail, audited=True)
        self.reason = reason


class SsoForbidden(Forbidden):
    def __init__(self, detail: str, reason: str) -> None:
        super().__init__(detail, audited=True)
        self.reason = reason


@dataclass(frozen=True)
class Begun:
    authorization_url: str
    binding: str  # the cookie value


@dataclass(frozen=True)
class Finished:
    login_code: str
    user: UserRecord


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def safe_next_path(value: str | None) -> str | None:
    """Only a same-origin path: `/gallery/x?y`, never `//evil`, `/\\evil`, `https://…`."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(ch in value for ch in "\\\r\n\t") or len(value) > 2000:
        return None
    return value


class ProviderMetadata:
    """The provider's discovery document and keys, fetched on first use and cached; the keys
    are fetched again when a token names a key id they do not have (key rotation)."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer.rstrip("/")
        self._document: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._lock = threading.Lock()

    def document(self) -> dict[str, Any]:
        with self._lock:
            if self._document is None:
                document = _fetch_json(f"{self.issuer}/.well-known/openid-configuration")
                if str(document.get("issuer", "")).rstrip("/") != self.issuer:
                    logger.warning("The OpenID Provider's discovery document names another issuer")
                    raise ProviderUnavailable()
                self._document = document
            return self._document

    def keys(self, refresh: bool = False) -> KeySet:
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        with self._lock:
            cached = self._keys
        if cached is not None and not refresh:
            return cached
        key_set: Any = _fetch_json(str(self.document().get("jwks_uri")))
        try:
            keys = KeySet.import_key_set(key_set)
        except (JoseError, ValueError, TypeError):
            logger.warning("The OpenID Provider's keys (jwks_uri) could not be read")
            raise ProviderUnavailable() from None
        with self._lock:
            self._keys = keys
        return keys


class ProviderUnavailable(ServiceUnavailable):
    def __init__(self) -> None:
        super().__init__("The identity provider cannot be reached or answered wrongly: try again later")


def _fetch_json(url: str) -> dict[str, Any]:
    """A JSON object from the provider; 503 when it cannot be reached or answers something else."""
    import httpx  # only single sign-on needs it here: start-up stays light

    try:
        response = httpx.get(url, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        found = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        logger.warning("The OpenID Provider could not be read at %s (%s)", url, type(exc).__name__)
        raise ProviderUnavailable() from None
    if not isinstance(found, dict):
        raise ProviderUnavailable()
    return found


class OidcLogin:
    def __init__(self, db: Database, settings: OidcSettings, users: UserService, audit: AuditLog) -> None:
        self._db = db
        self.settings = settings
        self._users = users
        self._audit = audit
        self.provider = ProviderMetadata(settings.issuer)

    def _client(self, redirect_uri: str) -> OAuth2Client:
        from authlib.integrations.httpx_client import OAuth2Client  # loaded on first use

        return OAuth2Client(
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret,
            scope=" ".join(self.settings.scopes),
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106 (a method name, not a secret)
            timeout=HTTP_TIMEOUT,
        )

    # -- 1. to the provider ----------------------------------------------------------------

    def begin(self, redirect_uri: str, next_path: str | None) -> Begun:
        binding, state, nonce = (
            secrets.token_urlsafe(32),
            secrets.token_urlsafe(32),
            secrets.token_urlsafe(32),
        )
        verifier = generate_token(64)
        endpoint = self.provider.document()["authorization_endpoint"]
        with self._client(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                endpoint, state=state, code_verifier=verifier, nonce=nonce
            )
        with self._db.write() as conn:
            store.prune_pending(conn, utcnow() - timedelta(seconds=PENDING_SECONDS))
            store.insert_pending(
                conn, sha256(binding), state=state, nonce=nonce, code_verifier=verifier,
                next_path=safe_next_path(next_path), now=utcnow(),
            )  # fmt: skip
        return Begun(authorization_url=url, binding=binding)

    # -- 2. back from the provider ---------------------------------------------------------

    def finish(
        self, *, binding: str | None, state: str | None, code: str | None, error: str | None,
        redirect_uri: str, ip: str,
    ) -> Finished:  # fmt: skip
        try:
            return self._finish(binding, state, code, error, redirect_uri, ip)
        except (SsoRefused, SsoForbidden) as refused:
            self._audit.record_alone(
                anonymous(ip), "auth.oidc_failed", target_type="provider", target_id=self.provider.issuer,
                outcome="denied", details={"reason": refused.reason},
            )  # fmt: skip
            raise

    def _finish(
        self,
        binding: str | None,
        state: str | None,
        code: str | None,
        error: str | None,
        redirect_uri: str,
        ip: str,
    ) -> Finished:
        if not binding:
            raise SsoRefused("No sign-in is in progress in this browser: start again", "no_pending_login")
        with self._db.write() as conn:
            pending = store.take_pending(conn, sha256(binding))
        if pending is None or pending.created_at < utcnow() - timedelta(seconds=PENDING_SECONDS):
            raise SsoRefused("No sign-in is in progress in this browser: start again", "no_pending_login")
        if not state or not secrets.compare_digest(state, pending.state):
            raise SsoRefused(
                "The sign-in answer does not belong to this sign-in (state mismatch)", "state_mismatch"
            )
        if error:
            raise SsoRefused("The identity provider refused the sign-in", "provider_error")
        if not code:
            raise SsoRefused("The identity provider sent no authorization code", "no_code")
        claims = self._id_token_claims(code, pending.code_verifier, pending.nonce, redirect_uri)
        user = self._user_for(claims, ip)
        login_code = secrets.token_urlsafe(32)
        now = utcnow()
        with self._db.write() as conn:
            store.insert_login_code(
                conn, sha256(login_code), user.user_id, method="sso", next_path=pending.next_path,
                now=now, expires_at=now + timedelta(seconds=LOGIN_CODE_SECONDS),
            )  # fmt: skip
        return Finished(login_code=login_code, user=user)

    def _id_token_claims(self, code: str, verifier: str, nonce: str, redirect_uri: str) -> dict[str, Any]:
        document = self.provider.document()
        try:
            with self._client(redirect_uri) as client:
                token = client.fetch_token(
                    document["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=verifier,
                )
        except Exception as exc:  # the provider refused the code or could not be reached
            logger.info("Single sign-on: the token request failed (%s)", type(exc).__name__)
            raise SsoRefused(
                "The identity provider did not accept the sign-in code", "token_exchange_failed"
            ) from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise SsoRefused("The identity provider sent no ID token", "no_id_token")
        return self._validate(id_token, nonce)

    def _validate(self, id_token: str, nonce: str) -> dict[str, Any]:
        from joserfc import jwt
        from joserfc.errors import JoseError

        algorithms = document_algorithms(self.provider.document())
        try:
            try:
                decoded = jwt.decode(id_token, self.provider.keys(), algorithms=algorithms)
            except JoseError:
                decoded = jwt.decode(id_token, self.provider.keys(refresh=True), algorithms=algorithms)
        except (JoseError, ValueError):
            raise SsoRefused("The ID token's signature is not valid", "bad_signature") from None
        claims = dict(decoded.claims)
        registry = jwt.JWTClaimsRegistry(
            now=int(time.time()), leeway=CLOCK_LEEWAY,
            iss={"essential": True, "value": self.provider.issuer},
            sub={"essential": True}, exp={"essential": True},
        )  # fmt: skip
        try:
            registry.validate(claims)
        except JoseError as exc:
            reason = (
                "expired"
                if "exp" in str(exc).lower() or "expired" in type(exc).__name__.lower()
                else "bad_claims"
            )
            raise SsoRefused(f"The ID token is not valid ({reason.replace('_', ' ')})", reason) from None
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.settings.client_id not in audiences or (
            len(audiences) > 1 and claims.get("azp") != self.settings.client_id
        ):
            raise SsoRefused("The ID token was issued for another application", "wrong_audience")
        if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(claims["nonce"], nonce):
            raise SsoRefused(
                "The ID token does not belong to this sign-in (nonce mismatch)", "nonce_mismatch"
            )
        return claims

    # -- 3. whose account ------------------------------------------------------------------

    def _user_for(self, claims: dict[str, Any], ip: str) -> UserRecord:
        issuer, subject = self.provider.issuer, str(claims["sub"])
        email = claims.get("email") if isinstance(claims.get("email"), str) else None
        verified = claims.get("email_verified") is True
        self._check_domain(email)
        is_admin = self._admin_from_claims(claims)
        with self._db.read() as conn:
            user_id = store.find_identity(conn, issuer, subject)
        if user_id is not None:
            user = self._users.get_user(user_id)
        else:
            user = self._link_or_create(issuer, subject, email, verified, claims, is_admin, ip)
        if not user.is_active:
            raise SsoForbidden("User account is disabled", "account_disabled")
        if is_admin is not None and is_admin != user.is_admin:
            by = Origin(None, "system", ip)
            user = self._users.update_user(user.user_id, UserUpdate(is_admin=is_admin), by=by).user
        with self._db.write() as conn:
            store.touch_identity(conn, issuer, subject, utcnow())
        return user

    def _link_or_create(
        self, issuer: str, subject: str, email: str | None, verified: bool, claims: dict[str, Any],
        is_admin: bool | None, ip: str,
    ) -> UserRecord:  # fmt: skip
        existing = self._users.find_by_email(email) if email else None
        if existing is not None:
            if not (self.settings.link_by_email and verified):
                reason = "email_not_verified" if self.settings.link_by_email else "email_taken"
                raise SsoForbidden(
                    "An account with this e-mail exists but is not linked to this sign-on; "
                    "ask an administrator",
                    reason,
                )
            user = existing
        elif not self.settings.auto_create:
            raise SsoForbidden(
                "No account is linked to this sign-on and new accounts are not created", "no_account"
            )
        elif not email:
            raise SsoForbidden("The identity provider sent no e-mail address", "no_email")
        else:
            name = claims.get("name") if isinstance(claims.get("name"), str) else None
            user = self._users.create_sso_user(
                normalize_email(email), name, bool(is_admin), by=Origin(None, "system", ip)
            )
        with self._db.write() as conn:
            store.insert_identity(conn, issuer, subject, user.user_id, email, utcnow())
            self._audit.record(
                conn, Origin(user.user_id, "user", ip), "auth.oidc_link", target_type="user",
                target_id=user.user_id,
                details={"issuer": issuer, "subject": subject, "by_email": existing is not None},
            )  # fmt: skip
        return user

    def _check_domain(self, email: str | None) -> None:
        allowed = [d.lower().lstrip("@") for d in self.settings.allowed_email_domains]
        if not allowed:
            return
        domain = email.rsplit("@", 1)[-1].lower() if email and "@" in email else None
        if domain not in allowed:
            raise SsoForbidden("Your e-mail domain may not sign in here", "email_domain")

    def _admin_from_claims(self, claims: dict[str, Any]) -> bool | None:
        """True/False when an `admin_claim` is configured, else None (the role stays as it is)."""
        if not self.settings.admin_claim:
            return None
        value = claims.get(self.settings.admin_claim)
        values = value if isinstance(value, list) else [value]
        wanted: set[str | bool] = set(self.settings.admin_values) or {True, "true"}
        return any(v in wanted for v in values if isinstance(v, (str, bool)))

    # -- 4. the studio's exchange ----------------------------------------------------------

    def redeem(self, login_code: str) -> tuple[str, str | None]:
        """The user id (and where to go) for a login code, once, within 60 s."""
        with self._db.write() as conn:
            found = store.use_login_code(conn, sha256(login_code), utcnow())
        if found is None:
            raise InvalidInput("This sign-in code is not valid or was used already: sign in again")
        return found


def document_algorithms(document: dict[str, Any]) -> list[str]:
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    return [alg for alg in offered if alg != "none" and not alg.startswith("HS")] or ["RS256"]


def new_id() -> str:
    return uuid.uuid4().hex
