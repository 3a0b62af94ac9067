"""The engine's view of the gallery (`NodeImages`): nodes load and save images with the rights
of the queue item's owner, never more."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from gesso.auth.actor import Actor
from gesso.images.decode import GRAPH_CHUNK, METADATA_CHUNK
from gesso.images.service import ImageService
from gesso.images.store import ImageRecord

if TYPE_CHECKING:
    from PIL import Image

PNG_MODES = ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA")


class EngineImages:
    def __init__(self, images: ImageService) -> None:
        self._images = images

    def load_pil(self, owner: Actor, image_name: str) -> Image.Image:
        from PIL import Image

        record = self._images.get_image(owner, image_name)
        with Image.open(self._images.files.image_path(record.image_name)) as opened:
            opened.load()
            return opened.copy()

    def save_generated(
        self,
        owner: Actor,
        image: Image.Image,
        *,
        board_id: str | None,
        is_intermediate: bool,
        image_category: str,
        session_id: str | None,
        node_id: str | None,
        metadata: dict[str, Any] | None,
        graph: dict[str, Any] | None,
    ) -> ImageRecord:
        """Store a node's result as the owner's image; a board needs the owner's write rights."""
        if board_id:
            self._images.require_contributable_board(owner, board_id)
        if image.mode not in PNG_MODES:
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        chunks: dict[str, str] = {}
        if metadata is not None:
            chunks[METADATA_CHUNK] = json.dumps(metadata)
        if graph is not None:
            chunks[GRAPH_CHUNK] = json.dumps(graph)
        return self._images.store_new(
            owner.user_id,
            image,
            chunks,
            origin="internal",
            image_category=image_category,
            is_intermediate=is_intermediate,
            board_id=board_id,
            session_id=session_id,
            node_id=node_id,
        )
