"""Fetching a hub source into a job's staging folder: list the repo at one commit, choose the
files (`hub_files`), check the free disk space before the first byte, then fetch each file
(from the hub cache when it has it, else over HTTP with resume) with progress."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gesso.models import hub_files
from gesso.models.fetch import FetchFailed, FileRequest, bytes_on_disk, fetch_file
from gesso.models.hub import HubClient, HubError, RepoSnapshot
from gesso.models.progress import DownloadProgress
from gesso.models.sources import HubSource

if TYPE_CHECKING:  # imported with the first hub download, not at start-up
    import httpx2

DISK_MARGIN = 16 * 1024 * 1024  # configs, the job file and the hash pass need a little room


class NotEnoughDiskSpace(HubError):
    pass


@dataclass(frozen=True)
class Fetched:
    path: Path  # the model folder (or file) in the staging folder
    variant: str | None
    commit: str


def fetch_from_hub(
    hub: HubClient,
    source: HubSource,
    staging: Path,
    *,
    commit: str | None,
    wanted_variant: str | None,
    remember_commit: Callable[[str], None],
    progress: DownloadProgress,
    halt: threading.Event,
) -> Fetched:
    snapshot = hub.snapshot(source.repo_id, commit or source.revision)
    remember_commit(snapshot.commit)
    if snapshot.gated and not hub.token():
        raise hub.gated_error(source.repo_id)
    from huggingface_hub import get_session

    client = get_session()
    if source.is_single_file:
        selection = hub_files.single_file(snapshot, source)
        model_root = staging
    else:
        model_root = staging / source.name
        selection = _folder_selection(hub, client, snapshot, source, model_root, wanted_variant, halt)
    _check_disk_space(selection, model_root, source.repo_id)
    files = [
        (
            hub.file_url(snapshot.repo_id, p.file.path, snapshot.commit),
            model_root / p.local_path,
            p.file.size or 0,
        )
        for p in selection.files
    ]
    progress.begin(files)
    for index, planned in enumerate(selection.files):
        target = model_root / planned.local_path
        cached = hub.cached_file(snapshot.repo_id, planned.file.path, snapshot.commit)
        if cached is not None:
            if not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(cached, target)
        elif snapshot.from_cache:
            raise HubError(f"HF_HUB_OFFLINE is set and {planned.file.path} is not in the hub cache")
        else:
            _fetch(
                hub,
                client,
                snapshot,
                planned.file.path,
                target,
                planned.file.size,
                planned.file.sha256,
                functools.partial(progress.advance, index),
                halt,
            )
        progress.advance(index, target.stat().st_size)
        progress.finish(index)
        if planned.rewrite_index and selection.variant:
            target.write_bytes(hub_files.rewritten_index(target.read_bytes(), selection.variant))
    path = model_root / selection.files[0].local_path if source.is_single_file else model_root
    return Fetched(path=path, variant=selection.variant, commit=snapshot.commit)


def _folder_selection(
    hub: HubClient,
    client: httpx2.Client,
    snapshot: RepoSnapshot,
    source: HubSource,
    model_root: Path,
    wanted_variant: str | None,
    halt: threading.Event,
) -> hub_files.Selection:
    root = source.subfolder or ""
    kind = hub_files.root_kind(snapshot, root)
    if kind == "none":
        where = f"{source.repo_id}/{root}" if root else source.repo_id
        if root and not any(f.path.startswith(root + "/") for f in snapshot.files):
            raise hub_files.NothingToInstall(f"{source.repo_id} has no folder or file {root}")
        loose = [f.path for f in snapshot.files if f.path.endswith(".safetensors")][:3]
        hint = f"; install one of its files as {source.repo_id}::<file> ({', '.join(loose)})" if loose else ""
        raise hub_files.NothingToInstall(
            f"{where} holds no diffusers model (no model_index.json or config.json){hint}"
        )
    if kind == "model":
        return hub_files.folder_files(snapshot, root, None, wanted_variant)
    index_path = f"{root}/model_index.json" if root else "model_index.json"
    index_file = next(f for f in snapshot.files if f.path == index_path)
    target = model_root / "model_index.json"
    cached = hub.cached_file(snapshot.repo_id, index_path, snapshot.commit)
    if cached is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
    elif snapshot.from_cache:
        raise HubError(f"HF_HUB_OFFLINE is set and {index_path} is not in the hub cache")
    else:
        _fetch(
            hub,
            client,
            snapshot,
            index_path,
            target,
            index_file.size,
            index_file.sha256,
            lambda _: None,
            halt,
        )
    folders = hub_files.components(target.read_bytes())
    return hub_files.folder_files(snapshot, root, folders, wanted_variant)


def _fetch(
    hub: HubClient,
    client: httpx2.Client,
    snapshot: RepoSnapshot,
    path: str,
    target: Path,
    size: int | None,
    sha256: str | None,
    progress: Callable[[int], None],
    halt: threading.Event,
) -> None:
    request = FileRequest(
        url=hub.file_url(snapshot.repo_id, path, snapshot.commit),
        target=target,
        size=size,
        sha256=sha256,
        headers=hub.auth_headers(),
        label=f"{snapshot.repo_id}/{path}",
    )

    def error_for_status(status: int, response: httpx2.Response) -> HubError:
        code = response.headers.get("X-Error-Code", "")
        if code == "GatedRepo" or (status in (401, 403) and snapshot.gated):
            return hub.gated_error(snapshot.repo_id)
        if status in (401, 403):
            return HubError(
                f"{hub.endpoint} refused {snapshot.repo_id}/{path} (HTTP {status}); "
                "check the Hugging Face token"
            )
        return FetchFailed(f"{hub.endpoint} answered HTTP {status} for {snapshot.repo_id}/{path}")

    fetch_file(client, request, progress=progress, halt=halt, error_for_status=error_for_status)


def _check_disk_space(selection: hub_files.Selection, model_root: Path, repo_id: str) -> None:
    needed = sum(
        max((planned.file.size or 0) - bytes_on_disk(model_root / planned.local_path), 0)
        for planned in selection.files
    )
    model_root.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(model_root).free
    if needed + DISK_MARGIN > free:
        raise NotEnoughDiskSpace(
            f"Not enough free disk space for {repo_id}: it needs {format_bytes(needed)}, "
            f"{format_bytes(free)} is free where models are stored"
        )


def format_bytes(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} PB"
