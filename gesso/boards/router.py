"""`/api/v1/boards`: create, list, get, update and delete boards.

A board's image names are listed by `images/board_images_router.py`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from gesso.api.deps import Boards, BoardShares
from gesso.auth.deps import CurrentUser
from gesso.boards.deps import Listing
from gesso.boards.schemas import (
    BoardChanges,
    BoardDTO,
    BoardShareDTO,
    DeleteBoardResult,
    ShareKind,
    ShareRequest,
    board_wire,
)
from gesso.db.engine import run_read
from gesso.pagination import OffsetPaginatedResults
from gesso.responses import json_value_response

router = APIRouter(prefix="/v1/boards", tags=["boards"])


@router.post("/", response_model=BoardDTO, status_code=201, name="create_board")
def create_board(
    actor: CurrentUser, boards: Boards, board_name: Annotated[str, Query(max_length=300)]
) -> BoardDTO:
    return BoardDTO.from_summary(boards.create_board(actor, board_name))


@router.get("/", response_model=OffsetPaginatedResults[BoardDTO] | list[BoardDTO], name="list_boards")
async def list_boards(actor: CurrentUser, boards: Boards, listing: Listing) -> Response:
    summaries, total = await run_read(boards.reads_are_local, boards.list_boards, actor, listing)
    items = [board_wire(s) for s in summaries]
    if listing.everything:
        return json_value_response(items)
    return json_value_response(
        {"limit": listing.limit or 0, "offset": listing.offset or 0, "total": total, "items": items}
    )


@router.get("/{board_id}", response_model=BoardDTO, name="get_board")
def get_board(board_id: str, actor: CurrentUser, boards: Boards) -> BoardDTO:
    return BoardDTO.from_summary(boards.get_board(actor, board_id))


@router.patch("/{board_id}", response_model=BoardDTO, status_code=201, name="update_board")
def update_board(board_id: str, changes: BoardChanges, actor: CurrentUser, boards: Boards) -> BoardDTO:
    summary = boards.update_board(actor, board_id, changes.model_dump(exclude_none=True))
    return BoardDTO.from_summary(summary)


@router.delete("/{board_id}", response_model=DeleteBoardResult, name="delete_board")
def delete_board(
    board_id: str, actor: CurrentUser, boards: Boards, include_images: bool | None = False
) -> DeleteBoardResult:
    result = boards.delete_board(actor, board_id, include_images=bool(include_images))
    return DeleteBoardResult(
        board_id=result.board_id,
        deleted_board_images=result.deleted_board_images,
        deleted_images=result.deleted_images,
    )


@router.get("/{board_id}/shares", response_model=list[BoardShareDTO], name="list_board_shares")
def list_shares(board_id: str, actor: CurrentUser, shares: BoardShares) -> list[BoardShareDTO]:
    return [BoardShareDTO.from_share(s) for s in shares.list_shares(actor, board_id)]


@router.put("/{board_id}/shares/{kind}/{id}", response_model=BoardShareDTO, name="put_board_share")
def put_share(
    board_id: str, kind: ShareKind, id: str, body: ShareRequest, actor: CurrentUser, shares: BoardShares
) -> BoardShareDTO:
    return BoardShareDTO.from_share(shares.put_share(actor, board_id, kind, id, body.permission))


@router.delete(
    "/{board_id}/shares/{kind}/{id}", status_code=204, response_class=Response, name="delete_board_share"
)
def delete_share(
    board_id: str, kind: ShareKind, id: str, actor: CurrentUser, shares: BoardShares
) -> Response:
    shares.delete_share(actor, board_id, kind, id)
    return Response(status_code=204)
