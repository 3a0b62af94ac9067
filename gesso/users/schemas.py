"""Wire models for users (InvokeAI's `UserDTO` shape; never a password hash)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from gesso.users.emails import EmailAddress
from gesso.users.passwords import MAX_PASSWORD_LENGTH
from gesso.users.service import MAX_DISPLAY_NAME_LENGTH, UserUpdate
from gesso.users.store import UserRecord


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

    def to_update(self) -> UserUpdate:
        return UserUpdate(
            display_name=self.display_name,
            password=self.password,
            is_admin=self.is_admin,
            is_active=self.is_active,
        )
