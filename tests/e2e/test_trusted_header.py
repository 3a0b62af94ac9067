"""Sign-in by a trusted proxy's header against a real `gesso serve` (SPEC §18). Clients bind
to 127.0.0.1 (the configured proxy) or 127.0.0.2 (anybody else) so the server sees a real TCP
peer address: only the proxy's header is believed, and `X-Forwarded-For` cannot change that."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.e2e.server import Server, StartServer

PROXY, STRANGER = "127.0.0.1", "127.0.0.2"
CONFIG = """multiuser: true
trusted_header:
  user_header: X-Remote-User
  email_header: X-Remote-Email
  trusted_proxies: ["127.0.0.1/32"]
  auto_create: true
"""
ADMIN = {"email": "admin@example.com", "password": "Admin-pass-1"}
CAROL = {"X-Remote-User": "Carol", "X-Remote-Email": "carol@example.com"}


@contextlib.contextmanager
def client_from(server: Server, address: str) -> Iterator[httpx.Client]:
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=server.url, transport=transport, timeout=10.0) as client:
        yield client


def test_header_from_the_proxy_signs_in_and_from_anyone_else_is_refused(
    start_server: StartServer, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "gesso.yaml").write_text(CONFIG, encoding="utf-8")
    server = start_server(root)
    with client_from(server, PROXY) as proxy:
        assert proxy.post("/api/v1/auth/setup", json=ADMIN).status_code == 200
        me = proxy.get("/api/v1/auth/me", headers=CAROL)
        assert me.status_code == 200, me.text
        assert me.json()["email"] == "carol@example.com" and me.json()["display_name"] == "Carol"
        board = proxy.post("/api/v1/boards/", params={"board_name": "Carol's"}, headers=CAROL)
        assert board.status_code == 201
        assert "X-Refreshed-Token" not in board.headers  # no session, nothing to refresh
    with client_from(server, STRANGER) as stranger:
        refused = stranger.get("/api/v1/auth/me", headers=CAROL)
        assert refused.status_code == 401 and "trusted proxy" in refused.json()["detail"]
        posing = stranger.get("/api/v1/auth/me", headers={**CAROL, "X-Forwarded-For": PROXY})
        assert posing.status_code == 401
        token = stranger.post("/api/v1/auth/login", json=ADMIN).json()["token"]
        audit = stranger.get(
            "/api/v1/audit",
            params={"action": "auth.header_refused"},
            headers={"Authorization": f"Bearer {token}"},
        ).json()["items"]
    assert len(audit) == 2 and {e["target_id"] for e in audit} == {STRANGER}
    assert audit[0]["outcome"] == "denied"
    log = server.log_path.read_text()
    assert log.count("Ignored the X-Remote-User header") == 1
