"""`/api/v1/client_state/{queue_id}/…`: the web studio's UI state, private to each user.

`queue_id` is accepted for compatibility and ignored: state belongs to the caller (the
`system` account in single-user mode). Administrators do not see other users' state.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from gesso.api.deps import Db
from gesso.auth.deps import CurrentUser
from gesso.client_state import store

router = APIRouter(prefix="/v1/client_state", tags=["client_state"])

MAX_KEY_LENGTH = 512
MAX_VALUE_LENGTH = 4 * 1024 * 1024
Key = Annotated[str, Query(min_length=1, max_length=MAX_KEY_LENGTH)]


@router.get("/{queue_id}/get_by_key", response_model=str | None, name="get_client_state_by_key")
def get_client_state_by_key(queue_id: str, key: Key, actor: CurrentUser, db: Db) -> str | None:
    with db.read() as conn:
        return store.get_value(conn, actor.user_id, key)


@router.post("/{queue_id}/set_by_key", response_model=str, name="set_client_state")
def set_client_state(
    queue_id: str,
    key: Key,
    value: Annotated[str, Body(max_length=MAX_VALUE_LENGTH, description="Stringified value to set")],
    actor: CurrentUser,
    db: Db,
) -> str:
    with db.write() as conn:
        store.set_value(conn, actor.user_id, key, value)
    return value


@router.get(
    "/{queue_id}/get_keys_by_prefix", response_model=list[str], name="get_client_state_keys_by_prefix"
)
def get_client_state_keys_by_prefix(
    queue_id: str, prefix: Annotated[str, Query(max_length=MAX_KEY_LENGTH)], actor: CurrentUser, db: Db
) -> list[str]:
    with db.read() as conn:
        return store.keys_with_prefix(conn, actor.user_id, prefix)


@router.post("/{queue_id}/delete_by_key", response_model=None, name="delete_client_state_by_key")
def delete_client_state_by_key(queue_id: str, key: Key, actor: CurrentUser, db: Db) -> None:
    with db.write() as conn:
        store.delete_key(conn, actor.user_id, key)


@router.post("/{queue_id}/delete", response_model=None, name="delete_client_state")
def delete_client_state(queue_id: str, actor: CurrentUser, db: Db) -> None:
    with db.write() as conn:
        store.delete_all(conn, actor.user_id)
