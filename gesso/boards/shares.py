"""Sharing a board with chosen people and groups (SPEC §20). The owner and administrators change
shares; they and the board's managers may list them. Each change is one write transaction (an
audit event goes beside it). A share takes effect, or stops, on the next request: every board
access check reads the shares from the database."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Connection

from gesso.audit.service import AuditLog
from gesso.auth.actor import Actor
from gesso.boards import store
from gesso.boards.access import BoardNotFound, can_manage_board, require_own_board, require_view_board
from gesso.boards.store import Board, Share
from gesso.db.engine import Database
from gesso.errors import Forbidden, InvalidInput, NotFound
from gesso.groups.store import group_exists
from gesso.users.store import find_by_email, get_user

logger = logging.getLogger(__name__)


class ShareNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("This board is not shared with them")


class BoardShareService:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    def list_shares(self, actor: Actor, board_id: str) -> list[Share]:
        with self._db.read() as conn:
            board = _load(conn, board_id, actor)
            require_view_board(actor, board)
            if not can_manage_board(actor, board):
                raise Forbidden("Only the board's owner, its managers and administrators see its shares")
            return store.list_shares(conn, board_id)

    def put_share(self, actor: Actor, board_id: str, kind: str, subject_id: str, permission: str) -> Share:
        with self._db.write() as conn:
            board = _load(conn, board_id, actor)
            require_view_board(actor, board)
            require_own_board(actor, board)
            if kind == "user":
                # The id, or the e-mail address (people who may not list users share by e-mail).
                user = get_user(conn, subject_id) or find_by_email(conn, subject_id)
                if user is None or user.is_system:
                    raise InvalidInput(f"id: no user {subject_id!r}")
                if user.user_id == board.user_id:
                    raise InvalidInput("id: a board cannot be shared with its owner")
                subject_id = user.user_id
            elif not group_exists(conn, subject_id):
                raise InvalidInput(f"id: no group {subject_id!r}")
            store.put_share(conn, board_id, kind, subject_id, permission)
            self._audit.record(
                conn, actor, "board.share", target_type="board", target_id=board_id,
                details={"kind": kind, "id": subject_id, "permission": permission},
            )  # fmt: skip
            shares = store.list_shares(conn, board_id)
        logger.debug("Board %s shared with %s %s (%s)", board_id, kind, subject_id, permission)
        return next(s for s in shares if s.kind == kind and s.subject_id == subject_id)

    def delete_share(self, actor: Actor, board_id: str, kind: str, subject_id: str) -> None:
        with self._db.write() as conn:
            board = _load(conn, board_id, actor)
            require_view_board(actor, board)
            require_own_board(actor, board)
            if not store.delete_share(conn, board_id, kind, subject_id):
                raise ShareNotFound()
            self._audit.record(
                conn, actor, "board.unshare", target_type="board", target_id=board_id,
                details={"kind": kind, "id": subject_id},
            )  # fmt: skip
        logger.debug("Board %s no longer shared with %s %s", board_id, kind, subject_id)


def _load(conn: Connection, board_id: str, actor: Actor) -> Board:
    board = store.get_board(conn, board_id, actor.user_id)
    if board is None:
        raise BoardNotFound()
    return board
