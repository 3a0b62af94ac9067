"""Adding to a counter row that may not exist yet, safely for writers that do not hold the
installation's write lock (see `engine.Database.write`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def add_to_row(conn: Connection, table: sa.Table, keys: dict[str, Any], increments: dict[str, Any]) -> None:
    """Add `increments` to the columns of the row whose primary key is `keys`, creating it when
    missing. The UPDATE (the common case) adds in place, so concurrent writers queue on the row
    lock and none loses the other's change; the first writer of a new row inserts with
    `ON CONFLICT DO UPDATE`, so two such writers cannot both insert."""
    where = sa.and_(*(table.c[name] == value for name, value in keys.items()))
    added = {name: table.c[name] + delta for name, delta in increments.items()}
    if conn.execute(sa.update(table).where(where).values(added)).rowcount:
        return
    # Imported here: a server starting on SQLite need not load the PostgreSQL dialect module.
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        insert: Any = postgresql.insert(table).values(**keys, **increments)
    else:
        from sqlalchemy.dialects import sqlite

        insert = sqlite.insert(table).values(**keys, **increments)
    conn.execute(
        insert.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: table.c[name] + insert.excluded[name] for name in increments},
        )
    )
