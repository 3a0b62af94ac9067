"""What `gesso db check` reports about the database server itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from gesso.db.engine import Database
from gesso.db.migrate import current_revision, head_revision

# FOR UPDATE SKIP LOCKED, advisory locks and everything else Gesso asks of PostgreSQL.
MIN_POSTGRES_VERSION = 120000


@dataclass(frozen=True)
class ServerReport:
    description: str
    problems: list[str] = field(default_factory=list)


def describe_server(db: Database) -> ServerReport:
    revision = current_revision(db)
    head = head_revision()
    schema = f"schema {revision or 'empty'}" + ("" if revision == head else f" (will upgrade to {head})")
    if not db.is_postgresql:
        with db.read() as conn:
            version = conn.exec_driver_sql("SELECT sqlite_version()").scalar()
        return ServerReport(f"SQLite {version}, {schema}")
    with db.read() as conn:
        number = int(conn.exec_driver_sql("SHOW server_version_num").scalar() or 0)
        version = conn.exec_driver_sql("SHOW server_version").scalar()
        encoding = conn.exec_driver_sql("SHOW server_encoding").scalar()
    problems = []
    if number < MIN_POSTGRES_VERSION:
        problems.append(f"PostgreSQL {version} is too old; Gesso needs 12 or newer")
    if str(encoding).upper() != "UTF8":
        problems.append(f"the database encoding is {encoding}; create it with ENCODING 'UTF8'")
    return ServerReport(f"PostgreSQL {version}, encoding {encoding}, {schema}", problems)
