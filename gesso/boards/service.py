"""Board rules: create, list (what the caller may see), change and delete.

A board's images are reached only through `BoardContents` (the image service): deleting a board
takes its images off it, and with `include_images` deletes those the caller may delete with it
(see `images.access`); the rest fall back to their owners' uncategorized.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from gesso.audit.service import AuditLog
from gesso.auth.actor import Actor
from gesso.boards import store
from gesso.boards.access import (
    VISIBILITIES,
    VISIBLE_TO_VIEWER,
    BoardNotFound,
    require_manage_board,
    require_own_board,
    require_view_board,
    sees_every_board,
)
from gesso.boards.contents import EMPTY, BoardContents
from gesso.boards.store import Board, BoardSummary, ListedBoard
from gesso.boards.tables import boards
from gesso.db.engine import Database
from gesso.db.metadata import utcnow
from gesso.errors import InvalidInput

logger = logging.getLogger(__name__)

MAX_BOARD_NAME_LENGTH = 300


@dataclass(frozen=True)
class BoardListing:
    """A board list request: every visible board (`everything`), or the page at offset/limit."""

    order_by: str = "created_at"
    direction: str = "DESC"
    everything: bool = False
    offset: int | None = None
    limit: int | None = None
    include_archived: bool = False


@dataclass(frozen=True)
class DeletedBoard:
    board_id: str
    deleted_board_images: list[str]
    deleted_images: list[str]


class BoardService:
    def __init__(self, db: Database, contents: BoardContents, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit
        self._contents = contents
        self._content_columns = contents.content_columns(boards.c.board_id)

    @property
    def reads_are_local(self) -> bool:
        return self._db.reads_are_local

    def create_board(self, actor: Actor, board_name: str) -> BoardSummary:
        now = utcnow()
        board = Board(
            board_id=str(uuid.uuid4()),
            user_id=actor.user_id,
            board_name=_clean_name(board_name),
            board_visibility="private",
            archived=False,
            cover_image_name=None,
            created_at=now,
            updated_at=now,
        )
        with self._db.write() as conn:
            store.insert_board(conn, board)
            return self._summaries(conn, [board])[0]

    def list_boards(self, actor: Actor, listing: BoardListing) -> tuple[list[BoardSummary], int]:
        """The boards the actor may see, in the order asked: all of them, or one page."""
        if not listing.everything and (listing.offset is None or listing.limit is None):
            raise InvalidInput("Invalid request: Must provide either 'all' or both 'offset' and 'limit'")
        restricted = not sees_every_board(actor)
        found, total = store.list_boards(
            self._db,
            VISIBLE_TO_VIEWER if restricted else None,
            self._content_columns,
            include_archived=listing.include_archived,
            order_by=listing.order_by,
            direction=listing.direction,
            offset=0 if listing.everything else listing.offset or 0,
            limit=None if listing.everything else listing.limit,
            params={"viewer_id": actor.user_id} if restricted else None,
        )
        return [_listed_summary(listed) for listed in found], total

    def get_board(self, actor: Actor, board_id: str) -> BoardSummary:
        with self._db.read() as conn:
            board = self._load(conn, board_id, actor.user_id)
            require_view_board(actor, board)
            return self._summaries(conn, [board])[0]

    def update_board(self, actor: Actor, board_id: str, changes: dict[str, Any]) -> BoardSummary:
        values = {k: v for k, v in changes.items() if v is not None}
        if "board_name" in values:
            values["board_name"] = _clean_name(values["board_name"])
        if "board_visibility" in values and values["board_visibility"] not in VISIBILITIES:
            raise InvalidInput("board_visibility must be one of private, shared, public")
        with self._db.write() as conn:
            board = self._load(conn, board_id, actor.user_id)
            require_manage_board(actor, board)
            cover = values.get("cover_image_name")
            if cover is not None:
                self._require_cover(conn, board, cover)
            if values:
                store.update_board(conn, board_id, **values)
            visibility = values.get("board_visibility")
            if visibility is not None and visibility != board.board_visibility:
                self._audit.record(
                    conn, actor, "board.visibility", target_type="board", target_id=board_id,
                    details={"board_visibility": {"from": board.board_visibility, "to": visibility},
                             "owner": board.user_id},
                )  # fmt: skip
            return self._summaries(conn, [self._load(conn, board_id, actor.user_id)])[0]

    def delete_board(self, actor: Actor, board_id: str, *, include_images: bool) -> DeletedBoard:
        with self._db.write() as conn:
            board = self._load(conn, board_id)
            require_own_board(actor, board)
            emptied = self._contents.empty_board(conn, actor, board_id, delete_images=include_images)
            store.delete_board(conn, board_id)
        self._contents.delete_files(emptied.deleted)
        logger.debug(
            "Board %s deleted by %s (%d images deleted)", board_id, actor.user_id, len(emptied.deleted)
        )
        return DeletedBoard(
            board_id=board_id, deleted_board_images=emptied.kept, deleted_images=emptied.deleted
        )

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _load(conn: Connection, board_id: str, viewer_id: str | None = None) -> Board:
        board = store.get_board(conn, board_id, viewer_id)
        if board is None:
            raise BoardNotFound()
        return board

    def _require_cover(self, conn: Connection, board: Board, image_name: str) -> None:
        if self._contents.board_of_image(conn, image_name) != board.board_id:
            raise InvalidInput("cover_image_name must name an image on this board")

    def _summaries(
        self, conn: Connection, boards: list[Board], owner_names: dict[str, str | None] | None = None
    ) -> list[BoardSummary]:
        """Each board with its image counts, effective cover and owner's name."""
        if not boards:
            return []
        contents = self._contents.board_contents(conn, [b.board_id for b in boards])
        if owner_names is None:
            by_owner = store.owner_names(conn, {b.user_id for b in boards})
            owner_names = {b.board_id: by_owner.get(b.user_id) for b in boards}
        summaries = []
        for board in boards:
            content = contents.get(board.board_id, EMPTY)
            summaries.append(
                BoardSummary(
                    board=board,
                    image_count=content.image_count,
                    asset_count=content.asset_count,
                    cover_image_name=board.cover_image_name or content.latest_image_name,
                    owner_username=owner_names.get(board.board_id),
                )
            )
        return summaries


def _listed_summary(listed: ListedBoard) -> BoardSummary:
    board = listed.board
    return BoardSummary(
        board=board,
        image_count=listed.image_count,
        asset_count=listed.board_total - listed.image_count,
        cover_image_name=board.cover_image_name or listed.newest,
        owner_username=listed.owner_name,
    )


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise InvalidInput("board_name must not be empty")
    if len(cleaned) > MAX_BOARD_NAME_LENGTH:
        raise InvalidInput(f"board_name must be at most {MAX_BOARD_NAME_LENGTH} characters")
    return cleaned
