"""`/api/v1/groups` (SPEC §17): groups and their members, for administrators."""

from __future__ import annotations

from fastapi import APIRouter, Response

from gesso.api.deps import Groups
from gesso.auth.deps import AdminUser
from gesso.groups.schemas import GroupCreateRequest, GroupDTO, GroupUpdateRequest

router = APIRouter(prefix="/v1/groups", tags=["groups"])


@router.get("", response_model=list[GroupDTO], name="list_groups")
def list_groups(admin: AdminUser, groups: Groups) -> list[GroupDTO]:
    return [GroupDTO.from_record(g) for g in groups.list_groups()]


@router.post("", response_model=GroupDTO, status_code=201, name="create_group")
def create_group(body: GroupCreateRequest, admin: AdminUser, groups: Groups) -> GroupDTO:
    return GroupDTO.from_record(groups.create_group(body.name, body.description, by=admin))


@router.get("/{group_id}", response_model=GroupDTO, name="get_group")
def get_group(group_id: str, admin: AdminUser, groups: Groups) -> GroupDTO:
    return GroupDTO.from_record(groups.get_group(group_id))


@router.patch("/{group_id}", response_model=GroupDTO, name="update_group")
def update_group(group_id: str, body: GroupUpdateRequest, admin: AdminUser, groups: Groups) -> GroupDTO:
    record = groups.update_group(group_id, name=body.name, description=body.description, by=admin)
    return GroupDTO.from_record(record)


@router.delete("/{group_id}", status_code=204, response_class=Response, name="delete_group")
def delete_group(group_id: str, admin: AdminUser, groups: Groups) -> Response:
    groups.delete_group(group_id, by=admin)
    return Response(status_code=204)


@router.put("/{group_id}/members/{user_id}", response_model=GroupDTO, name="add_group_member")
def add_member(group_id: str, user_id: str, admin: AdminUser, groups: Groups) -> GroupDTO:
    return GroupDTO.from_record(groups.add_member(group_id, user_id, by=admin))


@router.delete(
    "/{group_id}/members/{user_id}", status_code=204, response_class=Response, name="remove_group_member"
)
def remove_member(group_id: str, user_id: str, admin: AdminUser, groups: Groups) -> Response:
    groups.remove_member(group_id, user_id, by=admin)
    return Response(status_code=204)
