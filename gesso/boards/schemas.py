"""Wire models for boards (InvokeAI's `BoardDTO`, `BoardChanges`, `DeleteBoardResult`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field

from gesso.boards.store import BoardSummary

BoardVisibility = Literal["private", "shared", "public"]
T = TypeVar("T")


class BoardDTO(BaseModel):
    board_id: str
    board_name: str
    user_id: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    cover_image_name: str | None
    archived: bool
    board_visibility: BoardVisibility
    image_count: int
    asset_count: int
    owner_username: str | None = None

    @classmethod
    def from_summary(cls, summary: BoardSummary) -> BoardDTO:
        board = summary.board
        # Typed values from the store: no validation pass (board lists build many of these).
        return cls.model_construct(
            board_id=board.board_id,
            board_name=board.board_name,
            user_id=board.user_id,
            created_at=board.created_at,
            updated_at=board.updated_at,
            cover_image_name=summary.cover_image_name,
            archived=board.archived,
            board_visibility=cast(BoardVisibility, board.board_visibility),
            image_count=summary.image_count,
            asset_count=summary.asset_count,
            owner_username=summary.owner_username,
            deleted_at=None,
        )


def board_wire(summary: BoardSummary) -> dict[str, Any]:
    """`BoardDTO.from_summary(summary)` as the plain dict it serializes to, in the model's field
    order (tests/unit/test_wire_shapes.py holds them equal), for board lists."""
    board = summary.board
    return {
        "board_id": board.board_id,
        "board_name": board.board_name,
        "user_id": board.user_id,
        "created_at": board.created_at,
        "updated_at": board.updated_at,
        "deleted_at": None,
        "cover_image_name": summary.cover_image_name,
        "archived": board.archived,
        "board_visibility": board.board_visibility,
        "image_count": summary.image_count,
        "asset_count": summary.asset_count,
        "owner_username": summary.owner_username,
    }


class BoardChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    board_name: str | None = Field(default=None, max_length=300)
    cover_image_name: str | None = Field(default=None, max_length=128)
    archived: bool | None = None
    board_visibility: BoardVisibility | None = None


class DeleteBoardResult(BaseModel):
    board_id: str
    deleted_board_images: list[str]
    deleted_images: list[str]
