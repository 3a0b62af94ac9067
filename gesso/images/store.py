"""SQL for `images`. Filtering, ordering and counting happen in SQL on indexed columns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from gesso.boards.contents import BoardContent
from gesso.db.engine import Database, sqlite_time
from gesso.db.metadata import utcnow
from gesso.images.tables import images

UNCATEGORIZED = "none"


@dataclass(frozen=True)
class ImageRecord:
    image_name: str
    user_id: str
    board_id: str | None
    image_origin: str
    image_category: str
    width: int
    height: int
    is_intermediate: bool
    starred: bool
    has_workflow: bool
    session_id: str | None
    node_id: str | None
    metadata: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ImageQuery:
    """A gallery query. `board_id`: None = any board, "none" = uncategorized, else one board.
    `scope`: the access clause from `images.access` (None = no restriction); it may bind
    `viewer_id`."""

    scope: sa.ColumnElement[bool] | None = None
    viewer_id: str | None = None
    board_id: str | None = None
    categories: Sequence[str] | None = None
    is_intermediate: bool | None = None
    image_origin: str | None = None
    search_term: str | None = None
    order_dir: str = "DESC"
    starred_first: bool = True
    names: Sequence[str] | None = field(default=None)


# Selected in the record's field order, so a row becomes a record positionally.
_RECORD_COLUMNS = [images.c[name] for name in ImageRecord.__dataclass_fields__]


def _record(row: Row[Any]) -> ImageRecord:
    values: tuple[Any, ...] = tuple(row)
    return ImageRecord(*values)


def insert_image(conn: Connection, record: ImageRecord, file_size: int = 0) -> None:
    conn.execute(sa.insert(images).values(**record.__dict__, file_size=file_size))


def storage_bytes(conn: Connection, user_id: str) -> int:
    """Bytes of the user's image files (the storage quota, SPEC §17)."""
    total = conn.execute(sa.select(sa.func.sum(images.c.file_size)).where(images.c.user_id == user_id))
    return int(total.scalar() or 0)


def get_image(conn: Connection, image_name: str) -> ImageRecord | None:
    row = conn.execute(sa.select(*_RECORD_COLUMNS).where(images.c.image_name == image_name)).first()
    return None if row is None else _record(row)


def get_images(conn: Connection, image_names: Iterable[str]) -> dict[str, ImageRecord]:
    names = list(dict.fromkeys(image_names))
    found: dict[str, ImageRecord] = {}
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        for row in conn.execute(sa.select(*_RECORD_COLUMNS).where(images.c.image_name.in_(chunk))):
            found[row.image_name] = _record(row)
    return found


# A category filter binds a fixed number of values (there are five categories; a shorter list
# repeats its first entry), so the statement has no expanding parameter and compiles once.
_CATEGORY_PARAMS = tuple(f"category_{n}" for n in range(5))


def _category_values(categories: Sequence[str]) -> dict[str, str]:
    distinct = list(dict.fromkeys(categories))
    if len(distinct) > len(_CATEGORY_PARAMS):
        raise ValueError(f"at most {len(_CATEGORY_PARAMS)} distinct categories")
    padded = distinct + [distinct[0]] * (len(_CATEGORY_PARAMS) - len(distinct))
    return dict(zip(_CATEGORY_PARAMS, padded, strict=True))


def _where(query: ImageQuery) -> list[sa.ColumnElement[bool]]:
    """The filters of a query's shape; values are bound parameters (see `_values`)."""
    clauses: list[sa.ColumnElement[bool]] = []
    if query.scope is not None:
        clauses.append(query.scope)
    if query.board_id == UNCATEGORIZED:
        clauses.append(images.c.board_id.is_(None))
    elif query.board_id is not None:
        clauses.append(images.c.board_id == sa.bindparam("board_id"))
    if query.categories:
        clauses.append(images.c.image_category.in_([sa.bindparam(name) for name in _CATEGORY_PARAMS]))
    if query.is_intermediate is not None:
        clauses.append(images.c.is_intermediate == sa.bindparam("is_intermediate", type_=sa.Boolean()))
    if query.image_origin is not None:
        clauses.append(images.c.image_origin == sa.bindparam("image_origin"))
    if query.search_term:
        pattern = sa.bindparam("pattern", type_=sa.String())
        clauses.append(
            sa.or_(
                images.c.metadata.like(pattern, escape="\\"), images.c.image_name.like(pattern, escape="\\")
            )
        )
    return clauses


def _values(query: ImageQuery) -> dict[str, Any]:
    values: dict[str, Any] = {"viewer_id": query.viewer_id}
    if query.board_id not in (None, UNCATEGORIZED):
        values["board_id"] = query.board_id
    if query.categories:
        values.update(_category_values(query.categories))
    if query.is_intermediate is not None:
        values["is_intermediate"] = query.is_intermediate
    if query.image_origin is not None:
        values["image_origin"] = query.image_origin
    if query.search_term:
        escaped = query.search_term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        values["pattern"] = f"%{escaped}%"
    return values


def _order(query: ImageQuery) -> list[sa.UnaryExpression[Any]]:
    direction = sa.asc if query.order_dir == "ASC" else sa.desc
    order = [images.c.starred.desc()] if query.starred_first else []
    return [*order, direction(images.c.created_at), direction(images.c.image_name)]


_STATEMENTS: dict[tuple[Any, ...], tuple[Any, Any]] = {}


def _statement(kind: str, query: ImageQuery) -> Any:
    """The count, page or names statement for the query's shape, built once and reused (its
    cache key too): the scope clause by identity, which filters are present, the order."""
    shape = (
        kind,
        id(query.scope),
        "none" if query.board_id == UNCATEGORIZED else query.board_id is not None,
        bool(query.categories),
        query.is_intermediate is not None,
        query.image_origin is not None,
        bool(query.search_term),
        query.order_dir,
        query.starred_first,
    )
    cached = _STATEMENTS.get(shape)
    if cached is not None and cached[0] is query.scope:
        return cached[1]
    where = _where(query)
    if kind == "count":
        statement: Any = sa.select(sa.func.count()).select_from(images).where(*where)
    elif kind == "page":
        statement = (
            sa.select(*_RECORD_COLUMNS)
            .where(*where)
            .order_by(*_order(query))
            .offset(sa.bindparam("offset"))
            .limit(sa.bindparam("limit"))
        )
    else:
        statement = sa.select(images.c.image_name, images.c.starred).where(*where).order_by(*_order(query))
    _STATEMENTS[shape] = (query.scope, statement)
    return statement


def list_images(db: Database, query: ImageQuery, offset: int, limit: int) -> tuple[list[ImageRecord], int]:
    """One page of a gallery query and the query's total, read in one transaction."""
    if db.is_sqlite:
        return _list_images_sqlite(db, query, offset, limit)
    values = _values(query)
    with db.read() as conn:
        total = conn.execute(_statement("count", query), values).scalar_one()
        rows = conn.execute(_statement("page", query), {**values, "offset": offset, "limit": limit})
        return [_record(row) for row in rows], int(total)


def list_image_names(db: Database, query: ImageQuery) -> tuple[list[str], int]:
    """Ordered names and the starred count, in one pass over the matching index range."""
    if db.is_sqlite:
        return _list_image_names_sqlite(db, query)
    with db.read_once() as conn:
        return image_names_in(conn, query)


def image_names_in(conn: Connection, query: ImageQuery) -> tuple[list[str], int]:
    """`list_image_names` inside the caller's transaction."""
    rows = conn.execute(_statement("names", query), _values(query)).all()
    return [row.image_name for row in rows], sum(1 for row in rows if row.starred)


# SQLite: the same statements through the driver (`Database.sqlite_fetch_all`); rows hold the
# stored values, 0/1 for booleans and ISO text for times.


def _list_images_sqlite(
    db: Database, query: ImageQuery, offset: int, limit: int
) -> tuple[list[ImageRecord], int]:
    values = _values(query)
    counted, rows = db.sqlite_fetch_all(
        (_statement("count", query), values),
        (_statement("page", query), {**values, "offset": offset, "limit": limit}),
    )
    return [_sqlite_record(row) for row in rows], int(counted[0][0])


def _list_image_names_sqlite(db: Database, query: ImageQuery) -> tuple[list[str], int]:
    (rows,) = db.sqlite_fetch_all((_statement("names", query), _values(query)))
    return [row[0] for row in rows], sum(1 for row in rows if row[1])


def _sqlite_record(row: tuple[Any, ...]) -> ImageRecord:
    (name, user, board, origin, category, width, height, intermediate, starred, workflow) = row[:10]
    session_id, node_id, metadata, created_at, updated_at = row[10:]
    return ImageRecord(
        name,
        user,
        board,
        origin,
        category,
        width,
        height,
        bool(intermediate),
        bool(starred),
        bool(workflow),
        session_id,
        node_id,
        metadata,
        sqlite_time(created_at),
        sqlite_time(updated_at),
    )


def update_image(conn: Connection, image_name: str, **values: Any) -> None:
    conn.execute(
        sa.update(images).where(images.c.image_name == image_name).values(updated_at=utcnow(), **values)
    )


def set_starred(conn: Connection, image_names: Sequence[str], starred: bool) -> None:
    if image_names:
        conn.execute(
            sa.update(images)
            .where(images.c.image_name.in_(list(image_names)))
            .values(starred=starred, updated_at=utcnow())
        )


def set_board(conn: Connection, image_names: Sequence[str], board_id: str | None) -> None:
    if image_names:
        conn.execute(
            sa.update(images)
            .where(images.c.image_name.in_(list(image_names)))
            .values(board_id=board_id, updated_at=utcnow())
        )


def delete_images(conn: Connection, image_names: Sequence[str]) -> None:
    for start in range(0, len(image_names), 500):
        chunk = list(image_names[start : start + 500])
        conn.execute(sa.delete(images).where(images.c.image_name.in_(chunk)))


_ON_BOARDS = sa.and_(
    images.c.board_id.in_(sa.bindparam("board_ids", expanding=True)), images.c.is_intermediate.is_(False)
)
# Built once (board lists run these on every request); each reads only the named boards' range
# of `ix_images_board`.
_BOARD_COUNTS = (
    sa.select(
        images.c.board_id,
        sa.func.sum(sa.case((images.c.image_category == "general", 1), else_=0)).label("image_count"),
        sa.func.count().label("total"),
        sa.func.max(images.c.created_at).label("latest"),
    )
    .where(_ON_BOARDS)
    .group_by(images.c.board_id)
)
_BOARD_NEWEST = sa.select(images.c.board_id, images.c.image_name, images.c.created_at).where(
    _ON_BOARDS, images.c.created_at.in_(sa.bindparam("times", expanding=True))
)


def board_contents(conn: Connection, board_ids: Sequence[str]) -> dict[str, BoardContent]:
    """Counts and newest image of each board (intermediates left out), in two queries."""
    if not board_ids:
        return {}
    counts = conn.execute(_BOARD_COUNTS, {"board_ids": list(board_ids)}).all()
    if not counts:
        return {}
    latest = {row.board_id: row.latest for row in counts}
    newest = conn.execute(_BOARD_NEWEST, {"board_ids": list(latest), "times": list(set(latest.values()))})
    covers: dict[str, str] = {}
    for row in newest:
        if row.created_at == latest[row.board_id]:
            covers[row.board_id] = min(covers.get(row.board_id, row.image_name), row.image_name)
    return {
        row.board_id: BoardContent(
            image_count=int(row.image_count or 0),
            asset_count=int(row.total) - int(row.image_count or 0),
            latest_image_name=covers.get(row.board_id),
        )
        for row in counts
    }


def board_content_columns(board_id: sa.ColumnElement[str]) -> tuple[sa.ColumnElement[Any], ...]:
    """A board's content as correlated subqueries on `board_id`, for a board list to select in
    its own statement: general images, all images and the newest image's name (intermediates
    left out). Each reads only that board's range of `ix_images_board`."""
    on_board = sa.and_(images.c.board_id == board_id, images.c.is_intermediate.is_(False))
    counted = sa.select(sa.func.count()).select_from(images)
    newest = sa.select(images.c.image_name).where(on_board)
    return (
        counted.where(on_board, images.c.image_category == "general").scalar_subquery().label("image_count"),
        counted.where(on_board).scalar_subquery().label("board_total"),
        newest.order_by(images.c.created_at.desc(), images.c.image_name)
        .limit(1)
        .scalar_subquery()
        .label("newest"),
    )


def images_on_board(conn: Connection, board_id: str) -> list[ImageRecord]:
    return [
        _record(row) for row in conn.execute(sa.select(*_RECORD_COLUMNS).where(images.c.board_id == board_id))
    ]


def count_intermediates(conn: Connection, scope: sa.ColumnElement[bool] | None, viewer_id: str) -> int:
    query = sa.select(sa.func.count()).select_from(images).where(images.c.is_intermediate.is_(True))
    if scope is not None:
        query = query.where(scope)
    return int(conn.execute(query, {"viewer_id": viewer_id}).scalar_one())


def intermediate_names(conn: Connection) -> list[str]:
    return list(
        conn.execute(sa.select(images.c.image_name).where(images.c.is_intermediate.is_(True))).scalars()
    )


def all_image_names(conn: Connection) -> set[str]:
    return set(conn.execute(sa.select(images.c.image_name)).scalars())
