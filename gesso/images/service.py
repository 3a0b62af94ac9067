"""Image rules: reading, listing, uploading, changing and deleting, each checked against
`images.access`. Batch operations skip images the caller may not change; a name that does not
exist is 404 for everyone. Files are removed only after their records are gone."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.engine import Connection

from gesso.auth.actor import Actor
from gesso.boards import store as board_store
from gesso.boards.access import (
    BoardNotFound,
    require_contribute_to_board,
    require_manage_board,
    require_view_board,
)
from gesso.boards.contents import BoardContent, EmptiedBoard
from gesso.boards.store import Board
from gesso.db.engine import Database
from gesso.db.metadata import utcnow
from gesso.images import store
from gesso.images.access import (
    ImageNotFound,
    can_change_image,
    can_delete_with_board,
    can_put_on_board,
    can_take_off_board,
    can_view_image,
    own_images,
    require_change_image,
    require_clear_intermediates,
    require_put_on_board,
    require_view_image,
    visible_images,
)
from gesso.images.decode import (
    DEFAULT_MAX_METADATA_BYTES,
    METADATA_CHUNK,
    WORKFLOW_CHUNK,
    check_text_size,
    crop_to_visible,
    decode_upload,
    parse_metadata,
    pnginfo_for,
)
from gesso.images.files import ImageFiles, StoredFile, check_image_name, new_image_name
from gesso.images.store import UNCATEGORIZED, ImageQuery, ImageRecord
from gesso.images.upload_options import UploadOptions
from gesso.quotas.service import QuotaService

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChangedImages:
    """Names actually changed and the boards ("none" = uncategorized) they touched."""

    image_names: list[str]
    affected_boards: list[str]


def board_key(board_id: str | None) -> str:
    return board_id or UNCATEGORIZED


class ImageService:
    def __init__(
        self,
        db: Database,
        files: ImageFiles,
        max_metadata_bytes: int = DEFAULT_MAX_METADATA_BYTES,
        quotas: QuotaService | None = None,
    ) -> None:
        self._db = db
        self._quotas = quotas
        self.files = files
        self._max_metadata_bytes = max_metadata_bytes

    @property
    def reads_are_local(self) -> bool:
        return self._db.reads_are_local

    # -- reading ---------------------------------------------------------------------------

    def get_image(self, actor: Actor, image_name: str) -> ImageRecord:
        with self._db.read() as conn:
            image, board = self._load(conn, image_name, actor.user_id)
        require_view_image(actor, image, board)
        return image

    def get_metadata(self, actor: Actor, image_name: str) -> dict[str, Any] | None:
        return parse_metadata(self.get_image(actor, image_name).metadata)

    def media_file(self, actor: Actor, image_name: str, *, thumbnail: bool) -> StoredFile:
        image = self.get_image(actor, image_name)
        stored = self.files.stored(image.image_name, thumbnail=thumbnail)
        if stored is None:
            logger.warning("Image %s has a record but no file on disk", image.image_name)
            raise ImageNotFound()
        return stored

    def scoped_query(self, actor: Actor, query: ImageQuery) -> ImageQuery:
        """Restrict a gallery query to what the actor may read.

        No board or "none": non-admins see only their own images. A board: the caller must be
        able to view it, and then sees every image on it."""
        if query.board_id is None or query.board_id == UNCATEGORIZED:
            return replace(query, scope=visible_images(actor), viewer_id=actor.user_id)
        with self._db.read_once() as conn:
            board = board_store.get_board(conn, query.board_id, actor.user_id)
        if board is None:
            raise BoardNotFound()
        require_view_board(actor, board)
        return replace(query, scope=None)

    def list_images(
        self, actor: Actor, query: ImageQuery, offset: int, limit: int
    ) -> tuple[list[ImageRecord], int]:
        return store.list_images(self._db, self.scoped_query(actor, query), offset, limit)

    def image_names(self, actor: Actor, query: ImageQuery) -> tuple[list[str], int]:
        return store.list_image_names(self._db, self.scoped_query(actor, query))

    def board_image_names(
        self, actor: Actor, board_id: str, categories: Sequence[str] | None, is_intermediate: bool | None
    ) -> list[str]:
        query = ImageQuery(
            board_id=board_id, categories=categories, is_intermediate=is_intermediate, starred_first=False
        )
        names, _ = self.image_names(actor, query)
        return names

    def images_by_names(self, actor: Actor, image_names: Sequence[str]) -> list[ImageRecord]:
        """Readable images in the order asked; missing or unreadable names are dropped."""
        with self._db.read() as conn:
            found = store.get_images(conn, image_names)
            board_ids = {i.board_id for i in found.values() if i.board_id}
            boards = board_store.get_boards(conn, board_ids, actor.user_id)
        result = []
        for name in dict.fromkeys(image_names):
            image = found.get(name)
            if image is not None and can_view_image(actor, image, boards.get(image.board_id or "")):
                result.append(image)
        return result

    # -- creating --------------------------------------------------------------------------

    def upload(self, actor: Actor, data: bytes, options: UploadOptions) -> ImageRecord:
        """Decode and store an uploaded image, owned by the caller, optionally onto a board."""
        if options.board_id:
            self.require_contributable_board(actor, options.board_id)
        decoded = decode_upload(data)
        image = crop_to_visible(decoded.image) if options.crop_visible else decoded.image
        chunks = dict(decoded.text_chunks)
        parsed = parse_metadata(options.metadata)
        if parsed is not None:
            chunks[METADATA_CHUNK] = json.dumps(parsed)
        return self.store_new(
            actor.user_id,
            image,
            chunks,
            origin="external",
            image_category=options.image_category,
            is_intermediate=options.is_intermediate,
            board_id=options.board_id or None,
            session_id=options.session_id,
            node_id=None,
            check_storage=True,
        )

    def store_new(
        self,
        owner_id: str,
        image: Any,
        chunks: dict[str, str],
        *,
        origin: str,
        image_category: str,
        is_intermediate: bool,
        board_id: str | None,
        session_id: str | None,
        node_id: str | None,
        check_storage: bool = False,
    ) -> ImageRecord:
        """Uploads (`check_storage`) are refused over the storage quota; generated images are kept."""
        check_text_size(chunks, self._max_metadata_bytes)
        name = new_image_name()
        self.files.write(name, image, pnginfo_for(chunks))
        size = self.files.image_path(name).stat().st_size
        now = utcnow()
        record = ImageRecord(
            image_name=name,
            user_id=owner_id,
            board_id=board_id,
            image_origin=origin,
            image_category=image_category,
            width=image.width,
            height=image.height,
            is_intermediate=is_intermediate,
            starred=False,
            has_workflow=WORKFLOW_CHUNK in chunks,
            session_id=session_id,
            node_id=node_id,
            metadata=chunks.get(METADATA_CHUNK),
            created_at=now,
            updated_at=now,
        )
        try:
            with self._db.write() as conn:
                if board_id and board_store.get_board(conn, board_id) is None:
                    raise BoardNotFound()
                if check_storage and self._quotas is not None:
                    self._quotas.check_upload(conn, owner_id, size)
                store.insert_image(conn, record, size)
        except BaseException:
            self.files.delete(name)
            raise
        return record

    def require_contributable_board(self, actor: Actor, board_id: str) -> Board:
        with self._db.read() as conn:
            board = board_store.get_board(conn, board_id, actor.user_id)
        if board is None:
            raise BoardNotFound()
        require_contribute_to_board(actor, board)
        return board

    # -- changing --------------------------------------------------------------------------

    def update_image(self, actor: Actor, image_name: str, changes: dict[str, Any]) -> ImageRecord:
        with self._db.write() as conn:
            image, board = self._load(conn, image_name, actor.user_id)
            require_change_image(actor, image, board)
            if changes:
                store.update_image(conn, image.image_name, **changes)
            updated = store.get_image(conn, image.image_name)
        assert updated is not None
        return updated

    def set_starred(self, actor: Actor, image_names: Sequence[str], starred: bool) -> ChangedImages:
        with self._db.write() as conn:
            allowed = self._changeable(conn, actor, image_names)
            store.set_starred(conn, [i.image_name for i in allowed], starred)
        return _changed(allowed)

    def delete_images(self, actor: Actor, image_names: Sequence[str]) -> ChangedImages:
        with self._db.write() as conn:
            allowed = self._changeable(conn, actor, image_names)
            self._delete_records(conn, [i.image_name for i in allowed])
        self._delete_files(allowed)
        return _changed(allowed)

    def delete_image(self, actor: Actor, image_name: str) -> ChangedImages:
        with self._db.write() as conn:
            image, board = self._load(conn, image_name, actor.user_id)
            require_change_image(actor, image, board)
            self._delete_records(conn, [image.image_name])
        self._delete_files([image])
        return _changed([image])

    def delete_uncategorized(self, actor: Actor) -> ChangedImages:
        """The caller's own uncategorized images (never anybody else's, admins included)."""
        query = ImageQuery(
            scope=own_images(actor), viewer_id=actor.user_id, board_id=UNCATEGORIZED, starred_first=False
        )
        with self._db.write() as conn:
            names, _ = store.image_names_in(conn, query)
            doomed = list(store.get_images(conn, names).values())
            self._delete_records(conn, names)
        self._delete_files(doomed)
        return _changed(doomed)

    def count_intermediates(self, actor: Actor) -> int:
        with self._db.read() as conn:
            return store.count_intermediates(conn, visible_images(actor), actor.user_id)

    def clear_intermediates(self, actor: Actor) -> int:
        require_clear_intermediates(actor)
        with self._db.write() as conn:
            names = store.intermediate_names(conn)
            doomed = list(store.get_images(conn, names).values())
            self._delete_records(conn, names)
        self._delete_files(doomed)
        return len(doomed)

    # -- board membership ------------------------------------------------------------------

    def put_on_board(
        self, actor: Actor, board_id: str, image_names: Sequence[str], *, skip_forbidden: bool
    ) -> ChangedImages:
        """Put images on a board. The caller must own each image (admins excepted) and the
        board must accept contributions. A batch skips images that fail the first rule."""
        with self._db.write() as conn:
            board = board_store.get_board(conn, board_id, actor.user_id)
            if board is None:
                raise BoardNotFound()
            require_contribute_to_board(actor, board)
            loaded = self.load_many(conn, image_names)
            if not skip_forbidden:
                for image, _ in loaded:
                    require_put_on_board(actor, image, board)
            moved = [image for image, _ in loaded if can_put_on_board(actor, image, board)]
            store.set_board(conn, [image.image_name for image in moved], board_id)
        affected = {board_id} | {board_key(image.board_id) for image in moved}
        return ChangedImages([image.image_name for image in moved], sorted(affected))

    def take_off_boards(
        self, actor: Actor, image_names: Sequence[str], *, skip_forbidden: bool
    ) -> ChangedImages:
        """Take images off their boards (they become their owners' uncategorized images)."""
        with self._db.write() as conn:
            removable = []
            for image, board in self.load_many(conn, image_names, actor.user_id):
                if board is None:
                    continue
                if can_take_off_board(actor, image, board):
                    removable.append(image)
                elif not skip_forbidden:
                    require_view_board(actor, board)
                    require_manage_board(actor, board)
            store.set_board(conn, [i.image_name for i in removable], None)
        affected = {UNCATEGORIZED} | {board_key(i.board_id) for i in removable}
        return ChangedImages([i.image_name for i in removable], sorted(affected))

    # -- what boards know of their images (`boards.contents.BoardContents`) -----------------

    def board_contents(self, conn: Connection, board_ids: Sequence[str]) -> dict[str, BoardContent]:
        return store.board_contents(conn, board_ids)

    def content_columns(self, board_id: ColumnElement[str]) -> tuple[ColumnElement[Any], ...]:
        return store.board_content_columns(board_id)

    def board_of_image(self, conn: Connection, image_name: str) -> str | None:
        image, _ = self._load(conn, image_name)
        return image.board_id

    def empty_board(
        self, conn: Connection, actor: Actor, board_id: str, *, delete_images: bool
    ) -> EmptiedBoard:
        on_board = store.images_on_board(conn, board_id)
        doomed = sorted(i.image_name for i in on_board if delete_images and can_delete_with_board(actor, i))
        kept = [i.image_name for i in on_board if i.image_name not in set(doomed)]
        store.set_board(conn, kept, None)
        self._delete_records(conn, doomed)
        return EmptiedBoard(kept=kept, deleted=doomed)

    def delete_files(self, image_names: Sequence[str]) -> None:
        for name in image_names:
            self.files.delete(name)

    # -- helpers ---------------------------------------------------------------------------

    def load_many(
        self, conn: Connection, image_names: Sequence[str], viewer_id: str | None = None
    ) -> list[tuple[ImageRecord, Board | None]]:
        """Every named image with its board; any unknown (or malformed) name is 404."""
        for name in image_names:
            check_image_name(name)
        found = store.get_images(conn, image_names)
        if len(found) != len(set(image_names)):
            raise ImageNotFound()
        boards = board_store.get_boards(conn, {i.board_id for i in found.values() if i.board_id}, viewer_id)
        return [(found[n], boards.get(found[n].board_id or "")) for n in dict.fromkeys(image_names)]

    def _changeable(self, conn: Connection, actor: Actor, image_names: Sequence[str]) -> list[ImageRecord]:
        return [
            image
            for image, board in self.load_many(conn, image_names, actor.user_id)
            if can_change_image(actor, image, board)
        ]

    @staticmethod
    def _load(conn: Connection, name: str, viewer_id: str | None = None) -> tuple[ImageRecord, Board | None]:
        image = store.get_image(conn, check_image_name(name))
        if image is None:
            raise ImageNotFound()
        board = board_store.get_board(conn, image.board_id, viewer_id) if image.board_id else None
        return image, board

    @staticmethod
    def _delete_records(conn: Connection, image_names: list[str]) -> None:
        board_store.clear_cover(conn, image_names)
        store.delete_images(conn, image_names)

    def _delete_files(self, doomed: Sequence[ImageRecord]) -> None:
        self.delete_files([image.image_name for image in doomed])


def _changed(images: Sequence[ImageRecord]) -> ChangedImages:
    return ChangedImages(
        image_names=[i.image_name for i in images],
        affected_boards=sorted({board_key(i.board_id) for i in images}),
    )
