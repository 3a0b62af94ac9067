"""A real OpenID Provider for tests: `tests/oidc/provider.mjs` (the `oidc-provider` npm
package) on a free loopback port, started by `start_provider` and stopped after the test; and
a scripted person signing in on its (development) pages over plain HTTP."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest

SCRIPT = Path(__file__).parent / "oidc" / "provider.mjs"
NODE_MODULES = Path(__file__).resolve().parents[1] / "frontend" / "node_modules" / "oidc-provider"
CLIENT_ID = "gesso-tests"
CLIENT_SECRET = "client-secret-for-tests-only"

ALICE = {"email": "alice@example.com", "email_verified": True, "name": "Alice Sso", "groups": ["staff"]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class RunningProvider:
    issuer: str
    process: subprocess.Popen[bytes]

    def tamper(self, mode: str) -> None:
        """Make the next ID tokens wrong in one way (see provider.mjs), or "none"."""
        httpx.post(f"{self.issuer}/__test/tamper", json={"mode": mode}, timeout=5).raise_for_status()


@contextmanager
def start_provider(
    redirect_uris: list[str], accounts: dict[str, dict[str, Any]] | None = None
) -> Iterator[RunningProvider]:
    node = shutil.which("node")
    if node is None or not NODE_MODULES.exists():
        if os.environ.get("GESSO_E2E_BROWSER") == "required":
            pytest.fail("node and frontend/node_modules (npm ci) are needed for the OpenID Provider")
        pytest.skip("node or frontend/node_modules missing: no OpenID Provider")
    port = free_port()
    config = {
        "port": port,
        "clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris}],
        "accounts": accounts if accounts is not None else {"alice": ALICE},
    }
    env = {**os.environ, "OIDC_TEST_CONFIG": json.dumps(config), "NODE_NO_WARNINGS": "1"}
    process = subprocess.Popen(
        [node, str(SCRIPT)], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode()
        if not line.startswith("ready "):
            raise RuntimeError(f"the OpenID Provider did not start: {line!r}")
        yield RunningProvider(issuer=line.split(" ", 1)[1].strip(), process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def oidc_settings(issuer: str, **overrides: Any) -> dict[str, Any]:
    return {
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "display_name": "Test IdP",
        **overrides,
    }


def sign_in_at_provider(authorization_url: str, login: str, stop_at: str) -> str:
    """Play the person at the provider's pages (log in with any password, consent) and return
    the URL the provider finally sends the browser to (which starts with `stop_at`)."""
    with httpx.Client(timeout=10) as browser:
        url = authorization_url
        for _ in range(20):
            if url.startswith(stop_at):
                return url
            response = browser.get(url)
            if response.is_redirect:
                url = urljoin(url, response.headers["location"])
                continue
            assert response.status_code == 200, response.text[:500]
            page = response.text
            action = urljoin(url, page.split('action="', 1)[1].split('"', 1)[0])
            form = (
                {"prompt": "login", "login": login, "password": "anything"}
                if 'name="login"' in page
                else {"prompt": "consent"}
            )
            posted = browser.post(action, data=form)
            assert posted.is_redirect, posted.text[:500]
            url = urljoin(action, posted.headers["location"])
        raise AssertionError("the provider never sent the browser back")
