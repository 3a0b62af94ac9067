"""Scale-out benchmark (SPEC §21): separate `gesso worker` processes on PostgreSQL + Redis.

The script starts its own throw-away PostgreSQL cluster and redis-server (tests/services/), one
root with `enable_benchmark_nodes: true`, and real `gesso worker` / `gesso serve --no-worker`
processes. This machine has few cores, so it measures the queue, not the CPU: an item is one
`bench_sleep` node that waits 200 ms without using the CPU (standing in for GPU time).

1. Throughput: N items (paused while they are enqueued and while 1, 2 or 4 workers start; then
   resumed), from the first item's `started_at` to the last one's `completed_at`; `--rounds`
   rounds of 1, 2, 4 workers in turn, speed-ups from the median items/s of each.
   Goals: ≥ 1.9x at 2 workers and ≥ 3.6x at 4 workers, against 1.
2. Zero-work throughput: the same with an `integer` node (no wait), 1 and 4 workers, with the
   CPU seconds the worker processes used per item.
3. Claim latency: 4 processes claim and finish zero-work items as fast as they can
   (`Dispatcher.claim_next`, timed per call), first on an empty history, then with 100,000
   finished items. Goal: p50 and p95 at 100,000 within 1.5x of those at 0.
4. Event latency: two `gesso serve --no-worker` processes; a socket.io client on B; `batch_enqueued`
   from an enqueue on A, from just before the request to receipt on B. Goal: p95 < 50 ms.

Usage: .venv/bin/python bench/scale_bench.py [--items 48] [--rounds 3] [--claims 100]
       [--history 100000] [--events 50] [--only throughput,zero,claims,events] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

warnings.filterwarnings("ignore")

import httpx  # noqa: E402
import psutil  # type: ignore[import-untyped]  # noqa: E402
import socketio  # noqa: E402
import sqlalchemy as sa  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scale_probe import WaitSampler, per_item_breakdown  # noqa: E402
from gesso.auth.actor import Actor  # noqa: E402
from gesso.config import load_settings  # noqa: E402
from gesso.queue.schemas import Batch  # noqa: E402
from gesso.queue.tables import session_queue  # noqa: E402
from gesso.services import Services  # noqa: E402
from tests.services.postgres import PostgresCluster, free_port  # noqa: E402
from tests.services.redis_server import RedisServer  # noqa: E402

QUEUE = "default"
SYSTEM = Actor(user_id="system", email="", display_name=None, is_admin=True)
SLEEP_S = 0.2
SLEEP = {"nodes": {"nap": {"type": "bench_sleep", "seconds": SLEEP_S}}, "edges": []}
ZERO = {"nodes": {"n": {"type": "integer", "value": 1}}, "edges": []}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Bench:
    def __init__(self) -> None:
        self.pg = PostgresCluster()
        self.redis = RedisServer()
        self.root = Path(tempfile.mkdtemp(prefix="gesso-scale-"))
        self.url = self.pg.create_database("bench")
        (self.root / "gesso.yaml").write_text(
            f"database_url: '{self.url}'\nredis_url: '{self.redis.url}'\nenable_benchmark_nodes: true\n"
            "worker_timeout_seconds: 60\nlog_level: warning\nmax_queue_size: 1000000\n",
            encoding="utf-8",
        )
        self.services = Services.open(load_settings(self.root))
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GESSO_")}

    def close(self) -> None:
        self.services.close()
        self.redis.stop()
        self.pg.stop()

    # -- processes -------------------------------------------------------------------------

    def start_workers(self, count: int, tag: str) -> list[subprocess.Popen[bytes]]:
        names = [f"{tag}-{i}" for i in range(count)]
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gesso",
                    "worker",
                    "--root",
                    str(self.root),
                    "--name",
                    name,
                    "--device",
                    "cpu",
                ],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for name in names
        ]
        deadline = time.monotonic() + 120
        while {w.name for w in self.services.workers.recent() if w.state == "idle"} < set(names):
            if time.monotonic() > deadline:
                raise RuntimeError("workers did not register")
            time.sleep(0.1)
        return processes

    @staticmethod
    def stop(processes: list[subprocess.Popen[bytes]]) -> None:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)

    # -- 1 and 2: throughput ---------------------------------------------------------------

    def throughput(self, workers: int, graph: dict[str, Any], items: int, tag: str) -> dict[str, Any]:
        dispatch = self.services.queue.dispatch
        dispatch.set_paused(QUEUE, True)
        result = self.services.queue.enqueue_batch(SYSTEM, QUEUE, Batch(graph=graph, runs=items), False)
        processes = self.start_workers(workers, tag)
        cpu_before = [psutil.Process(p.pid).cpu_times() for p in processes]
        load_before = os.getloadavg()[0]
        dispatch.set_paused(QUEUE, False)
        ids = result.item_ids
        sq = session_queue.c
        with WaitSampler(self.url) as waits:
            while True:
                with self.services.db.read() as conn:
                    rows = conn.execute(
                        sa.select(sq.status, sq.started_at, sq.completed_at, sq.worker_id).where(
                            sq.item_id.in_(ids)
                        )
                    ).all()
                if all(r.status in ("completed", "failed", "canceled") for r in rows):
                    break
                time.sleep(0.1)
        cpu_after = [psutil.Process(p.pid).cpu_times() for p in processes]
        self.stop(processes)
        failed = [r for r in rows if r.status != "completed"]
        if failed:
            raise RuntimeError(f"{len(failed)} items did not complete")
        span = (max(r.completed_at for r in rows) - min(r.started_at for r in rows)).total_seconds()
        cpu = sum(
            (a.user + a.system) - (b.user + b.system) for a, b in zip(cpu_after, cpu_before, strict=True)
        )
        return {
            "workers": workers,
            "items": items,
            "seconds": round(span, 3),
            "items_per_s": round(items / span, 2),
            "worker_cpu_ms_per_item": round(cpu / items * 1000, 1),
            "load_1m": round(max(load_before, os.getloadavg()[0]), 2),
            **per_item_breakdown(rows, SLEEP_S if graph is SLEEP else 0.0),
            "pg_connections_by_state": waits.report(),
        }

    # -- 3: claim latency ------------------------------------------------------------------

    def claims(self, per_process: int, processes: int = 4) -> dict[str, float]:
        self.services.queue.dispatch.set_paused(QUEUE, False)
        self.services.queue.enqueue_batch(
            SYSTEM, QUEUE, Batch(graph=ZERO, runs=per_process * processes), False
        )
        ctx = multiprocessing.get_context("spawn")
        out: Any = ctx.Queue()
        start = ctx.Event()
        procs = [
            ctx.Process(target=claim_loop, args=(str(self.root), per_process, start, out))
            for _ in range(processes)
        ]
        for proc in procs:
            proc.start()
        time.sleep(5)  # let every process open its services
        start.set()
        timings: list[float] = []
        for _ in procs:
            timings += out.get(timeout=600)
        for proc in procs:
            proc.join(60)
        return {
            "claims": len(timings),
            "p50_ms": round(pct(timings, 50), 2),
            "p95_ms": round(pct(timings, 95), 2),
        }

    def seed_history(self, count: int) -> None:
        """`count` finished items in one INSERT … SELECT generate_series (seconds, not minutes)."""
        with self.services.db.write() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO session_queue (queue_id, user_id, batch_id, session_id, status, priority,"
                    " session, created_at, updated_at, started_at, completed_at)"
                    " SELECT :queue, 'system', 'history-' || (i / 1000), 'history-s' || i, 'completed', 0,"
                    " '{}', now(), now(), now(), now() FROM generate_series(0, :last) AS i"
                ),
                {"queue": QUEUE, "last": count - 1},
            )
            conn.exec_driver_sql(
                "UPDATE session_queue_counts SET n = (SELECT count(*) FROM session_queue"
                " WHERE status = 'completed') WHERE status = 'completed'"
            )
        with self.services.db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE session_queue"
            )

    # -- 4: event latency ------------------------------------------------------------------

    def events(self, count: int) -> dict[str, float]:
        ports = [free_port(), free_port()]
        servers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gesso",
                    "serve",
                    "--root",
                    str(self.root),
                    "--port",
                    str(port),
                    "--no-worker",
                ],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in ports
        ]
        a, b = (f"http://127.0.0.1:{port}" for port in ports)
        try:
            for url in (a, b):
                deadline = time.monotonic() + 120
                while True:
                    try:
                        if httpx.get(f"{url}/api/v1/app/version", timeout=1).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if time.monotonic() > deadline:
                        raise RuntimeError("server did not start")
                    time.sleep(0.1)
            httpx.put(f"{a}/api/v1/queue/{QUEUE}/processor/pause")  # nothing runs; only events are timed
            received: dict[str, float] = {}
            arrived = threading.Event()
            client = socketio.Client(reconnection=False)

            def on_enqueued(data: dict[str, Any]) -> None:
                received[data["batch_id"]] = time.perf_counter()
                arrived.set()

            client.on("batch_enqueued", on_enqueued)
            client.connect(b, socketio_path="/ws/socket.io", transports=["websocket"])
            client.emit("subscribe_queue", {"queue_id": QUEUE})
            time.sleep(0.5)
            latencies, rest = [], []
            with httpx.Client(base_url=a, timeout=10) as http:
                for i in range(count):
                    arrived.clear()
                    batch_id = f"latency-{i}"
                    sent = time.perf_counter()
                    response = http.post(
                        f"/api/v1/queue/{QUEUE}/enqueue_batch",
                        json={"batch": {"batch_id": batch_id, "graph": ZERO}},
                    )
                    answered = time.perf_counter()
                    assert response.status_code == 200, response.text
                    if not arrived.wait(5) or batch_id not in received:
                        raise RuntimeError("an event did not arrive on the other process")
                    latencies.append((received[batch_id] - sent) * 1000)
                    rest.append((answered - sent) * 1000)
            client.disconnect()
            return {
                "events": count,
                "p50_ms": round(pct(latencies, 50), 2),
                "p95_ms": round(pct(latencies, 95), 2),
                "rest_p50_ms": round(pct(rest, 50), 2),
            }
        finally:
            for server in servers:
                server.send_signal(signal.SIGTERM)
            for server in servers:
                server.wait(timeout=60)


def claim_loop(root: str, count: int, start: Any, out: Any) -> None:
    """One contending claimer (a process of its own): claim, finish, repeat; times each claim."""
    services = Services.open(load_settings(root), migrate=False, worker_name=f"claimer-{os.getpid()}")
    dispatch = services.queue.dispatch
    timings: list[float] = []
    start.wait()
    try:
        while len(timings) < count:
            began = time.perf_counter()
            item = dispatch.claim_next(QUEUE, worker_id=None)
            elapsed = (time.perf_counter() - began) * 1000
            if item is None:
                break
            timings.append(elapsed)
            dispatch.finish(item.item_id, "completed", item.session)
    finally:
        services.close()
        out.put(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=48)
    parser.add_argument("--zero-items", type=int, default=200)
    parser.add_argument("--claims", type=int, default=100, help="claims per contending process")
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the 1/2/4-worker throughput runs")
    parser.add_argument("--only", default="throughput,zero,claims,events")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    only = set(args.only.split(","))
    report: dict[str, Any] = {"cpus": os.cpu_count(), "load_1m_at_start": round(os.getloadavg()[0], 2)}
    bench = Bench()
    try:
        if "throughput" in only:
            # Rounds of 1, 2 and 4 workers in turn, so load from elsewhere drifting during the
            # run touches every worker count alike; speed-ups compare the medians.
            runs = []
            for round_ in range(args.rounds):
                this_round = [bench.throughput(n, SLEEP, args.items, f"sleep{n}-{round_}") for n in (1, 2, 4)]
                for run in this_round:
                    run["speedup_in_round"] = round(run["items_per_s"] / this_round[0]["items_per_s"], 2)
                runs += this_round
                print(json.dumps(this_round, indent=1), flush=True)
            rates = {n: [r["items_per_s"] for r in runs if r["workers"] == n] for n in (1, 2, 4)}
            medians = {n: statistics.median(rates[n]) for n in (1, 2, 4)}
            report["throughput_200ms"] = runs
            report["throughput_200ms_medians"] = {
                f"{n}_workers": {"items_per_s": medians[n], "speedup": round(medians[n] / medians[1], 2)}
                for n in (1, 2, 4)
            }
            print(json.dumps(report["throughput_200ms_medians"], indent=1), flush=True)
        if "zero" in only:
            report["throughput_zero_work"] = [
                bench.throughput(n, ZERO, args.zero_items, f"zero{n}") for n in (1, 4)
            ]
            print(json.dumps(report["throughput_zero_work"], indent=1), flush=True)
        if "claims" in only:
            empty = bench.claims(args.claims)
            began = time.monotonic()
            bench.seed_history(args.history)
            seeded_s = round(time.monotonic() - began, 1)
            full = bench.claims(args.claims)
            report["claims"] = {
                "history_0": empty,
                f"history_{args.history}": full,
                "p50_ratio": round(full["p50_ms"] / empty["p50_ms"], 2),
                "p95_ratio": round(full["p95_ms"] / empty["p95_ms"], 2),
                "history_seeded_in_s": seeded_s,
            }
            print(json.dumps(report["claims"], indent=1), flush=True)
        if "events" in only:
            report["events"] = bench.events(args.events)
            print(json.dumps(report["events"], indent=1), flush=True)
    finally:
        bench.close()
    report["load_1m_at_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
