"""`/api/v1/auth/tokens`: personal API tokens (SPEC §16). Creating and revoking need a signed-in
session (see `NO_TOKEN_WRITES` in `api/routes.py`)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from gesso.api.deps import ApiTokens
from gesso.auth.api_tokens import DEFAULT_EXPIRY_DAYS
from gesso.auth.deps import CurrentUser
from gesso.auth.schemas import ApiTokenCreated, ApiTokenCreateRequest, ApiTokenDTO

router = APIRouter(prefix="/v1/auth", tags=["authentication"])


@router.post("/tokens", response_model=ApiTokenCreated, status_code=201, name="create_api_token")
def create_token(body: ApiTokenCreateRequest, actor: CurrentUser, tokens: ApiTokens) -> ApiTokenCreated:
    days = body.expires_in_days or DEFAULT_EXPIRY_DAYS
    created = tokens.create(actor, body.name, body.scopes, days)
    return ApiTokenCreated(**ApiTokenDTO.from_record(created.record).model_dump(), token=created.secret)


@router.get("/tokens", response_model=list[ApiTokenDTO], name="list_api_tokens")
def list_tokens(
    actor: CurrentUser,
    tokens: ApiTokens,
    all: bool = Query(default=False, description="Every user's tokens (administrators)"),
) -> list[ApiTokenDTO]:
    return [ApiTokenDTO.from_record(r) for r in tokens.list(actor, everyone=all)]


@router.delete("/tokens/{token_id}", status_code=204, response_class=Response, name="revoke_api_token")
def revoke_token(token_id: str, actor: CurrentUser, tokens: ApiTokens) -> Response:
    tokens.revoke(actor, token_id)
    return Response(status_code=204)
