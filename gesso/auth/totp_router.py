"""`/api/v1/auth/2fa`: TOTP two-factor authentication for one's own account, and the
administrator's reset of someone else's (SPEC §18). API tokens may not manage a second factor."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from gesso.api.client_ip import client_ip
from gesso.api.deps import Auth, Users
from gesso.auth.deps import AdminUser, CurrentUser, refuse_api_token
from gesso.auth.schemas import (
    SuccessResponse,
    TwoFactorCode,
    TwoFactorDisable,
    TwoFactorEnabled,
    TwoFactorSetupResponse,
    TwoFactorStatus,
)
from gesso.auth.service import AuthService
from gesso.auth.totp import IncorrectCode, TwoFactor
from gesso.errors import InvalidInput
from gesso.users.errors import IncorrectCurrentPassword

router = APIRouter(prefix="/v1/auth", tags=["two-factor"])


def _two_factor(auth: AuthService) -> TwoFactor:
    if auth.two_factor is None:  # only a server built without it; kept explicit for the type checker
        raise InvalidInput("Two-factor authentication is not available")
    return auth.two_factor


@router.get("/2fa", response_model=TwoFactorStatus, name="get_two_factor_status")
def get_two_factor_status(actor: CurrentUser, auth: Auth) -> TwoFactorStatus:
    totp = _two_factor(auth)
    required = auth.require_2fa == "all" or (auth.require_2fa == "admins" and actor.is_admin)
    left = totp.recovery_codes_left(actor.user_id)
    return TwoFactorStatus(
        enabled=totp.is_enabled(actor.user_id), recovery_codes_left=left, required=required
    )


@router.post("/2fa/setup", response_model=TwoFactorSetupResponse, name="setup_two_factor")
def setup_two_factor(actor: CurrentUser, auth: Auth) -> TwoFactorSetupResponse:
    refuse_api_token(actor, "manage two-factor authentication")
    setup = _two_factor(auth).setup(actor, actor.user_id, actor.email)
    return TwoFactorSetupResponse(secret=setup.secret, otpauth_uri=setup.otpauth_uri)


@router.post("/2fa/enable", response_model=TwoFactorEnabled, name="enable_two_factor")
def enable_two_factor(body: TwoFactorCode, actor: CurrentUser, auth: Auth) -> TwoFactorEnabled:
    refuse_api_token(actor, "manage two-factor authentication")
    return TwoFactorEnabled(recovery_codes=_two_factor(auth).enable(actor, actor.user_id, body.code))


@router.post("/2fa/disable", response_model=SuccessResponse, name="disable_two_factor")
def disable_two_factor(
    body: TwoFactorDisable, actor: CurrentUser, request: Request, auth: Auth, users: Users
) -> SuccessResponse:
    refuse_api_token(actor, "manage two-factor authentication")
    totp = _two_factor(auth)
    with auth.reauthentication(actor.email, client_ip(request)):
        if not users.password_matches(actor.user_id, body.password):
            raise IncorrectCurrentPassword("Incorrect password")
        if totp.verify(actor.user_id, body.code) is None:
            raise IncorrectCode()
    totp.disable(actor, actor.user_id, reason="self")
    return SuccessResponse(success=True)


@router.delete("/users/{user_id}/2fa", status_code=204, response_class=Response, name="reset_two_factor")
def reset_two_factor(user_id: str, admin: AdminUser, auth: Auth, users: Users) -> Response:
    refuse_api_token(admin, "manage two-factor authentication")
    users.get_managed_user(user_id)
    _two_factor(auth).disable(admin, user_id, reason="admin_reset")
    return Response(status_code=204)
