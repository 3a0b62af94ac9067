"""Forwarding headers against a real `gesso serve`, from a trusted and an untrusted address.

Clients bind their sockets to 127.0.0.1 or 127.0.0.2 (both loopback on Linux) so the server
sees two different peers. Only `trusted_proxies` decides whether `X-Forwarded-*` counts: by
default nobody is trusted, not even 127.0.0.1 (uvicorn's own default).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.e2e.server import Server, StartServer

PER_IP = 3
PROXY = "127.0.0.2"


def make_root(tmp_path: Path, extra: str = "") -> Path:
    root = tmp_path / "root"
    root.mkdir()
    config = f"multiuser: true\nlogin_throttle_per_ip: {PER_IP}\nlogin_throttle_per_account: 50\n{extra}"
    (root / "gesso.yaml").write_text(config, encoding="utf-8")
    return root


@contextmanager
def client_from(server: Server, address: str) -> Iterator[httpx.Client]:
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=server.url, transport=transport, timeout=10.0) as client:
        yield client


def failed_logins(client: httpx.Client, count: int) -> list[int]:
    """`count` wrong passwords, each claiming to come from a different forwarded address."""
    statuses = []
    for n in range(count):
        response = client.post(
            "/api/v1/auth/login",
            json={"email": f"nobody{n}@example.com", "password": "wrong"},
            headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
        )
        statuses.append(response.status_code)
    return statuses


def test_rotating_forwarded_for_from_untrusted_loopback_does_not_dodge_throttle(
    tmp_path: Path, start_server: StartServer
) -> None:
    server = start_server(make_root(tmp_path))
    with client_from(server, "127.0.0.1") as client:
        statuses = failed_logins(client, PER_IP + 2)
        assert statuses[:PER_IP] == [401] * PER_IP
        assert statuses[PER_IP:] == [429, 429]
        https = client.get("/api/v1/app/version", headers={"X-Forwarded-Proto": "https"})
        assert "strict-transport-security" not in https.headers


def test_trusted_proxy_forwards_client_addresses_and_scheme(
    tmp_path: Path, start_server: StartServer
) -> None:
    server = start_server(make_root(tmp_path, f"trusted_proxies: ['{PROXY}/32']\n"))
    with client_from(server, PROXY) as proxy:
        # Each forwarded client is its own throttle key: nobody is throttled for the others.
        assert failed_logins(proxy, PER_IP + 2) == [401] * (PER_IP + 2)
        https = proxy.get("/api/v1/app/version", headers={"X-Forwarded-Proto": "https"})
        assert https.headers["strict-transport-security"].startswith("max-age=")
        # One client behind the proxy is still throttled, whichever proxy hop it came through.
        same = [
            proxy.post(
                "/api/v1/auth/login",
                json={"email": f"again{n}@example.com", "password": "wrong"},
                headers={"X-Forwarded-For": f"198.51.100.7, {PROXY}"},
            ).status_code
            for n in range(PER_IP + 1)
        ]
        assert same == [401] * PER_IP + [429]
    with client_from(server, "127.0.0.1") as direct:
        # The same headers straight from an untrusted address are ignored.
        assert failed_logins(direct, PER_IP + 1)[-1] == 429
        plain = direct.get("/api/v1/app/version", headers={"X-Forwarded-Proto": "https"})
        assert "strict-transport-security" not in plain.headers


@pytest.mark.parametrize("bad", ["10.0.0.0/33", "not-an-address"])
def test_bad_trusted_proxies_value_stops_start_up(tmp_path: Path, bad: str) -> None:
    from gesso.config import ConfigError, load_settings

    root = make_root(tmp_path, f"trusted_proxies: ['{bad}']\n")
    with pytest.raises(ConfigError, match="trusted_proxies"):
        load_settings(root)
