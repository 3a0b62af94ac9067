"""Install jobs: from a local path (copied, or linked with `inplace`), a URL, or a Hugging Face
repo (`sources.py` lists the forms).

A job runs in its own thread: fetch (URL or hub, into `models_dir/.downloads/job-<id>/`) →
probe → content hash → place under `models_dir/<base>/<type>/` → register. Progress and outcome
are published as InvokeAI's `model_install_*` events, which reach administrators only. A
cancelled or failed job removes what it wrote. Remote jobs are saved (`saved_jobs.py`) until they
end, so after a restart they continue where their files stopped.
"""

from __future__ import annotations

import functools
import logging
import shutil
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gesso.db.engine import Database
from gesso.errors import InvalidInput
from gesso.events.bus import Event, EventBus, timestamp
from gesso.models import saved_jobs
from gesso.models.downloads import DownloadCanceled, check_url, download
from gesso.models.fetch import FetchHalted
from gesso.models.hub import HubClient
from gesso.models.hub_install import fetch_from_hub
from gesso.models.jobs import (
    TERMINAL,
    InstallJobNotFound,
    ended_parts,
    gpu_variant,
    source_key,
    wire_source,
)
from gesso.models.placing import Canceled, ModelPlacer, Placement, PlaceMode
from gesso.models.progress import DownloadProgress
from gesso.models.saved_jobs import SavedJob, staging_folder
from gesso.models.schemas import (
    HFModelSource,
    ModelConfig,
    ModelInstallJob,
    ModelSource,
)
from gesso.models.sources import HubSource, LocalSource, MalformedRepoId, Source, UrlSource, parse_source
from gesso.models.store import ModelRecord

logger = logging.getLogger(__name__)

HALTED = (Canceled, DownloadCanceled, FetchHalted)


class ModelInstaller:
    def __init__(
        self,
        db: Database,
        bus: EventBus,
        models_dir: Path,
        *,
        allow_private_urls: bool,
        hub: HubClient,
        device_variant: Callable[[], str | None] = gpu_variant,
    ) -> None:
        """`device_variant` says which weights variant suits the generation device ("fp16" on a
        GPU); a variant named in the source wins."""
        self._bus = bus
        self.models_dir = models_dir
        self.downloads = models_dir / ".downloads"
        self._allow_private = allow_private_urls
        self._hub = hub
        self._device_variant = device_variant
        self._placer = ModelPlacer(db, models_dir)
        self._jobs: dict[int, ModelInstallJob] = {}
        self._halts: dict[int, threading.Event] = {}
        self._cancelled: set[int] = set()
        self._access_tokens: dict[int, str] = {}  # one-off tokens: in memory only, never saved
        self._threads: dict[int, threading.Thread] = {}
        self._lock = threading.Lock()
        self._next_id = 1 + max(_staged_ids(self.downloads), default=0)

    # -- API side --------------------------------------------------------------------------

    def start(
        self,
        source: str,
        *,
        inplace: bool,
        config: dict[str, Any],
        sha256: str | None = None,
        access_token: str | None = None,
    ) -> ModelInstallJob:
        """Check the source now (clear 4xx for unusable ones) and run the job in the background.
        A malformed repo id still gets a job, which fails at once with the reason.
        `access_token` (InvokeAI's one-off token) is used for this job's requests only: the
        hub's, or the URL's own host; it is never saved, so a job resumed after a restart goes on
        with the stored token."""
        parsed, problem = self._parse(source, sha256)
        job_source = wire_source(parsed, source, inplace)
        with self._lock:
            job_id = self._next_id
            self._next_id += 1
            if access_token:
                self._access_tokens[job_id] = access_token
        if isinstance(parsed, UrlSource | HubSource):
            saved_jobs.save(self.downloads, SavedJob(job_id, source.strip(), inplace, config, sha256))
        return self._launch(job_id, job_source, parsed, problem, inplace, config, sha256, None)

    def resume_unfinished(self) -> list[int]:
        """Start again the remote jobs an earlier run left unfinished (called at start-up)."""
        resumed = []
        for saved in saved_jobs.load_all(self.downloads):
            with self._lock:
                if saved.id in self._jobs:
                    continue
                self._next_id = max(self._next_id, saved.id + 1)
            try:
                parsed, problem = self._parse(saved.source, saved.sha256)
            except InvalidInput as exc:
                parsed, problem = None, exc
            job_source = wire_source(parsed, saved.source, saved.inplace)
            self._launch(
                saved.id,
                job_source,
                parsed,
                problem,
                saved.inplace,
                saved.config_in,
                saved.sha256,
                saved.commit,
            )
            resumed.append(saved.id)
            logger.info("Resuming model install %s (%s)", saved.id, saved.source)
        return resumed

    def stop(self, timeout: float = 10.0) -> None:
        """Halt running jobs for a shutdown; remote ones keep their files for the next start."""
        with self._lock:
            halts = [
                halt for job_id, halt in self._halts.items() if self._jobs[job_id].status not in TERMINAL
            ]
            threads = list(self._threads.values())
        for halt in halts:
            halt.set()
        for thread in threads:
            thread.join(timeout)

    def get(self, job_id: int) -> ModelInstallJob:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise InstallJobNotFound(job_id)
            return job.model_copy()

    def list(self) -> list[ModelInstallJob]:
        with self._lock:
            return [job.model_copy() for job in self._jobs.values()]

    def active_sources(self) -> set[str]:
        """The sources of the jobs that have not ended (repos in their canonical form)."""
        with self._lock:
            return {source_key(job.source) for job in self._jobs.values() if job.status not in TERMINAL}

    def cancel(self, job_id: int) -> None:
        self.get(job_id)
        with self._lock:
            self._cancelled.add(job_id)
            self._halts[job_id].set()

    def prune(self) -> None:
        with self._lock:
            for job_id in [j for j, job in self._jobs.items() if job.status in TERMINAL]:
                del self._jobs[job_id]
                self._halts.pop(job_id, None)
                self._threads.pop(job_id, None)

    def wait(self, job_id: int, timeout: float | None = None) -> ModelInstallJob:
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
        return self.get(job_id)

    # -- the job ---------------------------------------------------------------------------

    def _parse(self, source: str, sha256: str | None) -> tuple[Source | None, Exception | None]:
        try:
            parsed = parse_source(source, self._hub.endpoint)
        except MalformedRepoId as exc:
            return None, exc
        if isinstance(parsed, UrlSource):
            check_url(parsed.url, allow_private=self._allow_private)
        elif sha256 is not None:
            raise InvalidInput("sha256 checks a URL download; it does not apply to this source")
        if isinstance(parsed, LocalSource) and (not parsed.path.is_absolute() or not parsed.path.exists()):
            raise InvalidInput(
                f"Unsupported model source {source!r}: not an http(s) URL, a Hugging Face repo id "
                "or an existing path"
            )
        return parsed, None

    def _launch(
        self,
        job_id: int,
        job_source: ModelSource,
        parsed: Source | None,
        problem: Exception | None,
        inplace: bool,
        config: dict[str, Any],
        sha256: str | None,
        commit: str | None,
    ) -> ModelInstallJob:
        job = ModelInstallJob(
            id=job_id, status="waiting", inplace=inplace, config_in=config, source=job_source
        )
        thread = threading.Thread(
            target=self._run,
            args=(job_id, parsed, problem, sha256, commit),
            name=f"model-install-{job_id}",
            daemon=True,
        )
        with self._lock:
            self._jobs[job_id] = job
            self._halts[job_id] = threading.Event()
            self._threads[job_id] = thread
        thread.start()
        return job

    def _update(self, job_id: int, **changes: Any) -> ModelInstallJob:
        with self._lock:
            job = self._jobs[job_id].model_copy(update=changes)
            self._jobs[job_id] = job
            return job

    def _hash_progress(self, job_id: int, done: int, total: int) -> None:
        self._update(job_id, bytes=done, total_bytes=total)

    def _publish(self, name: str, job: ModelInstallJob, **extra: Any) -> None:
        payload = {
            "id": job.id,
            "source": job.source.model_dump(exclude_none=True),
            "timestamp": timestamp(),
            **extra,
        }
        self._bus.publish(Event(name, payload))

    def _run(
        self,
        job_id: int,
        parsed: Source | None,
        problem: Exception | None,
        sha256: str | None,
        commit: str | None,
    ) -> None:
        """The job's thread. Its staging folder goes before the final status is set, so a
        client that sees the job end never sees leftovers."""
        halt = self._halts[job_id]
        staging = staging_folder(self.downloads, job_id)
        finish: Callable[[], None] | None = None
        try:
            if problem is not None or parsed is None:
                raise problem or InvalidInput("Unsupported model source")
            path, mode, placement = self._fetch(job_id, parsed, staging, halt, sha256, commit)
            job = self._update(job_id, status="running", local_path=str(path))
            self._publish("model_install_started", job)
            record = self._placer.install(
                path,
                placement,
                mode=mode,
                halt=halt,
                hash_progress=functools.partial(self._hash_progress, job_id),
            )
            finish = functools.partial(self._complete, job_id, record)
        except HALTED:
            if job_id in self._cancelled:
                finish = functools.partial(self._cancelled_job, job_id)
            # else the server is stopping: the staging folder stays for the next start
        except Exception as exc:
            finish = functools.partial(self._fail, job_id, exc, traceback.format_exc())
        with self._lock:
            self._access_tokens.pop(job_id, None)
        if finish is not None:
            shutil.rmtree(staging, ignore_errors=True)
            finish()

    def _complete(self, job_id: int, record: ModelRecord) -> None:
        config = ModelConfig.from_record(record)
        job = self._update(job_id, status="completed", config_out=config)
        self._publish(
            "model_install_complete",
            job,
            key=record.key,
            total_bytes=record.file_size,
            config=config.model_dump(mode="json"),
        )
        logger.info("Installed model %s (%s %s)", record.name, record.base, record.type)

    def _cancelled_job(self, job_id: int) -> None:
        parts = ended_parts(self.get(job_id), "cancelled")
        self._publish(
            "model_install_cancelled", self._update(job_id, status="cancelled", download_parts=parts)
        )

    def _fail(self, job_id: int, exc: Exception, trace: str) -> None:
        reason = type(exc).__name__
        message = (getattr(exc, "detail", None) or str(exc) or reason).splitlines()[0]
        job = self._update(
            job_id,
            status="error",
            error_reason=reason,
            error=message,
            error_traceback=trace,
            download_parts=ended_parts(self.get(job_id), "error"),
        )
        self._publish("model_install_error", job, error_type=reason, error=message)
        logger.warning("Model install %s failed: %s", job_id, message)

    def _fetch(
        self,
        job_id: int,
        parsed: Source,
        staging: Path,
        halt: threading.Event,
        sha256: str | None,
        commit: str | None,
    ) -> tuple[Path, PlaceMode, Placement]:
        config_in = self.get(job_id).config_in
        if isinstance(parsed, LocalSource):
            mode: PlaceMode = "link" if self.get(job_id).inplace else "copy"
            return parsed.path, mode, Placement(str(parsed.path), "path", config_in, {})
        progress = DownloadProgress(job_id, staging, self._update, self._publish)
        with self._lock:
            token = self._access_tokens.get(job_id)
        if isinstance(parsed, UrlSource):
            path = self._download_url(job_id, parsed.url, staging, progress, halt, sha256, token)
            return path, "move", Placement(parsed.url, "url", config_in, {})

        def remember(found: str) -> None:
            saved_jobs.remember_commit(self.downloads, job_id, found)

        fetched = fetch_from_hub(
            self._hub.with_token(token) if token else self._hub,
            parsed,
            staging / "files",
            commit=commit,
            wanted_variant=parsed.variant or self._device_variant(),
            remember_commit=remember,
            progress=progress,
            halt=halt,
        )
        job = self.get(job_id)
        assert isinstance(job.source, HFModelSource)
        job = self._update(
            job_id, status="downloads_done", source=job.source.model_copy(update={"variant": fetched.variant})
        )
        self._publish("model_install_downloads_complete", job)
        extra = {"repo_variant": fetched.variant} if fetched.variant else {}
        return fetched.path, "move", Placement(parsed.canonical, "hf_repo_id", config_in, extra)

    def _download_url(
        self,
        job_id: int,
        url: str,
        staging: Path,
        progress: DownloadProgress,
        halt: threading.Event,
        sha256: str | None,
        access_token: str | None,
    ) -> Path:
        progress.begin([(url, staging / "files", 0)])
        result = download(
            url,
            staging / "files",
            allow_private=self._allow_private,
            cancel=halt,
            expected_sha256=sha256,
            progress=lambda done, total: progress.advance(0, done, total),
            access_token=access_token,
        )
        progress.finish(0)
        job = self._update(job_id, status="downloads_done", local_path=str(result.path))
        self._publish("model_install_downloads_complete", job)
        return result.path


def _staged_ids(downloads: Path) -> list[int]:
    if not downloads.is_dir():
        return []
    prefix = saved_jobs.FOLDER_PREFIX
    return [int(p.name[len(prefix) :]) for p in downloads.iterdir() if p.name[len(prefix) :].isdigit()]
