"""Generation benchmark with the tiny random SD pipeline of `tests/gen_fixtures.py` (needs the `gen` extra).

1. Model cache: `ModelLoader.load` of a main model on a miss (a fresh loader: `from_pretrained`,
   moving to the device) against a hit (the same loader again; both include reading the model's
   record from the database), median of `--loads` tries.
2. Direct pipeline: `StableDiffusionPipeline.__call__` at 64x64 (`--size`) with Euler, `--steps`
   (8) and twice as many steps, seeded CPU generator, PIL output: end-to-end time, and the time
   per step as the difference of the two divided by `--steps` (what a step costs beyond the
   fixed part: prompt encoding, VAE decode, PIL conversion).
3. Queue + events: `Services` on a temporary root (single-user mode, the tiny model's record
   inserted, socket delivery and the worker running in this process) and an `sd_text_to_image`
   graph with the same parameters, enqueued through `QueueService.enqueue_batch`; timed from
   before the enqueue to the `completed` status event. That path adds graph validation, queue
   writes, per-step progress events with a JPEG preview, the PNG with metadata, its thumbnail and
   image record. Direct and queued runs alternate (`--rounds`), after one warm-up each; the
   overhead is (queued - direct) / direct of the medians. Goal: <= 10% at 8 steps.

Usage: .venv/bin/python bench/gen_bench.py [--rounds N] [--loads N] [--steps N] [--size PX]
       [--threads N] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

warnings.filterwarnings("ignore")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gesso.auth.actor import SYSTEM_ACTOR  # noqa: E402
from gesso.config import Settings  # noqa: E402
from gesso.events.bus import Event  # noqa: E402
from gesso.models.loader import ModelLoader  # noqa: E402
from gesso.models.store import insert_model  # noqa: E402
from gesso.queue.schemas import Batch  # noqa: E402
from gesso.services import Services  # noqa: E402
from tests.gen_fixtures import build_tiny_pipeline, model_record, models_database  # noqa: E402

GOAL_OVERHEAD = 0.10
MODEL_KEY = "tiny-sd1"
PROMPT = "a lighthouse at dusk"
FINISHED = ("completed", "failed", "canceled")


def median_time(action: Callable[[], Any], times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_cache(models_dir: Path, pipeline: Path, loads: int) -> dict[str, Any]:
    db = models_database(models_dir / "cache-db", [model_record(MODEL_KEY, pipeline)])
    try:
        ModelLoader(db, models_dir, 2**30).load(MODEL_KEY)  # warm imports and the file cache

        def miss() -> None:
            ModelLoader(db, models_dir, 2**30).load(MODEL_KEY)

        warm = ModelLoader(db, models_dir, 2**30)
        warm.load(MODEL_KEY)
        result = {
            "miss_s": median_time(miss, loads),
            "hit_s": median_time(lambda: warm.load(MODEL_KEY), loads * 20),
            "device": warm.device,
            "dtype": warm.dtype,
        }
        stats = warm.cache.stats()
        result |= {"hits": stats.hits, "misses": stats.misses, "cached_mb": stats.used_bytes / 1e6}
        return result
    finally:
        db.dispose()


class Completion:
    """Collects events to wait for an item's end and to split its time into phases."""

    def __init__(self) -> None:
        self._done: dict[int, tuple[str, float]] = {}
        self._marks: dict[int, dict[str, float]] = {}
        self._cond = threading.Condition()
        self.progress_events = 0
        self.previews = 0

    def __call__(self, event: Event) -> None:
        now = time.perf_counter()
        item_id = event.payload.get("item_id")
        if event.name == "invocation_progress":
            self.progress_events += 1
            self.previews += event.payload.get("image") is not None
        if event.name in ("invocation_started", "invocation_complete") and item_id is not None:
            self._marks.setdefault(item_id, {})[event.name] = now
        if event.name == "queue_item_status_changed" and event.payload["status"] in FINISHED:
            with self._cond:
                self._done[item_id] = (event.payload["status"], now)
                self._cond.notify_all()

    def wait(self, item_id: int, timeout: float = 300) -> tuple[str, float, dict[str, float]]:
        with self._cond:
            if not self._cond.wait_for(lambda: item_id in self._done, timeout):
                raise TimeoutError(f"item {item_id} did not finish")
            status, finished = self._done.pop(item_id)
            return status, finished, self._marks.pop(item_id, {})


def graph(steps: int, seed: int, size: int) -> dict[str, Any]:
    node = {
        "type": "sd_text_to_image",
        "model": MODEL_KEY,
        "prompt": PROMPT,
        "width": size,
        "height": size,
        "steps": steps,
        "scheduler": "euler",
        "seed": seed,
    }
    return {"nodes": {"gen": node}, "edges": []}


async def bench_paths(root: Path, pipeline: Path, steps: int, rounds: int, size: int) -> dict[str, Any]:
    services = Services.open(Settings(root=root))
    with services.db.write() as conn:
        insert_model(conn, model_record(MODEL_KEY, pipeline))
    completion = Completion()
    services.bus.subscribe(completion)
    await services.start()
    try:
        return await asyncio.to_thread(_run_paths, services, completion, steps, rounds, size)
    finally:
        await services.stop()
        services.close()


def _run_paths(
    services: Services, completion: Completion, steps: int, rounds: int, size: int
) -> dict[str, Any]:
    import torch
    from diffusers import EulerDiscreteScheduler, StableDiffusionPipeline

    base = services.model_loader.load(MODEL_KEY)
    direct_pipe = StableDiffusionPipeline(
        **{**base.components, "scheduler": EulerDiscreteScheduler.from_config(base.scheduler.config)},
        requires_safety_checker=False,
    )
    direct_pipe.set_progress_bar_config(disable=True)

    def direct(n: int, seed: int) -> float:
        start = time.perf_counter()
        with torch.inference_mode():
            direct_pipe(
                prompt=PROMPT,
                num_inference_steps=n,
                width=size,
                height=size,
                guidance_scale=7.5,
                generator=torch.Generator("cpu").manual_seed(seed),
                output_type="pil",
            )
        return time.perf_counter() - start

    phases: dict[str, list[float]] = {"before_node": [], "node": [], "after_node": []}

    def queued(n: int, seed: int) -> float:
        start = time.perf_counter()
        result = services.queue.enqueue_batch(
            SYSTEM_ACTOR, "default", Batch(graph=graph(n, seed, size)), False
        )
        status, finished, marks = completion.wait(result.item_ids[0])
        if status != "completed":
            item = services.queue.get_item(SYSTEM_ACTOR, "default", result.item_ids[0])
            raise RuntimeError(f"queued generation {status}: {item.error_message}")
        phases["before_node"].append(marks["invocation_started"] - start)
        phases["node"].append(marks["invocation_complete"] - marks["invocation_started"])
        phases["after_node"].append(finished - marks["invocation_complete"])
        return finished - start

    direct(steps, 0)
    queued(steps, 0)  # warm-up: first graph, first PNG, first thumbnail
    samples: dict[str, list[float]] = {"direct": [], "queued": [], "direct_2x": []}
    for values in phases.values():
        values.clear()
    completion.progress_events = completion.previews = 0
    for index in range(rounds):
        order = [("direct", direct), ("queued", queued)]
        for name, run in order if index % 2 == 0 else order[::-1]:
            samples[name].append(run(steps, index + 1))
        samples["direct_2x"].append(direct(2 * steps, index + 1))
    med = {name: statistics.median(values) for name, values in {**samples, **phases}.items()}
    return {
        "steps": steps,
        "size": size,
        "rounds": rounds,
        "direct_s": med["direct"],
        "queued_s": med["queued"],
        "direct_2x_s": med["direct_2x"],
        "step_s": (med["direct_2x"] - med["direct"]) / steps,
        "overhead_s": med["queued"] - med["direct"],
        "overhead": (med["queued"] - med["direct"]) / med["direct"],
        "before_node_s": med["before_node"],
        "node_s": med["node"],
        "after_node_s": med["after_node"],
        "progress_events_per_item": completion.progress_events / rounds,
        "previews_per_item": completion.previews / rounds,
        "samples": samples,
    }


def report(cache: dict[str, Any], paths: dict[str, Any], threads: int) -> None:
    import diffusers
    import torch

    steps = paths["steps"]
    ms = {key: value * 1000 for key, value in paths.items() if key.endswith("_s")}
    print(
        f"python {platform.python_version()}, torch {torch.__version__} ({threads} threads), "
        f"diffusers {diffusers.__version__}, device {cache['device']} ({cache['dtype']})"
    )
    print(
        f"model cache: miss {cache['miss_s'] * 1000:.1f} ms, hit {cache['hit_s'] * 1e6:.0f} us "
        f"({cache['cached_mb']:.1f} MB cached; {cache['hits']} hits, {cache['misses']} misses)"
    )
    print(
        f"direct pipeline {paths['size']}x{paths['size']}: {steps} steps {ms['direct_s']:.1f} ms, "
        f"{2 * steps} steps {ms['direct_2x_s']:.1f} ms, so {ms['step_s']:.1f} ms per step"
    )
    print(
        f"queue + events, {steps} steps: {ms['queued_s']:.1f} ms end to end = "
        f"{ms['before_node_s']:.1f} before the node + {ms['node_s']:.1f} node + "
        f"{ms['after_node_s']:.1f} after it ({paths['progress_events_per_item']:.0f} progress events, "
        f"{paths['previews_per_item']:.0f} previews per item)"
    )
    verdict = "met" if paths["overhead"] <= GOAL_OVERHEAD else "MISSED"
    print(
        f"overhead of queue + events at {steps} steps: {ms['overhead_s']:.1f} ms = "
        f"{paths['overhead'] * 100:.1f}% (goal <= {GOAL_OVERHEAD * 100:.0f}%): {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--size", type=int, default=64, help="image width and height (multiple of 8)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    folder = Path(tempfile.mkdtemp(prefix="gesso-gen-bench-"))
    try:
        pipeline = build_tiny_pipeline(folder / "models" / MODEL_KEY)
        cache = bench_cache(folder / "models", pipeline, args.loads)
        paths = asyncio.run(bench_paths(folder / "root", pipeline, args.steps, args.rounds, args.size))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(cache, paths, torch.get_num_threads())
    if args.json:
        args.json.write_text(json.dumps({"cache": cache, "paths": paths}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
