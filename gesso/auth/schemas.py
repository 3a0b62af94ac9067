"""Wire models for `/api/v1/auth` (InvokeAI's request/response names and fields)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from gesso.users.emails import EmailAddress
from gesso.users.passwords import MAX_PASSWORD_LENGTH
from gesso.users.schemas import UserDTO
from gesso.users.service import MAX_DISPLAY_NAME_LENGTH


class SetupStatusResponse(BaseModel):
    setup_required: bool
    multiuser_enabled: bool
    strict_password_checking: bool
    admin_email: None = None


class LoginRequest(BaseModel):
    email: EmailAddress
    password: str = Field(max_length=MAX_PASSWORD_LENGTH)
    remember_me: bool = False


class LoginResponse(BaseModel):
    token: str
    user: UserDTO
    expires_in: int


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
