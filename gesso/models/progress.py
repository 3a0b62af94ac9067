"""Download progress of one install job: per-file parts and totals on the job (refreshed a few
times a second) and `model_install_download_*` events (at most four a second, plus one when
each file ends)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from gesso.models.schemas import DownloadPart, ModelInstallJob

PUBLISH_INTERVAL = 0.25  # seconds between progress events
STORE_INTERVAL = 0.1  # seconds between updates of the job that GET /install/{id} returns

UpdateJob = Callable[..., ModelInstallJob]
Publish = Callable[..., None]
PartStatus = Literal["waiting", "running", "completed"]


class DownloadProgress:
    def __init__(self, job_id: int, local_path: Path, update: UpdateJob, publish: Publish) -> None:
        self._job_id = job_id
        self._local_path = str(local_path)
        self._update = update
        self._publish = publish
        self._files: list[tuple[str, str]] = []  # (URL, where it lands)
        self._done: list[int] = []
        self._totals: list[int] = []
        self._status: list[PartStatus] = []
        self._lock = threading.Lock()
        self._last_publish = 0.0
        self._last_store = 0.0

    def begin(self, files: list[tuple[str, Path, int]]) -> None:
        """Announce the files (URL, where it lands, size) before the first byte."""
        with self._lock:
            self._files = [(url, str(dest)) for url, dest, _ in files]
            self._done = [0] * len(files)
            self._totals = [size for _, _, size in files]
            self._status = ["waiting"] * len(files)
        job = self._store(status="downloading")
        self._publish("model_install_download_started", job, **self._payload())

    def advance(self, index: int, done: int, total: int | None = None) -> None:
        with self._lock:
            self._done[index] = done
            self._totals[index] = max(total or self._totals[index], done)
            self._status[index] = "running"
        now = time.monotonic()
        if now - self._last_publish >= PUBLISH_INTERVAL:
            self._last_publish = self._last_store = now
            self._emit()
        elif now - self._last_store >= STORE_INTERVAL:
            self._last_store = now
            self._store()

    def finish(self, index: int) -> None:
        with self._lock:
            self._totals[index] = self._done[index] = self._done[index] or self._totals[index]
            self._status[index] = "completed"
        self._emit()

    def _parts(self) -> list[DownloadPart]:
        with self._lock:
            return [
                DownloadPart(
                    id=index,
                    source=url,
                    dest=dest,
                    download_path=dest,
                    status=status,
                    bytes=done,
                    total_bytes=total,
                )
                for index, ((url, dest), done, total, status) in enumerate(
                    zip(self._files, self._done, self._totals, self._status, strict=True)
                )
            ]

    def _store(self, **changes: Any) -> ModelInstallJob:
        parts = self._parts()
        return self._update(
            self._job_id,
            download_parts=parts,
            bytes=sum(p.bytes for p in parts),
            total_bytes=sum(p.total_bytes for p in parts),
            **changes,
        )

    def _emit(self) -> None:
        job = self._store()
        self._publish("model_install_download_progress", job, **self._payload(job.download_parts))

    def _payload(self, parts: list[DownloadPart] | None = None) -> dict[str, Any]:
        parts = self._parts() if parts is None else parts
        return {
            "local_path": self._local_path,
            "bytes": sum(p.bytes for p in parts),
            "total_bytes": sum(p.total_bytes for p in parts),
            "parts": [
                {"url": p.source, "local_path": p.dest, "bytes": p.bytes, "total_bytes": p.total_bytes}
                for p in parts
            ],
        }
