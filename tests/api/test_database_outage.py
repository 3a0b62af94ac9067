"""A database connection lost while the server runs (PostgreSQL restarted, a proxy dropped it):
requests answer 503 with the reason instead of hanging or 500, and the next ones work again."""

from __future__ import annotations

import pytest

from tests import databases
from tests.conftest import AppFactory
from tests.factories import admin_token, bearer
from tests.services.postgres import PostgresCluster


@pytest.mark.postgresql_only
def test_dropped_connections_are_503_then_recovered(
    make_client: AppFactory, pg_cluster: PostgresCluster
) -> None:
    client = make_client(multiuser=True)
    token = admin_token(client)
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200
    database = str(databases.current_url()).rsplit("/", 1)[1]
    kill = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"  # noqa: S608
    pg_cluster.execute(kill)
    answers = [client.get("/api/v1/auth/me", headers=bearer(token)) for _ in range(4)]
    codes = [a.status_code for a in answers]
    assert set(codes) <= {200, 503} and codes.count(503) <= 1 and codes[-1] == 200, codes
    for answer in answers:
        if answer.status_code == 503:
            assert answer.json()["detail"].startswith("The database is unavailable")
            assert answer.headers["retry-after"]
