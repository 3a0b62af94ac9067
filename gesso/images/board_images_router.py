"""Images on boards: `/api/v1/board_images` puts images on boards and takes them off (InvokeAI
answers 201); `/api/v1/boards/{board_id}/image_names` lists a board's images."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from gesso.api.deps import Images
from gesso.auth.deps import CurrentUser
from gesso.images.schemas import (
    MAX_NAMES_PER_REQUEST,
    AddImagesToBoardResult,
    ImageCategory,
    RemoveImagesFromBoardResult,
)

router = APIRouter(prefix="/v1", tags=["boards"])

Name = Annotated[str, Body(max_length=128)]
Names = Annotated[list[str], Body(max_length=MAX_NAMES_PER_REQUEST)]


@router.post(
    "/board_images/", response_model=AddImagesToBoardResult, status_code=201, name="add_image_to_board"
)
def add_image_to_board(
    board_id: Annotated[str, Body(max_length=64)], image_name: Name, actor: CurrentUser, images: Images
) -> AddImagesToBoardResult:
    result = images.put_on_board(actor, board_id, [image_name], skip_forbidden=False)
    return AddImagesToBoardResult(affected_boards=result.affected_boards, added_images=result.image_names)


@router.delete(
    "/board_images/",
    response_model=RemoveImagesFromBoardResult,
    status_code=201,
    name="remove_image_from_board",
)
def remove_image_from_board(
    image_name: Annotated[str, Body(embed=True, max_length=128)], actor: CurrentUser, images: Images
) -> RemoveImagesFromBoardResult:
    result = images.take_off_boards(actor, [image_name], skip_forbidden=False)
    return RemoveImagesFromBoardResult(
        affected_boards=result.affected_boards, removed_images=result.image_names
    )


@router.post(
    "/board_images/batch", response_model=AddImagesToBoardResult, status_code=201, name="add_images_to_board"
)
def add_images_to_board(
    board_id: Annotated[str, Body(max_length=64)], image_names: Names, actor: CurrentUser, images: Images
) -> AddImagesToBoardResult:
    result = images.put_on_board(actor, board_id, image_names, skip_forbidden=True)
    return AddImagesToBoardResult(affected_boards=result.affected_boards, added_images=result.image_names)


@router.post(
    "/board_images/batch/delete",
    response_model=RemoveImagesFromBoardResult,
    status_code=201,
    name="remove_images_from_board",
)
def remove_images_from_board(
    image_names: Annotated[list[str], Body(embed=True, max_length=MAX_NAMES_PER_REQUEST)],
    actor: CurrentUser,
    images: Images,
) -> RemoveImagesFromBoardResult:
    result = images.take_off_boards(actor, image_names, skip_forbidden=True)
    return RemoveImagesFromBoardResult(
        affected_boards=result.affected_boards, removed_images=result.image_names
    )


@router.get("/boards/{board_id}/image_names", response_model=list[str], name="list_all_board_image_names")
def list_all_board_image_names(
    board_id: str,
    actor: CurrentUser,
    images: Images,
    categories: Annotated[list[ImageCategory] | None, Query()] = None,
    is_intermediate: bool | None = None,
) -> list[str]:
    return images.board_image_names(actor, board_id, categories, is_intermediate)
