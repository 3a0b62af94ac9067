"""SQL for `boards` (a board's images are counted by the images domain, see `contents.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from gesso.boards.tables import board_shares, boards
from gesso.db.engine import Database, sqlite_time
from gesso.db.metadata import utcnow
from gesso.groups.tables import group_members, groups
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
    # The permission the viewer it was loaded for holds through a share (SPEC §20), if any.
    shared_permission: str | None = None


@dataclass(frozen=True)
class BoardSummary:
    """A board with what its list entry shows: counts, effective cover, owner's name."""

    board: Board
    image_count: int
    asset_count: int
    cover_image_name: str | None
    owner_username: str | None


PERMISSIONS = ("view", "contribute", "manage")  # each includes the ones before it
_RANK = sa.case(
    (board_shares.c.permission == "manage", 3), (board_shares.c.permission == "contribute", 2), else_=1
)


def viewer_share_rank() -> sa.ScalarSelect[Any]:
    """The best permission (1 view, 2 contribute, 3 manage) the bound `viewer_id` holds on the
    row's board, by a share with them or with a group they are in (NULL: none). Looked up
    through the shares' (board_id, user_id) and (board_id, group_id) unique indexes."""
    viewer: sa.BindParameter[str] = sa.bindparam("viewer_id")
    their_groups = sa.select(group_members.c.group_id).where(group_members.c.user_id == viewer)
    return (
        sa.select(sa.func.max(_RANK))
        .where(
            board_shares.c.board_id == boards.c.board_id,
            sa.or_(board_shares.c.user_id == viewer, board_shares.c.group_id.in_(their_groups)),
        )
        .scalar_subquery()
    )


def _permission(rank: int | None) -> str | None:
    return None if rank is None else PERMISSIONS[int(rank) - 1]


def _board(row: Row[Any]) -> Board:
    values = row._mapping
    fields = [c for c in Board.__dataclass_fields__ if c != "shared_permission"]
    return Board(**{c: values[c] for c in fields}, shared_permission=_permission(values.get("share_rank")))


def insert_board(conn: Connection, board: Board) -> None:
    values = {k: v for k, v in board.__dict__.items() if k != "shared_permission"}
    conn.execute(sa.insert(boards).values(**values))


def _select(viewer_id: str | None) -> sa.Select[Any]:
    if viewer_id is None:
        return sa.select(boards)
    return sa.select(boards, viewer_share_rank().label("share_rank"))


def get_board(conn: Connection, board_id: str, viewer_id: str | None = None) -> Board | None:
    """The board; with `viewer_id`, carrying the permission that user holds through a share."""
    query = _select(viewer_id).where(boards.c.board_id == board_id)
    row = conn.execute(query, {"viewer_id": viewer_id} if viewer_id else {}).first()
    return None if row is None else _board(row)


def get_boards(conn: Connection, board_ids: set[str], viewer_id: str | None = None) -> dict[str, Board]:
    if not board_ids:
        return {}
    query = _select(viewer_id).where(boards.c.board_id.in_(sorted(board_ids)))
    rows = conn.execute(query, {"viewer_id": viewer_id} if viewer_id else {})
    return {row.board_id: _board(row) for row in rows}


def update_board(conn: Connection, board_id: str, **values: Any) -> None:
    conn.execute(sa.update(boards).where(boards.c.board_id == board_id).values(updated_at=utcnow(), **values))


def delete_board(conn: Connection, board_id: str) -> None:
    conn.execute(sa.delete(boards).where(boards.c.board_id == board_id))


@dataclass(frozen=True)
class ListedBoard:
    board: Board
    owner_name: str | None
    image_count: int
    board_total: int
    newest: str | None


ContentColumns = tuple[sa.ColumnElement[Any], ...]
_LIST_STATEMENTS: dict[tuple[int, int, bool, str, str, bool], tuple[Any, Any, sa.Select[Any]]] = {}


def _list_statement(
    visible: sa.ColumnElement[bool] | None,
    content: ContentColumns,
    include_archived: bool,
    order_by: str,
    direction: str,
    paged: bool,
) -> sa.Select[Any]:
    """One statement per kind of list, built once: the boards with the total count (a window
    over the filtered rows), the owner's name and each board's content (`content`, correlated
    subqueries from `BoardContents.content_columns`); the viewer, offset and limit are
    parameters. Keyed by the clauses' identity (clauses compare as SQL, not as values)."""
    key = (id(visible), id(content), include_archived, order_by, direction, paged)
    cached = _LIST_STATEMENTS.get(key)
    if cached is not None and cached[0] is visible and cached[1] is content:
        return cached[2]
    query = _build_list_statement(visible, content, include_archived, order_by, direction, paged)
    _LIST_STATEMENTS[key] = (visible, content, query)
    return query


def _build_list_statement(
    visible: sa.ColumnElement[bool] | None,
    content: ContentColumns,
    include_archived: bool,
    order_by: str,
    direction: str,
    paged: bool,
) -> sa.Select[Any]:
    where = [] if visible is None else [visible]
    if not include_archived:
        where.append(boards.c.archived.is_(False))
    column = boards.c.board_name if order_by == "board_name" else boards.c.created_at
    ordering = sa.asc if direction == "ASC" else sa.desc
    shares = [] if visible is None else [viewer_share_rank().label("share_rank")]
    query = (
        sa.select(
            boards,
            sa.func.coalesce(users.c.display_name, users.c.email).label("owner_name"),
            sa.func.count().over().label("total"),
            *content,
            *shares,
        )
        .select_from(boards.outerjoin(users, users.c.user_id == boards.c.user_id))
        .where(*where)
        .order_by(ordering(column), boards.c.board_id)
    )
    if paged:
        query = query.offset(sa.bindparam("offset")).limit(sa.bindparam("limit"))
    return query


def list_boards(
    db: Database,
    visible: sa.ColumnElement[bool] | None,
    content: ContentColumns,
    *,
    include_archived: bool,
    order_by: str,
    direction: str,
    offset: int = 0,
    limit: int | None = None,
    params: dict[str, Any] | None = None,
) -> tuple[list[ListedBoard], int]:
    """One read, without a transaction around it. `visible` must be a reusable clause (such as
    `access.VISIBLE_TO_VIEWER`, its parameters in `params`) or None: statements are cached per
    clause. On SQLite the statement runs through the driver (`Database.sqlite_fetch_all`)."""
    paged = limit is not None
    query = _list_statement(visible, content, include_archived, order_by, direction, paged)
    values = {**(params or {}), **({"offset": offset, "limit": limit} if paged else {})}
    if db.is_sqlite:
        (rows,) = db.sqlite_fetch_all((query, values))
        listed = [_sqlite_listed(row) for row in rows]
        total = int(rows[0][_TOTAL]) if rows else 0
    else:
        with db.read_once() as conn:
            core_rows = conn.execute(query, values).all()
        listed = [_listed(row) for row in core_rows]
        total = int(core_rows[0].total) if core_rows else 0
    if not listed and offset > 0:  # past the end: no row carries the window's total
        every = _list_statement(visible, content, include_archived, order_by, direction, False)
        with db.read_once() as conn:
            counted = conn.execute(sa.select(sa.func.count()).select_from(every.subquery()), params or {})
            return [], int(counted.scalar_one())
    return listed, total


_TOTAL = len(boards.c) + 1  # the window total's position in a list row


def _listed(row: Row[Any]) -> ListedBoard:
    return ListedBoard(_board(row), row.owner_name, int(row.image_count), int(row.board_total), row.newest)


def _sqlite_listed(row: tuple[Any, ...]) -> ListedBoard:
    """A raw SQLite list row: the board's columns (0/1 booleans, ISO text times), then owner
    name, total, image count, board total, newest image, and (lists for a viewer) their share rank."""
    board_id, user_id, name, visibility, archived, cover, created_at, updated_at = row[:8]
    owner_name, _total, image_count, board_total, newest = row[8:13]
    board = Board(
        board_id,
        user_id,
        name,
        visibility,
        bool(archived),
        cover,
        sqlite_time(created_at),
        sqlite_time(updated_at),
        _permission(row[13]) if len(row) > 13 else None,
    )
    return ListedBoard(board, owner_name, int(image_count), int(board_total), newest)


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


# -- shares (SPEC §20) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    board_id: str
    kind: str  # "user" | "group"
    subject_id: str
    name: str  # the user's display name (else email), or the group's name
    permission: str
    created_at: datetime


def list_shares(conn: Connection, board_id: str) -> list[Share]:
    query = (
        sa.select(
            board_shares,
            sa.func.coalesce(users.c.display_name, users.c.email, groups.c.name).label("name"),
        )
        .select_from(
            board_shares.outerjoin(users, users.c.user_id == board_shares.c.user_id).outerjoin(
                groups, groups.c.group_id == board_shares.c.group_id
            )
        )
        .where(board_shares.c.board_id == board_id)
        .order_by(board_shares.c.created_at, board_shares.c.share_id)
    )
    return [
        Share(
            board_id=row.board_id,
            kind="user" if row.user_id is not None else "group",
            subject_id=row.user_id or row.group_id,
            name=row.name,
            permission=row.permission,
            created_at=row.created_at,
        )
        for row in conn.execute(query)
    ]


def _subject(kind: str, subject_id: str) -> sa.ColumnElement[bool]:
    return board_shares.c.user_id == subject_id if kind == "user" else board_shares.c.group_id == subject_id


def put_share(conn: Connection, board_id: str, kind: str, subject_id: str, permission: str) -> None:
    mine = sa.and_(board_shares.c.board_id == board_id, _subject(kind, subject_id))
    if conn.execute(sa.update(board_shares).where(mine).values(permission=permission)).rowcount == 0:
        column = "user_id" if kind == "user" else "group_id"
        values = {"board_id": board_id, column: subject_id, "permission": permission, "created_at": utcnow()}
        conn.execute(sa.insert(board_shares).values(**values))


def delete_share(conn: Connection, board_id: str, kind: str, subject_id: str) -> bool:
    mine = sa.and_(board_shares.c.board_id == board_id, _subject(kind, subject_id))
    return bool(conn.execute(sa.delete(board_shares).where(mine)).rowcount)
