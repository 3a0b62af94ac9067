"""Audit benchmark: what recording an audit event adds to a mutating request.

Two apps on two fresh SQLite roots in this process, identical except that one has its audit log
switched off (`AuditLog.enabled = False`, which exists for this measurement only). Each is driven
through Starlette's in-process TestClient, so the figures are the server's own cost (routing,
authentication, the write transaction, the JSON answer) without network noise. Rounds alternate
which app goes first so background load hits both alike. Two requests are measured:

- `visibility`: PATCH /api/v1/boards/{id} flipping private ↔ shared (one event in the change's
  own write transaction: one INSERT more in a transaction that exists anyway);
- `denied`: a user's PATCH on an administrator route answered 403 (the event needs a write
  transaction of its own, since nothing else is written).

Both wall time and the process's CPU time are reported per request (medians); on a loaded machine
the CPU figures are the steadier ones.

Usage: .venv/bin/python bench/audit_bench.py [--requests N] [--rounds R] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from gesso.app import create_app
from gesso.config import Settings
from gesso.services import Services

ADMIN = {"email": "admin@bench.example", "password": "Bench-passw0rd", "display_name": "Admin"}
USER = {"email": "user@bench.example", "password": "Bench-passw0rd"}


class Target:
    """One running app with an admin, a user, and a board of the user's."""

    def __init__(self, root: Path, audit: bool) -> None:
        settings = Settings(root=root, multiuser=True)
        services = Services.open(settings)
        services.audit.enabled = audit
        self.client = TestClient(create_app(settings, services, run_worker=False))
        self.client.__enter__()
        self.client.post("/api/v1/auth/setup", json=ADMIN)
        admin = self._login(ADMIN)
        self.client.post("/api/v1/auth/users", json=USER, headers=admin)
        self.user = self._login(USER)
        board = self.client.post("/api/v1/boards/", params={"board_name": "B"}, headers=self.user)
        self.board_id = board.json()["board_id"]
        self.admin_id = self.client.get("/api/v1/auth/me", headers=admin).json()["user_id"]
        self._flip = False

    def _login(self, who: dict[str, str]) -> dict[str, str]:
        body = {"email": who["email"], "password": who["password"]}
        return {
            "Authorization": f"Bearer {self.client.post('/api/v1/auth/login', json=body).json()['token']}"
        }

    def visibility(self) -> None:
        self._flip = not self._flip
        body = {"board_visibility": "shared" if self._flip else "private"}
        response = self.client.patch(f"/api/v1/boards/{self.board_id}", json=body, headers=self.user)
        assert response.status_code == 201, response.text

    def denied(self) -> None:
        path = f"/api/v1/auth/users/{self.admin_id}"
        response = self.client.patch(path, json={"display_name": "x"}, headers=self.user)
        assert response.status_code == 403, response.text

    def close(self) -> None:
        self.client.__exit__(None, None, None)


def timed(call: Callable[[], None], count: int) -> list[tuple[float, float]]:
    """(wall seconds, CPU seconds of this process) per request. The server runs in this process
    (TestClient), so CPU time is its own work, much less disturbed by other load than wall time."""
    samples = []
    for _ in range(count):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        samples.append((time.perf_counter() - start, time.process_time() - start_cpu))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per round, per app and kind")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        targets = {"with audit": Target(Path(tmp, "on"), True), "without": Target(Path(tmp, "off"), False)}
        samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
        try:
            for kind in ("visibility", "denied"):
                for target in targets.values():
                    timed(getattr(target, kind), 30)  # warm-up
                for round_number in range(args.rounds):
                    order = list(targets.items())
                    for name, target in order if round_number % 2 == 0 else reversed(order):
                        samples.setdefault((kind, name), []).extend(
                            timed(getattr(target, kind), args.requests)
                        )
        finally:
            for target in targets.values():
                target.close()
    results: dict[str, Any] = {}
    for kind in ("visibility", "denied"):
        for clock, index in (("wall", 0), ("cpu", 1)):
            with_audit = statistics.median(s[index] for s in samples[(kind, "with audit")]) * 1e6
            without = statistics.median(s[index] for s in samples[(kind, "without")]) * 1e6
            results[f"{kind}_{clock}"] = {
                "median_us_with_audit": round(with_audit),
                "median_us_without": round(without),
                "added_us": round(with_audit - without),
                "added_percent": round(100 * (with_audit - without) / without, 1),
                "requests": len(samples[(kind, "without")]),
            }
            print(
                f"{kind:<11} {clock:<4} with audit {with_audit:7.0f} µs   without {without:7.0f} µs   "
                f"added {with_audit - without:+6.0f} µs ({100 * (with_audit - without) / without:+.1f}%)"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
