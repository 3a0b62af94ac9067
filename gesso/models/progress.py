"""Download progress of one install job: per-file parts and totals on the job, and
`model_install_download_*` events (at most a few per second, plus one when each file ends)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gesso.models.schemas import DownloadPart, ModelInstallJob

PUBLISH_INTERVAL = 0.25

UpdateJob = Callable[..., ModelInstallJob]
Publish = Callable[..., None]


class DownloadProgress:
    def __init__(self, job_id: int, local_path: Path, update: UpdateJob, publish: Publish) -> None:
        self._job_id = job_id
        self._local_path = str(local_path)
        self._update = update
        self._publish = publish
        self._parts: list[DownloadPart] = []
        self._lock = threading.Lock()
        self._last_publish = 0.0

    def begin(self, files: list[tuple[str, Path, int]]) -> None:
        """Announce the files (URL, where it lands, size) before the first byte."""
        with self._lock:
            self._parts = [
                DownloadPart(id=index, source=url, dest=str(dest), download_path=str(dest), total_bytes=size)
                for index, (url, dest, size) in enumerate(files)
            ]
        job = self._store(status="downloading")
        self._publish("model_install_download_started", job, **self._payload())

    def advance(self, index: int, done: int, total: int | None = None) -> None:
        with self._lock:
            part = self._parts[index]
            total = max(total or part.total_bytes, done)
            self._parts[index] = part.model_copy(
                update={"bytes": done, "total_bytes": total, "status": "running"}
            )
        self._store()
        now = time.monotonic()
        if now - self._last_publish >= PUBLISH_INTERVAL:
            self._last_publish = now
            self._emit()

    def finish(self, index: int) -> None:
        with self._lock:
            part = self._parts[index]
            self._parts[index] = part.model_copy(
                update={
                    "status": "completed",
                    "total_bytes": part.bytes or part.total_bytes,
                    "bytes": part.bytes or part.total_bytes,
                }
            )
        self._store()
        self._emit()

    def _store(self, **changes: Any) -> ModelInstallJob:
        with self._lock:
            parts = list(self._parts)
        return self._update(
            self._job_id,
            download_parts=parts,
            bytes=sum(p.bytes for p in parts),
            total_bytes=sum(p.total_bytes for p in parts),
            **changes,
        )

    def _emit(self) -> None:
        job = self._store()
        self._publish("model_install_download_progress", job, **self._payload())

    def _payload(self) -> dict[str, Any]:
        with self._lock:
            parts = list(self._parts)
        return {
            "local_path": self._local_path,
            "bytes": sum(p.bytes for p in parts),
            "total_bytes": sum(p.total_bytes for p in parts),
            "parts": [
                {
                    "url": p.source,
                    "local_path": p.download_path or p.dest,
                    "bytes": p.bytes,
                    "total_bytes": p.total_bytes,
                }
                for p in parts
            ],
        }
