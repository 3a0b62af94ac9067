"""Gesso beside InvokeAI on the same machine, data and client: start-up, idle memory, and server
CPU per request on the routes a gallery uses most.

Both servers run at once in multi-user mode, each on its own temporary root. Each gets one
administrator with `--boards` boards and `--images` uploaded images (three quarters spread over
the boards, the rest uncategorized). Every route is then driven by `--clients` concurrent
clients in rounds that alternate which server goes first, so background load hits both alike.
Server CPU per request comes from `/proc/<pid>/stat` (user + system time of the server's process
tree) and does not depend on the client; req/s is printed too. Ratios are InvokeAI ÷ Gesso
(higher is better for Gesso). InvokeAI must be installed in its own virtualenv (see
bench/README.md); this script only starts it.

    .venv/bin/python bench/invokeai_compare.py --invokeai-venv /work/invokeai-venv
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

EMAIL = "bench@example.com"
PASSWORD = "Bench-pass1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
ROUTES = {
    "/auth/me": "/api/v1/auth/me",
    "boards/?all=true": "/api/v1/boards/?all=true",
    "images/?limit=50": "/api/v1/images/?limit=50",
    "images/names": "/api/v1/images/names",
}
GOALS = {"/auth/me": 2.5, "boards/?all=true": 3.0, "images/?limit=50": 3.0, "images/names": 3.0}
STARTUP_GOAL = 10.0
RSS_GOAL = 5.0
Json = dict[str, Any]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree(pid: int) -> list[int]:
    """The process and every descendant (InvokeAI may start helpers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    total = 0
    for member in tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK_TICKS


def rss_mib(pid: int) -> float:
    total = 0
    for member in tree(pid):
        try:
            total += int(Path(f"/proc/{member}/statm").read_text().split()[1]) * PAGE_SIZE
        except OSError:
            continue
    return total / 2**20


@dataclass
class Server:
    name: str
    command: list[str]
    root: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    token: str = ""
    startup_s: float = 0.0
    startup_runs: list[float] = field(default_factory=list)
    idle_rss_mib: float = 0.0
    results: dict[str, Json] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float) -> float:
        log = (self.root / "server.log").open("ab")
        started = time.perf_counter()
        self.process = subprocess.Popen(
            self.command, stdout=log, stderr=subprocess.STDOUT, env=self.env, start_new_session=True
        )
        with httpx.Client(timeout=2) as client:
            while time.perf_counter() - started < timeout:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited; see {self.root / 'server.log'}")
                try:
                    if client.get(f"{self.url}/api/v1/app/version").status_code == 200:
                        return time.perf_counter() - started
                except httpx.TransportError:
                    pass
                time.sleep(0.02)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


def gesso_server(root: Path) -> Server:
    port = free_port()
    (root / "gesso.yaml").write_text("multiuser: true\n")
    command = [sys.executable, "-m", "gesso", "serve", "--root", str(root), "--host", "127.0.0.1"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GESSO_")}
    return Server("Gesso", [*command, "--port", str(port)], root, port, env)


def invokeai_server(root: Path, venv: Path) -> Server:
    port = free_port()
    (root / "invokeai.yaml").write_text(
        f"schema_version: 4.0.2\nhost: 127.0.0.1\nport: {port}\nmultiuser: true\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INVOKEAI_", "GESSO_"))}
    return Server("InvokeAI", [str(venv / "bin" / "invokeai-web"), "--root", str(root)], root, port, env)


def png(seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (64, 64), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def populate(server: Server, boards: int, images: int) -> None:
    """One administrator, `boards` boards, `images` uploads (¾ on boards)."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        setup = {"email": EMAIL, "display_name": "Bench", "password": PASSWORD}
        client.post("/api/v1/auth/setup", json=setup).raise_for_status()
        login = client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
        login.raise_for_status()
        server.token = login.json()["token"]
        client.headers["Authorization"] = f"Bearer {server.token}"
        board_ids = []
        for n in range(boards):
            created = client.post("/api/v1/boards/", params={"board_name": f"Board {n}"})
            created.raise_for_status()
            board_ids.append(created.json()["board_id"])
        for n in range(images):
            params: Json = {"image_category": "general", "is_intermediate": "false"}
            if n % 4 != 3:
                params["board_id"] = board_ids[n % boards]
            files = {"file": (f"bench-{n}.png", png(n), "image/png")}
            client.post("/api/v1/images/upload", params=params, files=files).raise_for_status()


def drive(server: Server, path: str, requests: int, clients: int) -> tuple[float, float, list[float]]:
    """Wall seconds, server CPU seconds and latencies for `requests` GETs over `clients` threads."""
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []
    per_client = [requests // clients + (1 if n < requests % clients else 0) for n in range(clients)]
    headers = {"Authorization": f"Bearer {server.token}"}

    def work(count: int) -> None:
        mine = []
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            for _ in range(count):
                started = time.perf_counter()
                response = client.get(path)
                mine.append(time.perf_counter() - started)
                if response.status_code != 200:
                    failures.append(f"{server.name} {path}: {response.status_code} {response.text[:200]}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(count,)) for count in per_client]
    cpu_before = cpu_seconds(server.pid)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu = cpu_seconds(server.pid) - cpu_before
    if failures:
        raise RuntimeError(failures[0])
    return wall, cpu, latencies


def measure_routes(servers: list[Server], requests: int, clients: int, rounds: int) -> None:
    for label, path in ROUTES.items():
        totals = {s.name: [0.0, 0.0, []] for s in servers}  # wall, cpu, latencies
        for server in servers:
            drive(server, path, max(clients * 4, requests // 20), clients)  # warm-up
        for round_number in range(rounds):
            order = servers if round_number % 2 == 0 else list(reversed(servers))
            for server in order:
                wall, cpu, latencies = drive(server, path, requests // rounds, clients)
                totals[server.name][0] += wall  # type: ignore[operator]
                totals[server.name][1] += cpu  # type: ignore[operator]
                totals[server.name][2].extend(latencies)  # type: ignore[union-attr]
        for server in servers:
            wall, cpu, latencies = totals[server.name]
            done = len(latencies)  # type: ignore[arg-type]
            ordered = sorted(latencies)  # type: ignore[type-var]
            server.results[label] = {
                "requests": done,
                "req_per_s": done / wall,  # type: ignore[operator]
                "cpu_ms_per_request": 1000 * cpu / done,  # type: ignore[operator]
                "p50_ms": 1000 * ordered[done // 2],
                "p95_ms": 1000 * ordered[int(done * 0.95)],
            }


def compile_gesso() -> None:
    """Byte-compile Gesso's package as pip does for an installed one (InvokeAI's side came from
    a wheel, compiled at install); an editable checkout run with PYTHONDONTWRITEBYTECODE would
    otherwise compile every module from source at each start."""
    import gesso

    package = Path(gesso.__file__).parent
    command = [sys.executable, "-m", "compileall", "-q", str(package)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def startup(server: Server, timeout: float, runs: int) -> None:
    """Start once to create the root (migrations, caches), then time `runs` more starts (the
    median counts); the last one stays up."""
    server.start(timeout)
    for _ in range(runs):
        server.stop()
        server.startup_runs.append(server.start(timeout))
    server.startup_s = statistics.median(server.startup_runs)
    time.sleep(2)
    server.idle_rss_mib = rss_mib(server.pid)


def verdict(ratio: float, goal: float) -> str:
    return "met" if ratio >= goal else "MISSED"


def row(label: str, ours: str, theirs: str, ratio: float, rate_ratio: str, goal: float) -> str:
    figures = f"{ours:>18} {theirs:>18} {ratio:>9.2f}x {rate_ratio:>11}"
    return f"{label:<18} {figures} {goal:>5g}x  {verdict(ratio, goal)}"


def report(gesso: Server, invokeai: Server, args: argparse.Namespace) -> Json:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nload average before: {args.load_before}; after: {load}")
    print(
        f"{args.images} images, {args.boards} boards, {args.clients} clients, {args.requests} requests/route"
    )
    print(f"{'':<18} {'Gesso':>18} {'InvokeAI':>18} {'ratio':>10} {'req/s ratio':>11} {'goal':>6}")
    startup_ratio = invokeai.startup_s / gesso.startup_s
    print(
        row(
            "start-up",
            f"{gesso.startup_s:.2f} s",
            f"{invokeai.startup_s:.2f} s",
            startup_ratio,
            "",
            STARTUP_GOAL,
        )
    )
    for server in (gesso, invokeai):
        print(f"  {server.name} starts (s): " + ", ".join(f"{t:.2f}" for t in server.startup_runs))
    rss_ratio = invokeai.idle_rss_mib / gesso.idle_rss_mib
    ours, theirs = f"{gesso.idle_rss_mib:.0f} MiB", f"{invokeai.idle_rss_mib:.0f} MiB"
    print(row("idle RSS", ours, theirs, rss_ratio, "", RSS_GOAL))
    summary: Json = {"load_before": args.load_before, "load_after": load, "ratios": {}}
    summary["ratios"].update(startup=startup_ratio, idle_rss=rss_ratio)
    for label in ROUTES:
        mine, other = gesso.results[label], invokeai.results[label]
        cpu_ratio = other["cpu_ms_per_request"] / mine["cpu_ms_per_request"]
        rate_ratio = mine["req_per_s"] / other["req_per_s"]
        summary["ratios"][label] = {"cpu": cpu_ratio, "req_per_s": rate_ratio}
        ours = f"{mine['cpu_ms_per_request']:.2f} ms {mine['req_per_s']:.0f}/s"
        theirs = f"{other['cpu_ms_per_request']:.2f} ms {other['req_per_s']:.0f}/s"
        print(row(label, ours, theirs, cpu_ratio, f"{rate_ratio:.2f}x", GOALS[label]))
    print("ms = server CPU per request; ratio = InvokeAI / Gesso (start-up time, RSS, CPU per request)")
    for server, key in ((gesso, "gesso"), (invokeai, "invokeai")):
        summary[key] = {
            "startup_s": server.startup_s,
            "startup_runs_s": server.startup_runs,
            "idle_rss_mib": server.idle_rss_mib,
            **server.results,
        }
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invokeai-venv", type=Path, required=True, help="virtualenv with invokeai 6.14.2")
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--boards", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=800, help="per route and server")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--startup-timeout", type=float, default=300)
    parser.add_argument("--startup-runs", type=int, default=3, help="timed starts per server (median)")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args(argv)
    args.load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="gesso-vs-invokeai-") as tmp:
        roots = [Path(tmp) / "gesso", Path(tmp) / "invokeai"]
        for root in roots:
            root.mkdir()
        gesso, invokeai = gesso_server(roots[0]), invokeai_server(roots[1], args.invokeai_venv)
        servers = [gesso, invokeai]
        compile_gesso()
        try:
            for server in servers:
                print(f"starting {server.name} …", flush=True)
                startup(server, args.startup_timeout, args.startup_runs)
                print(f"populating {server.name} …", flush=True)
                populate(server, args.boards, args.images)
            measure_routes(servers, args.requests, args.clients, args.rounds)
        finally:
            for server in servers:
                server.stop()
        summary = report(gesso, invokeai, args)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
