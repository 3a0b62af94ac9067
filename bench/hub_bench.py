"""Download throughput of Hugging Face installs against the local fake hub (`tests/fake_hub.py`).

A repo shaped like a diffusers pipeline (model_index.json, and a UNet, VAE and text encoder of
the given total size in safetensors files, each LFS file redirected to the fake hub's "CDN"
origin like the real hub does) is served on 127.0.0.1. Each round, on a fresh root:

- **Gesso install**: `ModelService.install("bench/pipeline")` through the real installer; the
  download phase is timed from `model_install_download_started` to
  `model_install_downloads_complete`, and the whole job (probe, content hash, move, register)
  to `model_install_complete`.
- **huggingface_hub**: `hf_hub_download(..., local_dir=…)` of the same files, one after the
  other, the reference for what the library itself does over the same loopback connection.
- **Plain GET**: `httpx2` streaming each file to disk with no checks: the ceiling.

Rounds alternate the three; medians are reported, and the ratio Gesso ÷ huggingface_hub.
Not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx2
from huggingface_hub import hf_hub_download

from gesso.config import Settings
from gesso.events.bus import Event
from gesso.services import Services
from tests.fake_hub import FakeHub, FakeRepo
from tests.model_files import write_safetensors

REPO = "bench/pipeline"
MIB = 2**20


def build_repo(folder: Path, total_mib: int) -> FakeRepo:
    """A pipeline whose weights add up to `total_mib` (UNet 60%, text encoder 30%, VAE 10%)."""
    index = {
        "_class_name": "StableDiffusionPipeline",
        "unet": ["diffusers", "UNet2DConditionModel"],
        "vae": ["diffusers", "AutoencoderKL"],
        "text_encoder": ["transformers", "CLIPTextModel"],
        "scheduler": ["diffusers", "PNDMScheduler"],
    }
    folder.mkdir(parents=True)
    (folder / "model_index.json").write_text(json.dumps(index))
    configs = {
        "unet": {"_class_name": "UNet2DConditionModel", "cross_attention_dim": 768},
        "vae": {"_class_name": "AutoencoderKL", "scaling_factor": 0.18215},
        "text_encoder": {"architectures": ["CLIPTextModel"]},
        "scheduler": {"_class_name": "PNDMScheduler"},
    }
    for name, config in configs.items():
        (folder / name).mkdir()
        config_name = "scheduler_config.json" if name == "scheduler" else "config.json"
        (folder / name / config_name).write_text(json.dumps(config))
    shares = {"unet": 0.6, "text_encoder": 0.3, "vae": 0.1}
    for name, share in shares.items():
        weights = "model.safetensors" if name == "text_encoder" else "diffusion_pytorch_model.safetensors"
        elements = int(total_mib * MIB * share) // 2
        write_safetensors(folder / name / weights, {"weight": [elements]}, seed=len(name))
    return FakeRepo.from_folder(folder)


def gesso_round(hub_url: str, work: Path) -> tuple[float, float, int]:
    """(download seconds, whole install seconds, bytes) for one install on a fresh root."""
    os.environ["HF_ENDPOINT"] = hub_url
    services = Services.open(Settings(root=work / "root"))
    times: dict[str, float] = {}
    done = threading.Event()

    def on_event(event: Event) -> None:
        times.setdefault(event.name, time.perf_counter())
        if event.name in ("model_install_complete", "model_install_error"):
            done.set()

    services.bus.subscribe(on_event)
    try:
        started = time.perf_counter()
        job = services.models.install(REPO, inplace=False, config={})
        done.wait(600)
        final = services.models.installer.get(job.id)
        if final.status != "completed":
            raise SystemExit(f"install failed: {final.error}")
        download = times["model_install_downloads_complete"] - times["model_install_download_started"]
        return download, times["model_install_complete"] - started, final.total_bytes
    finally:
        services.close()
        shutil.rmtree(work / "root", ignore_errors=True)


def library_round(hub_url: str, repo: FakeRepo, work: Path) -> float:
    target = work / "hf"
    started = time.perf_counter()
    for path in weight_and_config_files(repo):
        hf_hub_download(REPO, path, local_dir=target, endpoint=hub_url, token=False)
    elapsed = time.perf_counter() - started
    shutil.rmtree(target, ignore_errors=True)
    return elapsed


def plain_round(hub_url: str, repo: FakeRepo, work: Path) -> float:
    target = work / "plain"
    target.mkdir()
    started = time.perf_counter()
    with httpx2.Client(follow_redirects=True, timeout=60) as client:
        for path in weight_and_config_files(repo):
            with (
                client.stream("GET", f"{hub_url}/{REPO}/resolve/main/{path}") as response,
                (target / path.replace("/", "_")).open("wb") as handle,
            ):
                for chunk in response.iter_bytes():
                    handle.write(chunk)
    elapsed = time.perf_counter() - started
    shutil.rmtree(target, ignore_errors=True)
    return elapsed


def weight_and_config_files(repo: FakeRepo) -> list[str]:
    return sorted(repo.files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mib", type=int, default=512, help="total size of the weights (MiB)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gesso-hub-bench-"))
    hub = FakeHub()
    try:
        repo = build_repo(work / "repo", args.mib)
        hub.repos[REPO] = repo
        hub.start()
        size = sum(len(data) for data in repo.files.values())
        results: dict[str, list[float]] = {"download": [], "install": [], "hf_hub_download": [], "plain": []}
        for _ in range(args.rounds):
            download, install, fetched = gesso_round(hub.url, work)
            results["download"].append(download)
            results["install"].append(install)
            results["hf_hub_download"].append(library_round(hub.url, repo, work))
            results["plain"].append(plain_round(hub.url, repo, work))
        report(results, size, fetched, args)
    finally:
        hub.stop()
        shutil.rmtree(work, ignore_errors=True)


def report(results: dict[str, list[float]], size: int, fetched: int, args: argparse.Namespace) -> None:
    medians = {name: statistics.median(values) for name, values in results.items()}
    rate = {name: size / MIB / seconds for name, seconds in medians.items()}
    load = os.getloadavg()
    rounds = len(results["plain"])
    print(f"hub_bench: {size / MIB:.0f} MiB, {rounds} rounds (Gesso fetched {fetched / MIB:.0f} MiB)")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load {load[0]:.1f}")
    for name, label in (
        ("download", "Gesso download phase"),
        ("install", "Gesso whole install (download + hash + place)"),
        ("hf_hub_download", "huggingface_hub hf_hub_download"),
        ("plain", "plain httpx2 GET to disk"),
    ):
        print(f"  {label:48s} {medians[name]:7.2f} s  {rate[name]:8.1f} MiB/s")
    print(f"  Gesso download ÷ hf_hub_download throughput: {rate['download'] / rate['hf_hub_download']:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"size": size, "medians": medians, "mib_per_s": rate}, indent=2))


if __name__ == "__main__":
    main()
