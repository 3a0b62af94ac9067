"""Bad input to any route gets a 4xx with InvokeAI's error shape, never a 5xx.

Walks every API route in the OpenAPI schema and calls it as an administrator (the caller who
gets furthest into the code) with junk: malformed JSON, wrong types, huge numbers, path
tricks. Each answer must be below 500 and, when it is an error, match the response schema the
OpenAPI document declares for that route and status (`{"detail": "..."}`, or the validation
list for 422).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema_rs import Draft202012Validator

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


def api_operations(spec: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, ops in spec["paths"].items()
        if path.startswith("/api/") and path not in SESSION_ENDERS
        for method in ops
    ]


def schema_problem(spec: dict[str, Any], method: str, path: str, status: int, body: Any) -> str | None:
    """Why `body` is not what the document declares for this route and status (None: it is)."""
    declared = spec["paths"][path][method.lower()]["responses"]
    response = declared.get(str(status)) or declared.get(f"{status // 100}XX") or declared.get("default")
    if response is None:
        return f"status {status} is not declared"
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return f"status {status} declares no JSON body"
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    error = next(iter(validator.iter_errors(body)), None)
    return None if error is None else f"{error.message} at {list(error.instance_path)}"


def send(client: TestClient, method: str, url: str, headers: dict[str, str], body: Any) -> Any:
    if isinstance(body, str):
        return client.request(
            method, url, content=body.encode(), headers={**headers, "Content-Type": "application/json"}
        )
    return client.request(method, url, json=body, headers=headers, params=QUERY_JUNK)


def test_junk_input_never_causes_a_server_error(admin_client: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = admin_client
    spec = client.get("/openapi.json").json()
    operations = api_operations(spec)
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
                    problem = schema_problem(spec, method, path, response.status_code, response.json())
                    if problem is not None:
                        failures.append(f"{method} {url} -> {response.status_code}: {problem}")
    assert failures == []


def test_domain_refusals_of_request_data_have_the_validation_shape(
    admin_client: tuple[TestClient, dict[str, str]],
) -> None:
    """The outside probe's example: batch data naming a node the graph lacks was a 422 whose
    `detail` was a string where the document declares `HTTPValidationError`."""
    client, headers = admin_client
    body = {
        "batch": {"data": [[{"node_path": "", "field_name": "", "items": [False]}]], "graph": {}, "runs": 1}
    }
    response = client.post("/api/v1/queue/0/enqueue_batch", json=body, headers=headers)
    assert response.status_code == 422
    spec = client.get("/openapi.json").json()
    assert (
        schema_problem(spec, "POST", "/api/v1/queue/{queue_id}/enqueue_batch", 422, response.json()) is None
    )
    [item] = response.json()["detail"]
    assert item["loc"][0] == "body" and item["type"] == "value_error" and item["msg"]


@pytest.mark.parametrize("direction", ["ASC", "DESC", "asc", "desc"])
def test_sort_direction_is_an_enum_that_still_accepts_lower_case(
    admin_client: tuple[TestClient, dict[str, str]], direction: str
) -> None:
    client, headers = admin_client
    spec = client.get("/openapi.json").json()
    for path in ("/api/v1/images/", "/api/v1/images/names"):
        [param] = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "order_dir"]
        assert param["schema"]["enum"] == ["ASC", "DESC"] and "pattern" not in param["schema"]
        assert client.get(path, params={"order_dir": direction}, headers=headers).status_code == 200
