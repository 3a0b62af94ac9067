"""`/api/v1/boards`: create, list, get, update and delete boards.

A board's image names are listed by `images/board_images_router.py`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from gesso.api.deps import Boards
from gesso.auth.deps import CurrentUser
from gesso.boards.schemas import BoardChanges, BoardDTO, DeleteBoardResult
from gesso.errors import InvalidInput
from gesso.pagination import OffsetPaginatedResults

router = APIRouter(prefix="/v1/boards", tags=["boards"])


@router.post("/", response_model=BoardDTO, status_code=201, name="create_board")
def create_board(
    actor: CurrentUser, boards: Boards, board_name: Annotated[str, Query(max_length=300)]
) -> BoardDTO:
    return BoardDTO.from_summary(boards.create_board(actor, board_name))


@router.get("/", response_model=OffsetPaginatedResults[BoardDTO] | list[BoardDTO], name="list_boards")
def list_boards(
    actor: CurrentUser,
    boards: Boards,
    order_by: Literal["created_at", "board_name"] = "created_at",
    direction: Literal["ASC", "DESC"] = "DESC",
    all: bool | None = None,
    offset: Annotated[int | None, Query(ge=0, le=2**31)] = None,
    limit: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    include_archived: bool = False,
) -> OffsetPaginatedResults[BoardDTO] | list[BoardDTO]:
    if all:
        summaries, _ = boards.list_boards(
            actor, include_archived=include_archived, order_by=order_by, direction=direction
        )
        return [BoardDTO.from_summary(s) for s in summaries]
    if offset is None or limit is None:
        raise InvalidInput("Invalid request: Must provide either 'all' or both 'offset' and 'limit'")
    summaries, total = boards.list_boards(
        actor,
        include_archived=include_archived,
        order_by=order_by,
        direction=direction,
        offset=offset,
        limit=limit,
    )
    items = [BoardDTO.from_summary(s) for s in summaries]
    return OffsetPaginatedResults[BoardDTO](limit=limit, offset=offset, total=total, items=items)


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
