"""Wire models for boards (InvokeAI's `BoardDTO`, `BoardChanges`, `DeleteBoardResult`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field

from gesso.boards.store import BoardSummary, Share

BoardVisibility = Literal["private", "shared", "public"]
SharePermission = Literal["view", "contribute", "manage"]
ShareKind = Literal["user", "group"]
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
    # Set when the board is shared with the caller (or a group of theirs): the best permission.
    shared_permission: SharePermission | None = None

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
            shared_permission=cast(SharePermission | None, board.shared_permission),
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
        "shared_permission": board.shared_permission,
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


class ShareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    permission: SharePermission


class BoardShareDTO(BaseModel):
    board_id: str
    kind: ShareKind
    id: str
    name: str
    permission: SharePermission
    created_at: datetime

    @classmethod
    def from_share(cls, share: Share) -> BoardShareDTO:
        return cls(
            board_id=share.board_id,
            kind=cast(ShareKind, share.kind),
            id=share.subject_id,
            name=share.name,
            permission=cast(SharePermission, share.permission),
            created_at=share.created_at,
        )
