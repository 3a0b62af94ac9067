"""Schemathesis over the OpenAPI document against a live multi-user `gesso serve`, once as an
administrator and once as a normal user.

Every API operation gets valid and invalid requests generated from its schema (a fixed number
per operation and mode, derandomized so a failure reproduces). Any 5xx, or any response whose
body does not match what the document declares for that status, fails the test with the
request that caused it. Bounded in time: about a minute per role on the project's CI machine
(`GESSO_FUZZ_EXAMPLES` raises the count for a deeper local run).

Excluded (they end the fuzzer's own session, so every later request would be a plain 401):
`SESSION_ENDERS` below.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.e2e.server import Server, clean_env, free_port, serve_command, wait_until_ready
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD

SESSION_ENDERS = {
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/logout_all"),
    ("DELETE", "/api/v1/auth/sessions/{session_id}"),
}
EXAMPLES = int(os.environ.get("GESSO_FUZZ_EXAMPLES", "5"))
USER_EMAIL = "fuzz-user@example.com"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("fuzz-root")
    (root / "gesso.yaml").write_text("multiuser: true\nmax_queue_size: 500\n", encoding="utf-8")
    port = free_port()
    log_path = root / "serve.log"
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        serve_command(root, port), stdout=log_file, stderr=subprocess.STDOUT, env=clean_env()
    )
    running = Server(root, port, process, log_path, log_file)
    wait_until_ready(running)
    yield running
    running.stop()


def login(server: Server, email: str, password: str) -> str:
    response = httpx.post(f"{server.url}/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


@pytest.fixture(scope="module")
def tokens(server: Server) -> dict[str, str]:
    setup = httpx.post(
        f"{server.url}/api/v1/auth/setup", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert setup.status_code == 200, setup.text
    admin = login(server, ADMIN_EMAIL, ADMIN_PASSWORD)
    created = httpx.post(
        f"{server.url}/api/v1/auth/users",
        json={"email": USER_EMAIL, "password": USER_PASSWORD, "is_admin": False},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert created.status_code == 201, created.text
    return {"admin": admin, "user": login(server, USER_EMAIL, USER_PASSWORD)}


CONSTRAINTS = {"enum", "const", "pattern", "format", "minLength", "maxLength", "minimum", "maximum",
               "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems"}  # fmt: skip


def constrains(schema: dict[str, Any]) -> bool:
    """Whether a parameter's schema rules out some string a client could send (else there is no
    invalid value to generate for it)."""
    if "anyOf" in schema:
        return any(constrains(option) for option in schema["anyOf"])
    return bool(CONSTRAINTS & schema.keys()) or schema.get("type", "string") not in ("string", "null")


def modes(operation: schemathesis.APIOperation) -> list[GenerationMode]:
    """Valid requests for every operation; invalid ones where the operation has something to
    violate (a body, or a parameter narrower than "any string")."""
    definition = operation.definition.raw
    parameters = [p.get("schema", {}) for p in definition.get("parameters", [])]
    if "requestBody" in definition or any(constrains(schema) for schema in parameters):
        return [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    return [GenerationMode.POSITIVE]


def fuzz(server: Server, token: str) -> tuple[list[str], int]:
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SESSION_ENDERS:
            continue
        for mode in modes(operation):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: schemathesis.Case) -> None:
                nonlocal calls
                calls += 1
                response = case.call(base_url=server.url, session=session, headers=headers)
                try:
                    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
                except Exception as failure:
                    failures.append(
                        f"{case.method} {case.formatted_path} -> {response.status_code}: {failure}"[:600]
                    )

            try:
                run()
            except Unsatisfiable:
                # No parameters and no body: there is no invalid request to make.
                assert mode is GenerationMode.NEGATIVE, operation.label
    return failures, calls


@pytest.mark.timeout(240)
@pytest.mark.parametrize("role", ["admin", "user"])
def test_fuzzing_finds_no_server_error_and_no_schema_violation(
    server: Server, tokens: dict[str, str], role: str
) -> None:
    started = time.monotonic()
    failures, calls = fuzz(server, tokens[role])
    print(f"fuzzed as {role}: {calls} requests in {time.monotonic() - started:.0f} s")
    assert calls > 300
    assert failures == [], "\n".join(failures[:20])
    assert "Traceback" not in server.log()
