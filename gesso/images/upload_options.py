"""What an upload asks for beside its bytes (the upload route's query parameters)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UploadOptions:
    image_category: str = "user"
    is_intermediate: bool = False
    board_id: str | None = None
    session_id: str | None = None
    crop_visible: bool = False
    metadata: str | None = None
