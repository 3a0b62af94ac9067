"""Real `gesso worker` and `gesso serve --no-worker` processes on this test's PostgreSQL database."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import databases

# Short enough that a killed worker is noticed within a test, long enough for a loaded machine.
TIMEOUT_S = 3
FAST = {"GESSO_WORKER_TIMEOUT_SECONDS": str(TIMEOUT_S), "GESSO_ENABLE_BENCHMARK_NODES": "true"}
Q = "/api/v1/queue/default"


def sleep_graph(seconds: float) -> dict[str, Any]:
    return {"nodes": {"nap": {"type": "bench_sleep", "seconds": seconds}}, "edges": []}


@dataclass
class WorkerProcess:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def signal(self, signum: int = signal.SIGTERM) -> None:
        self.process.send_signal(signum)

    def wait(self, timeout: float = 30) -> int:
        return self.process.wait(timeout=timeout)


StartWorker = Callable[..., WorkerProcess]


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[StartWorker]:
    started: list[WorkerProcess] = []

    def _start(root: Path, name: str, *args: str, env: dict[str, str] | None = None) -> WorkerProcess:
        log_path = tmp_path / f"worker-{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "gesso", "worker", "--root", str(root), "--name", name, *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**databases.child_env(), **FAST, **(env or {})},
            )
        worker = WorkerProcess(name, process, log_path)
        started.append(worker)
        return worker

    yield _start
    for worker in started:
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait(timeout=10)


def until(check: Callable[[], Any], what: str, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def workers(url: str) -> dict[str, dict[str, Any]]:
    response = httpx.get(f"{url}/api/v1/workers", timeout=10)
    assert response.status_code == 200, response.text
    return {w["name"]: w for w in response.json()}


def enqueue(url: str, graph: dict[str, Any], runs: int = 1) -> list[int]:
    response = httpx.post(
        f"{url}{Q}/enqueue_batch", json={"batch": {"graph": graph, "runs": runs}}, timeout=10
    )
    assert response.status_code == 200, response.text
    return sorted(response.json()["item_ids"])


def item(url: str, item_id: int) -> dict[str, Any]:
    response = httpx.get(f"{url}{Q}/i/{item_id}", timeout=10)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def wait_status(url: str, item_id: int, statuses: tuple[str, ...], timeout: float = 120) -> dict[str, Any]:
    found: dict[str, Any] = until(
        lambda: (i := item(url, item_id))["status"] in statuses and i,
        f"item {item_id} in {statuses}",
        timeout,
    )
    return found
