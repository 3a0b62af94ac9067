"""Wire models for `/api/v1/groups`."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from gesso.groups.service import MAX_DESCRIPTION_LENGTH, MAX_GROUP_NAME_LENGTH
from gesso.groups.store import GroupRecord


def _not_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("name must not be blank")
    return value


class GroupMemberDTO(BaseModel):
    user_id: str
    email: str
    display_name: str | None


class GroupDTO(BaseModel):
    group_id: str
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime
    members: list[GroupMemberDTO]

    @classmethod
    def from_record(cls, record: GroupRecord) -> GroupDTO:
        members = [GroupMemberDTO(**m.__dict__) for m in record.members]
        values = {k: v for k, v in record.__dict__.items() if k != "members"}
        return cls(**values, members=members)


class GroupCreateRequest(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_GROUP_NAME_LENGTH)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION_LENGTH)

    _name = field_validator("name")(_not_blank)


class GroupUpdateRequest(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=MAX_GROUP_NAME_LENGTH)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION_LENGTH)

    _name = field_validator("name")(_not_blank)
