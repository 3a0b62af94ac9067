"""The engine and its two kinds of transaction, on SQLite or PostgreSQL.

`read()` opens an ordinary transaction. `write()` opens one that holds the write lock from its
first statement, so check-then-write rules such as "never remove the last administrator" cannot
interleave between two writers: SQLite's `BEGIN IMMEDIATE`, and on PostgreSQL a transaction-level
advisory lock that every serialised `write()` of the installation takes (several API and worker
processes included). Reads never wait for it.

`write(serialised=False)` skips that advisory lock on PostgreSQL (SQLite has one writer and
still begins IMMEDIATE). It is only for the queue's worker-side writes (claim, finish, release,
failing a lost worker's items) and heartbeats, which every worker makes for every item: under
the one lock, four workers spent most of their time queueing for it. Those writes are safe
without it because each is guarded by row locks instead: a claim locks its queue's claim lock
and the item (`FOR UPDATE SKIP LOCKED`), a status change locks the item row before reading the
status it changes from (`FOR UPDATE`), running totals are added in place (`n = n + 1`, upserts
for a missing row) in a fixed order, and a heartbeat or reap updates one row conditionally.
Writers that keep the advisory lock lock the item rows they read for the same reason. Anything
else that checks before it writes keeps the default.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import anyio.to_thread
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.compiler import SQLCompiler

SQLITE_BUSY_TIMEOUT_MS = 15_000
# The advisory lock key every PostgreSQL `write()` holds until its transaction ends ("gesso" in
# ASCII); other applications sharing the database are unaffected unless they pick the same key.
POSTGRES_WRITE_LOCK = 0x676573736F
POSTGRES_CONNECT_TIMEOUT_S = 10

P = ParamSpec("P")
T = TypeVar("T")
SqlStatement = sa.ClauseElement


class DatabaseUnavailable(Exception):
    """The database server cannot be reached; the message is one line fit for a terminal."""


def unavailable_reason(exc: BaseException) -> str | None:
    """One line saying why the database cannot be used, if `exc` is a lost or refused
    connection (None for any other database error)."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return None
    if not (exc.connection_invalidated or isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError)):
        return None
    if isinstance(exc.orig, sqlite3.OperationalError) and "locked" in str(exc.orig):
        return "The database is busy; try again"
    first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
    return f"The database is unavailable: {first}"


def describe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)


class Database:
    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine: Engine = create_engine(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @property
    def reads_are_local(self) -> bool:
        """Reads are a local file's indexed lookups (SQLite): cheaper to run on the event loop
        than the two thread hand-offs a threadpool call costs. A networked database waits on
        I/O, which must never block the loop."""
        return self.is_sqlite

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def read_once(self) -> Iterator[Connection]:
        """A single-statement read without BEGIN/COMMIT round trips (SQLite autocommit).

        For hot paths that run exactly one SELECT; anything that needs a consistent view over
        several statements uses `read()`.
        """
        with self.engine.connect() as conn:
            yield conn.execution_options(gesso_autocommit=True)

    def sqlite_fetch_one(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """One row from a pooled SQLite connection, bypassing SQLAlchemy's statement machinery.

        Only for the per-request authentication lookup, where SQLAlchemy's execution overhead
        (about 50 µs) is most of the cost; everything else goes through Core.
        """
        assert self.is_sqlite
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(sql, params)
                row = cursor.fetchone()
            finally:
                cursor.close()
        finally:
            connection.close()
        return None if row is None else tuple(row)

    def sqlite_fetch_all(
        self, *queries: tuple[SqlStatement, Mapping[str, Any]]
    ) -> list[list[tuple[Any, ...]]]:
        """The rows of prebuilt SELECTs, run in one read transaction on a pooled SQLite
        connection, bypassing SQLAlchemy's execution and result machinery (about half the cost
        of a gallery page). Rows are the driver's raw values (SQLite stores booleans as 0/1 and
        datetimes as ISO text): the caller converts them. The PostgreSQL path runs the same
        statements through Core.

        A statement is compiled once per object (pass statements built once, not per call) and
        must not use expanding `IN` parameters."""
        assert self.is_sqlite
        compiled = [(_sqlite_compiled(self.engine, statement), params) for statement, params in queries]
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                if len(compiled) > 1:
                    cursor.execute("BEGIN")
                results: list[list[tuple[Any, ...]]] = []
                for (sql, names, fixed), params in compiled:
                    cursor.execute(sql, [params[name] if name in params else fixed[name] for name in names])
                    results.append(list(cursor.fetchall()))
                if len(compiled) > 1:
                    cursor.execute("COMMIT")
            finally:
                cursor.close()
        finally:
            connection.close()  # back to the pool, which rolls back anything left open
        return results

    @contextmanager
    def write(self, *, serialised: bool = True) -> Iterator[Connection]:
        """A write transaction; `serialised=False` only where the module docstring says why
        row locks suffice."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(gesso_write=True, gesso_serialised=serialised)
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()

    def check_reachable(self) -> None:
        """Raise DatabaseUnavailable (one line) unless a connection can be opened."""
        try:
            with self.engine.connect():
                pass
        except sa.exc.DBAPIError as exc:
            reason = unavailable_reason(exc) or str(exc.orig).strip().splitlines()[0]
            raise DatabaseUnavailable(f"cannot connect to {describe_url(self.url)}: {reason}") from None


CompiledForDriver = tuple[str, tuple[str, ...], dict[str, Any]]
_SQLITE_COMPILED: dict[int, tuple[SqlStatement, CompiledForDriver]] = {}


def _sqlite_compiled(engine: Engine, statement: SqlStatement) -> CompiledForDriver:
    """SQL text, positional parameter names and the values the statement binds itself (such as
    a literal compared with or a `LIMIT 1`), compiled once per statement object."""
    cached = _SQLITE_COMPILED.get(id(statement))
    if cached is not None and cached[0] is statement:
        return cached[1]
    compiled = statement.compile(dialect=engine.dialect)
    assert isinstance(compiled, SQLCompiler)
    order = compiled.positiontup  # SQLite's driver takes `?` parameters, in this order
    if "POSTCOMPILE" in compiled.string or order is None:
        raise ValueError("sqlite_fetch_all needs a statement without expanding parameters")
    fixed = {
        name: bind.value
        for name, bind in compiled.binds.items()
        if not bind.required and bind.callable is None and bind.value is not None
    }
    result = (compiled.string, tuple(order), fixed)
    _SQLITE_COMPILED[id(statement)] = (statement, result)
    return result


def normalise_url(url: str) -> str:
    """`postgresql://…` (or `postgres://…`) means psycopg 3, the driver Gesso installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _create_sqlite_engine(url)
    if url.startswith("postgresql+psycopg://"):
        return _create_postgresql_engine(url)
    return sa.create_engine(url, pool_pre_ping=True)


def _create_postgresql_engine(url: str) -> Engine:
    # No pre-ping (a round trip per checkout, most of a worker's per-item cost): a connection
    # found dead fails one request with 503, and SQLAlchemy then discards the whole pool.
    engine = sa.create_engine(
        url,
        pool_recycle=1800,
        pool_size=8,
        max_overflow=16,
        pool_timeout=15,
        connect_args={
            "connect_timeout": POSTGRES_CONNECT_TIMEOUT_S,
            "application_name": "gesso",
            # lock_timeout: like SQLite's busy timeout, a writer waits this long for a lock, then
            # fails. plan_cache_mode: psycopg prepares a statement after five runs, and
            # PostgreSQL then may switch to a generic plan that cannot see that `status =
            # 'pending'` matches a handful of rows among 100,000 finished ones (measured: the
            # enqueue's `max(priority)` went from 0.3 to 13 ms); always plan with the values.
            "options": f"-c lock_timeout={SQLITE_BUSY_TIMEOUT_MS} -c plan_cache_mode=force_custom_plan",
        },
    )

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get("gesso_write", False) and options.get("gesso_serialised", True):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({POSTGRES_WRITE_LOCK})")

    return engine


def _create_sqlite_engine(url: str) -> Engine:
    database = sa.engine.make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"check_same_thread": False}, pool_size=8, max_overflow=16)

    @sa.event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling skips BEGIN before DDL; switch it off and emit
        # BEGIN ourselves (below) so migrations and writes are truly transactional.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get("gesso_autocommit", False):
            return  # one statement, its own implicit transaction
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("gesso_write", False) else "BEGIN")

    return engine


def sqlite_time(value: str) -> datetime:
    """A time as SQLite stores it (ISO text, naive UTC; see `metadata.UtcDateTime`) for rows
    read through `Database.sqlite_fetch_all`."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


async def run_read(local: bool, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a short read from an async handler: in place when `local` (see
    `Database.reads_are_local`), in the threadpool otherwise."""
    if local:
        return fn(*args, **kwargs)
    return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs))
