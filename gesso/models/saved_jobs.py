"""Download jobs that outlive the server: each remote install keeps `job.json` in its staging
folder (`models_dir/.downloads/job-<id>/`) until it ends, so a restart can pick it up again and
continue its partial files. The file never holds a token."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

JOB_FILE = "job.json"
FOLDER_PREFIX = "job-"


@dataclass
class SavedJob:
    id: int
    source: str
    inplace: bool = False
    config_in: dict[str, Any] = field(default_factory=dict)
    sha256: str | None = None
    commit: str | None = None  # the hub commit the files are pinned to, once known


def staging_folder(downloads: Path, job_id: int) -> Path:
    return downloads / f"{FOLDER_PREFIX}{job_id}"


def save(downloads: Path, job: SavedJob) -> None:
    folder = staging_folder(downloads, job.id)
    folder.mkdir(parents=True, exist_ok=True)
    scratch = folder / f"{JOB_FILE}.tmp"
    scratch.write_text(json.dumps(asdict(job)), encoding="utf-8")
    scratch.replace(folder / JOB_FILE)


def remember_commit(downloads: Path, job_id: int, commit: str) -> None:
    """Pin a saved hub job to the commit its files come from, so a resumed job fetches the same."""
    job = _read(staging_folder(downloads, job_id) / JOB_FILE)
    if job is not None and job.commit != commit:
        job.commit = commit
        save(downloads, job)


def load_all(downloads: Path) -> list[SavedJob]:
    """Jobs left unfinished by an earlier run, oldest first. Staging folders without a readable
    job file are leftovers of a crash and are removed."""
    found: list[SavedJob] = []
    if not downloads.is_dir():
        return found
    for folder in sorted(downloads.iterdir()):
        if not folder.is_dir():
            continue
        job = _read(folder / JOB_FILE)
        if job is None or folder.name != f"{FOLDER_PREFIX}{job.id}":
            shutil.rmtree(folder, ignore_errors=True)
            continue
        found.append(job)
    return sorted(found, key=lambda job: job.id)


def _read(path: Path) -> SavedJob | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        job = SavedJob(**raw)
    except (OSError, ValueError, TypeError):
        return None
    if not isinstance(job.id, int) or not isinstance(job.source, str):
        return None
    return job
