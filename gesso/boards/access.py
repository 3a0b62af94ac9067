"""Who may do what with a board (SPEC §6).

| action                                   | owner | admin | other: private | shared | public |
|------------------------------------------|-------|-------|----------------|--------|--------|
| see in list, GET, list its images        |   ✔   |   ✔   |   ✗ (403)      |   ✔    |   ✔    |
| rename / change visibility / delete      |   ✔   |   ✔   |   403          |  403   |  403   |
| add own image, upload into it            |   ✔   |   ✔   |   403          |  403   |   ✔    |

Single boards go through the predicates; lists through `visible_boards`, a WHERE clause.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from gesso.auth.actor import Actor
from gesso.boards.store import Board
from gesso.boards.tables import boards
from gesso.errors import Forbidden, NotFound

logger = logging.getLogger(__name__)

VISIBILITIES = ("private", "shared", "public")
READABLE_BY_OTHERS = ("shared", "public")


class BoardNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Board not found")


def can_view_board(actor: Actor, board: Board) -> bool:
    return actor.is_admin or board.user_id == actor.user_id or board.board_visibility in READABLE_BY_OTHERS


def can_manage_board(actor: Actor, board: Board) -> bool:
    return actor.is_admin or board.user_id == actor.user_id


def can_contribute_to_board(actor: Actor, board: Board) -> bool:
    return actor.is_admin or board.user_id == actor.user_id or board.board_visibility == "public"


def require_view_board(actor: Actor, board: Board) -> None:
    if not can_view_board(actor, board):
        logger.debug("Board %s hidden from %s", board.board_id, actor.user_id)
        raise Forbidden("Not authorized to access this board")


def require_manage_board(actor: Actor, board: Board) -> None:
    if not can_manage_board(actor, board):
        logger.debug("Board %s change refused for %s", board.board_id, actor.user_id)
        raise Forbidden("Not authorized to modify this board")


def require_contribute_to_board(actor: Actor, board: Board) -> None:
    if not can_contribute_to_board(actor, board):
        logger.debug("Board %s contribution refused for %s", board.board_id, actor.user_id)
        raise Forbidden("Not authorized to modify this board")


# The list rule with the viewer as a bound parameter (`viewer_id`), so list statements are built
# once and reused (SQLAlchemy then skips rebuilding and re-keying them on every request).
# The visibilities are bound one by one (not an expanding IN), so the statement compiles once.
VISIBLE_TO_VIEWER = sa.or_(
    boards.c.user_id == sa.bindparam("viewer_id"),
    boards.c.board_visibility.in_([sa.literal(v) for v in sorted(READABLE_BY_OTHERS)]),
)


def sees_every_board(actor: Actor) -> bool:
    return actor.is_admin


def visible_boards(actor: Actor) -> sa.ColumnElement[bool] | None:
    """WHERE clause for boards the actor may see (None = no restriction)."""
    if sees_every_board(actor):
        return None
    return sa.or_(boards.c.user_id == actor.user_id, boards.c.board_visibility.in_(READABLE_BY_OTHERS))
