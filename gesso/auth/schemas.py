"""Wire models for `/api/v1/auth` (InvokeAI's request/response names and fields)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from gesso.auth.api_tokens import DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS
from gesso.auth.scopes import ALL_SCOPES, Scope
from gesso.auth.token_store import ApiTokenRecord
from gesso.users.emails import EmailAddress
from gesso.users.passwords import MAX_PASSWORD_LENGTH
from gesso.users.schemas import UserDTO
from gesso.users.service import MAX_DISPLAY_NAME_LENGTH


class OidcStatus(BaseModel):
    enabled: bool
    display_name: str | None


class SetupStatusResponse(BaseModel):
    setup_required: bool
    multiuser_enabled: bool
    strict_password_checking: bool
    admin_email: None = None
    oidc: OidcStatus = OidcStatus(enabled=False, display_name=None)
    password_login: bool = True


class LoginRequest(BaseModel):
    email: EmailAddress
    password: str = Field(max_length=MAX_PASSWORD_LENGTH)
    remember_me: bool = False
    otp: str | None = Field(default=None, max_length=32, description="a 6-digit code or a recovery code")


class LoginResponse(BaseModel):
    token: str
    user: UserDTO
    expires_in: int
    # True: the account must choose a new password (PATCH /auth/me) before anything else works.
    password_change_required: bool = False
    # True: `require_2fa` applies and the account must enrol (POST /auth/2fa/setup, /enable) first.
    two_factor_setup_required: bool = False


class SetupRequest(BaseModel):
    email: EmailAddress
    display_name: str | None = Field(default=None, max_length=MAX_DISPLAY_NAME_LENGTH)
    password: str = Field(max_length=MAX_PASSWORD_LENGTH)


class SetupResponse(BaseModel):
    success: bool
    user: UserDTO


class SuccessResponse(BaseModel):
    success: bool


class UserProfileUpdateRequest(BaseModel):
    display_name: str | None = Field(default=None, max_length=MAX_DISPLAY_NAME_LENGTH)
    current_password: str | None = Field(default=None, max_length=MAX_PASSWORD_LENGTH)
    new_password: str | None = Field(default=None, max_length=MAX_PASSWORD_LENGTH)


class GeneratePasswordResponse(BaseModel):
    password: str


class SessionDTO(BaseModel):
    session_id: str
    created_at: datetime
    remember_me: bool
    user_agent: str | None
    ip_address: str | None
    is_current: bool


class LogoutAllResponse(BaseModel):
    success: bool
    revoked: int


class ApiTokenCreateRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[Scope] = Field(min_length=1, max_length=len(ALL_SCOPES))
    expires_in_days: int | None = Field(
        default=None,
        ge=1,
        le=MAX_EXPIRY_DAYS,
        description=f"Days until expiry (1 to {MAX_EXPIRY_DAYS}); {DEFAULT_EXPIRY_DAYS} when omitted",
    )

    @field_validator("name")
    @classmethod
    def _name_is_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name must not be blank")
        return value.strip()


class ApiTokenDTO(BaseModel):
    token_id: str
    user_id: str
    name: str
    scopes: list[Scope]
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def from_record(cls, record: ApiTokenRecord) -> ApiTokenDTO:
        fields = {name: getattr(record, name) for name in cls.model_fields if name != "scopes"}
        return cls(**fields, scopes=[Scope(s) for s in record.scopes.split()])


class ApiTokenCreated(ApiTokenDTO):
    token: str = Field(description="The secret, shown only in this response")


class OidcExchangeRequest(BaseModel):
    code: str = Field(min_length=1, max_length=256)


class SsoLoginResponse(LoginResponse):
    next: str | None = None  # the same-site path the sign-in started from, if any


class TwoFactorStatus(BaseModel):
    enabled: bool
    recovery_codes_left: int
    required: bool  # the server's require_2fa applies to this account


class TwoFactorSetupResponse(BaseModel):
    secret: str
    otpauth_uri: str


class TwoFactorCode(BaseModel):
    code: str = Field(min_length=1, max_length=32)


class TwoFactorEnabled(BaseModel):
    recovery_codes: list[str]


class TwoFactorDisable(BaseModel):
    password: str = Field(max_length=MAX_PASSWORD_LENGTH)
    code: str = Field(min_length=1, max_length=32)
