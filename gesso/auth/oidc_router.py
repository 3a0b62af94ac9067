"""`/api/v1/auth/oidc`: single sign-on (SPEC §18). The browser is sent to the provider with a
pending login bound to it by an HttpOnly cookie; the callback answers a one-time login code that
the studio exchanges for the usual login answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from gesso.api.client_ip import client_ip
from gesso.api.deps import AppConfig, Auth, Sso, Users
from gesso.auth.cookies import signed_in
from gesso.auth.oidc import PENDING_SECONDS
from gesso.auth.schemas import OidcExchangeRequest, SsoLoginResponse
from gesso.config import Settings

OIDC_COOKIE = "gesso_oidc"
public_router = APIRouter(prefix="/v1/auth/oidc", tags=["single sign-on"])


def callback_url(request: Request, settings: Settings) -> str:
    configured = settings.oidc.redirect_uri if settings.oidc else None
    return (
        configured
        or f"{request.url.scheme}://{request.url.netloc}{settings.url_prefix}/api/v1/auth/oidc/callback"
    )


def _cookie_path(settings: Settings) -> str:
    return f"{settings.url_prefix}/api/v1/auth/oidc"


@public_router.get("/login", status_code=302, response_class=RedirectResponse, name="oidc_login")
def oidc_login(
    request: Request,
    settings: AppConfig,
    sso: Sso,
    next: Annotated[str | None, Query(max_length=2000)] = None,
) -> RedirectResponse:
    begun = sso.begin(callback_url(request, settings), next)
    response = RedirectResponse(begun.authorization_url, status_code=302)
    response.set_cookie(
        OIDC_COOKIE, begun.binding, max_age=PENDING_SECONDS, httponly=True,
        secure=request.url.scheme == "https", samesite="lax", path=_cookie_path(settings),
    )  # fmt: skip
    return response


@public_router.get("/callback", status_code=302, response_class=RedirectResponse, name="oidc_callback")
def oidc_callback(
    request: Request,
    settings: AppConfig,
    sso: Sso,
    code: Annotated[str | None, Query(max_length=4096)] = None,
    state: Annotated[str | None, Query(max_length=512)] = None,
    error: Annotated[str | None, Query(max_length=512)] = None,
) -> RedirectResponse:
    binding, redirect_uri = request.cookies.get(OIDC_COOKIE), callback_url(request, settings)
    done = sso.finish(
        binding=binding, state=state, code=code, error=error, redirect_uri=redirect_uri, ip=client_ip(request)
    )
    response = RedirectResponse(f"{settings.url_prefix}/login/sso?code={done.login_code}", status_code=302)
    response.delete_cookie(OIDC_COOKIE, path=_cookie_path(settings))
    return response


@public_router.post("/exchange", response_model=SsoLoginResponse, name="oidc_exchange")
def oidc_exchange(
    body: OidcExchangeRequest, request: Request, response: Response, settings: AppConfig,
    sso: Sso, auth: Auth, users: Users,
) -> SsoLoginResponse:  # fmt: skip
    user_id, next_path = sso.redeem(body.code)
    ip, agent = client_ip(request), request.headers.get("user-agent")
    result = auth.open_session(
        users.get_user(user_id), remember_me=False, ip=ip, user_agent=agent, method="sso"
    )
    return SsoLoginResponse(**signed_in(request, response, settings, result).model_dump(), next=next_path)
