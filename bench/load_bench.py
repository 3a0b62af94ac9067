"""Soak and load: many simulated people against one real `gesso serve` with a long queue history.

1. A multi-user root gets a 100,000-item finished queue history of 50 seeded accounts (rows
   written in bulk, as in queue_bench.py); then `gesso serve` starts on it.
2. Soak: `--users` (50) people are created and logged in through the API. Each holds a
   socket.io connection subscribed to the queue and, for `--duration` seconds, does what a
   person does: creates a board, uploads small images (some onto the board), enqueues trivial
   graphs, and reads: the image list, the board list, queue status, the queue list.
3. Afterwards every person's data is counted through the API (images, boards, queue items by
   their own destination) and must equal what they made; every request must have succeeded.
4. Reads: `--readers` (20) clients only read, for `--read-duration` seconds: p95 per route
   against the goal of 250 ms.

Latency is measured by the clients, which run in this process on the same machine as the server
(the report gives the load average; compare ratios within one run).

Usage: .venv/bin/python bench/load_bench.py [--users 50] [--duration 60] [--readers 20]
       [--read-duration 30] [--history 100000] [--json out.json]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
import socketio
from PIL import Image
from queue_bench import TRIVIAL_GRAPH, dequeue_root, free_port, load, percentile, start_server, stop

API = "/api/v1"
Q = f"{API}/queue/default"
PASSWORD = "Load-passw0rd"
ADMIN = {"email": "admin@load.local", "password": PASSWORD}
READ_GOAL_MS = 250.0
READS = ("GET /images/", "GET /boards/", "GET queue/status", "GET queue/list_all", "GET queue/list")


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)

    def record(
        self, route: str, seconds: float, response: httpx.Response | None, expected: int = 200
    ) -> None:
        with self.lock:
            self.latencies[route].append(seconds)
            if response is None or response.status_code != expected:
                detail = (
                    "no response" if response is None else f"{response.status_code} {response.text[:120]}"
                )
                self.errors.append(f"{route}: {detail}")


def tiny_png(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (seed % 256, seed * 13 % 256, 120)).save(buffer, "PNG")
    return buffer.getvalue()


class Person(threading.Thread):
    def __init__(self, url: str, email: str, token: str, stats: Stats, until: float, *, writes: bool) -> None:
        super().__init__(daemon=True)
        self.url, self.email, self.token, self.stats, self.until, self.writes = (
            url,
            email,
            token,
            stats,
            until,
            writes,
        )
        self.made = {"images": 0, "boards": 0, "items": 0}
        self.events = 0
        self.rng = random.Random(email)
        self.destination = f"load-{email}"

    def call(
        self, client: httpx.Client, route: str, method: str, path: str, expected: int = 200, **kw: Any
    ) -> Any:
        start = time.perf_counter()
        try:
            response: httpx.Response | None = client.request(method, path, **kw)
        except httpx.HTTPError:
            response = None
        self.stats.record(route, time.perf_counter() - start, response, expected)
        return response.json() if response is not None and response.status_code == expected else None

    def run(self) -> None:
        sio = socketio.Client(reconnection=False)
        sio.on("*", lambda *_: setattr(self, "events", self.events + 1))
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            auth = {"token": self.token}
            sio.connect(
                self.url, socketio_path="/ws/socket.io", auth=auth, transports=["websocket"], wait_timeout=60
            )
            sio.call("subscribe_queue", {"queue_id": "default"}, timeout=30)
        except Exception as exc:
            self.stats.record("socket connect", 0.0, None)
            self.stats.errors.append(f"socket: {exc}")
        with httpx.Client(base_url=self.url, headers=headers, timeout=60) as client:
            board_id = None
            if self.writes:
                board = self.call(
                    client, "POST /boards/", "POST", f"{API}/boards/", 201, params={"board_name": "Mine"}
                )
                board_id = board["board_id"] if board else None
                self.made["boards"] += board is not None
            while time.monotonic() < self.until:
                self.step(client, board_id)
        sio.disconnect()

    def step(self, client: httpx.Client, board_id: str | None) -> None:
        roll = self.rng.random()
        if self.writes and roll < 0.15:
            params: dict[str, Any] = {"image_category": "user", "is_intermediate": "false"}
            if board_id and self.rng.random() < 0.5:
                params["board_id"] = board_id
            files = {"file": ("x.png", tiny_png(self.made["images"]), "image/png")}
            done = self.call(
                client, "POST /images/upload", "POST", f"{API}/images/upload", 201, params=params, files=files
            )
            self.made["images"] += done is not None
        elif self.writes and roll < 0.30:
            batch = {"graph": TRIVIAL_GRAPH, "destination": self.destination, "runs": 2}
            done = self.call(
                client, "POST queue/enqueue_batch", "POST", f"{Q}/enqueue_batch", json={"batch": batch}
            )
            self.made["items"] += done["enqueued"] if done else 0
        elif roll < 0.50:
            self.call(client, "GET /images/", "GET", f"{API}/images/", params={"limit": 20})
        elif roll < 0.65:
            self.call(client, "GET /boards/", "GET", f"{API}/boards/", params={"all": "true"})
        elif roll < 0.85:
            self.call(client, "GET queue/status", "GET", f"{Q}/status")
        elif roll < 0.93:
            self.call(client, "GET queue/list", "GET", f"{Q}/list", params={"limit": 50})
        else:
            self.call(client, "GET queue/list_all", "GET", f"{Q}/list_all", params={"limit": 100})

    def check(self, client: httpx.Client) -> list[str]:
        headers = {"Authorization": f"Bearer {self.token}"}
        images = client.get(
            f"{API}/images/", params={"limit": 1, "categories": "user"}, headers=headers
        ).json()
        boards = client.get(f"{API}/boards/", params={"all": "true"}, headers=headers).json()
        mine = [b for b in boards if b["board_name"] == "Mine"]
        counts = client.get(
            f"{Q}/counts_by_destination", params={"destination": self.destination}, headers=headers
        ).json()
        found = {"images": images["total"], "boards": len(mine), "items": counts["total"]}
        return [
            f"{self.email}: {key} {found[key]} != made {self.made[key]}"
            for key in found
            if found[key] != self.made[key]
        ]


def people(url: str, count: int, prefix: str) -> list[tuple[str, str]]:
    with httpx.Client(base_url=url, timeout=60) as client:
        status = client.get(f"{API}/auth/status").json()
        if status["setup_required"]:
            client.post(f"{API}/auth/setup", json=ADMIN).raise_for_status()
        admin = client.post(f"{API}/auth/login", json=ADMIN).json()["token"]
        result = []
        for n in range(count):
            email = f"{prefix}{n}@load.local"
            body = {"email": email, "password": PASSWORD, "is_admin": False}
            client.post(
                f"{API}/auth/users", json=body, headers={"Authorization": f"Bearer {admin}"}
            ).raise_for_status()
            token = client.post(f"{API}/auth/login", json={"email": email, "password": PASSWORD}).json()[
                "token"
            ]
            result.append((email, token))
    return result


def run_phase(
    url: str, accounts: list[tuple[str, str]], seconds: float, *, writes: bool
) -> tuple[Stats, list[Person]]:
    stats = Stats()
    until = time.monotonic() + seconds
    crowd = [Person(url, email, token, stats, until, writes=writes) for email, token in accounts]
    for person in crowd:
        person.start()
    for person in crowd:
        person.join(timeout=seconds + 120)
    return stats, crowd


def summary(stats: Stats) -> dict[str, dict[str, float]]:
    return {
        route: {"n": len(v), "p50_ms": percentile(v, 0.50) * 1000, "p95_ms": percentile(v, 0.95) * 1000}
        for route, v in sorted(stats.latencies.items())
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--read-duration", type=float, default=30)
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    print(f"seeding {args.history:,} finished queue items (load {load()}) ...", flush=True)
    services = dequeue_root(args.history)
    root = services.settings.root
    with services.db.write() as conn:  # the seeded pending items would only slow the worker down
        conn.exec_driver_sql("DELETE FROM session_queue WHERE status = 'pending'")
        conn.exec_driver_sql("UPDATE session_queue_counts SET n = 0 WHERE status = 'pending'")
    services.close()
    (root / "gesso.yaml").write_text(
        "multiuser: true\nmax_queue_size: 100000\nlogin_throttle_per_ip: 10000\n"
    )
    port = free_port()
    server = start_server(root, port, None)
    url = f"http://127.0.0.1:{port}"
    try:
        accounts = people(url, args.users, "soak")
        print(f"soak: {args.users} people for {args.duration:.0f} s (load {load()}) ...", flush=True)
        soak, crowd = run_phase(url, accounts, args.duration, writes=True)
        soak_load = load()
        with httpx.Client(base_url=url, timeout=60) as client:
            lost = [problem for person in crowd for problem in person.check(client)]
        readers = accounts[: args.readers]
        print(f"reads: {args.readers} clients for {args.read_duration:.0f} s ...", flush=True)
        reads, _ = run_phase(url, readers, args.read_duration, writes=False)
        reads_load = load()
    finally:
        stop(server)

    made = {key: sum(p.made[key] for p in crowd) for key in ("images", "boards", "items")}
    requests = sum(len(v) for v in soak.latencies.values())
    events = sum(p.events for p in crowd)
    figures = {
        "history": args.history,
        "soak": {
            "users": args.users,
            "seconds": args.duration,
            "requests": requests,
            "error_count": len(soak.errors),
            "errors": soak.errors[:20],
            "made": made,
            "lost": lost,
            "socket_events": events,
            "routes": summary(soak),
            "load": soak_load,
        },
        "reads": {
            "clients": args.readers,
            "seconds": args.read_duration,
            "error_count": len(reads.errors),
            "routes": summary(reads),
            "load": reads_load,
        },
        "root": str(root),
    }
    print(f"\nsoak: {args.users} users, {args.duration:.0f} s, history {args.history:,} (load {soak_load})")
    print(f"  {requests} requests ({requests / args.duration:.0f}/s), errors {len(soak.errors)}, made {made}")
    print(f"  socket events received: {events}; data lost: {len(lost)}")
    for error in soak.errors[:5] + lost[:5]:
        print(f"    {error}")
    for route, s in figures["soak"]["routes"].items():
        print(f"  {route:28s} n={s['n']:6.0f}  p50 {s['p50_ms']:7.1f} ms  p95 {s['p95_ms']:7.1f} ms")
    print(f"reads: {args.readers} clients, {args.read_duration:.0f} s (load {reads_load})")
    print(f"  errors {len(reads.errors)}")
    for route, s in figures["reads"]["routes"].items():
        verdict = "met" if s["p95_ms"] < READ_GOAL_MS else "MISSED"
        line = f"  {route:28s} n={s['n']:6.0f}  p50 {s['p50_ms']:7.1f} ms  p95 {s['p95_ms']:7.1f} ms"
        print(f"{line}  (goal < 250 ms: {verdict})")
    ok = not soak.errors and not lost and not reads.errors
    print("soak: " + ("0 errors, every user's data intact" if ok else "FAILED"))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
