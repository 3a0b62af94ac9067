"""Separate `gesso worker` processes beside `gesso serve --no-worker` (SPEC §21), all real
processes on one PostgreSQL database: sharing the queue, stopping on SIGTERM (finishing or
releasing the running item), dying mid-item, and refusing to run where they cannot."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx
import pytest

from tests import databases
from tests.cli.test_cli import Gesso
from tests.e2e.server import StartServer
from tests.workers.processes import (
    FAST,
    TIMEOUT_S,
    Q,
    StartWorker,
    enqueue,
    item,
    sleep_graph,
    until,
    wait_status,
    workers,
)

# Every test here starts several `gesso` processes (each imports the whole app): on shared CPUs
# that alone can take a minute, so these get more than the default 120 s.
pytestmark = pytest.mark.timeout(300)

API_ONLY = ("--no-worker",)


@pytest.mark.postgresql_only
def test_two_workers_share_the_queue(
    root: Path, start_server: StartServer, start_worker: StartWorker
) -> None:
    api = start_server(root, args=API_ONLY, env=FAST)
    first, second = start_worker(root, "gpu0", "--device", "cpu"), start_worker(root, "gpu1")
    until(lambda: {"gpu0", "gpu1"} <= set(workers(api.url)), "both workers registered", timeout=90)
    listed = workers(api.url)
    assert listed["gpu0"]["device"] == "cpu" and listed["gpu0"]["in_process"] is False
    assert not any(w["in_process"] for w in listed.values())  # the API process runs nothing

    item_ids = enqueue(api.url, sleep_graph(0.6), runs=6)
    for item_id in item_ids:
        assert wait_status(api.url, item_id, ("completed", "failed", "canceled"))["status"] == "completed"
    ran_by = databases.query(root, "SELECT DISTINCT worker_id FROM session_queue WHERE status = 'completed'")
    assert len(ran_by) == 2, "both workers took items"

    for worker in (first, second):
        worker.signal(signal.SIGTERM)
        assert worker.wait() == 0, worker.log()
    stopped = workers(api.url)
    assert stopped["gpu0"]["state"] == stopped["gpu1"]["state"] == "stopped"


@pytest.mark.postgresql_only
def test_sigterm_finishes_the_running_item_by_default(
    root: Path, start_server: StartServer, start_worker: StartWorker
) -> None:
    api = start_server(root, args=API_ONLY, env=FAST)
    worker = start_worker(root, "finisher")
    [item_id] = enqueue(api.url, sleep_graph(2))
    wait_status(api.url, item_id, ("in_progress",))
    worker.signal(signal.SIGTERM)
    assert worker.wait() == 0, worker.log()
    assert item(api.url, item_id)["status"] == "completed"


@pytest.mark.postgresql_only
def test_sigterm_with_release_puts_the_item_back_for_another_worker(
    root: Path, start_server: StartServer, start_worker: StartWorker
) -> None:
    api = start_server(root, args=API_ONLY, env=FAST)
    leaving = start_worker(root, "leaving", "--on-stop", "release")
    # Long enough that a loaded machine cannot finish it between `in_progress` and the signal
    # (CI once did with 3 s); the release interrupts it, so only the second run pays for it.
    [item_id] = enqueue(api.url, sleep_graph(8))
    wait_status(api.url, item_id, ("in_progress",))
    leaving.signal(signal.SIGTERM)
    assert leaving.wait() == 0, leaving.log()
    released = item(api.url, item_id)
    assert released["status"] == "pending" and released["started_at"] is None

    start_worker(root, "taking-over")
    assert wait_status(api.url, item_id, ("completed", "failed"))["status"] == "completed"
    [(worker_id,)] = databases.query(
        root, "SELECT worker_id FROM session_queue WHERE item_id = :i", i=item_id
    )
    assert worker_id == workers(api.url)["taking-over"]["worker_id"]


@pytest.mark.postgresql_only
def test_killed_worker_fails_its_item_naming_it_and_the_api_keeps_answering(
    root: Path, start_server: StartServer, start_worker: StartWorker
) -> None:
    api = start_server(root, args=API_ONLY, env=FAST)
    doomed = start_worker(root, "doomed")
    [item_id] = enqueue(api.url, sleep_graph(60))
    wait_status(api.url, item_id, ("in_progress",))
    doomed.signal(signal.SIGKILL)
    doomed.wait()

    failed = wait_status(api.url, item_id, ("failed",), timeout=TIMEOUT_S * 30)
    assert "Worker 'doomed'" in failed["error_message"] and "heartbeats" in failed["error_message"]
    assert failed["error_type"] == "WorkerLost"
    assert workers(api.url)["doomed"]["state"] == "lost"
    # The rest of the queue carries on with the next worker.
    start_worker(root, "next")
    [next_id] = enqueue(api.url, sleep_graph(0.1))
    assert wait_status(api.url, next_id, ("completed",))["status"] == "completed"


def test_worker_refuses_sqlite_and_unknown_devices(gesso: Gesso, root: Path) -> None:
    sqlite = {"GESSO_DATABASE_URL": f"sqlite:///{root / 'databases' / 'gesso.db'}"}
    line = gesso("worker", env=sqlite).one_line_error()
    assert "needs PostgreSQL" in line and "gesso serve" in line
    assert "--device 'gpu7'" in gesso("worker", "--device", "gpu7", env=sqlite).one_line_error()
    assert "needs PostgreSQL" in gesso("serve", "--no-worker", env=sqlite).one_line_error()


@pytest.mark.postgresql_only
def test_worker_refuses_another_schema_revision(gesso: Gesso, root: Path) -> None:
    assert gesso("db", "upgrade").code == 0
    databases.execute(root, "UPDATE alembic_version SET version_num = '0011_identity'")
    line = gesso("worker").one_line_error()
    assert "schema is at 0011_identity" in line and "needs 0012_workers" in line


@pytest.mark.postgresql_only
def test_pausing_on_one_api_process_pauses_every_worker(
    root: Path, start_server: StartServer, start_worker: StartWorker
) -> None:
    a = start_server(root, args=API_ONLY, env=FAST)
    b = start_server(root, args=API_ONLY, env=FAST)
    start_worker(root, "gpu0")
    until(lambda: "gpu0" in workers(a.url), "the worker registered", 90)
    assert httpx.put(f"{a.url}{Q}/processor/pause").json()["is_started"] is False
    assert httpx.get(f"{b.url}{Q}/status").json()["processor"]["is_started"] is False
    [item_id] = enqueue(b.url, sleep_graph(0.1))
    time.sleep(3)
    assert item(a.url, item_id)["status"] == "pending"
    assert httpx.put(f"{b.url}{Q}/processor/resume").json()["is_started"] is True
    assert wait_status(a.url, item_id, ("completed",))["status"] == "completed"
