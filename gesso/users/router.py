"""`/api/v1/auth/users`: user management for administrators (InvokeAI paths and codes)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from gesso.api.deps import Auth, Users
from gesso.auth.deps import AdminUser, current_authentication, refuse_api_token, set_refreshed_token
from gesso.users.schemas import AdminUserCreateRequest, AdminUserUpdateRequest, UserDTO

router = APIRouter(prefix="/v1/auth", tags=["users"])


@router.get("/users", response_model=list[UserDTO])
def list_users(
    admin: AdminUser,
    users: Users,
    offset: int = Query(default=0, ge=0, le=2**31),
    limit: int | None = Query(default=None, ge=1, description="No cap: omit to list every user"),
) -> list[UserDTO]:
    return [UserDTO.from_record(u) for u in users.list_users(offset, limit)]


@router.post("/users", response_model=UserDTO, status_code=201)
def create_user(body: AdminUserCreateRequest, admin: AdminUser, users: Users) -> UserDTO:
    user = users.create_user(
        body.email, body.password, display_name=body.display_name, is_admin=body.is_admin, by=admin
    )
    return UserDTO.from_record(user)


@router.get("/users/{user_id}", response_model=UserDTO)
def get_user(user_id: str, admin: AdminUser, users: Users) -> UserDTO:
    return UserDTO.from_record(users.get_managed_user(user_id))


@router.patch("/users/{user_id}", response_model=UserDTO)
def update_user(
    user_id: str, body: AdminUserUpdateRequest, admin: AdminUser, request: Request, users: Users, auth: Auth
) -> UserDTO:
    if body.password is not None:
        refuse_api_token(admin, "change a password")
    result = users.update_user(user_id, body.to_update(), by=admin)
    if result.password_changed:
        replacement = auth.after_password_change(result.user, admin, current_authentication(request))
        if replacement is not None:
            set_refreshed_token(request, replacement.token)
    return UserDTO.from_record(result.user)


@router.delete("/users/{user_id}", status_code=204, response_class=Response)
def delete_user(
    user_id: str,
    admin: AdminUser,
    users: Users,
    reassign_to: str | None = Query(
        default=None, description="User id that receives the deleted user's content"
    ),
) -> Response:
    users.delete_user(user_id, reassign_to=reassign_to, by=admin)
    return Response(status_code=204)
