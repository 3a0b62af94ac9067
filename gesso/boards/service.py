"""Board rules: create, list (what the caller may see), change, delete, and image membership.

Deleting a board with `include_images` deletes only the caller's own images unless the caller
is an administrator; everyone else's images fall back to their owners' uncategorized.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gesso.auth.actor import Actor
from gesso.boards import store
from gesso.boards.access import (
    VISIBILITIES,
    BoardNotFound,
    require_contribute_to_board,
    require_manage_board,
    require_view_board,
    visible_boards,
)
from gesso.boards.store import Board, BoardSummary
from gesso.db.engine import Database
from gesso.db.metadata import utcnow
from gesso.errors import InvalidInput
from gesso.images import store as image_store
from gesso.images.access import can_put_on_board, can_take_off_board, require_put_on_board
from gesso.images.service import ChangedImages, ImageService, board_key
from gesso.images.store import UNCATEGORIZED, ImageQuery

logger = logging.getLogger(__name__)

MAX_BOARD_NAME_LENGTH = 300


@dataclass(frozen=True)
class DeletedBoard:
    board_id: str
    deleted_board_images: list[str]
    deleted_images: list[str]


class BoardService:
    def __init__(self, db: Database, images: ImageService) -> None:
        self._db = db
        self._images = images

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
            return store.summarize(conn, [board])[0]

    def list_boards(
        self,
        actor: Actor,
        *,
        include_archived: bool,
        order_by: str,
        direction: str,
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[list[BoardSummary], int]:
        with self._db.read() as conn:
            found, total = store.list_boards(
                conn,
                visible_boards(actor),
                include_archived=include_archived,
                order_by=order_by,
                direction=direction,
                offset=offset,
                limit=limit,
            )
            return store.summarize(conn, found), total

    def get_board(self, actor: Actor, board_id: str) -> BoardSummary:
        with self._db.read() as conn:
            board = self._load(conn, board_id)
            require_view_board(actor, board)
            return store.summarize(conn, [board])[0]

    def update_board(self, actor: Actor, board_id: str, changes: dict[str, Any]) -> BoardSummary:
        values = {k: v for k, v in changes.items() if v is not None}
        if "board_name" in values:
            values["board_name"] = _clean_name(values["board_name"])
        if "board_visibility" in values and values["board_visibility"] not in VISIBILITIES:
            raise InvalidInput("board_visibility must be one of private, shared, public")
        with self._db.write() as conn:
            board = self._load(conn, board_id)
            require_manage_board(actor, board)
            cover = values.get("cover_image_name")
            if cover is not None:
                self._require_cover(conn, board, cover)
            if values:
                store.update_board(conn, board_id, **values)
            return store.summarize(conn, [self._load(conn, board_id)])[0]

    def delete_board(self, actor: Actor, board_id: str, *, include_images: bool) -> DeletedBoard:
        with self._db.write() as conn:
            board = self._load(conn, board_id)
            require_manage_board(actor, board)
            on_board = image_store.names_on_board(conn, board_id)
            doomed = [
                i for i in on_board if include_images and (actor.is_admin or i.user_id == actor.user_id)
            ]
            doomed_names = {i.image_name for i in doomed}
            kept = [i.image_name for i in on_board if i.image_name not in doomed_names]
            image_store.set_board(conn, kept, None)
            store.clear_cover(conn, sorted(doomed_names))
            image_store.delete_images(conn, sorted(doomed_names))
            store.delete_board(conn, board_id)
        for image in doomed:
            self._images.files.delete(image.image_name)
        logger.debug("Board %s deleted by %s (%d images deleted)", board_id, actor.user_id, len(doomed))
        return DeletedBoard(board_id=board_id, deleted_board_images=kept, deleted_images=sorted(doomed_names))

    def board_image_names(
        self, actor: Actor, board_id: str, categories: Sequence[str] | None, is_intermediate: bool | None
    ) -> list[str]:
        query = ImageQuery(
            board_id=board_id, categories=categories, is_intermediate=is_intermediate, starred_first=False
        )
        names, _ = self._images.image_names(actor, query)
        return names

    # -- membership ------------------------------------------------------------------------

    def add_images(
        self, actor: Actor, board_id: str, image_names: Sequence[str], *, skip_forbidden: bool
    ) -> ChangedImages:
        """Put images on a board. The caller must own each image (admins excepted) and the
        board must accept contributions. A batch skips images that fail the first rule."""
        with self._db.write() as conn:
            board = self._load(conn, board_id)
            require_contribute_to_board(actor, board)
            loaded = self._images.load_many(conn, image_names)
            if not skip_forbidden:
                for image, _ in loaded:
                    require_put_on_board(actor, image, board)
            moved = [(image, old) for image, old in loaded if can_put_on_board(actor, image, board)]
            image_store.set_board(conn, [image.image_name for image, _ in moved], board_id)
        affected = {board_id} | {board_key(image.board_id) for image, _ in moved}
        return ChangedImages([image.image_name for image, _ in moved], sorted(affected))

    def remove_images(
        self, actor: Actor, image_names: Sequence[str], *, skip_forbidden: bool
    ) -> ChangedImages:
        """Take images off their boards (they become their owners' uncategorized images)."""
        with self._db.write() as conn:
            loaded = self._images.load_many(conn, image_names)
            removable = []
            for image, board in loaded:
                if board is None:
                    continue
                if can_take_off_board(actor, image, board):
                    removable.append(image)
                elif not skip_forbidden:
                    require_view_board(actor, board)
                    require_manage_board(actor, board)
            image_store.set_board(conn, [i.image_name for i in removable], None)
        affected = {UNCATEGORIZED} | {board_key(i.board_id) for i in removable}
        return ChangedImages([i.image_name for i in removable], sorted(affected))

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _load(conn: Any, board_id: str) -> Board:
        board = store.get_board(conn, board_id)
        if board is None:
            raise BoardNotFound()
        return board

    def _require_cover(self, conn: Any, board: Board, image_name: str) -> None:
        loaded = self._images.load_many(conn, [image_name])
        image, _ = loaded[0]
        if image.board_id != board.board_id:
            raise InvalidInput("cover_image_name must name an image on this board")


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise InvalidInput("board_name must not be empty")
    if len(cleaned) > MAX_BOARD_NAME_LENGTH:
        raise InvalidInput(f"board_name must be at most {MAX_BOARD_NAME_LENGTH} characters")
    return cleaned
