"""Wire models for users (InvokeAI's `UserDTO` shape; never a password hash)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from gesso.users.emails import EmailAddress
from gesso.users.invites import DEFAULT_RESET_HOURS, MAX_LINK_HOURS
from gesso.users.passwords import MAX_PASSWORD_LENGTH
from gesso.users.service import MAX_DISPLAY_NAME_LENGTH, UserUpdate
from gesso.users.store import InviteRecord, UserRecord


class UserDTO(BaseModel):
    user_id: str
    email: str
    display_name: str | None
    is_admin: bool
    is_active: bool
    created_at: datetime
    updated_at: datetime
    last_login_at: datetime | None
    token_epoch: int
    must_change_password: bool = False

    @classmethod
    def from_record(cls, record: UserRecord, *, is_admin: bool | None = None) -> UserDTO:
        return cls.model_construct(
            user_id=record.user_id,
            email=record.email,
            display_name=record.display_name,
            is_admin=record.is_admin if is_admin is None else is_admin,
            is_active=record.is_active,
            created_at=record.created_at,
            updated_at=record.updated_at,
            last_login_at=record.last_login_at,
            token_epoch=record.token_epoch,
            must_change_password=record.must_change_password,
        )


class AdminUserCreateRequest(BaseModel):
    email: EmailAddress
    display_name: str | None = Field(default=None, max_length=MAX_DISPLAY_NAME_LENGTH)
    password: str = Field(max_length=MAX_PASSWORD_LENGTH)
    is_admin: bool = False


class AdminUserUpdateRequest(BaseModel):
    display_name: str | None = Field(default=None, max_length=MAX_DISPLAY_NAME_LENGTH)
    password: str | None = Field(default=None, max_length=MAX_PASSWORD_LENGTH)
    is_admin: bool | None = None
    is_active: bool | None = None
    must_change_password: bool | None = None

    def to_update(self) -> UserUpdate:
        return UserUpdate(
            display_name=self.display_name,
            password=self.password,
            is_admin=self.is_admin,
            is_active=self.is_active,
            must_change_password=self.must_change_password,
        )


# -- invites and reset links ---------------------------------------------------------------


class InviteCreate(BaseModel):
    email: EmailAddress | None = Field(default=None, description="only this address may accept")
    is_admin: bool = False
    expires_in_hours: int = Field(default=72, ge=1, le=MAX_LINK_HOURS)


class IssuedLinkResponse(BaseModel):
    """The link's secret `token` and `url` are returned only here, once."""

    token: str
    url: str
    expires_at: datetime


class InviteCreated(IssuedLinkResponse):
    invite_id: str


class InviteDTO(BaseModel):
    invite_id: str
    email: str | None
    is_admin: bool
    created_by: str | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    used_by: str | None
    revoked_at: datetime | None

    @classmethod
    def from_record(cls, record: InviteRecord) -> InviteDTO:
        return cls.model_validate(record.__dict__)


class InviteInfo(BaseModel):
    """What the accept page shows before anyone is signed in."""

    email: str | None
    is_admin: bool
    expires_at: datetime


class InviteAccept(BaseModel):
    email: EmailAddress
    display_name: str | None = Field(default=None, max_length=MAX_DISPLAY_NAME_LENGTH)
    password: str = Field(max_length=MAX_PASSWORD_LENGTH)


class ResetLinkCreate(BaseModel):
    expires_in_hours: int = Field(default=DEFAULT_RESET_HOURS, ge=1, le=MAX_LINK_HOURS)


class ResetLinkCreated(IssuedLinkResponse):
    reset_id: str


class ResetInfo(BaseModel):
    email: str
    expires_at: datetime


class ResetPassword(BaseModel):
    password: str = Field(max_length=MAX_PASSWORD_LENGTH)
