"""Sign-in by a trusted proxy's header (SPEC §18): an authenticating reverse proxy (Authelia,
oauth2-proxy, Authentik's outpost …) puts the signed-in person in a header such as
`X-Remote-User`. The header is believed only when the TCP peer itself is inside
`trusted_header.trusted_proxies`: `X-Forwarded-For` cannot make a client look like the proxy,
because the peer address is read before any forwarding header. From any other address a request
carrying the header is refused (401, audited) and a WARNING is logged once per process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from gesso.audit.origin import Origin, anonymous
from gesso.audit.service import AuditLog
from gesso.auth.actor import Actor
from gesso.auth.service import Authentication
from gesso.config import TrustedHeaderSettings
from gesso.errors import Forbidden, Unauthenticated
from gesso.users.emails import normalize_email
from gesso.users.service import UserService

logger = logging.getLogger(__name__)


class HeaderAuth:
    def __init__(
        self,
        settings: TrustedHeaderSettings,
        users: UserService,
        audit: AuditLog,
        trusts: Callable[[str], bool],
    ) -> None:
        """`trusts(address)`: whether an address is in `settings.trusted_proxies` (the API edge's
        `TrustedProxies.trusts`, the same matching as forwarding headers)."""
        self.settings = settings
        self._trusts = trusts
        self._users = users
        self._audit = audit
        self._warned = threading.Event()

    def present(self, headers: dict[str, str]) -> bool:
        return bool(headers.get(self.settings.user_header.lower()))

    def authenticate(self, headers: dict[str, str], peer: str, client: str) -> Authentication:
        """The user named by the headers of a request from `peer` (the TCP peer)."""
        if not self._trusts(peer):
            if not self._warned.is_set():
                self._warned.set()
                logger.warning(
                    "Ignored the %s header from %s, which is not in trusted_header.trusted_proxies",
                    self.settings.user_header, peer,
                )  # fmt: skip
            self._audit.record_alone(
                anonymous(client), "auth.header_refused", target_type="address", target_id=peer,
                outcome="denied", details={"header": self.settings.user_header},
            )  # fmt: skip
            raise Unauthenticated(
                f"The {self.settings.user_header} header is accepted only from the trusted proxy"
            )
        raw = headers.get((self.settings.email_header or self.settings.user_header).lower(), "")
        try:
            email = normalize_email(raw.strip())
        except Exception:
            raise Unauthenticated("The proxy sent no usable e-mail address for the signed-in user") from None
        user = self._users.find_by_email(email)
        if user is None:
            if not self.settings.auto_create:
                raise Forbidden("No account for the user the proxy signed in; ask an administrator")
            name = headers.get(self.settings.user_header.lower()) or None
            user = self._users.create_sso_user(email, name, False, by=Origin(None, "system", client))
        if not user.is_active or user.is_system:
            raise Forbidden("User account is disabled")
        actor = Actor(
            user_id=user.user_id, email=user.email, display_name=user.display_name, is_admin=user.is_admin
        )
        return Authentication(actor=actor, user=user, claims=None)
