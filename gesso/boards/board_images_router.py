"""`/api/v1/board_images`: put images on boards and take them off (InvokeAI answers 201)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from gesso.api.deps import Boards
from gesso.auth.deps import CurrentUser
from gesso.boards.schemas import AddImagesToBoardResult, RemoveImagesFromBoardResult
from gesso.images.schemas import MAX_NAMES_PER_REQUEST

router = APIRouter(prefix="/v1/board_images", tags=["boards"])

Name = Annotated[str, Body(max_length=128)]
Names = Annotated[list[str], Body(max_length=MAX_NAMES_PER_REQUEST)]


@router.post("/", response_model=AddImagesToBoardResult, status_code=201, name="add_image_to_board")
def add_image_to_board(
    board_id: Annotated[str, Body(max_length=64)], image_name: Name, actor: CurrentUser, boards: Boards
) -> AddImagesToBoardResult:
    result = boards.add_images(actor, board_id, [image_name], skip_forbidden=False)
    return AddImagesToBoardResult(affected_boards=result.affected_boards, added_images=result.image_names)


@router.delete(
    "/", response_model=RemoveImagesFromBoardResult, status_code=201, name="remove_image_from_board"
)
def remove_image_from_board(
    image_name: Annotated[str, Body(embed=True, max_length=128)], actor: CurrentUser, boards: Boards
) -> RemoveImagesFromBoardResult:
    result = boards.remove_images(actor, [image_name], skip_forbidden=False)
    return RemoveImagesFromBoardResult(
        affected_boards=result.affected_boards, removed_images=result.image_names
    )


@router.post("/batch", response_model=AddImagesToBoardResult, status_code=201, name="add_images_to_board")
def add_images_to_board(
    board_id: Annotated[str, Body(max_length=64)], image_names: Names, actor: CurrentUser, boards: Boards
) -> AddImagesToBoardResult:
    result = boards.add_images(actor, board_id, image_names, skip_forbidden=True)
    return AddImagesToBoardResult(affected_boards=result.affected_boards, added_images=result.image_names)


@router.post(
    "/batch/delete",
    response_model=RemoveImagesFromBoardResult,
    status_code=201,
    name="remove_images_from_board",
)
def remove_images_from_board(
    image_names: Annotated[list[str], Body(embed=True, max_length=MAX_NAMES_PER_REQUEST)],
    actor: CurrentUser,
    boards: Boards,
) -> RemoveImagesFromBoardResult:
    result = boards.remove_images(actor, image_names, skip_forbidden=True)
    return RemoveImagesFromBoardResult(
        affected_boards=result.affected_boards, removed_images=result.image_names
    )
