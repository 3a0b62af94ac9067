"""Bulk downloads: a zip of chosen images (or of a board's), as InvokeAI's `POST /images/download`.

The request answers at once with the zip's name; the zip is built on a background thread (never
on the event loop) and announced with `bulk_download_started` / `_complete` / `_error` to the
requester only. It holds only images the requester may see, lives under
`<root>/tmp/bulk_downloads/<user_id>/`, can be fetched only by that user, and is deleted once
fetched or after `MAX_AGE_S`.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gesso.auth.actor import Actor
from gesso.boards import store as board_store
from gesso.boards.access import can_view_board
from gesso.db.engine import Database
from gesso.errors import Forbidden, InvalidInput, NotFound
from gesso.images.service import ImageService

logger = logging.getLogger(__name__)

BULK_DOWNLOAD_ID = "default"
MAX_AGE_S = 3600
MAX_PARALLEL = 2
_ITEM_NAME = re.compile(r"^[0-9a-f]{32}\.zip$")

# (event name, payload, owner's user id): the composition root sends it to the event bus.
Publish = Callable[[str, dict[str, Any], str], None]


class BulkDownloadNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Bulk download not found (not ready yet, already fetched, or not yours)")


@dataclass(frozen=True)
class BulkDownloadJob:
    item_id: str
    item_name: str
    user_id: str
    image_names: list[str]


class BulkDownloads:
    def __init__(self, db: Database, images: ImageService, publish: Publish, folder: Path) -> None:
        self._db = db
        self._images = images
        self._publish_event = publish
        self._folder = folder
        self._slots = threading.BoundedSemaphore(MAX_PARALLEL)

    # -- requests --------------------------------------------------------------------------

    def start(self, actor: Actor, image_names: Sequence[str] | None, board_id: str | None) -> BulkDownloadJob:
        """Checks what may be zipped, then builds the zip on a background thread."""
        names = (
            self._board_names(actor, board_id) if board_id else self._chosen_names(actor, image_names or [])
        )
        item_id = uuid.uuid4().hex
        job = BulkDownloadJob(item_id, f"{item_id}.zip", actor.user_id, names)
        self._remove_expired()
        threading.Thread(target=self._run, args=(job,), name=f"bulk-download-{item_id}", daemon=True).start()
        return job

    def path_for(self, actor: Actor, item_name: str) -> Path:
        """The finished zip, only for the user who asked for it (administrators included)."""
        if not _ITEM_NAME.fullmatch(item_name):
            raise BulkDownloadNotFound()
        path = self._user_folder(actor.user_id) / item_name
        if not path.is_file():
            raise BulkDownloadNotFound()
        return path

    def delete(self, path: Path) -> None:
        path.unlink(missing_ok=True)

    def _chosen_names(self, actor: Actor, image_names: Sequence[str]) -> list[str]:
        if not image_names:
            raise InvalidInput("No images or board id specified.")
        readable = [image.image_name for image in self._images.images_by_names(actor, image_names)]
        if not readable:
            raise Forbidden("None of these images exist or may be downloaded by you")
        return readable

    def _board_names(self, actor: Actor, board_id: str) -> list[str]:
        if board_id != "none":
            with self._db.read() as conn:
                board = board_store.get_board(conn, board_id, actor.user_id)
            if board is None:
                raise NotFound(f"Board {board_id} not found")
            if not can_view_board(actor, board):
                raise Forbidden("You do not have permission to download this board")
        names = self._images.board_image_names(actor, board_id, None, False)
        if not names:
            raise InvalidInput("The board has no images to download")
        return names

    # -- the background job ----------------------------------------------------------------

    def _run(self, job: BulkDownloadJob) -> None:
        self._publish("bulk_download_started", job)
        try:
            with self._slots:
                self._write_zip(job)
        except Exception:
            logger.exception("Bulk download %s failed", job.item_name)
            self._publish("bulk_download_error", job, error="The zip file could not be made.")
        else:
            self._publish("bulk_download_complete", job)

    def _write_zip(self, job: BulkDownloadJob) -> None:
        folder = self._user_folder(job.user_id)
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{job.item_name}.part"
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
            for name in job.image_names:
                stored = self._images.files.stored(name)
                if stored is not None:  # deleted since the request: left out
                    archive.write(stored.path, arcname=name)
        partial.replace(folder / job.item_name)

    def _publish(self, name: str, job: BulkDownloadJob, **extra: str) -> None:
        payload = {
            "bulk_download_id": BULK_DOWNLOAD_ID,
            "bulk_download_item_id": job.item_id,
            "bulk_download_item_name": job.item_name,
            "user_id": job.user_id,
            "timestamp": int(time.time()),
            **extra,
        }
        self._publish_event(name, payload, job.user_id)

    def _user_folder(self, user_id: str) -> Path:
        return self._folder / user_id

    def _remove_expired(self) -> None:
        cutoff = time.time() - MAX_AGE_S
        for path in self._folder.glob("*/*.zip"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                continue
