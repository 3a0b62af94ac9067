"""Auth benchmark: start-up time, idle RSS, and the cost of authentication per request.

Starts `gesso serve` in multi-user mode on a free loopback port in a temporary root, sets up an
administrator, then compares GET /api/v1/auth/me (Bearer token: JWT decode + user/session query +
user read) with GET /api/v1/app/version (no auth, no database), sequentially over one keep-alive
client and with 8 concurrent clients. Rounds alternate the endpoint order so background noise hits
both alike. Also measures successful logins per second (Argon2id verification).

Usage: .venv/bin/python bench/auth_bench.py [--requests N] [--rounds R] [--logins L] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil  # type: ignore[import-untyped]

VERSION = "/api/v1/app/version"
ME = "/api/v1/auth/me"
EMAIL = "admin@bench.example"
PASSWORD = "Bench-passw0rd"
GOAL_RATIO = 0.70
GOAL_STARTUP_S = 2.0
GOAL_RSS_MB = 150.0
MB = 1_000_000


@dataclass
class Sample:
    """Requests of one endpoint in one mode, accumulated over every round."""

    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def add(self, latencies: list[float], errors: int, seconds: float) -> None:
        self.requests += len(latencies)
        self.errors += errors
        self.seconds += seconds
        self.latencies.extend(latencies)

    def summary(self) -> dict[str, float]:
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return {
            "requests": self.requests,
            "errors": self.errors,
            "rps": self.requests / self.seconds,
            "p50_ms": cuts[49] * 1000,
            "p95_ms": cuts[94] * 1000,
        }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    proc = psutil.Process(pid)
    procs = [proc, *proc.children(recursive=True)]
    return float(sum(p.memory_info().rss for p in procs)) / MB


def start_server(root: Path, port: int) -> tuple[subprocess.Popen[bytes], float]:
    """Spawn the server; return it and the seconds until /app/version first answers 200."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GESSO_")}
    log = (root / "server.log").open("wb")
    command = [sys.executable, "-m", "gesso", "serve", "--root", str(root), "--host", "127.0.0.1"]
    started = time.perf_counter()
    proc = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    log.close()
    url = f"http://127.0.0.1:{port}{VERSION}"
    with httpx.Client(timeout=1.0) as client:
        while time.perf_counter() - started < 30:
            try:
                if client.get(url).status_code == 200:
                    return proc, time.perf_counter() - started
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                break
            time.sleep(0.01)
    raise RuntimeError("server did not answer within 30 s (or exited); see server.log")


def timed_requests(
    client: httpx.Client, path: str, count: int, headers: dict[str, str]
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    for _ in range(count):
        t0 = time.perf_counter()
        response = client.get(path, headers=headers)
        latencies.append(time.perf_counter() - t0)
        errors += response.status_code != 200
    return latencies, errors


def run_sequential(client: httpx.Client, path: str, count: int, headers: dict[str, str]) -> Sample:
    timed_requests(client, path, max(10, count // 20), headers)  # warm-up
    started = time.perf_counter()
    latencies, errors = timed_requests(client, path, count, headers)
    sample = Sample()
    sample.add(latencies, errors, time.perf_counter() - started)
    return sample


def run_concurrent(clients: list[httpx.Client], path: str, count: int, headers: dict[str, str]) -> Sample:
    per_client = max(1, count // len(clients))
    barrier = threading.Barrier(len(clients) + 1)
    results: list[tuple[list[float], int]] = []
    lock = threading.Lock()

    def worker(client: httpx.Client) -> None:
        timed_requests(client, path, max(5, per_client // 20), headers)  # warm-up
        barrier.wait()
        outcome = timed_requests(client, path, per_client, headers)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    sample = Sample()
    for latencies, errors in results:
        sample.add(latencies, errors, 0.0)
    sample.seconds = seconds
    return sample


def merge(into: Sample, part: Sample) -> None:
    into.add(part.latencies, part.errors, part.seconds)


def benchmark(args: argparse.Namespace, base: str, pid: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with httpx.Client(base_url=base, timeout=30.0) as client:
        response = client.post("/api/v1/auth/setup", json={"email": EMAIL, "password": PASSWORD})
        response.raise_for_status()
        credentials = {"email": EMAIL, "password": PASSWORD}
        token = client.post("/api/v1/auth/login", json=credentials).raise_for_status().json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        client.get(ME, headers=auth).raise_for_status()

        samples = {(mode, name): Sample() for mode in ("seq", "conc") for name in ("version", "me")}
        endpoints = [("version", VERSION, {}), ("me", ME, auth)]
        per_round = max(1, args.requests // args.rounds)
        pool = [httpx.Client(base_url=base, timeout=30.0) for _ in range(args.concurrency)]
        try:
            for r in range(args.rounds):
                order = endpoints if r % 2 == 0 else endpoints[::-1]
                for name, path, headers in order:
                    merge(samples["seq", name], run_sequential(client, path, per_round, headers))
                for name, path, headers in order:
                    merge(samples["conc", name], run_concurrent(pool, path, per_round, headers))
                print(f"  round {r + 1}/{args.rounds} done", flush=True)
        finally:
            for c in pool:
                c.close()
        for (mode, name), sample in samples.items():
            figures[f"{mode}_{name}"] = sample.summary()

        login_times: list[float] = []
        for _ in range(args.logins):
            t0 = time.perf_counter()
            client.post("/api/v1/auth/login", json=credentials).raise_for_status()
            login_times.append(time.perf_counter() - t0)
        figures["logins"] = {
            "count": len(login_times),
            "per_s": len(login_times) / sum(login_times),
            "p50_ms": statistics.median(login_times) * 1000,
        }
    time.sleep(1.0)
    figures["rss_after_mb"] = rss_mb(pid)
    return figures


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(figures: dict[str, Any]) -> dict[str, bool]:
    print(f"\n{'endpoint':<22}{'mode':<14}{'requests':>9}{'errors':>7}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for mode, label in (("seq", "sequential"), ("conc", "8 concurrent")):
        for name, path in (("version", VERSION), ("me", ME)):
            s = figures[f"{mode}_{name}"]
            print(
                f"{path.removeprefix('/api/v1'):<22}{label:<14}{s['requests']:>9}{s['errors']:>7}"
                f"{s['rps']:>9.0f}{s['p50_ms']:>9.2f}{s['p95_ms']:>9.2f}"
            )
    logins = figures["logins"]
    print(f"\nlogins: {logins['count']} sequential, {logins['per_s']:.1f}/s, p50 {logins['p50_ms']:.0f} ms")
    goals: dict[str, bool] = {}
    print("\ngoals:")

    def goal(key: str, label: str, shown: str, target: str, ok: bool) -> None:
        goals[key] = ok
        print(f"  {label:<38}{shown:>10}  {target:<14}{verdict(ok)}")

    for mode, label in (("seq", "sequential"), ("conc", "8 concurrent")):
        ratio = figures[f"{mode}_me"]["rps"] / figures[f"{mode}_version"]["rps"]
        figures[f"ratio_{mode}"] = ratio
        goal(
            f"ratio_{mode}",
            f"/auth/me ÷ /app/version, {label}",
            f"{ratio:.2f}",
            f">= {GOAL_RATIO:.2f}",
            ratio >= GOAL_RATIO,
        )
    startup = figures["startup_s"]
    goal("startup", "start-up time", f"{startup:.2f} s", f"< {GOAL_STARTUP_S:g} s", startup < GOAL_STARTUP_S)
    for key, label in (("rss_idle_mb", "after start-up"), ("rss_after_mb", "after benchmark")):
        rss = figures[key]
        goal(key, f"idle RSS {label}", f"{rss:.1f} MB", f"< {GOAL_RSS_MB:g} MB", rss < GOAL_RSS_MB)
    errors = sum(figures[k]["errors"] for k in figures if k.startswith(("seq_", "conc_")))
    if errors:
        print(f"  WARNING: {errors} requests did not answer 200")
    return goals


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=5000, help="timed requests per endpoint and mode")
    parser.add_argument(
        "--rounds", type=int, default=5, help="alternating rounds the requests are split into"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (threads)")
    parser.add_argument("--logins", type=int, default=30, help="sequential successful logins")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="gesso-bench-"))
    proc: subprocess.Popen[bytes] | None = None
    try:
        (root / "gesso.yaml").write_text("multiuser: true\n")
        port = free_port()
        proc, startup = start_server(root, port)
        time.sleep(1.0)
        figures: dict[str, Any] = {"startup_s": startup, "rss_idle_mb": rss_mb(proc.pid)}
        print(
            f"server up in {startup:.2f} s on port {port}; benchmarking {args.requests} requests "
            f"per endpoint and mode in {args.rounds} rounds",
            flush=True,
        )
        figures.update(benchmark(args, f"http://127.0.0.1:{port}", proc.pid))
        goals = report(figures)
        figures["goals_met"] = goals
        figures["config"] = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
        figures["python"] = sys.version.split()[0]
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2, default=asdict) + "\n")
        print(
            "\nall goals met"
            if all(goals.values())
            else "\nMISSED: " + ", ".join(k for k, v in goals.items() if not v)
        )
        return 0
    except Exception:
        log = root / "server.log"
        if log.exists():
            print("server log (tail):\n" + log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        if proc is not None:
            stop(proc)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
