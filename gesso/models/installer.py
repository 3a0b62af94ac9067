"""Install jobs: from a local path (copied, or linked with `inplace`) or a URL (downloaded).

A job runs in its own thread: download (URL) → probe → content hash (with progress) → place
under `models_dir/<base>/<type>/` → register. Progress and outcome are published as InvokeAI's
`model_install_*` events, which reach administrators only. A canceled or failed job removes what
it wrote.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gesso.db.engine import Database
from gesso.errors import InvalidInput, NotFound
from gesso.events.bus import Event, EventBus, timestamp
from gesso.models import store
from gesso.models.downloads import DownloadCanceled, check_url, download
from gesso.models.probe import ProbeResult, probe
from gesso.models.schemas import ModelConfig, ModelInstallJob, ModelSource
from gesso.models.store import ModelRecord

logger = logging.getLogger(__name__)

HASH_CHUNK = 4 * 1024 * 1024
TERMINAL = ("completed", "error", "cancelled")
DEFAULT_SIZES = {"sd-1": 512, "sd-2": 768, "sdxl": 1024}


class InstallJobNotFound(NotFound):
    def __init__(self, job_id: int) -> None:
        super().__init__(f"No job with id {job_id} known")


class DuplicateModel(Exception):
    pass


class Canceled(Exception):
    pass


class ModelInstaller:
    def __init__(self, db: Database, bus: EventBus, models_dir: Path, *, allow_private_urls: bool) -> None:
        self._db = db
        self._bus = bus
        self.models_dir = models_dir
        self._allow_private = allow_private_urls
        self._jobs: dict[int, ModelInstallJob] = {}
        self._cancel: dict[int, threading.Event] = {}
        self._threads: dict[int, threading.Thread] = {}
        self._lock = threading.Lock()
        # Serialises "is this content installed? → place files → register", so two jobs with the
        # same content cannot both pass the duplicate check.
        self._register_lock = threading.Lock()
        self._next_id = 1

    # -- API side --------------------------------------------------------------------------

    def start(
        self, source: str, *, inplace: bool, config: dict[str, Any], sha256: str | None = None
    ) -> ModelInstallJob:
        """Check the source now (clear 4xx for bad ones) and run the job in the background."""
        if source.startswith(("http://", "https://")):
            check_url(source, allow_private=self._allow_private)
        elif sha256 is not None:
            raise InvalidInput("sha256 checks a download; it does not apply to a local path")
        if source.startswith(("http://", "https://")):
            job_source = ModelSource(type="url", url=source)
        else:
            path = Path(source).expanduser()
            if not path.is_absolute() or not path.exists():
                raise InvalidInput(
                    f"Unsupported model source {source!r}: not an http(s) URL or an existing path"
                )
            job_source = ModelSource(type="local", path=str(path), inplace=inplace)
        with self._lock:
            job = ModelInstallJob(
                id=self._next_id, status="waiting", inplace=inplace, config_in=config, source=job_source
            )
            self._next_id += 1
            self._jobs[job.id] = job
            self._cancel[job.id] = threading.Event()
        thread = threading.Thread(
            target=self._run, args=(job.id, sha256), name=f"model-install-{job.id}", daemon=True
        )
        self._threads[job.id] = thread
        thread.start()
        return job

    def get(self, job_id: int) -> ModelInstallJob:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise InstallJobNotFound(job_id)
            return job.model_copy()

    def list(self) -> list[ModelInstallJob]:
        with self._lock:
            return [job.model_copy() for job in self._jobs.values()]

    def cancel(self, job_id: int) -> None:
        self.get(job_id)
        self._cancel[job_id].set()

    def prune(self) -> None:
        with self._lock:
            for job_id in [j for j, job in self._jobs.items() if job.status in TERMINAL]:
                del self._jobs[job_id]

    def wait(self, job_id: int, timeout: float | None = None) -> ModelInstallJob:
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
        return self.get(job_id)

    # -- the job ---------------------------------------------------------------------------

    def _update(self, job_id: int, **changes: Any) -> ModelInstallJob:
        with self._lock:
            job = self._jobs[job_id].model_copy(update=changes)
            self._jobs[job_id] = job
            return job

    def _publish(self, name: str, job: ModelInstallJob, **extra: Any) -> None:
        payload = {
            "id": job.id,
            "source": job.source.model_dump(exclude_none=True),
            "timestamp": timestamp(),
            **extra,
        }
        self._bus.publish(Event(name, payload))

    def _run(self, job_id: int, sha256: str | None) -> None:
        job = self.get(job_id)
        cancel = self._cancel[job_id]
        scratch = self.models_dir / ".downloads" / f"job-{job_id}-{uuid.uuid4().hex[:8]}"
        try:
            if job.source.type == "url":
                path = self._download(job, scratch, cancel, sha256)
            else:
                path = Path(job.source.path or "")
            job = self._update(job_id, status="running", local_path=str(path))
            self._publish("model_install_started", job)
            record = self._install(job, path, cancel)
            config = ModelConfig.from_record(record)
            job = self._update(job_id, status="completed", config_out=config)
            self._publish(
                "model_install_complete", job, key=record.key, total_bytes=record.file_size,
                config=config.model_dump(mode="json"),
            )  # fmt: skip
            logger.info("Installed model %s (%s %s)", record.name, record.base, record.type)
        except (Canceled, DownloadCanceled):
            job = self._update(job_id, status="cancelled")
            self._publish("model_install_cancelled", job)
        except Exception as exc:
            reason = type(exc).__name__
            message = getattr(exc, "detail", None) or str(exc)
            job = self._update(
                job_id,
                status="error",
                error_reason=reason,
                error=message,
                error_traceback=traceback.format_exc(),
            )
            self._publish("model_install_error", job, error_type=reason, error=message)
            logger.warning("Model install %s failed: %s", job_id, message)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _download(
        self, job: ModelInstallJob, scratch: Path, cancel: threading.Event, sha256: str | None
    ) -> Path:
        job = self._update(job.id, status="downloading")
        url = job.source.url or ""
        self._publish(
            "model_install_download_started", job, local_path=str(scratch), bytes=0, total_bytes=0, parts=[]
        )

        def progress(received: int, total: int) -> None:
            current = self._update(job.id, bytes=received, total_bytes=total)
            parts = [{"url": url, "local_path": str(scratch), "bytes": received, "total_bytes": total}]
            self._publish(
                "model_install_download_progress", current, local_path=str(scratch), bytes=received,
                total_bytes=total, parts=parts,
            )  # fmt: skip

        result = download(url, scratch, allow_private=self._allow_private, progress=progress, cancel=cancel,
                          expected_sha256=sha256)  # fmt: skip
        job = self._update(job.id, status="downloads_done", local_path=str(result.path))
        self._publish("model_install_downloads_complete", job)
        return result.path

    def _install(self, job: ModelInstallJob, path: Path, cancel: threading.Event) -> ModelRecord:
        found = probe(path)
        content_hash, size = self._hash(job.id, path, cancel)
        with self._register_lock:
            with self._db.read() as conn:
                if store.find_by_hash(conn, content_hash) is not None:
                    raise DuplicateModel(f"{found.name} is already installed (same content)")
            inplace = job.inplace and job.source.type == "local"
            destination = self._place(path, found, inplace=inplace, cancel=cancel)
            try:
                record = _record_for(job, found, destination, self.models_dir, content_hash, size)
                with self._db.write() as conn:
                    store.insert_model(conn, record)
            except BaseException:
                _remove(destination)
                raise
        return record

    def _hash(self, job_id: int, path: Path, cancel: threading.Event) -> tuple[str, int]:
        """SHA-256 of the content, with progress: a single file's bytes alone; for a folder, every
        file sorted by relative path, the path mixed in (the layout is part of the model)."""
        files = sorted(p for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file())
        total = sum(f.stat().st_size for f in files)
        self._update(job_id, bytes=0, total_bytes=total)
        digest = hashlib.sha256()
        done = 0
        for file in files:
            if path.is_dir():
                digest.update(str(file.relative_to(path)).encode())
            with file.open("rb") as handle:
                while chunk := handle.read(HASH_CHUNK):
                    if cancel.is_set():
                        raise Canceled()
                    digest.update(chunk)
                    done += len(chunk)
                    self._update(job_id, bytes=done)
        return f"sha256:{digest.hexdigest()}", total

    def _place(self, path: Path, found: ProbeResult, *, inplace: bool, cancel: threading.Event) -> Path:
        folder = self.models_dir / found.base / found.type
        folder.mkdir(parents=True, exist_ok=True)
        destination = _unique(folder / path.name)
        if inplace:
            destination.symlink_to(path.resolve(), target_is_directory=path.is_dir())
        elif path.is_dir():
            shutil.copytree(path, destination, copy_function=_cancellable_copy(cancel))
        else:
            _cancellable_copy(cancel)(str(path), str(destination))
        return destination


def _cancellable_copy(cancel: threading.Event) -> Callable[[str, str], object]:
    def copy(source: str, destination: str) -> object:
        if cancel.is_set():
            raise Canceled()
        return shutil.copy2(source, destination)

    return copy


def _unique(path: Path) -> Path:
    candidate, counter = path, 1
    while candidate.exists() or candidate.is_symlink():
        candidate = path.with_name(f"{path.stem}-{counter}{path.suffix}")
        counter += 1
    return candidate


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


def _record_for(
    job: ModelInstallJob,
    found: ProbeResult,
    destination: Path,
    models_dir: Path,
    content_hash: str,
    size: int,
) -> ModelRecord:
    config_in = job.config_in
    default_settings = config_in.get("default_settings")
    if default_settings is None and found.type == "main" and found.base in DEFAULT_SIZES:
        side = DEFAULT_SIZES[found.base]
        default_settings = {
            "width": side,
            "height": side,
            "steps": 30,
            "cfg_scale": 7.5,
            "scheduler": "euler",
        }
    extra: dict[str, Any] = {**found.config}
    if found.type == "main":
        extra.setdefault("variant", config_in.get("variant") or "normal")
        extra.setdefault("prediction_type", config_in.get("prediction_type") or "epsilon")
    if config_in.get("trigger_phrases"):
        extra["trigger_phrases"] = config_in["trigger_phrases"]
    return ModelRecord(
        key=str(uuid.uuid4()),
        name=config_in.get("name") or found.name,
        base=found.base,
        type=found.type,
        format=found.format,
        path=str(destination.relative_to(models_dir)),
        hash=content_hash,
        file_size=size,
        description=config_in.get("description"),
        source=job.source.url or job.source.path or "",
        source_type="url" if job.source.type == "url" else "path",
        default_settings=default_settings,
        config=extra,
    )
