"""Who may do what with an image (SPEC §6). An image's board, if any, is passed in.

- read (DTO, metadata, full, thumbnail, urls): admin, the image's owner, or anyone who may view
  its board. Uncategorized images are only ever the owner's (and admins').
- change (delete, star, edit): admin, the image's owner, or whoever may manage the board it sits
  on (its owner, or a `manage` share). On a public board other users may change only their own images.
- put on a board: admin or the image's owner, and the board must accept contributions.
- take off a board: admin, whoever may manage the board, or the image's owner when the board
  accepts their contributions (public, or a `contribute` share).
- list without naming a board (`visible_images`): admins every image, everybody else their own;
  the images on a board that others may view are listed by naming that board.
- clear every user's intermediate images: administrators only.
- delete together with its board (`include_images`): admin or the image's owner; other users'
  images on a deleted board fall back to their owners' uncategorized.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from gesso.auth.actor import Actor
from gesso.boards.access import can_contribute_to_board, can_manage_board, can_view_board
from gesso.boards.store import Board
from gesso.errors import Forbidden, NotFound
from gesso.images.store import ImageRecord
from gesso.images.tables import images

logger = logging.getLogger(__name__)


class ImageNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Image not found")


def can_view_image(actor: Actor, image: ImageRecord, board: Board | None) -> bool:
    if actor.is_admin or image.user_id == actor.user_id:
        return True
    return board is not None and can_view_board(actor, board)


def can_change_image(actor: Actor, image: ImageRecord, board: Board | None) -> bool:
    if actor.is_admin or image.user_id == actor.user_id:
        return True
    return board is not None and can_manage_board(actor, board)


def can_put_on_board(actor: Actor, image: ImageRecord, board: Board) -> bool:
    return (actor.is_admin or image.user_id == actor.user_id) and can_contribute_to_board(actor, board)


def can_take_off_board(actor: Actor, image: ImageRecord, board: Board) -> bool:
    if can_manage_board(actor, board):
        return True
    return can_contribute_to_board(actor, board) and image.user_id == actor.user_id


def can_delete_with_board(actor: Actor, image: ImageRecord) -> bool:
    return actor.is_admin or image.user_id == actor.user_id


def require_view_image(actor: Actor, image: ImageRecord, board: Board | None) -> None:
    if not can_view_image(actor, image, board):
        logger.debug("Image %s hidden from %s", image.image_name, actor.user_id)
        raise Forbidden("Not authorized to access this image")


def require_change_image(actor: Actor, image: ImageRecord, board: Board | None) -> None:
    if not can_change_image(actor, image, board):
        logger.debug("Image %s change refused for %s", image.image_name, actor.user_id)
        raise Forbidden("Not authorized to modify this image")


def require_put_on_board(actor: Actor, image: ImageRecord, board: Board) -> None:
    if not can_put_on_board(actor, image, board):
        logger.debug(
            "Image %s may not go on board %s for %s", image.image_name, board.board_id, actor.user_id
        )
        raise Forbidden("Not authorized to move this image")


def require_clear_intermediates(actor: Actor) -> None:
    if not actor.is_admin:
        logger.debug("Clearing intermediates refused for %s", actor.user_id)
        raise Forbidden("Only administrators can clear intermediate images")


# The viewer is a bound parameter (`viewer_id`, see `ImageQuery.viewer_id`), so the gallery's
# statements are built once per shape and reused.
OWNED_BY_VIEWER = images.c.user_id == sa.bindparam("viewer_id")


def visible_images(actor: Actor) -> sa.ColumnElement[bool] | None:
    """WHERE clause for images listed without naming a board (None = no restriction)."""
    if actor.is_admin:
        return None
    return own_images(actor)


def own_images(actor: Actor) -> sa.ColumnElement[bool]:
    """WHERE clause for the actor's own images, whatever their role (binds `viewer_id`)."""
    return OWNED_BY_VIEWER
