"""Generation benchmark: InvokeAI's own text-to-image graph through Gesso's queue against calling
diffusers directly, at the same size, steps, scheduler (Euler), CFG and seed (needs the `gen` extra).

Models (`--model`):
- `tiny` (default), `tiny-sdxl`: the tiny random SD 1.x / SDXL pipelines of `tests/gen_fixtures.py`,
  for CPUs (`tiny-sdxl` checks the SDXL path of this script).
- `sd15`, `sdxl`: full-size SD 1.5 / SDXL 1.0 base architectures with random weights, built from
  their published configurations (`bench/full_models.py`, no download), in float16, for GPUs.

1. Model cache: `ModelLoader.load` of the main model on a miss (a fresh loader: `from_pretrained`,
   moving to the device) against a hit (the same loader again), median of `--loads` tries.
2. Direct: the diffusers pipeline (`StableDiffusionPipeline` / `StableDiffusionXLPipeline`) made
   of the very components Gesso loaded, called with prompt, negative prompt, seeded CPU generator
   and PIL output; timed end to end, and its it/s from step-end callback times.
3. Queued: `Services` on a temporary root (single-user mode, the model's record inserted, socket
   delivery and the worker in this process) and InvokeAI's graph as its UI builds it
   (`tests/fixtures/invokeai_graphs/t2i.json`, or `sdxl_t2i.json`: main_model_loader → clip_skip →
   compel x2 → collect x2 → noise → denoise_latents → l2i with core_metadata) with the same
   parameters, enqueued through `QueueService.enqueue_batch` and timed to the `completed` status
   event; its it/s from denoise_latents' progress events (each carries a latent preview). The
   path adds graph validation, queue writes, ten nodes' events, the tensor store between nodes,
   the PNG with metadata, its thumbnail and image record.
Direct and queued runs alternate (`--rounds`) after one warm-up each; overhead = (queued - direct)
/ direct of the medians. Goal: <= 5%.

Usage: .venv/bin/python bench/gen_bench.py [--model tiny|tiny-sdxl|sd15|sdxl] [--size PX] [--steps N]
       [--rounds N] [--loads N] [--threads N] [--json out.json]
  CPU:  bench/gen_bench.py                                  (tiny, 256x256, 8 steps)
  GPU:  bench/gen_bench.py --model sd15 --size 512 --steps 30
        bench/gen_bench.py --model sdxl --size 1024 --steps 30
  smoke test of the full-size path on a CPU: bench/gen_bench.py --model sd15 --size 64 --steps 2 --rounds 1
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

from bench.full_models import BASES, build_full_pipeline, parameter_count  # noqa: E402
from gesso.auth.actor import SYSTEM_ACTOR  # noqa: E402
from gesso.config import Settings  # noqa: E402
from gesso.events.bus import Event  # noqa: E402
from gesso.models.loader import ModelLoader, identifier, pick_device  # noqa: E402
from gesso.models.store import insert_model  # noqa: E402
from gesso.queue.schemas import Batch  # noqa: E402
from gesso.services import Services  # noqa: E402
from tests.gen_fixtures import build_tiny_pipeline, build_tiny_sdxl, model_record, models_database  # noqa: E402
from tests.invokeai_graphs import enqueue_body, node_of_type  # noqa: E402

GOAL_OVERHEAD = 0.05
MODEL_KEY = "bench-model"
PROMPT = "a lighthouse at dusk, oil painting"
NEGATIVE = "blurry, low quality"
CFG = 7.5
FINISHED = ("completed", "failed", "canceled")


def median_time(action: Callable[[], Any], times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def its(step_times: list[float]) -> float:
    """Iterations per second from the times at which successive steps ended."""
    if len(step_times) < 2:
        return float("nan")
    return (len(step_times) - 1) / (step_times[-1] - step_times[0])


def bench_cache(models_dir: Path, record: Any, loads: int) -> dict[str, Any]:
    db = models_database(models_dir / "cache-db", [record])
    try:
        ModelLoader(db, models_dir, 2**36).load(MODEL_KEY)  # warm imports and the file cache

        def miss() -> None:
            ModelLoader(db, models_dir, 2**36).load(MODEL_KEY)

        warm = ModelLoader(db, models_dir, 2**36)
        warm.load(MODEL_KEY)
        result = {
            "miss_s": median_time(miss, loads),
            "hit_s": median_time(lambda: warm.load(MODEL_KEY), loads * 20),
            "device": warm.device,
            "dtype": warm.dtype,
        }
        stats = warm.cache.stats()
        return result | {"cached_mb": stats.used_bytes / 1e6}
    finally:
        db.dispose()


class Completion:
    """Collects events: an item's end, when its graph started and ended, its denoising steps."""

    def __init__(self) -> None:
        self._done: dict[int, tuple[str, float]] = {}
        self._marks: dict[int, dict[str, float]] = {}
        self._steps: dict[int, list[float]] = {}
        self._cond = threading.Condition()
        self.progress_events = 0
        self.previews = 0

    def __call__(self, event: Event) -> None:
        now = time.perf_counter()
        item_id = event.payload.get("item_id")
        if item_id is None:
            return
        if event.name == "invocation_progress":
            self.progress_events += 1
            self.previews += event.payload.get("image") is not None
            invocation = event.payload.get("invocation") or {}
            if invocation.get("type") == "denoise_latents" and event.payload.get("percentage") is not None:
                self._steps.setdefault(item_id, []).append(now)
        marks = self._marks.setdefault(item_id, {})
        if event.name == "invocation_started":
            marks.setdefault("first_started", now)
        if event.name == "invocation_complete":
            marks["last_complete"] = now
        if event.name == "queue_item_status_changed" and event.payload["status"] in FINISHED:
            with self._cond:
                self._done[item_id] = (event.payload["status"], now)
                self._cond.notify_all()

    def wait(self, item_id: int, timeout: float = 1200) -> tuple[str, float, dict[str, float], list[float]]:
        with self._cond:
            if not self._cond.wait_for(lambda: item_id in self._done, timeout):
                raise TimeoutError(f"item {item_id} did not finish")
            status, finished = self._done.pop(item_id)
            return status, finished, self._marks.pop(item_id, {}), self._steps.pop(item_id, [])


def invokeai_body(model: dict[str, Any], steps: int, seed: int, size: int) -> dict[str, Any]:
    """InvokeAI's text-to-image enqueue body for `model`, with this benchmark's parameters."""
    sdxl = model["base"] == "sdxl"
    body = enqueue_body("sdxl_t2i" if sdxl else "t2i", {"<sdxl>" if sdxl else "<sd1>": model})
    nodes = body["batch"]["graph"]["nodes"]
    for node in nodes.values():
        if node["type"] in ("compel", "sdxl_compel_prompt"):
            positive = node["id"].startswith("pos_")
            node["prompt"] = PROMPT if positive else NEGATIVE
            if sdxl:
                node["style"] = node["prompt"]
                node |= {
                    key: size
                    for key in ("original_width", "original_height", "target_width", "target_height")
                }
        if node["type"] in ("noise", "core_metadata"):
            node |= {"width": size, "height": size, "seed": seed}
        if node["type"] in ("denoise_latents", "core_metadata"):
            node |= {"steps": steps, "cfg_scale": CFG, "scheduler": "euler"}
    for column in body["batch"]["data"][0]:
        column["items"] = [seed]
    assert nodes[node_of_type(body, "denoise_latents")]["denoising_end"] == 1
    return body


async def bench_paths(root: Path, record: Any, steps: int, rounds: int, size: int) -> dict[str, Any]:
    services = Services.open(Settings(root=root))
    with services.db.write() as conn:
        insert_model(conn, record)
    completion = Completion()
    services.bus.subscribe(completion)
    await services.start()
    try:
        return await asyncio.to_thread(_run_paths, services, completion, record, steps, rounds, size)
    finally:
        await services.stop()
        services.close()


def _direct_pipeline(services: Services, base: str) -> Any:
    from diffusers import EulerDiscreteScheduler, StableDiffusionPipeline, StableDiffusionXLPipeline

    loaded = services.model_loader.load(MODEL_KEY)
    components = {
        **loaded.components,
        "scheduler": EulerDiscreteScheduler.from_config(loaded.scheduler.config),
    }
    if base == "sdxl":
        pipe = StableDiffusionXLPipeline(**components, add_watermarker=False)
    else:
        pipe = StableDiffusionPipeline(**components, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _run_paths(
    services: Services, completion: Completion, record: Any, steps: int, rounds: int, size: int
) -> dict[str, Any]:
    import torch

    direct_pipe = _direct_pipeline(services, record.base)
    model = identifier(record)
    sync = torch.cuda.synchronize if services.model_loader.device.startswith("cuda") else (lambda: None)

    def direct(seed: int) -> tuple[float, float]:
        step_ends: list[float] = []

        def on_step_end(pipe: Any, step: int, timestep: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
            sync()
            step_ends.append(time.perf_counter())
            return kwargs

        start = time.perf_counter()
        with torch.inference_mode():
            direct_pipe(
                prompt=PROMPT, negative_prompt=NEGATIVE, num_inference_steps=steps, width=size,
                height=size, guidance_scale=CFG, generator=torch.Generator("cpu").manual_seed(seed),
                output_type="pil", callback_on_step_end=on_step_end,
            )  # fmt: skip
        return time.perf_counter() - start, its(step_ends)

    phases: dict[str, list[float]] = {"before_graph": [], "graph": [], "after_graph": []}

    def queued(seed: int) -> tuple[float, float]:
        start = time.perf_counter()
        body = invokeai_body(model, steps, seed, size)
        result = services.queue.enqueue_batch(SYSTEM_ACTOR, "default", Batch(**body["batch"]), False)
        status, finished, marks, step_ends = completion.wait(result.item_ids[0])
        if status != "completed":
            item = services.queue.get_item(SYSTEM_ACTOR, "default", result.item_ids[0])
            raise RuntimeError(f"queued generation {status}: {item.error_message}")
        phases["before_graph"].append(marks["first_started"] - start)
        phases["graph"].append(marks["last_complete"] - marks["first_started"])
        phases["after_graph"].append(finished - marks["last_complete"])
        return finished - start, its(step_ends)

    direct(0)
    queued(0)  # warm-up: first graph, first PNG, first thumbnail
    for values in phases.values():
        values.clear()
    completion.progress_events = completion.previews = 0
    samples: dict[str, list[float]] = {"direct": [], "queued": [], "direct_its": [], "queued_its": []}
    for index in range(rounds):
        order = [("direct", direct), ("queued", queued)]
        for name, run in order if index % 2 == 0 else order[::-1]:
            seconds, rate = run(index + 1)
            samples[name].append(seconds)
            samples[f"{name}_its"].append(rate)
    med = {name: statistics.median(values) for name, values in {**samples, **phases}.items()}
    return {
        "steps": steps,
        "size": size,
        "rounds": rounds,
        "direct_s": med["direct"],
        "queued_s": med["queued"],
        "direct_its": med["direct_its"],
        "queued_its": med["queued_its"],
        "overhead_s": med["queued"] - med["direct"],
        "overhead": (med["queued"] - med["direct"]) / med["direct"],
        "before_graph_s": med["before_graph"],
        "graph_s": med["graph"],
        "after_graph_s": med["after_graph"],
        "progress_events_per_item": completion.progress_events / rounds,
        "previews_per_item": completion.previews / rounds,
        "samples": samples,
    }


def report(model: str, params: int, cache: dict[str, Any], paths: dict[str, Any], threads: int) -> None:
    import diffusers
    import torch

    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else "none"
    steps, size = paths["steps"], paths["size"]
    ms = {key: value * 1000 for key, value in paths.items() if key.endswith("_s")}
    print(
        f"python {platform.python_version()}, torch {torch.__version__} ({threads} threads), "
        f"diffusers {diffusers.__version__}, device {cache['device']} ({cache['dtype']}), GPU {gpu}"
    )
    print(f"model {model}: {params / 1e6:.1f} M parameters")
    print(
        f"model cache: miss {cache['miss_s'] * 1000:.1f} ms, hit {cache['hit_s'] * 1e6:.0f} us "
        f"({cache['cached_mb']:.1f} MB cached)"
    )
    print(
        f"{size}x{size}, {steps} steps, Euler, CFG {CFG}: direct {ms['direct_s']:.1f} ms "
        f"({paths['direct_its']:.2f} it/s), InvokeAI graph through the queue {ms['queued_s']:.1f} ms "
        f"({paths['queued_its']:.2f} it/s)"
    )
    print(
        f"queued = {ms['before_graph_s']:.1f} ms before the graph + {ms['graph_s']:.1f} graph + "
        f"{ms['after_graph_s']:.1f} after it ({paths['progress_events_per_item']:.0f} progress events, "
        f"{paths['previews_per_item']:.0f} previews per item)"
    )
    verdict = "met" if paths["overhead"] <= GOAL_OVERHEAD else "MISSED"
    print(
        f"overhead of the InvokeAI graph through the queue: {ms['overhead_s']:.1f} ms = "
        f"{paths['overhead'] * 100:.1f}% (goal <= {GOAL_OVERHEAD * 100:.0f}%): {verdict}"
    )


def build_model(name: str, folder: Path) -> Any:
    if name == "tiny":
        return model_record(MODEL_KEY, build_tiny_pipeline(folder / "tiny-sd1"))
    if name == "tiny-sdxl":
        return model_record(MODEL_KEY, build_tiny_sdxl(folder / "tiny-sdxl"), base="sdxl")
    device = pick_device()
    path = build_full_pipeline(name, folder / name, device=device)
    return model_record(MODEL_KEY, path, base=BASES[name], name=f"random {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=("tiny", "tiny-sdxl", "sd15", "sdxl"), default="tiny")
    parser.add_argument("--size", type=int, default=256, help="image width and height (multiple of 8)")
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--loads", type=int, default=0, help="cache-miss loads (0: 5 tiny, 1 full-size)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    import torch
    from diffusers.utils import logging as diffusers_logging
    from transformers.utils import logging as transformers_logging

    diffusers_logging.disable_progress_bar()
    transformers_logging.disable_progress_bar()
    if args.threads:
        torch.set_num_threads(args.threads)
    loads = args.loads or (5 if args.model.startswith("tiny") else 1)
    folder = Path(tempfile.mkdtemp(prefix="gesso-gen-bench-"))
    try:
        started = time.perf_counter()
        record = build_model(args.model, folder / "models")
        params = parameter_count(Path(record.path))
        print(f"built {args.model} in {time.perf_counter() - started:.1f} s", flush=True)
        cache = bench_cache(folder / "models", record, loads)
        paths = asyncio.run(bench_paths(folder / "root", record, args.steps, args.rounds, args.size))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(args.model, params, cache, paths, torch.get_num_threads())
    if args.json:
        args.json.write_text(json.dumps({"cache": cache, "paths": paths}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
