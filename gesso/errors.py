"""The error tree. Every error the API reports is one of these; `api/errors.py` maps them to HTTP.

    GessoError (500 internal_error)
    ├── InvalidInput (400 invalid_input)
    ├── Unauthenticated (401 unauthenticated)
    ├── Forbidden (403 forbidden)
    ├── NotFound (404 not_found)
    ├── Conflict (409 conflict)
    ├── PayloadTooLarge (413 payload_too_large)
    ├── TooManyRequests (429 too_many_requests, carries retry_after seconds)
    └── ServiceUnavailable (503 service_unavailable: the database or Redis cannot be reached)

Domains subclass these (`UserNotFound(NotFound)`, `LastAdministrator(InvalidInput)`, …) so a
caller can catch precisely while the HTTP mapping stays in one place.
"""

from __future__ import annotations


class GessoError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(self, detail: str, *, audited: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        # True when the service already wrote the audit event for this refusal.
        self.audited = audited

    def headers(self) -> dict[str, str]:
        return {}

    def extra(self) -> dict[str, object]:
        """Fields the error body carries beside `detail` (a quota's name, limit and use)."""
        return {}


class InvalidInput(GessoError):
    status_code = 400
    code = "invalid_input"


class Unauthenticated(GessoError):
    status_code = 401
    code = "unauthenticated"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(GessoError):
    status_code = 403
    code = "forbidden"


class NotFound(GessoError):
    status_code = 404
    code = "not_found"


class Conflict(GessoError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(GessoError):
    status_code = 413
    code = "payload_too_large"


class TooManyRequests(GessoError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class ServiceUnavailable(GessoError):
    status_code = 503
    code = "service_unavailable"

    def headers(self) -> dict[str, str]:
        return {"Retry-After": "5"}
