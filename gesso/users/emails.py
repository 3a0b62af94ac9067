"""Email syntax checking and normalisation.

Reserved and special-use domains (`.local`, `.test`, `example.com`) are accepted: a household
server has no reason to refuse `alice@home.local`, and the system account uses one.
`EmailAddress` applies the same check while a request body is validated, so a malformed address
is a 422 naming the field (as InvokeAI's email fields answer), before any rule runs.
"""

from __future__ import annotations

import re
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from gesso.users.errors import InvalidEmail

MAX_EMAIL_LENGTH = 320
_DOMAIN_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def normalize_email(raw: str) -> str:
    """Return the canonical form (domain lower-cased) or raise InvalidEmail naming the problem."""
    candidate = raw.strip()
    if not candidate or len(candidate) > MAX_EMAIL_LENGTH:
        raise InvalidEmail("Invalid email address: must be between 1 and 320 characters")
    try:
        return validate_email(candidate, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        reason = str(exc)
        if "special-use or reserved" not in reason and "should have a period" not in reason:
            raise InvalidEmail(f"Invalid email address: {reason}") from None
    local, _, domain = candidate.rpartition("@")
    domain = domain.lower()
    if not all(_DOMAIN_LABEL.match(label) for label in domain.split(".")):
        raise InvalidEmail("Invalid email address: the domain is not valid")
    try:
        checked = validate_email(f"{local}@example.org", check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(f"Invalid email address: {exc}") from None
    return f"{checked.local_part}@{domain}"


def _valid_email(value: str) -> str:
    try:
        return normalize_email(value)
    except InvalidEmail as exc:
        reason = exc.detail.removeprefix("Invalid email address: ")
        raise PydanticCustomError(
            "value_error", "value is not a valid email address: {reason}", {"reason": reason}
        ) from None


EmailAddress = Annotated[str, Field(max_length=MAX_EMAIL_LENGTH), AfterValidator(_valid_email)]
