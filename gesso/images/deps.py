"""Request dependencies of the image routes: the gallery filters shared by the list routes, and
an upload's body (read up to the size limit) and options."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, File, Form, Query, UploadFile

from gesso.api.deps import AppConfig
from gesso.errors import PayloadTooLarge
from gesso.images.schemas import ImageCategory, ResourceOrigin, SortDirection
from gesso.images.store import ImageQuery
from gesso.images.upload_options import UploadOptions


async def image_filters(
    board_id: str | None = None,
    categories: Annotated[list[ImageCategory] | None, Query()] = None,
    is_intermediate: bool | None = None,
    image_origin: ResourceOrigin | None = None,
    search_term: Annotated[str | None, Query(max_length=500)] = None,
    order_dir: SortDirection = "DESC",
    starred_first: bool = True,
) -> ImageQuery:
    return ImageQuery(
        board_id=board_id,
        categories=categories,
        is_intermediate=is_intermediate,
        image_origin=image_origin,
        search_term=search_term or None,
        order_dir=order_dir,
        starred_first=starred_first,
    )


def upload_body(file: Annotated[UploadFile, File()], settings: AppConfig) -> bytes:
    """The uploaded file's bytes; more than `max_upload_size_mb` is 413 (read no further)."""
    limit = settings.max_upload_size_mb * 1024 * 1024
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"Upload is larger than {settings.max_upload_size_mb} MB")
    return data


async def upload_options(
    image_category: ImageCategory = "user",
    is_intermediate: bool = False,
    board_id: str | None = None,
    session_id: Annotated[str | None, Query(max_length=64)] = None,
    crop_visible: bool = False,
    metadata: Annotated[str | None, Form()] = None,
) -> UploadOptions:
    return UploadOptions(
        image_category=image_category,
        is_intermediate=is_intermediate,
        board_id=board_id or None,
        session_id=session_id,
        crop_visible=crop_visible,
        metadata=metadata,
    )


ImageFilters = Annotated[ImageQuery, Depends(image_filters)]
UploadBody = Annotated[bytes, Depends(upload_body)]
Upload = Annotated[UploadOptions, Depends(upload_options)]
