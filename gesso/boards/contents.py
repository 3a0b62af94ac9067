"""What the boards domain needs to know about the images on a board.

Boards never read the images table themselves: `BoardService` is given an object with these
methods (the `ImageService`, wired in `gesso/services.py`), so `images` may depend on `boards`
(image rules follow board rules) without `boards` depending back on `images`. Every method takes
the caller's open connection so a board change and its images change in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement
from sqlalchemy.engine import Connection

from gesso.auth.actor import Actor


@dataclass(frozen=True)
class BoardContent:
    """Counts of a board's non-intermediate images, and its newest image (the default cover)."""

    image_count: int
    asset_count: int
    latest_image_name: str | None


EMPTY = BoardContent(image_count=0, asset_count=0, latest_image_name=None)


@dataclass(frozen=True)
class EmptiedBoard:
    """Images taken off a board being deleted (now uncategorized) and images deleted with it."""

    kept: list[str]
    deleted: list[str]


class BoardContents(Protocol):
    def board_contents(self, conn: Connection, board_ids: Sequence[str]) -> dict[str, BoardContent]:
        """Content of each board that has any; boards with none are missing from the result."""
        ...

    def content_columns(self, board_id: ColumnElement[str]) -> tuple[ColumnElement[Any], ...]:
        """The same content as SQL a board list selects in its own statement, correlated on
        `board_id`: labelled `image_count`, `board_total` (every non-intermediate image) and
        `newest` (the newest image's name)."""
        ...

    def board_of_image(self, conn: Connection, image_name: str) -> str | None:
        """The board an image sits on (None: uncategorized); an unknown name is 404."""
        ...

    def empty_board(
        self, conn: Connection, actor: Actor, board_id: str, *, delete_images: bool
    ) -> EmptiedBoard:
        """Take every image off a board, deleting the records of those the actor may delete with
        it when asked to. The files go later, through `delete_files`, once the transaction has
        committed."""
        ...

    def delete_files(self, image_names: Sequence[str]) -> None: ...
