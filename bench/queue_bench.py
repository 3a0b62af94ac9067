"""Queue benchmark: dequeue latency against history size, enqueue of a 1,000-item batch, socket
event fan-out to 50 clients, and end-to-end throughput of a trivial graph.

1. Dequeue: `Dispatcher.claim_next` (what the worker calls for every item: pick, mark in
   progress, record the turn, publish the status event with queue and batch counts) on `Services`
   built directly on two temporary roots, one with an empty history and one with 100,000 finished
   items of 50 users (seeded in bulk into `session_queue`). Both hold the same 200 pending items of
   10 users before every claim, so history size is the only difference. FIFO, round robin, and
   round robin weighted by `queue_weight` (the 10 users have weights 1, 2, 3, 1, 2, 3, ... in
   `user_quotas`, resolved per claim as the server does); the rounds interleave all six cases so
   background load hits them alike. Also timed on its own:
   the pick and the `in_progress` update in one write transaction (the index-bound part).
2. Enqueue: one 1,000-item batch (`runs: 1000` of integer -> add) through the HTTP API
   (in-process TestClient, processor paused).
3. Fan-out: a real `gesso serve` subprocess (multi-user, free loopback port), 10 users with 5
   python-socketio clients each plus an administrator's, all subscribed to the queue. Each user
   runs one item whose `img_noise` nodes report progress (1,000 progress events in all). Latency
   is publication -> receipt: the server is started through a small wrapper that notes when each
   event is handed to the socket server (a read-only timing hook; `--no-probe` runs plain
   `python -m gesso serve` and reports client-side figures only). Every event every socket
   received is checked: progress only at the owner's sockets, nothing of another user in full.
4. Throughput: 200 trivial items enqueued over HTTP as one batch; from just before the request
   to the last item's `completed_at`. Without sockets, then with the 51 sockets connected (and
   the publication -> receipt latency of every status event at every socket meanwhile).

The socket clients run in this process (python-socketio's threaded client, handlers run on each
socket's read thread) on the same machine as the server, so under load part of every latency is
this client's; the report shows how busy it was.

Usage: .venv/bin/python bench/queue_bench.py [--history N] [--claims N] [--progress N] [--items N]
       [--only dequeue,enqueue,server] [--no-probe] [--json out.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

warnings.filterwarnings("ignore")

import engineio  # noqa: E402
import httpx  # noqa: E402
import psutil  # type: ignore[import-untyped]  # noqa: E402
import socketio  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gesso.app import create_app  # noqa: E402
from gesso.config import Settings  # noqa: E402
from gesso.db.metadata import utcnow  # noqa: E402
from gesso.queue import store  # noqa: E402
from gesso.queue.policies import DequeuePolicy, FifoPolicy, RoundRobinPolicy  # noqa: E402
from gesso.queue.tables import queue_turns, session_queue  # noqa: E402
from gesso.quotas.service import QuotaService  # noqa: E402
from gesso.quotas.tables import user_quotas  # noqa: E402
from gesso.services import Services  # noqa: E402
from gesso.users.tables import users  # noqa: E402

QUEUE = "default"
QUEUE_API = f"/api/v1/queue/{QUEUE}"
PASSWORD = "Bench-passw0rd"
HISTORY_USERS = 50
PENDING_USERS = 10
GOAL_DEQUEUE_RATIO = 1.5
SEED_CHUNK = 5000
Json = dict[str, Any]


def edge(source: str, source_field: str, destination: str, destination_field: str) -> Json:
    return {
        "source": {"node_id": source, "field": source_field},
        "destination": {"node_id": destination, "field": destination_field},
    }


TRIVIAL_GRAPH: Json = {
    "id": "trivial",
    "nodes": {
        "a": {"type": "integer", "id": "a", "value": 1},
        "b": {"type": "add", "id": "b", "b": 2},
    },
    "edges": [edge("a", "value", "b", "a")],
}


def progress_graph(nodes: int) -> Json:
    """An 8x8 blank image feeding `nodes` img_noise nodes; on an image this small each reports
    progress exactly twice (its one band at 0.0, then 1.0), and saves an 8x8 PNG."""
    blank = {"type": "blank_image", "id": "blank", "width": 8, "height": 8}
    graph: Json = {"id": "progress", "nodes": {"blank": blank}, "edges": []}
    for n in range(nodes):
        graph["nodes"][f"noise{n}"] = {"type": "img_noise", "id": f"noise{n}", "seed": n, "amount": 0.2}
        graph["edges"].append(edge("blank", "image", f"noise{n}", "image"))
    return graph


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


# -- 1. dequeue --------------------------------------------------------------------------------


def queue_row(user_id: str, status: str, batch_id: str) -> Json:
    now = utcnow()
    session_id = str(uuid.uuid4())
    finished = status in store.TERMINAL
    return {
        "queue_id": QUEUE,
        "user_id": user_id,
        "batch_id": batch_id,
        "session_id": session_id,
        "status": status,
        "priority": 0,
        "origin": "bench",
        "destination": "gallery",
        "field_values": None,
        "session": json.dumps({"id": session_id, "graph": TRIVIAL_GRAPH}),
        "workflow": None,
        "error_type": "BenchError" if status == "failed" else None,
        "error_message": "bench" if status == "failed" else None,
        "created_at": now,
        "updated_at": now,
        "started_at": now if finished else None,
        "completed_at": now if finished else None,
    }


def dequeue_root(history: int) -> Services:
    """A root with 50 users (rows only: nobody logs in), `history` finished items of theirs in
    batches of 100, and 200 pending items of the first 10 users (20 each, one batch per user)."""
    services = Services.open(Settings(root=Path(tempfile.mkdtemp(prefix="gesso-qbench-")), multiuser=True))
    now = utcnow()
    user_ids = [str(uuid.uuid4()) for _ in range(HISTORY_USERS)]
    with services.db.write() as conn:
        rows = [
            {"user_id": u, "email": f"user{n}@bench.local", "display_name": f"User {n}", "is_admin": False,
             "is_active": True, "created_at": now, "updated_at": now, "token_epoch": 0}
            for n, u in enumerate(user_ids)
        ]  # fmt: skip
        conn.execute(users.insert(), rows)
        weights = [
            {"user_id": u, "queue_weight": n % 3 + 1, "updated_at": now} for n, u in enumerate(user_ids)
        ]
        conn.execute(user_quotas.insert(), weights)
    statuses = ("completed",) * 8 + ("failed", "canceled")
    for start in range(0, history, SEED_CHUNK):
        rows = [
            queue_row(user_ids[n // 100 % HISTORY_USERS], statuses[n % len(statuses)], f"history-{n // 100}")
            for n in range(start, min(history, start + SEED_CHUNK))
        ]
        with services.db.write() as conn:
            conn.execute(session_queue.insert(), rows)
    if history:
        with services.db.write() as conn:
            turns = [{"queue_id": QUEUE, "user_id": u, "last_served": n + 1} for n, u in enumerate(user_ids)]
            conn.execute(queue_turns.insert(), turns)
    pending = [
        queue_row(user_ids[n % PENDING_USERS], "pending", f"pending-{n % PENDING_USERS}") for n in range(200)
    ]
    with services.db.write() as conn:
        conn.execute(session_queue.insert(), pending)
        # Seeded in bulk, so set the queue's running totals to match the rows.
        conn.execute(sa.text("DELETE FROM session_queue_counts"))
        conn.execute(
            sa.text(
                "INSERT INTO session_queue_counts (queue_id, status, n) "
                "SELECT queue_id, status, COUNT(*) FROM session_queue GROUP BY queue_id, status"
            )
        )
    return services


def claim_once(services: Services, mode: str) -> float:
    """Time one claim, then (untimed) delete the claimed item and queue a fresh pending one for
    the same user and batch: pending stays at 200, in progress at 0, and the history unchanged."""
    started = time.perf_counter()
    if mode == "claim_next":
        record = services.queue.dispatch.claim_next(QUEUE)
        item_id = record.item_id if record else None
    else:
        with services.db.write() as conn:
            item_id = services.queue.dispatch.policy.pick(conn, QUEUE)
            assert item_id is not None and store.set_status(conn, item_id, "in_progress")
    elapsed = time.perf_counter() - started
    assert item_id is not None, "no pending item"
    with services.db.write() as conn:
        claimed = conn.execute(session_queue.select().where(session_queue.c.item_id == item_id)).one()
        store.delete_ids(conn, [item_id])
        session_id = str(uuid.uuid4())
        fresh = store.NewItem(
            queue_id=QUEUE,
            user_id=claimed.user_id,
            batch_id=claimed.batch_id,
            session={"id": session_id, "graph": TRIVIAL_GRAPH},
            priority=0,
            origin="bench",
            destination="gallery",
            field_values=None,
            workflow=None,
        )
        store.insert_items(conn, [fresh])
    return elapsed


def bench_dequeue(args: argparse.Namespace) -> Json:
    started = time.perf_counter()
    empty = dequeue_root(0)
    full = dequeue_root(args.history)
    seed_seconds = time.perf_counter() - started
    print(
        f"dequeue: seeded {args.history:,} finished items in {seed_seconds:.1f} s (load {load()})", flush=True
    )
    policies: dict[str, Callable[[], DequeuePolicy]] = {
        "FIFO": FifoPolicy,
        "round_robin": RoundRobinPolicy,
        "weighted_rr": lambda: RoundRobinPolicy(QuotaService.queue_weight),
    }
    cases = [(p, h) for p in policies for h in ("empty", "history")]
    roots = {"empty": empty, "history": full}
    samples: dict[tuple[str, str, str], list[float]] = {}
    per_round = max(1, args.claims // args.rounds)
    try:
        for r in range(args.rounds):
            for policy, history in cases if r % 2 == 0 else cases[::-1]:
                services = roots[history]
                services.queue.dispatch.policy = policies[policy]()
                for mode in ("claim_next", "pick"):
                    for _ in range(3):
                        claim_once(services, mode)  # warm-up
                    bucket = samples.setdefault((policy, history, mode), [])
                    bucket.extend(claim_once(services, mode) * 1000 for _ in range(per_round))
            print(f"  round {r + 1}/{args.rounds} done (load {load()})", flush=True)
    finally:
        for services in roots.values():
            root = services.settings.root
            services.close()
            shutil.rmtree(root, ignore_errors=True)
    results: Json = {"history": args.history, "pending": 200, "claims": per_round * args.rounds}
    for (policy, history, mode), values in samples.items():
        results.setdefault(policy, {}).setdefault(mode, {})[history] = {
            "p50_ms": statistics.median(values),
            "p95_ms": percentile(values, 0.95),
        }
    for policy in policies:
        for mode in ("claim_next", "pick"):
            figures = results[policy][mode]
            figures["ratio"] = figures["history"]["p50_ms"] / figures["empty"]["p50_ms"]
    return results


# -- 2. enqueue --------------------------------------------------------------------------------


def bench_enqueue(args: argparse.Namespace) -> Json:
    with tempfile.TemporaryDirectory(prefix="gesso-qbench-") as tmp:
        app = create_app(Settings(root=Path(tmp), multiuser=True))
        with TestClient(app) as client:
            admin = {"email": "admin@bench.local", "password": PASSWORD}
            client.post("/api/v1/auth/setup", json=admin).raise_for_status()
            admin_auth = bearer(
                client.post("/api/v1/auth/login", json=admin).raise_for_status().json()["token"]
            )
            user = {"email": "user@bench.local", "password": PASSWORD}
            client.post("/api/v1/auth/users", json=user, headers=admin_auth).raise_for_status()
            auth = bearer(client.post("/api/v1/auth/login", json=user).raise_for_status().json()["token"])
            client.put(f"{QUEUE_API}/processor/pause", headers=admin_auth).raise_for_status()
            seconds = []
            for _ in range(args.enqueue_repeat):
                body = {"batch": {"graph": TRIVIAL_GRAPH, "runs": args.batch, "origin": "bench"}}
                started = time.perf_counter()
                response = client.post(f"{QUEUE_API}/enqueue_batch", json=body, headers=auth)
                seconds.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
                assert response.json()["enqueued"] == args.batch, response.text
    return {"batch": args.batch, "seconds": seconds, "median_s": statistics.median(seconds)}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- 3 and 4. live server: fan-out and throughput ----------------------------------------------

# Runs the unmodified `gesso serve`, noting (monotonic clock, shared by every process on Linux)
# when each progress and status event is handed to the socket server. Payloads are untouched.
PROBE = """
import sys, time
from gesso.events import socket_server
log = open(sys.argv.pop(1), "a", buffering=1)
publish = socket_server.SocketServer.publish
def timed_publish(self, event):
    p = event.payload
    if event.name == "invocation_progress":
        log.write(f"{p['item_id']}|{p['invocation_source_id']}|{p['percentage']!r} {time.monotonic()}\\n")
    elif event.name == "queue_item_status_changed":
        log.write(f"{p['item_id']}|{p['status']} {time.monotonic()}\\n")
    publish(self, event)
socket_server.SocketServer.publish = timed_publish
from gesso.cli.main import main
raise SystemExit(main())
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(root: Path, port: int, probe_log: Path | None) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GESSO_")}
    launcher = ["-c", PROBE, str(probe_log)] if probe_log else ["-m", "gesso"]
    command = [sys.executable, *launcher, "serve", "--root", str(root), "--host", "127.0.0.1"]
    with (root / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [*command, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env
        )
    deadline = time.monotonic() + 30
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if client.get(f"http://127.0.0.1:{port}/api/v1/app/version").status_code == 200:
                    return proc
            except httpx.TransportError:
                pass
            time.sleep(0.02)
    stop(proc)
    raise RuntimeError("server did not answer within 30 s (or exited); see server.log")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class _InlineEngineIO(engineio.Client):  # type: ignore[misc]
    """python-socketio hands every message to a new thread; run handlers on the read thread
    instead, so a receive time is taken as soon as the frame is read, in arrival order."""

    def _trigger_event(self, event: str, *args: Any, **kwargs: Any) -> Any:
        if event == "message":
            kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class BenchClient(socketio.Client):  # type: ignore[misc]
    def _engineio_client_class(self) -> type[engineio.Client]:
        return _InlineEngineIO


@dataclass
class Listener:
    label: str
    user_id: str
    is_admin: bool
    received: list[tuple[float, str, Json]] = field(default_factory=list)

    def connect(self, url: str, token: str) -> Listener:
        self.sio = BenchClient(reconnection=False)
        self.sio.on("*", lambda event, data: self.received.append((time.monotonic(), event, data)))
        self.sio.connect(url, socketio_path="/ws/socket.io", auth={"token": token}, transports=["websocket"])
        self.sio.call("subscribe_queue", {"queue_id": QUEUE}, timeout=10)  # acknowledged once joined
        return self


@dataclass
class Live:
    http: httpx.Client
    server: psutil.Process
    tokens: dict[str, str]
    user_ids: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return bearer(self.tokens[who])

    def enqueue(self, who: str, graph: Json, runs: int = 1) -> Json:
        body = {"batch": {"graph": graph, "runs": runs, "origin": f"{who}-origin"}}
        response = self.http.post(f"{QUEUE_API}/enqueue_batch", json=body, headers=self.auth(who))
        assert response.status_code == 200, response.text
        result: Json = response.json()
        return result

    def processor(self, action: str) -> None:
        self.http.put(f"{QUEUE_API}/processor/{action}", headers=self.auth("admin")).raise_for_status()


def cpu_seconds(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return float(times.user + times.system)


def bench_throughput(live: Live, items: int, poll_s: float = 0.05) -> Json:
    """End to end: from just before the enqueue request to the last item's `completed_at` (server
    clock = this machine's clock). The poller's view is reported too: on a loaded machine with 51
    socket clients in this process, it can see the end later than it happened."""
    server_cpu, client_cpu = cpu_seconds(live.server), time.process_time()
    wall_start, started = time.time(), time.perf_counter()
    result = live.enqueue("user0", TRIVIAL_GRAPH, runs=items)
    batch_id, item_ids = result["batch"]["batch_id"], result["item_ids"]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status = live.http.get(f"{QUEUE_API}/b/{batch_id}/status", headers=live.auth("user0")).json()
        if status["completed"] + status["failed"] + status["canceled"] >= items:
            break
        time.sleep(poll_s)
    polled = time.perf_counter() - started
    cpu = {"server": cpu_seconds(live.server) - server_cpu, "client": time.process_time() - client_cpu}
    body = {"item_ids": item_ids}
    rows = live.http.post(f"{QUEUE_API}/items_by_ids", json=body, headers=live.auth("user0")).json()
    starts = [datetime.fromisoformat(r["started_at"]).timestamp() for r in rows if r["started_at"]]
    ends = [datetime.fromisoformat(r["completed_at"]).timestamp() for r in rows if r["completed_at"]]
    seconds = max(ends) - wall_start
    return {
        "items": items,
        "item_ids": item_ids,
        "completed": status["completed"],
        "seconds": seconds,
        "items_per_s": items / seconds,
        "worker_items_per_s": items / (max(ends) - min(starts)),
        "polled_seconds": polled,
        "polled_items_per_s": items / polled,
        "server_cpu_ms_per_item": cpu["server"] / items * 1000,
        "server_busy_percent": cpu["server"] / polled * 100,
        "client_busy_percent": cpu["client"] / polled * 100,
    }


def quiesce(listeners: list[Listener], quiet_s: float = 0.5, limit_s: float = 60.0) -> None:
    """Wait until no socket has received anything for `quiet_s` (trailing deliveries)."""
    deadline = time.monotonic() + limit_s
    seen = -1
    while time.monotonic() < deadline:
        count = sum(len(lst.received) for lst in listeners)
        if count == seen:
            return
        seen = count
        time.sleep(quiet_s)


def latency_summary(values: list[float]) -> Json:
    return {
        "samples": len(values),
        "p50": statistics.median(values),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": max(values),
    }


def status_latencies(listeners: list[Listener], sent: dict[str, float], item_ids: set[int]) -> list[float]:
    """Publication -> receipt of every `queue_item_status_changed` of `item_ids` at every socket."""
    values = []
    for listener in listeners:
        for received, name, data in listener.received:
            if name == "queue_item_status_changed" and data["item_id"] in item_ids:
                key = f"{data['item_id']}|{data['status']}"
                if key in sent:
                    values.append((received - sent[key]) * 1000)
    return values


def read_probe(path: Path) -> dict[str, float]:
    sent: dict[str, float] = {}
    for line in path.read_text().splitlines():
        key, _, when = line.rpartition(" ")
        sent.setdefault(key, float(when))
    return sent


def bench_fanout(live: Live, listeners: list[Listener], args: argparse.Namespace, probe: Path | None) -> Json:
    """Every user runs one item of `progress_graph`, back to back (enqueued while paused)."""
    people = [f"user{n}" for n in range(args.users)]
    nodes = math.ceil(args.progress / (2 * len(people)))
    graph = progress_graph(nodes)
    quiesce(listeners)
    for listener in listeners:
        listener.received.clear()
    live.processor("pause")
    item_ids = {live.enqueue(who, graph)["item_ids"][0] for who in people}
    server_cpu = cpu_seconds(live.server)
    live.processor("resume")
    admin = next(lst for lst in listeners if lst.is_admin)
    done: set[int] = set()
    deadline = time.monotonic() + 300
    while len(done) < len(item_ids) and time.monotonic() < deadline:
        time.sleep(0.05)
        done = {
            d["item_id"] for _, name, d in list(admin.received)
            if name == "queue_item_status_changed" and d["status"] in store.TERMINAL
        }  # fmt: skip
    server_cpu = cpu_seconds(live.server) - server_cpu
    quiesce(listeners)
    sent = read_probe(probe) if probe else {}
    result = analyse_progress(listeners, sent, expected_per_socket=2 * nodes)
    result.update(items=len(item_ids), items_finished=len(done), server_cpu_s=server_cpu)
    status = status_latencies(listeners, sent, item_ids)
    if status:
        result["status_latency_ms"] = latency_summary(status)
    return result


def analyse_progress(listeners: list[Listener], sent: dict[str, float], expected_per_socket: int) -> Json:
    """Progress deliveries at their owners' sockets: latency, losses, spacing, spread."""
    latency: list[float] = []
    gaps: list[float] = []
    arrivals: dict[str, list[float]] = {}  # progress event -> receive times at the owner's sockets
    lost = 0
    for listener in listeners:
        own = []
        for received, name, data in listener.received:
            if name != "invocation_progress" or data["user_id"] != listener.user_id:
                continue  # progress anywhere else is counted by `misrouted`
            key = f"{data['item_id']}|{data['invocation_source_id']}|{data['percentage']!r}"
            own.append(received)
            arrivals.setdefault(key, []).append(received)
            if key in sent:
                latency.append((received - sent[key]) * 1000)
        if not listener.is_admin:
            lost += max(0, expected_per_socket - len(own))
            gaps += [(b - a) * 1000 for a, b in itertools.pairwise(own)]
    times = [t for ts in arrivals.values() for t in ts]
    skew = [(max(ts) - min(ts)) * 1000 for ts in arrivals.values() if len(ts) > 1]
    result: Json = {
        "sockets": len(listeners),
        "progress_events": len(arrivals),
        "progress_deliveries": len(times),
        "messages_received": sum(len(lst.received) for lst in listeners),
        "lost_progress_deliveries": lost,
        "receive_span_s": max(times) - min(times) if times else 0.0,
        "inter_arrival_ms_p50": statistics.median(gaps) if gaps else None,
        "owner_socket_skew_ms_p95": percentile(skew, 0.95) if skew else None,
    }
    progress_sent = [t for key, t in sent.items() if key.count("|") == 2]
    if progress_sent and times:
        result["publish_span_s"] = max(progress_sent) - min(progress_sent)
        result["fanout_total_s"] = max(times) - min(progress_sent)
    if latency:
        result["progress_latency_ms"] = latency_summary(latency)
    return result


def misrouted(listeners: list[Listener], user_ids: set[str]) -> tuple[dict[str, int], int]:
    """SPEC §8 at every socket: progress only at the owner's; a non-admin never receives an event
    carrying another user's id (their copies are redacted). Also counts the redacted companions."""
    counts: dict[str, int] = {}
    companions = 0
    for listener in listeners:
        others = user_ids - {listener.user_id}
        for _, name, data in listener.received:
            text = json.dumps(data)
            if name == "invocation_progress" and data.get("user_id") != listener.user_id:
                reason = "invocation_progress at a socket not of its owner"
            elif not listener.is_admin and any(u in text for u in others):
                reason = f"{name} with another user's id at a non-admin socket"
            else:
                companions += name == "queue_item_status_changed" and data.get("user_id") == "redacted"
                continue
            counts[reason] = counts.get(reason, 0) + 1
    return counts, companions


def bench_server(args: argparse.Namespace) -> Json:
    root = Path(tempfile.mkdtemp(prefix="gesso-qbench-"))
    proc: subprocess.Popen[bytes] | None = None
    listeners: list[Listener] = []
    probe = None if args.no_probe else root / "probe.log"
    try:
        (root / "gesso.yaml").write_text("multiuser: true\n")
        port = free_port()
        proc = start_server(root, port, probe)
        url = f"http://127.0.0.1:{port}"
        http = httpx.Client(base_url=url, timeout=60.0)
        admin = {"email": "admin@bench.local", "password": PASSWORD}
        setup = http.post("/api/v1/auth/setup", json=admin).raise_for_status().json()
        tokens = {"admin": http.post("/api/v1/auth/login", json=admin).raise_for_status().json()["token"]}
        user_ids = {"admin": setup["user"]["user_id"]}
        for n in range(args.users):
            who = {"email": f"user{n}@bench.local", "password": PASSWORD}
            created = http.post("/api/v1/auth/users", json=who, headers=bearer(tokens["admin"]))
            user_ids[f"user{n}"] = created.raise_for_status().json()["user_id"]
            tokens[f"user{n}"] = http.post("/api/v1/auth/login", json=who).raise_for_status().json()["token"]
        live = Live(http, psutil.Process(proc.pid), tokens, user_ids)
        print(f"server: up on port {port}, {args.users} users and an admin (load {load()})", flush=True)

        results: Json = {"throughput_no_sockets": bench_throughput(live, args.items)}
        print(f"  throughput without sockets done (load {load()})", flush=True)
        started = time.perf_counter()
        for n in range(args.users):
            for s in range(args.sockets_per_user):
                listeners.append(Listener(f"user{n}/{s}", user_ids[f"user{n}"], False))
                listeners[-1].connect(url, tokens[f"user{n}"])
        listeners.append(Listener("admin", user_ids["admin"], True).connect(url, tokens["admin"]))
        results["connect_s"] = time.perf_counter() - started
        print(f"  {len(listeners)} sockets connected in {results['connect_s']:.1f} s", flush=True)
        for listener in listeners:
            listener.received.clear()
        results["throughput_with_sockets"] = throughput = bench_throughput(live, args.items)
        quiesce(listeners)
        sent = read_probe(probe) if probe else {}
        status = status_latencies(listeners, sent, set(throughput["item_ids"]))
        if status:
            throughput["status_latency_ms"] = latency_summary(status)
        bad, companions = misrouted(listeners, set(user_ids.values()))
        print(f"  throughput with sockets done (load {load()})", flush=True)
        results["fanout"] = fanout = bench_fanout(live, listeners, args, probe)
        more, more_companions = misrouted(listeners, set(user_ids.values()))
        for reason, count in more.items():
            bad[reason] = bad.get(reason, 0) + count
        fanout.update(
            misrouted=bad, misrouted_total=sum(bad.values()), companions=companions + more_companions
        )
        print(f"  fan-out done (load {load()})", flush=True)
        results["probe"] = probe is not None
        http.close()
        return results
    except Exception:
        log = root / "server.log"
        if log.exists():
            print("server log (tail):\n" + log.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        for listener in listeners:
            if listener.sio.connected:
                listener.sio.disconnect()
        if proc is not None:
            stop(proc)
        shutil.rmtree(root, ignore_errors=True)


# -- report ------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report_dequeue(d: Json, goals: dict[str, bool]) -> None:
    print(f"\ndequeue: {d['claims']} timed claims per row, 200 pending items of 10 users before each")
    print(f"history: empty vs {d['history']:,} finished items of 50 users; ratio = p50 history / p50 empty")
    head = ("policy", "call", "p50 empty", "p95 empty", "p50 hist", "p95 hist", "ratio")
    print(f"{head[0]:<12}{head[1]:<32}" + "".join(f"{h:>10}" for h in head[2:6]) + f"{head[6]:>7}  goal")
    calls = (("claim_next", "Dispatcher.claim_next"), ("pick", "pick + set in_progress (1 txn)"))
    for policy in ("FIFO", "round_robin", "weighted_rr"):
        for mode, label in calls:
            f = d[policy][mode]
            ms = [f[h][q] for h in ("empty", "history") for q in ("p50_ms", "p95_ms")]
            ok = f["ratio"] <= GOAL_DEQUEUE_RATIO
            if mode == "claim_next":
                goals[f"dequeue_ratio_{policy}"] = ok
            shown = verdict(ok) if mode == "claim_next" else "(no goal)"
            print(
                f"{policy:<12}{label:<32}"
                + "".join(f"{v:>8.2f}ms" for v in ms)
                + f"{f['ratio']:>7.2f}  {shown}"
            )


def print_latency(label: str, lat: Json) -> None:
    print(f"  publish -> receipt, {label} ({lat['samples']} deliveries):")
    print("    " + "  ".join(f"{q} {lat[q]:.2f} ms" for q in ("p50", "p95", "p99", "max")))


def report_server(s: Json, goals: dict[str, bool]) -> None:
    f = s["fanout"]
    print("\nthroughput, trivial graph (integer -> add): enqueue request -> last completed_at")
    for key in ("throughput_no_sockets", "throughput_with_sockets"):
        t = s[key]
        label = "no sockets" if key == "throughput_no_sockets" else f"{f['sockets']} sockets"
        print(
            f"  {label:<11}{t['items']} items in {t['seconds']:.2f} s = {t['items_per_s']:.1f} items/s "
            f"(worker alone {t['worker_items_per_s']:.1f}/s; poller saw {t['polled_items_per_s']:.1f}/s)"
        )
        print(
            f"  {'':<11}server CPU {t['server_cpu_ms_per_item']:.1f} ms/item, server busy "
            f"{t['server_busy_percent']:.0f}%, this client busy {t['client_busy_percent']:.0f}% of a core"
        )
        if "status_latency_ms" in t:
            print_latency("queue_item_status_changed at every socket", t["status_latency_ms"])
    print(
        f"\nfan-out: {f['sockets']} sockets, {f['items']} items ({f['items_finished']} finished), "
        f"{f['progress_events']} progress events, {f['progress_deliveries']} progress deliveries, "
        f"{f['messages_received']} messages in all; server CPU {f['server_cpu_s']:.1f} s"
    )
    if "progress_latency_ms" in f:
        print_latency("invocation_progress at the owner's sockets", f["progress_latency_ms"])
    if "status_latency_ms" in f:
        print_latency("queue_item_status_changed at every socket", f["status_latency_ms"])
    if not s["probe"]:
        print("  (--no-probe: no publication times, client-side figures only)")
    if "fanout_total_s" in f:
        print(
            f"  first progress published -> last received: {f['fanout_total_s']:.2f} s "
            f"(the worker published them over {f['publish_span_s']:.2f} s)"
        )
    print(f"  first -> last progress received: {f['receive_span_s']:.2f} s")
    if f["inter_arrival_ms_p50"] is not None:
        print(f"  inter-arrival of progress at one socket, p50: {f['inter_arrival_ms_p50']:.2f} ms")
    if f["owner_socket_skew_ms_p95"] is not None:
        skew = f["owner_socket_skew_ms_p95"]
        print(f"  spread of one progress event over its owner's sockets, p95: {skew:.2f} ms")
    print(f"  lost progress deliveries: {f['lost_progress_deliveries']}")
    goals["zero_misrouted"] = ok = f["misrouted_total"] == 0
    detail = f" {f['misrouted']}" if f["misrouted"] else ""
    print(
        f"  misrouted events (throughput with sockets + fan-out): {f['misrouted_total']}{detail}  "
        f"(goal 0: {verdict(ok)}); redacted status companions received: {f['companions']}"
    )


def report(figures: Json) -> dict[str, bool]:
    goals: dict[str, bool] = {}
    if "dequeue" in figures:
        report_dequeue(figures["dequeue"], goals)
    if "enqueue" in figures:
        e = figures["enqueue"]
        runs = ", ".join(f"{s:.2f}" for s in e["seconds"])
        print(f"\nenqueue of one {e['batch']:,}-item batch over HTTP (TestClient, processor paused):")
        print(f"  median {e['median_s']:.2f} s (each: {runs} s)")
    if "server" in figures:
        report_server(figures["server"], goals)
    return goals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--history", type=int, default=100_000, help="finished items in the large history")
    parser.add_argument("--claims", type=int, default=100, help="timed claims per policy, history and call")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds to split the claims into")
    parser.add_argument("--batch", type=int, default=1000, help="items in the enqueued batch")
    parser.add_argument("--enqueue-repeat", type=int, default=3, help="batches to enqueue (timed each)")
    parser.add_argument("--users", type=int, default=10, help="users with sockets on the live server")
    parser.add_argument("--sockets-per-user", type=int, default=5)
    parser.add_argument("--progress", type=int, default=1000, help="progress events in the fan-out")
    parser.add_argument("--items", type=int, default=200, help="trivial items for the throughput run")
    parser.add_argument("--no-probe", action="store_true", help="run plain `gesso serve`, no publish times")
    parser.add_argument("--only", default="dequeue,enqueue,server", help="comma-separated parts to run")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    parts = set(args.only.split(","))

    started = time.perf_counter()
    figures: Json = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "load_start": load()}
    print(f"load average at start (1/5 min): {figures['load_start']} on {os.cpu_count()} CPUs", flush=True)
    if "dequeue" in parts:
        figures["dequeue"] = bench_dequeue(args)
    if "enqueue" in parts:
        figures["enqueue"] = bench_enqueue(args)
        print(f"enqueue: done (load {load()})", flush=True)
    if "server" in parts:
        figures["server"] = bench_server(args)
    figures["load_end"] = load()
    figures["seconds"] = time.perf_counter() - started
    goals = report(figures)
    missed = [k for k, ok in goals.items() if not ok]
    figures["goals_met"] = goals
    print(f"\n{figures['seconds']:.0f} s in all; load average at end (1/5 min): {figures['load_end']}")
    print("all goals met" if not missed else f"MISSED: {', '.join(missed)}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
