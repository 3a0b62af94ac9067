"""Bad input to any route gets a 4xx with InvokeAI's error shape, never a 5xx.

Walks every API route in the OpenAPI schema and calls it as an administrator (the caller who
gets furthest into the code) with junk: malformed JSON, wrong types, huge numbers, path
tricks. Each answer must be below 500 and, when it is an error, `{"detail": ...}` JSON.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import AppFactory
from tests.factories import admin_token, bearer

JUNK_BODIES: list[Any] = [
    None,
    "not json at all",
    [],
    {"unexpected": True},
    {"graph": "x", "batch": {"graph": {"nodes": {"a": {"type": "integer", "value": "NaN"}}}}},
    {"image_names": ["../../etc/passwd", "x" * 5000], "board_id": 12, "item_ids": [-1, 2**70]},
]
PATH_VALUES = ["..%2F..%2Fsecret", "0", "-1", "99999999999999999999999", "%00", "x" * 300]
QUERY_JUNK = {
    "offset": "-5",
    "limit": "999999999999",
    "board_id": "../../x",
    "source": "file:///etc/passwd",
    "scan_path": "relative/path",
    "key": "",
    "prefix": "%",
    "destination": "\u0000",
    "order_dir": "sideways",
    "board_name": "",
}


@pytest.fixture
def admin_client(make_client: AppFactory) -> tuple[TestClient, dict[str, str]]:
    client = make_client(multiuser=True)
    return client, bearer(admin_token(client))


# Ending the caller's own sessions would turn every later call into a plain 401.
SESSION_ENDERS = {"/api/v1/auth/logout", "/api/v1/auth/logout_all"}


def api_operations(client: TestClient) -> list[tuple[str, str]]:
    paths = client.get("/openapi.json").json()["paths"]
    return [
        (method.upper(), path)
        for path, ops in paths.items()
        if path.startswith("/api/") and path not in SESSION_ENDERS
        for method in ops
    ]


def send(client: TestClient, method: str, url: str, headers: dict[str, str], body: Any) -> Any:
    if isinstance(body, str):
        return client.request(
            method, url, content=body.encode(), headers={**headers, "Content-Type": "application/json"}
        )
    return client.request(method, url, json=body, headers=headers, params=QUERY_JUNK)


def test_junk_input_never_causes_a_server_error(admin_client: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = admin_client
    operations = api_operations(client)
    assert len(operations) > 60
    failures = []
    for method, path in operations:
        for value in PATH_VALUES:
            url = re.sub(r"\{[^}]+\}", value, path)
            for body in JUNK_BODIES:
                response = send(client, method, url, headers, body)
                if response.status_code >= 500:
                    failures.append(f"{method} {url} body={str(body)[:40]!r} -> {response.status_code}")
                elif response.status_code >= 400 and method != "HEAD":
                    payload = response.json()
                    if not isinstance(payload, dict) or "detail" not in payload:
                        failures.append(f"{method} {url} -> {response.status_code} without detail")
    assert failures == []
