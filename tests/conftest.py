"""Shared fixtures: a real app on a real database (SQLite under `tmp_path`, or with
`--db postgresql` a throw-away PostgreSQL cluster), driven over HTTP."""

from __future__ import annotations

import os

# Before anything imports huggingface_hub: no telemetry registry fetched from the real hub.
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gesso.app import create_app
from tests import databases
from tests.services import postgres
from tests.services.redis_server import RedisServer

AppFactory = Callable[..., TestClient]


@pytest.fixture(autouse=True)
def offline_hub(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the real Hugging Face hub or the user's hub cache: the endpoint is a
    closed local port (tests that need a hub start `tests.fake_hub` and point HF_ENDPOINT at it)
    and HF_HOME is a fresh folder."""
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_HOME", str(tmp_path_factory.mktemp("hf-home")))
    for name in ("HF_HUB_CACHE", "HF_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("GESSO_TEST_DB", "sqlite"),
        help="database every test's server runs on (PostgreSQL: a throw-away cluster per session)",
    )
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that touch this pass's database (they use the `database_url` "
        "fixture, directly or through `root`, `make_client`, …, or a module's `shared_root`) and "
        "drive no browser; `make test` uses it for its PostgreSQL pass",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: checks SQLite specifics; not run with --db postgresql")
    config.addinivalue_line("markers", "empty_database: the test needs a database without any migration")
    config.addinivalue_line(
        "markers", "postgresql_only: needs PostgreSQL (separate workers); runs in the --db postgresql pass"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgresql = config.getoption("--db") == "postgresql"
    skip_sqlite = pytest.mark.skip(reason="SQLite specifics (this pass runs on PostgreSQL)")
    skip_postgresql = pytest.mark.skip(reason="needs PostgreSQL: runs in the `--db postgresql` pass")
    for item in items:
        if "sqlite_only" in item.keywords and on_postgresql:
            item.add_marker(skip_sqlite)
        if "postgresql_only" in item.keywords and not on_postgresql:
            item.add_marker(skip_postgresql)
    if config.getoption("--database-tests-only"):
        left_out = [item for item in items if not touches_database(item)]
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if touches_database(item)]


def touches_database(item: pytest.Item) -> bool:
    """Whether a test depends on the database backend: its server, store or CLI runs on the
    `database_url` fixture (every `root`-based fixture asks for it) or on a module's
    `shared_root`, or it needs PostgreSQL itself. Browser tests are left out: the API calls
    they make are the ones tests/api checks."""
    fixtures = getattr(item, "fixturenames", ())
    if "browser" in fixtures:
        return False
    return bool({"database_url", "shared_root"} & set(fixtures)) or "postgresql_only" in item.keywords


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[postgres.PostgresCluster]:
    """One throw-away PostgreSQL cluster for the whole session, started when first needed."""
    cluster = postgres.PostgresCluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A redis-server of this test's own (it may kill and restart it)."""
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_databases(pg_cluster: postgres.PostgresCluster) -> databases.PostgresDatabases:
    return databases.PostgresDatabases(pg_cluster)


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """This test's database: None on SQLite (a file under the root), else a fresh PostgreSQL one."""
    if request.config.getoption("--db") != "postgresql":
        yield from databases.use(None)
        return
    pg: databases.PostgresDatabases = request.getfixturevalue("pg_databases")
    url = pg.fresh(empty=request.node.get_closest_marker("empty_database") is not None)
    yield from databases.use(url)
    pg.drop(url)


@pytest.fixture(scope="module")
def shared_root(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[databases.SharedRoot]:
    """New roots for a module's shared worlds (module-scoped fixtures), each on a database of its
    own: a file under the root on SQLite, a fresh clone with `--db postgresql` (dropped after the
    module)."""
    pg: databases.PostgresDatabases | None = None
    if request.config.getoption("--db") == "postgresql":
        pg = request.getfixturevalue("pg_databases")
    made: list[tuple[Path, str]] = []

    def _make(name: str) -> Path:
        path = tmp_path_factory.mktemp(name)
        if pg is not None:
            url = pg.fresh()
            databases.bind(path, url)
            made.append((path, url))
        return path

    yield _make
    for path, url in made:
        databases.unbind(path)
        assert pg is not None
        pg.drop(url)


@pytest.fixture
def root(tmp_path: Path, database_url: str | None, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "root"
    path.mkdir()
    if database_url is not None:
        monkeypatch.setenv("GESSO_DATABASE_URL", database_url)
    return path


@pytest.fixture
def make_client(root: Path) -> Iterator[AppFactory]:
    """Build the real app with the given settings; each call gets a running TestClient."""
    clients: list[TestClient] = []

    def _make(**overrides: Any) -> TestClient:
        client = TestClient(create_app(databases.settings(root, **overrides)))
        client.__enter__()
        clients.append(client)
        return client

    yield _make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def mu_client(make_client: AppFactory) -> TestClient:
    """Multi-user mode, no administrator yet."""
    return make_client(multiuser=True)


@pytest.fixture
def su_client(make_client: AppFactory) -> TestClient:
    """Single-user mode (the default configuration)."""
    return make_client()
