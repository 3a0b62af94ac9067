"""The HttpOnly media cookie that lets `<img>` tags load images (SPEC §4), and the login answer
every way of signing in gives."""

from __future__ import annotations

from fastapi import Request, Response

from gesso.auth.deps import MEDIA_COOKIE
from gesso.auth.schemas import LoginResponse
from gesso.auth.service import LoginResult
from gesso.config import Settings
from gesso.users.schemas import UserDTO


def media_cookie_path(settings: Settings) -> str:
    return f"{settings.url_prefix}/api/v1"


def set_media_cookie(
    request: Request, response: Response, settings: Settings, token: str, max_age: int
) -> None:
    response.set_cookie(
        MEDIA_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="lax",
        path=media_cookie_path(settings),
    )


def login_response(result: LoginResult) -> LoginResponse:
    return LoginResponse(
        token=result.token.token,
        user=UserDTO.from_record(result.user),
        expires_in=result.token.expires_in,
        password_change_required=result.user.must_change_password,
        two_factor_setup_required=result.two_factor_setup_required,
    )


def signed_in(request: Request, response: Response, settings: Settings, result: LoginResult) -> LoginResponse:
    """The login answer, with the media cookie set on `response`."""
    set_media_cookie(request, response, settings, result.media_token.token, result.media_token.expires_in)
    return login_response(result)
