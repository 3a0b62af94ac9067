"""Invite and password-reset links (SPEC §18): administrators make them, anybody holding one
uses it once. Links point at the studio with the token in the URL fragment, which browsers
never send to a server."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from gesso.api.client_ip import client_ip
from gesso.api.deps import AppConfig, Auth, Links
from gesso.auth.cookies import signed_in
from gesso.auth.deps import AdminUser
from gesso.auth.schemas import LoginResponse, SuccessResponse
from gesso.config import Settings
from gesso.users.schemas import (
    InviteAccept,
    InviteCreate,
    InviteCreated,
    InviteDTO,
    InviteInfo,
    ResetInfo,
    ResetLinkCreate,
    ResetLinkCreated,
    ResetPassword,
)

public_router = APIRouter(prefix="/v1/auth", tags=["invites"])
router = APIRouter(prefix="/v1/auth", tags=["invites"])


def studio_link(request: Request, settings: Settings, page: str, token: str) -> str:
    return f"{request.url.scheme}://{request.url.netloc}{settings.url_prefix}/{page}#{token}"


@router.post("/invites", response_model=InviteCreated, status_code=201, name="create_invite")
def create_invite(
    body: InviteCreate, admin: AdminUser, request: Request, settings: AppConfig, links: Links
) -> InviteCreated:
    invite, token = links.create_invite(
        admin, email=body.email, is_admin=body.is_admin, expires_in_hours=body.expires_in_hours
    )
    url = studio_link(request, settings, "invite", token)
    return InviteCreated(invite_id=invite.invite_id, token=token, url=url, expires_at=invite.expires_at)


@router.get("/invites", response_model=list[InviteDTO], name="list_invites")
def list_invites(admin: AdminUser, links: Links) -> list[InviteDTO]:
    return [InviteDTO.from_record(invite) for invite in links.list_invites()]


@router.delete("/invites/{invite_id}", status_code=204, response_class=Response, name="revoke_invite")
def revoke_invite(invite_id: str, admin: AdminUser, links: Links) -> Response:
    links.revoke_invite(admin, invite_id)
    return Response(status_code=204)


@public_router.get("/invites/{token}", response_model=InviteInfo, name="get_invite")
def get_invite(token: str, links: Links) -> InviteInfo:
    invite = links.find_open_invite(token)
    return InviteInfo(email=invite.email, is_admin=invite.is_admin, expires_at=invite.expires_at)


@public_router.post("/invites/{token}/accept", response_model=LoginResponse, name="accept_invite")
def accept_invite(
    token: str,
    body: InviteAccept,
    request: Request,
    response: Response,
    settings: AppConfig,
    links: Links,
    auth: Auth,
) -> LoginResponse:
    ip, agent = client_ip(request), request.headers.get("user-agent")
    user = links.accept_invite(token, **body.model_dump(), ip=ip)
    result = auth.open_session(user, remember_me=False, ip=ip, user_agent=agent, method="invite")
    return signed_in(request, response, settings, result)


@router.post(
    "/users/{user_id}/reset_link", response_model=ResetLinkCreated, status_code=201, name="create_reset_link"
)
def create_reset_link(
    user_id: str,
    admin: AdminUser,
    request: Request,
    settings: AppConfig,
    links: Links,
    body: ResetLinkCreate | None = None,
) -> ResetLinkCreated:
    hours = (body or ResetLinkCreate()).expires_in_hours
    reset, token = links.create_reset_link(admin, user_id, hours)
    url = studio_link(request, settings, "reset", token)
    return ResetLinkCreated(reset_id=reset.reset_id, token=token, url=url, expires_at=reset.expires_at)


@public_router.get("/reset/{token}", response_model=ResetInfo, name="get_reset_link")
def get_reset_link(token: str, links: Links) -> ResetInfo:
    reset, user = links.find_open_reset(token)
    return ResetInfo(email=user.email, expires_at=reset.expires_at)


@public_router.post("/reset/{token}", response_model=SuccessResponse, name="use_reset_link")
def use_reset_link(
    token: str, body: ResetPassword, request: Request, links: Links, auth: Auth
) -> SuccessResponse:
    user = links.use_reset_link(token, body.password, ip=client_ip(request))
    auth.revoke_other_sessions(user.user_id, keep_session_id=None)
    return SuccessResponse(success=True)
