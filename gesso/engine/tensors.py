"""`SessionTensors`: the tensors one session's nodes pass each other (conditioning, latents, masks).

Nodes hand each other names (`LatentsField.latents_name`, …), never tensors; the names resolve
only in the store of the session that made them, so another user's or session's graph cannot
reach them. Entries stay in memory until the store holds more than `memory_limit` bytes; then
the oldest are written as safetensors files under `<spill_dir>/<session id>/` (our own files,
loaded without pickle). `close()` deletes everything, whatever the session's outcome; the
worker calls it in a `finally`.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Any

DEFAULT_MEMORY_LIMIT = 512 * 2**20
NONE_MARK = "__none__"


class UnknownTensor(KeyError):
    """A name that this session's store never held (or that was already released)."""

    def __str__(self) -> str:
        return f"no tensor named {self.args[0]!r} in this session"


class SessionTensors:
    def __init__(self, spill_dir: Path, session_id: str, *, memory_limit: int = DEFAULT_MEMORY_LIMIT) -> None:
        self._folder = spill_dir / f"session-{uuid.uuid4().hex}"
        self.session_id = session_id
        self._memory_limit = memory_limit
        self._memory: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._spilled: set[str] = set()
        self._used = 0
        self._lock = threading.Lock()
        self._closed = False

    @property
    def folder(self) -> Path:
        return self._folder

    def save(self, tensors: dict[str, Any], prefix: str = "t") -> str:
        """Keep a dict of tensors (None values allowed) and return its new name."""
        name = f"{prefix}__{uuid.uuid4().hex}"
        stored = {key: value.detach() if value is not None else None for key, value in tensors.items()}
        with self._lock:
            if self._closed:
                raise RuntimeError("the session's tensor store is closed")
            self._memory[name] = stored
            self._used += _nbytes(stored)
            while self._used > self._memory_limit and len(self._memory) > 1:
                self._spill_oldest()
        return name

    def load(self, name: str) -> dict[str, Any]:
        with self._lock:
            if name in self._memory:
                return dict(self._memory[name])
            if name not in self._spilled:
                raise UnknownTensor(name)
            path = self._path(name)
        from safetensors.torch import load_file

        loaded = load_file(str(path))
        return {
            key.removesuffix(NONE_MARK): None if key.endswith(NONE_MARK) else t for key, t in loaded.items()
        }

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._memory.clear()
            self._spilled.clear()
            self._used = 0
        shutil.rmtree(self._folder, ignore_errors=True)

    def _spill_oldest(self) -> None:
        import torch
        from safetensors.torch import save_file

        name, tensors = self._memory.popitem(last=False)
        self._used -= _nbytes(tensors)
        self._folder.mkdir(parents=True, exist_ok=True)
        flat = {
            (key + NONE_MARK if value is None else key): (
                torch.zeros(0) if value is None else value.contiguous().cpu()
            )
            for key, value in tensors.items()
        }
        save_file(flat, str(self._path(name)))
        self._spilled.add(name)

    def _path(self, name: str) -> Path:
        return self._folder / f"{name}.safetensors"


def _nbytes(tensors: dict[str, Any]) -> int:
    return sum(int(value.nbytes) for value in tensors.values() if value is not None)
