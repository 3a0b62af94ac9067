"""`/api/v1/auth`: status, setup, login, logout, sessions, media cookie, own profile."""

from __future__ import annotations

from contextlib import nullcontext

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from gesso.api.client_ip import client_ip
from gesso.api.deps import AppConfig, Auth, Users
from gesso.audit.origin import anonymous
from gesso.auth.cookies import media_cookie_path, set_media_cookie, signed_in
from gesso.auth.deps import (
    MEDIA_COOKIE,
    CurrentUser,
    current_authentication,
    set_refreshed_token,
    suppress_refreshed_token,
)
from gesso.auth.schemas import (
    GeneratePasswordResponse,
    LoginRequest,
    LoginResponse,
    LogoutAllResponse,
    OidcStatus,
    SessionDTO,
    SetupRequest,
    SetupResponse,
    SetupStatusResponse,
    SuccessResponse,
    UserProfileUpdateRequest,
)
from gesso.auth.service import MultiuserDisabled
from gesso.responses import json_response
from gesso.users.passwords import generate_password
from gesso.users.schemas import UserDTO
from gesso.users.service import UserService

public_router = APIRouter(prefix="/v1/auth", tags=["authentication"])
router = APIRouter(prefix="/v1/auth", tags=["authentication"])


@public_router.get("/status", response_model=SetupStatusResponse)
def get_setup_status(settings: AppConfig, users: Users) -> SetupStatusResponse:
    setup_required = settings.multiuser and not users.has_active_admin()
    oidc = settings.oidc
    return SetupStatusResponse(
        setup_required=setup_required,
        multiuser_enabled=settings.multiuser,
        strict_password_checking=settings.strict_password_checking,
        oidc=OidcStatus(enabled=oidc is not None, display_name=oidc.display_name if oidc else None),
        password_login=settings.password_login,
    )


@public_router.post("/setup", response_model=SetupResponse)
def setup_admin(body: SetupRequest, request: Request, settings: AppConfig, users: Users) -> SetupResponse:
    if not settings.multiuser:
        raise MultiuserDisabled("administrator setup")
    user = users.setup_admin(body.email, body.password, body.display_name, by=anonymous(client_ip(request)))
    return SetupResponse(success=True, user=UserDTO.from_record(user))


@public_router.post("/login", response_model=LoginResponse)
def login(
    body: LoginRequest, request: Request, response: Response, settings: AppConfig, auth: Auth
) -> LoginResponse:
    result = auth.login(
        body.email,
        body.password,
        remember_me=body.remember_me,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent"),
        otp=body.otp,
    )
    return signed_in(request, response, settings, result)


# Declared first: the most frequent authenticated call, and routes match in order.
@router.get("/me", response_model=UserDTO)
async def get_current_user_info(actor: CurrentUser, request: Request) -> Response:
    # Multi-user: the row was just read (and checked) by authentication; reuse it.
    authentication = current_authentication(request)
    if authentication is not None:
        return json_response(UserDTO, UserDTO.from_record(authentication.user))
    users: UserService = request.app.state.services.users
    record = await run_in_threadpool(users.get_user, actor.user_id)
    return json_response(UserDTO, UserDTO.from_record(record, is_admin=actor.is_admin))


@router.post("/logout", response_model=SuccessResponse)
def logout(
    actor: CurrentUser, request: Request, response: Response, settings: AppConfig, auth: Auth
) -> SuccessResponse:
    suppress_refreshed_token(request)
    auth.logout(actor)
    response.delete_cookie(MEDIA_COOKIE, path=media_cookie_path(settings))
    return SuccessResponse(success=True)


@router.post("/logout_all", response_model=LogoutAllResponse)
def logout_all(
    actor: CurrentUser, request: Request, response: Response, settings: AppConfig, auth: Auth
) -> LogoutAllResponse:
    suppress_refreshed_token(request)
    revoked = auth.logout_all(actor)
    response.delete_cookie(MEDIA_COOKIE, path=media_cookie_path(settings))
    return LogoutAllResponse(success=True, revoked=revoked)


@router.get("/sessions", response_model=list[SessionDTO])
def list_sessions(actor: CurrentUser, auth: Auth) -> list[SessionDTO]:
    return [
        SessionDTO(
            session_id=s.session_id,
            created_at=s.created_at,
            remember_me=s.remember_me,
            user_agent=s.user_agent,
            ip_address=s.ip_address,
            is_current=s.session_id == actor.session_id,
        )
        for s in auth.list_sessions(actor)
    ]


@router.delete("/sessions/{session_id}", response_model=SuccessResponse)
def revoke_session(session_id: str, actor: CurrentUser, request: Request, auth: Auth) -> SuccessResponse:
    if session_id == actor.session_id:
        suppress_refreshed_token(request)
    auth.revoke_session(actor, session_id)
    return SuccessResponse(success=True)


@router.post("/media-cookie", response_model=SuccessResponse)
def refresh_media_cookie(
    request: Request, response: Response, settings: AppConfig, auth: Auth
) -> SuccessResponse:
    suppress_refreshed_token(request)
    authentication = current_authentication(request)
    if authentication is not None:
        media = auth.media_token(authentication)
        set_media_cookie(request, response, settings, media.token, media.expires_in)
    return SuccessResponse(success=True)


@router.patch("/me", response_model=UserDTO)
def update_current_user(
    body: UserProfileUpdateRequest, actor: CurrentUser, request: Request, users: Users, auth: Auth
) -> UserDTO:
    changes = body.model_dump(include={"display_name", "current_password", "new_password"})
    checks_password = body.new_password is not None
    with auth.reauthentication(actor.email, client_ip(request)) if checks_password else nullcontext():
        result = users.update_own_profile(actor.user_id, **changes, by=actor)
    authentication = current_authentication(request)
    if result.password_changed and authentication is not None:
        # Every older token died with the epoch bump; this request's caller keeps working.
        set_refreshed_token(request, auth.refreshed_token(authentication, result.user).token)
        auth.revoke_other_sessions(actor.user_id, keep_session_id=actor.session_id)
    return UserDTO.from_record(result.user, is_admin=actor.is_admin)


@router.get("/generate-password", response_model=GeneratePasswordResponse, name="generate_password")
def generate_password_route(actor: CurrentUser) -> GeneratePasswordResponse:
    return GeneratePasswordResponse(password=generate_password())
