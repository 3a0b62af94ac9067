"""Queue operations against a long history: `list_all` (bounded window) and bulk cancel/delete/
prune of 5,000 pending items, through the HTTP API as an administrator.

A multi-user root (temporary) gets 100,000 finished items of 50 users (seeded in bulk, as in
queue_bench.py), then, before each bulk operation, 5,000 pending items of 10 users. Each figure
is one call through the in-process TestClient (the real app, processor paused), median of
`--rounds` rounds. The outside probe that filed issue 16 measured, before these changes:
`list_all` 6.3 MB in 0.6 s at 5,700 items, and 22 s to cancel 5,000 pending items.

Usage: .venv/bin/python bench/queue_ops_bench.py [--history N] [--pending N] [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa
from fastapi.testclient import TestClient
from queue_bench import PENDING_USERS, dequeue_root, load, queue_row

from gesso.app import create_app
from gesso.queue.tables import session_queue
from gesso.services import Services

Q = "/api/v1/queue/default"
GOAL_BULK_S = 1.0
ADMIN = {"email": "admin@bench.local", "password": "Bench-pass1"}


def add_pending(services: Services, count: int) -> None:
    """`count` pending items of 10 users in one batch (after removing any left over)."""
    with services.db.read() as conn:
        user_ids = list(conn.execute(sa.text("SELECT user_id FROM users WHERE email LIKE 'user%'")).scalars())
    rows = [queue_row(user_ids[n % PENDING_USERS], "pending", "bench-pending") for n in range(count)]
    with services.db.write() as conn:
        conn.execute(sa.text("DELETE FROM session_queue WHERE status IN ('pending', 'in_progress')"))
        if rows:
            conn.execute(session_queue.insert(), rows)
        conn.execute(sa.text("DELETE FROM session_queue_counts"))
        conn.execute(
            sa.text(
                "INSERT INTO session_queue_counts (queue_id, status, n) "
                "SELECT queue_id, status, COUNT(*) FROM session_queue GROUP BY queue_id, status"
            )
        )


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--pending", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    print(f"seeding {args.history:,} finished items ... (load {load()})", flush=True)
    services = dequeue_root(args.history)
    add_pending(services, 0)  # drop dequeue_root's own pending items
    app = create_app(services.settings, services, run_worker=False)
    with TestClient(app) as client:
        client.post("/api/v1/auth/setup", json=ADMIN)
        token = client.post("/api/v1/auth/login", json=ADMIN).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}

        def put(path: str, **kwargs: Any) -> Any:
            response = client.put(f"{Q}/{path}", headers=headers, **kwargs)
            assert response.status_code == 200, response.text
            return response.json()

        lists = []
        for _ in range(args.rounds):
            seconds, response = timed(lambda: client.get(f"{Q}/list_all", headers=headers))
            assert response.status_code == 200
            lists.append((seconds, len(response.content), len(response.json())))
        figures: dict[str, float] = {}
        operations: dict[str, Callable[[], Any]] = {
            "cancel_all_except_current": lambda: put("cancel_all_except_current")["canceled"],
            "cancel_by_batch_ids": lambda: put("cancel_by_batch_ids", json={"batch_ids": ["bench-pending"]})[
                "canceled"
            ],
            "delete_all_except_current": lambda: put("delete_all_except_current")["deleted"],
        }
        for name, call in operations.items():
            samples = []
            for _ in range(args.rounds):
                add_pending(services, args.pending)
                seconds, changed = timed(call)
                assert changed == args.pending, (name, changed)
                samples.append(seconds)
                if name != "delete_all_except_current":
                    put("prune")
            figures[name] = statistics.median(samples)
        add_pending(services, args.pending)
        put("cancel_all_except_current")
        prune_s, pruned = timed(lambda: put("prune")["deleted"])

    print(f"\nqueue operations, history {args.history:,}, {args.pending:,} pending (load {load()})")
    seconds, size, count = sorted(lists)[len(lists) // 2]
    print(
        f"  list_all (default window): {count} items, {size / 1e6:.2f} MB, {seconds * 1000:.0f} ms (median)"
    )
    for name, value in figures.items():
        verdict = "met" if value < GOAL_BULK_S else "MISSED"
        print(f"  {name} of {args.pending:,}: {value * 1000:.0f} ms (goal < {GOAL_BULK_S:.0f} s: {verdict})")
    print(f"  prune of {pruned:,} finished items: {prune_s * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
