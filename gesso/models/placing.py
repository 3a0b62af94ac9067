"""The last steps of every install: probe → content hash → place under
`models_dir/<base>/<type>/` → register. Placing copies a local model, links it (`inplace`), or
moves a finished download out of its staging folder (same disk, no second copy)."""

from __future__ import annotations

import hashlib
import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from gesso.db.engine import Database
from gesso.models import store
from gesso.models.probe import ProbeResult, probe
from gesso.models.store import ModelRecord

HASH_CHUNK = 4 * 1024 * 1024
DEFAULT_SIZES = {"sd-1": 512, "sd-2": 768, "sdxl": 1024}
PlaceMode = Literal["copy", "move", "link"]


class DuplicateModel(Exception):
    pass


class Canceled(Exception):
    pass


@dataclass(frozen=True)
class Placement:
    """What the record says about where the model came from."""

    source: str
    source_type: str  # "path", "url" or "hf_repo_id"
    config_in: dict[str, Any]
    extra_config: dict[str, Any]  # e.g. repo_variant


class ModelPlacer:
    def __init__(self, db: Database, models_dir: Path) -> None:
        self._db = db
        self.models_dir = models_dir
        # Serialises "is this content installed? → place files → register", so two jobs with the
        # same content cannot both pass the duplicate check.
        self._register_lock = threading.Lock()

    def install(
        self,
        path: Path,
        placement: Placement,
        *,
        mode: PlaceMode,
        halt: threading.Event,
        hash_progress: Callable[[int, int], None],
    ) -> ModelRecord:
        found = probe(path)
        content_hash, size = _hash(path, halt, hash_progress)
        with self._register_lock:
            with self._db.read() as conn:
                if store.find_by_hash(conn, content_hash) is not None:
                    raise DuplicateModel(f"{found.name} is already installed (same content)")
            destination = self._place(path, found, mode=mode, halt=halt)
            try:
                record = _record_for(placement, found, destination, self.models_dir, content_hash, size)
                with self._db.write() as conn:
                    store.insert_model(conn, record)
            except BaseException:
                remove(destination)
                raise
        return record

    def _place(self, path: Path, found: ProbeResult, *, mode: PlaceMode, halt: threading.Event) -> Path:
        folder = self.models_dir / found.base / found.type
        folder.mkdir(parents=True, exist_ok=True)
        destination = _unique(folder / path.name)
        try:
            if mode == "link":
                destination.symlink_to(path.resolve(), target_is_directory=path.is_dir())
            elif mode == "move":
                path.replace(destination)
            elif path.is_dir():
                shutil.copytree(path, destination, copy_function=_cancellable_copy(halt))
            else:
                _cancellable_copy(halt)(str(path), str(destination))
        except BaseException:
            if mode != "move":
                remove(destination)  # half a copy is not a model
            raise
        return destination


def _hash(path: Path, halt: threading.Event, progress: Callable[[int, int], None]) -> tuple[str, int]:
    """SHA-256 of the content: a single file's bytes alone; for a folder, every file sorted by
    relative path, the path mixed in (the layout is part of the model)."""
    files = sorted(p for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file())
    total = sum(f.stat().st_size for f in files)
    progress(0, total)
    digest = hashlib.sha256()
    done = 0
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode())
        with file.open("rb") as handle:
            while chunk := handle.read(HASH_CHUNK):
                if halt.is_set():
                    raise Canceled()
                digest.update(chunk)
                done += len(chunk)
                progress(done, total)
    return f"sha256:{digest.hexdigest()}", total


def _cancellable_copy(halt: threading.Event) -> Callable[[str, str], object]:
    def copy(source: str, destination: str) -> object:
        if halt.is_set():
            raise Canceled()
        return shutil.copy2(source, destination)

    return copy


def _unique(path: Path) -> Path:
    candidate, counter = path, 1
    while candidate.exists() or candidate.is_symlink():
        candidate = path.with_name(f"{path.stem}-{counter}{path.suffix}")
        counter += 1
    return candidate


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


def _record_for(
    placement: Placement,
    found: ProbeResult,
    destination: Path,
    models_dir: Path,
    content_hash: str,
    size: int,
) -> ModelRecord:
    config_in = placement.config_in
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
    extra: dict[str, Any] = {**found.config, **placement.extra_config}
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
        source=placement.source,
        source_type=placement.source_type,
        default_settings=default_settings,
        config=extra,
        access=config_in.get("access") or "everyone",  # allowed users and groups: PATCH afterwards
    )
