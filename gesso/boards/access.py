"""Who may do what with a board (SPEC §6, §20).

| action                                   | owner | admin | other: private | shared | public |
|------------------------------------------|-------|-------|----------------|--------|--------|
| see in list, GET, list its images        |   ✔   |   ✔   |   ✗ (403)      |   ✔    |   ✔    |
| rename / change visibility               |   ✔   |   ✔   |   403          |  403   |  403   |
| delete, change its shares                |   ✔   |   ✔   |   403          |  403   |  403   |
| add own image, upload into it            |   ✔   |   ✔   |   403          |  403   |   ✔    |

A share with a person, or with a group they are in (`board_shares`), gives them more than the
board's visibility does: `view` = the "shared" column, `contribute` = the "public" column,
`manage` = everything the owner may do except delete the board or change its shares (they may
list them). The best of a person's shares counts; the board carries it as `shared_permission`
when loaded for that person (`store.get_board(conn, board_id, viewer_id)`).

Single boards go through the predicates; lists through `VISIBLE_TO_VIEWER`, a WHERE clause.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from gesso.auth.actor import Actor
from gesso.boards.store import PERMISSIONS, Board
from gesso.boards.tables import board_shares, boards
from gesso.errors import Forbidden, NotFound
from gesso.groups.tables import group_members

logger = logging.getLogger(__name__)

VISIBILITIES = ("private", "shared", "public")
READABLE_BY_OTHERS = ("shared", "public")


class BoardNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Board not found")


def shared_at_least(board: Board, permission: str) -> bool:
    held = board.shared_permission
    return held is not None and PERMISSIONS.index(held) >= PERMISSIONS.index(permission)


def can_view_board(actor: Actor, board: Board) -> bool:
    return (
        actor.is_admin
        or board.user_id == actor.user_id
        or board.board_visibility in READABLE_BY_OTHERS
        or shared_at_least(board, "view")
    )


def can_manage_board(actor: Actor, board: Board) -> bool:
    return actor.is_admin or board.user_id == actor.user_id or shared_at_least(board, "manage")


def owns_board(actor: Actor, board: Board) -> bool:
    """Delete the board or change its shares: the owner and administrators only."""
    return actor.is_admin or board.user_id == actor.user_id


def can_contribute_to_board(actor: Actor, board: Board) -> bool:
    return (
        actor.is_admin
        or board.user_id == actor.user_id
        or board.board_visibility == "public"
        or shared_at_least(board, "contribute")
    )


def require_view_board(actor: Actor, board: Board) -> None:
    if not can_view_board(actor, board):
        logger.debug("Board %s hidden from %s", board.board_id, actor.user_id)
        raise Forbidden("Not authorized to access this board")


def require_manage_board(actor: Actor, board: Board) -> None:
    if not can_manage_board(actor, board):
        logger.debug("Board %s change refused for %s", board.board_id, actor.user_id)
        raise Forbidden("Not authorized to modify this board")


def require_own_board(actor: Actor, board: Board) -> None:
    if not owns_board(actor, board):
        logger.debug("Board %s owner-only change refused for %s", board.board_id, actor.user_id)
        raise Forbidden("Only the board's owner or an administrator can do this")


def require_contribute_to_board(actor: Actor, board: Board) -> None:
    if not can_contribute_to_board(actor, board):
        logger.debug("Board %s contribution refused for %s", board.board_id, actor.user_id)
        raise Forbidden("Not authorized to modify this board")


# The list rule with the viewer as a bound parameter (`viewer_id`), so list statements are built
# once and reused (SQLAlchemy then skips rebuilding and re-keying them on every request).
# The visibilities are bound one by one (not an expanding IN), so the statement compiles once.
_VIEWER: sa.BindParameter[str] = sa.bindparam("viewer_id")
_VIEWER_GROUPS = sa.select(group_members.c.group_id).where(group_members.c.user_id == _VIEWER)
SHARED_WITH_VIEWER = sa.exists().where(
    board_shares.c.board_id == boards.c.board_id,
    sa.or_(board_shares.c.user_id == _VIEWER, board_shares.c.group_id.in_(_VIEWER_GROUPS)),
)
VISIBLE_TO_VIEWER = sa.or_(
    boards.c.user_id == _VIEWER,
    boards.c.board_visibility.in_([sa.literal(v) for v in sorted(READABLE_BY_OTHERS)]),
    SHARED_WITH_VIEWER,
)


def sees_every_board(actor: Actor) -> bool:
    return actor.is_admin


def visible_boards(actor: Actor) -> sa.ColumnElement[bool] | None:
    """WHERE clause for boards the actor may see (None = no restriction); binds `viewer_id`."""
    if sees_every_board(actor):
        return None
    return VISIBLE_TO_VIEWER
