"""The database as an operator meets it: `gesso db check` names the backend, and a database
server that cannot be reached is one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

from pathlib import Path

from tests import databases
from tests.cli.test_cli import Gesso, free_port
from tests.factories import ADMIN_PASSWORD


def test_db_check_names_the_backend_and_schema(gesso: Gesso, root: Path) -> None:
    run = gesso("db", "check")
    assert run.code == 0, run.err
    first = run.out.splitlines()[0]
    if databases.current_url() is None:
        assert "SQLite" in first
    else:
        assert "PostgreSQL" in first and "encoding UTF8" in first
        assert ADMIN_PASSWORD not in run.out
    assert "everything is consistent" in run.out


def test_unreachable_postgresql_is_one_line_and_exit_code(gesso: Gesso, root: Path) -> None:
    url = f"postgresql://gesso:sekret-pw@127.0.0.1:{free_port()}/gesso"
    (root / "gesso.yaml").write_text(f"database_url: '{url}'\n", encoding="utf-8")
    for command in (("serve", "--port", str(free_port())), ("db", "upgrade"), ("users", "list")):
        run = gesso(*command, env={"GESSO_DATABASE_URL": url})
        line = run.one_line_error()
        assert "cannot connect to postgresql+psycopg://gesso:***@127.0.0.1" in line, line
        assert "sekret-pw" not in run.err + run.out
        assert "Traceback" not in run.err


def test_unreachable_redis_is_one_line_and_exit_code(gesso: Gesso, root: Path) -> None:
    url = f"redis://:sekret-pw@127.0.0.1:{free_port()}/0"
    for command in (("serve", "--port", str(free_port())), ("users", "list")):
        run = gesso(*command, env={"GESSO_REDIS_URL": url})
        line = run.one_line_error()
        assert (
            f"cannot connect to Redis at redis://***@127.0.0.1:{url.rsplit(':', 1)[1].split('/')[0]}" in line
        )
        assert "sekret-pw" not in run.err + run.out and "Traceback" not in run.err
