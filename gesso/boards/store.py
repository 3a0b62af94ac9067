"""SQL for `boards` (a board's images are counted by the images domain, see `contents.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from gesso.boards.tables import boards
from gesso.db.metadata import utcnow
from gesso.users.tables import users


@dataclass(frozen=True)
class Board:
    board_id: str
    user_id: str
    board_name: str
    board_visibility: str
    archived: bool
    cover_image_name: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class BoardSummary:
    """A board with what its list entry shows: counts, effective cover, owner's name."""

    board: Board
    image_count: int
    asset_count: int
    cover_image_name: str | None
    owner_username: str | None


def _board(row: Row[Any]) -> Board:
    return Board(**{c: getattr(row, c) for c in Board.__dataclass_fields__})


def insert_board(conn: Connection, board: Board) -> None:
    conn.execute(sa.insert(boards).values(**board.__dict__))


def get_board(conn: Connection, board_id: str) -> Board | None:
    row = conn.execute(sa.select(boards).where(boards.c.board_id == board_id)).first()
    return None if row is None else _board(row)


def get_boards(conn: Connection, board_ids: set[str]) -> dict[str, Board]:
    if not board_ids:
        return {}
    rows = conn.execute(sa.select(boards).where(boards.c.board_id.in_(sorted(board_ids))))
    return {row.board_id: _board(row) for row in rows}


def update_board(conn: Connection, board_id: str, **values: Any) -> None:
    conn.execute(sa.update(boards).where(boards.c.board_id == board_id).values(updated_at=utcnow(), **values))


def delete_board(conn: Connection, board_id: str) -> None:
    conn.execute(sa.delete(boards).where(boards.c.board_id == board_id))


def list_boards(
    conn: Connection,
    visible: sa.ColumnElement[bool] | None,
    *,
    include_archived: bool,
    order_by: str,
    direction: str,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Board], int]:
    where = [] if visible is None else [visible]
    if not include_archived:
        where.append(boards.c.archived.is_(False))
    total = conn.execute(sa.select(sa.func.count()).select_from(boards).where(*where)).scalar_one()
    column = boards.c.board_name if order_by == "board_name" else boards.c.created_at
    ordering = sa.asc if direction == "ASC" else sa.desc
    query = sa.select(boards).where(*where).order_by(ordering(column), boards.c.board_id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [_board(row) for row in conn.execute(query)], int(total)


def owner_names(conn: Connection, user_ids: set[str]) -> dict[str, str]:
    """What board lists show as each owner's name: the display name, else the email."""
    rows = conn.execute(
        sa.select(users.c.user_id, users.c.display_name, users.c.email).where(users.c.user_id.in_(user_ids))
    )
    return {row.user_id: row.display_name or row.email for row in rows}


def clear_cover(conn: Connection, image_names: list[str]) -> None:
    if image_names:
        conn.execute(
            sa.update(boards).where(boards.c.cover_image_name.in_(image_names)).values(cover_image_name=None)
        )
