"""Model files written by hand (no torch): safetensors headers with chosen tensor names and shapes,
diffusers folders, and a small HTTP server on 127.0.0.1 for download tests.

A safetensors file is an 8-byte little-endian header length, a JSON header
`{name: {dtype, shape, data_offsets}}` and the tensor bytes (zeros here).
"""

from __future__ import annotations

import json
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from math import prod
from pathlib import Path

SD1_ATTN2 = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight"
SDXL_ATTN2 = "model.diffusion_model.input_blocks.4.1.transformer_blocks.0.attn2.to_k.weight"
LORA_UNET_ATTN2 = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight"
LORA_TE2 = "lora_te2_text_model_encoder_layers_0_self_attn_k_proj.lora_down.weight"
LORA_TE1 = "lora_te1_text_model_encoder_layers_0_self_attn_k_proj.lora_down.weight"


def write_safetensors(
    path: Path, tensors: dict[str, list[int]], metadata: dict[str, str] | None = None, *, seed: int = 0
) -> Path:
    """F16 tensors of the given shapes; the data is zeros except one byte from `seed`, so two
    files with different seeds have different content hashes."""
    header: dict[str, object] = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for name, shape in tensors.items():
        size = prod(shape) * 2
        header[name] = {"dtype": "F16", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    data = bytearray(offset)
    if data:
        data[0] = seed % 256
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + bytes(data))
    return path


def sd1_checkpoint(path: Path, width: int = 768) -> Path:
    return write_safetensors(
        path,
        {
            "model.diffusion_model.input_blocks.0.0.weight": [320, 4, 3, 3],
            SD1_ATTN2: [320, width],
            "first_stage_model.decoder.conv_in.weight": [512, 4, 3, 3],
        },
    )


def sdxl_checkpoint(path: Path, *, conditioner: bool = True) -> Path:
    tensors = {"model.diffusion_model.input_blocks.0.0.weight": [320, 4, 3, 3], SDXL_ATTN2: [640, 2048]}
    if conditioner:
        tensors["conditioner.embedders.1.model.text_projection"] = [1280, 1280]
    return write_safetensors(path, tensors)


def vae_checkpoint(path: Path, seed: int = 0) -> Path:
    return write_safetensors(
        path,
        {"encoder.conv_in.weight": [128, 3, 3, 3], "decoder.conv_in.weight": [512, 4, 3, 3]},
        seed=seed,
    )


def lora_file(path: Path, base: str = "sd-1", seed: int = 0) -> Path:
    if base == "sdxl":
        tensors = {LORA_TE1: [4, 768], LORA_TE2: [4, 1280]}
    else:
        tensors = {LORA_UNET_ATTN2: [4, 768], LORA_UNET_ATTN2.replace("lora_down", "lora_up"): [320, 4]}
    return write_safetensors(path, tensors, seed=seed)


def diffusers_folder(
    path: Path,
    pipeline: str = "StableDiffusionPipeline",
    cross_attention_dim: int = 768,
    *,
    weights: str = "safetensors",
    seed: int = 0,
) -> Path:
    """model_index.json + unet/config.json + a small UNet weights file (a couple of KB)."""
    path.mkdir(parents=True, exist_ok=True)
    index = {
        "_class_name": pipeline,
        "_diffusers_version": "0.30.0",
        "unet": ["diffusers", "UNet2DConditionModel"],
        "vae": ["diffusers", "AutoencoderKL"],
        "scheduler": ["diffusers", "PNDMScheduler"],
    }
    (path / "model_index.json").write_text(json.dumps(index))
    unet = path / "unet"
    unet.mkdir(exist_ok=True)
    unet_config = {
        "_class_name": "UNet2DConditionModel",
        "cross_attention_dim": cross_attention_dim,
        "in_channels": 4,
        "sample_size": 8,
    }
    (unet / "config.json").write_text(json.dumps(unet_config))
    tensors = {"conv_in.weight": [8, 4, 3, 3], "conv_in.bias": [8]}
    if weights == "safetensors":
        write_safetensors(unet / "diffusion_pytorch_model.safetensors", tensors, seed=seed)
    else:
        (unet / "diffusion_pytorch_model.bin").write_bytes(b"\x80\x04pickled" + bytes([seed]) * 64)
    return path


def vae_folder(path: Path, scaling_factor: float = 0.18215, *, weights: str = "safetensors") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    config = {"_class_name": "AutoencoderKL", "scaling_factor": scaling_factor, "sample_size": 1024}
    (path / "config.json").write_text(json.dumps(config))
    if weights == "safetensors":
        write_safetensors(path / "diffusion_pytorch_model.safetensors", {"encoder.conv_in.weight": [8, 3]})
    else:
        (path / "diffusion_pytorch_model.bin").write_bytes(b"\x80\x04pickled")
    return path


# -- a local HTTP server ----------------------------------------------------------------------------

Respond = Callable[[BaseHTTPRequestHandler], None]


def serve_bytes(body: bytes, *, content_length: int | None = None) -> Respond:
    """200 with `body`; a `content_length` larger than the body makes the server close early."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Content-Length", str(len(body) if content_length is None else content_length))
        handler.end_headers()
        handler.wfile.write(body)

    return respond


def serve_ranges(body: bytes, ranges: list[str] | None = None) -> Respond:
    """200 with `body`, or 206 with the rest of it for `Range: bytes=N-` (each Range header
    received is appended to `ranges`)."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        wanted = handler.headers.get("Range")
        if ranges is not None:
            ranges.append(wanted or "")
        start = int(wanted.removeprefix("bytes=").rstrip("-")) if wanted else 0
        handler.send_response(206 if wanted else 200)
        if wanted:
            handler.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        handler.send_header("Content-Length", str(len(body) - start))
        handler.end_headers()
        handler.wfile.write(body[start:])

    return respond


def serve_redirect(location: str, status: int = 302) -> Respond:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return respond


def serve_slowly(total: int, piece: int, pause: float, stop: threading.Event) -> Respond:
    """Announce `total` bytes and send `piece` bytes every `pause` seconds until done, the client
    goes away or `stop` is set."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(total))
        handler.end_headers()
        sent = 0
        while sent < total and not stop.is_set():
            handler.wfile.write(bytes(min(piece, total - sent)))
            handler.wfile.flush()
            sent += piece
            time.sleep(pause)

    return respond


@dataclass
class LocalServer:
    host: str
    port: int
    routes: dict[str, Respond]
    requests: list[str]

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"


@contextmanager
def local_server(routes: dict[str, Respond], host: str = "127.0.0.1") -> Iterator[LocalServer]:
    """A threaded HTTP/1.0 server on a free port; unknown paths are 404."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            respond = routes.get(self.path)
            try:
                if respond is None:
                    self.send_error(404)
                else:
                    respond(self)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield LocalServer(host, server.server_address[1], routes, requests)
    finally:
        server.shutdown()
        server.server_close()
