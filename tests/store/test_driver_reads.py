"""`Database.sqlite_fetch_all`: prebuilt statements through the SQLite driver, with the values
a statement binds itself, in one read transaction; expanding parameters are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from gesso.db.engine import Database

things = sa.Table(
    "things",
    sa.MetaData(),
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("kind", sa.String),
    sa.Column("size", sa.Integer),
)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'things.db'}")
    with database.write() as conn:
        things.create(conn)
        conn.execute(
            sa.insert(things),
            [{"name": f"t{n}", "kind": "big" if n % 2 else "small", "size": n} for n in range(6)],
        )
    return database


def test_parameters_given_and_bound_by_the_statement(db: Database) -> None:
    page = (
        sa.select(things.c.name, things.c.size)
        .where(things.c.kind == "big", things.c.size >= sa.bindparam("least"))
        .order_by(things.c.size.desc())
        .limit(sa.bindparam("limit"))
    )
    newest = sa.select(things.c.name).order_by(things.c.size.desc()).limit(1)
    rows, top = db.sqlite_fetch_all((page, {"least": 2, "limit": 5}), (newest, {}))
    assert rows == [("t5", 5), ("t3", 3)]
    assert top == [("t5",)]
    # Compiled once per statement object: the second call reuses it with new values.
    (again,) = db.sqlite_fetch_all((page, {"least": 0, "limit": 1}))
    assert again == [("t5", 5)]


def test_expanding_parameters_are_refused(db: Database) -> None:
    expanding = sa.select(things.c.name).where(things.c.kind.in_(sa.bindparam("kinds", expanding=True)))
    with pytest.raises(ValueError, match="expanding"):
        db.sqlite_fetch_all((expanding, {"kinds": ["big"]}))
