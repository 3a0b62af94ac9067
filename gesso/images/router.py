"""`/api/v1/images`: upload, gallery queries, single-image reads and changes, batch operations.

The file routes (`full`, `thumbnail`) live in `media_router`, which also accepts the media cookie.
Uploads (`upload_router`) need an API token's `generate` scope and the read-only lookup by names
(`lookup_router`, a POST) only `read`; everything else here needs `gallery` to write.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from gesso.api.deps import Downloads, Images
from gesso.api.security_headers import CSP, IMAGE_CSP
from gesso.auth.deps import CurrentUser, MediaUser
from gesso.db.engine import run_read
from gesso.images.deps import FILTERS_OPENAPI, PAGE_OPENAPI, ImageFilters, ImagePageQuery, Upload, UploadBody
from gesso.images.schemas import (
    DeleteImagesResult,
    DownloadImagesBody,
    ImageDTO,
    ImageNamesBody,
    ImageNamesResult,
    ImageRecordChanges,
    ImagesDownloaded,
    ImageUrlsDTO,
    StarredImagesResult,
    UnstarredImagesResult,
    image_wire,
)
from gesso.pagination import OffsetPaginatedResults
from gesso.responses import json_value_response

router = APIRouter(prefix="/v1/images", tags=["images"])
media_router = APIRouter(prefix="/v1/images", tags=["images"])
upload_router = APIRouter(prefix="/v1/images", tags=["images"])
lookup_router = APIRouter(prefix="/v1/images", tags=["images"])


@upload_router.post("/upload", response_model=ImageDTO, status_code=201)
def upload_image(
    actor: CurrentUser, images: Images, data: UploadBody, options: Upload, response: Response
) -> ImageDTO:
    dto = ImageDTO.from_record(images.upload(actor, data, options))
    response.headers["Location"] = dto.image_url
    return dto


@router.get(
    "/", response_model=OffsetPaginatedResults[ImageDTO], name="list_image_dtos", openapi_extra=PAGE_OPENAPI
)
async def list_image_dtos(actor: CurrentUser, images: Images, page: ImagePageQuery) -> Response:
    records, total = await run_read(
        images.reads_are_local, images.list_images, actor, page.query, page.offset, page.limit
    )
    items = [image_wire(r) for r in records]
    return json_value_response({"limit": page.limit, "offset": page.offset, "total": total, "items": items})


@router.get("/names", response_model=ImageNamesResult, openapi_extra=FILTERS_OPENAPI)
async def get_image_names(actor: CurrentUser, images: Images, filters: ImageFilters) -> Response:
    names, starred_count = await run_read(images.reads_are_local, images.image_names, actor, filters)
    return json_value_response(
        {"image_names": names, "starred_count": starred_count, "total_count": len(names)}
    )


@lookup_router.post("/images_by_names", response_model=list[ImageDTO], name="get_images_by_names")
def get_images_by_names(body: ImageNamesBody, actor: CurrentUser, images: Images) -> list[ImageDTO]:
    return [ImageDTO.from_record(r) for r in images.images_by_names(actor, body.image_names)]


@router.get("/intermediates", response_model=int, name="get_intermediates_count")
def get_intermediates_count(actor: CurrentUser, images: Images) -> int:
    return images.count_intermediates(actor)


@router.delete("/intermediates", response_model=int, name="clear_intermediates")
def clear_intermediates(actor: CurrentUser, images: Images) -> int:
    return images.clear_intermediates(actor)


@router.delete("/uncategorized", response_model=DeleteImagesResult, name="delete_uncategorized_images")
def delete_uncategorized_images(actor: CurrentUser, images: Images) -> DeleteImagesResult:
    result = images.delete_uncategorized(actor)
    return DeleteImagesResult(affected_boards=result.affected_boards, deleted_images=result.image_names)


@router.post("/delete", response_model=DeleteImagesResult, name="delete_images_from_list")
def delete_images_from_list(body: ImageNamesBody, actor: CurrentUser, images: Images) -> DeleteImagesResult:
    result = images.delete_images(actor, body.image_names)
    return DeleteImagesResult(affected_boards=result.affected_boards, deleted_images=result.image_names)


@router.post("/star", response_model=StarredImagesResult, name="star_images_in_list")
def star_images_in_list(body: ImageNamesBody, actor: CurrentUser, images: Images) -> StarredImagesResult:
    result = images.set_starred(actor, body.image_names, True)
    return StarredImagesResult(affected_boards=result.affected_boards, starred_images=result.image_names)


@router.post("/unstar", response_model=UnstarredImagesResult, name="unstar_images_in_list")
def unstar_images_in_list(body: ImageNamesBody, actor: CurrentUser, images: Images) -> UnstarredImagesResult:
    result = images.set_starred(actor, body.image_names, False)
    return UnstarredImagesResult(affected_boards=result.affected_boards, unstarred_images=result.image_names)


@router.post("/download", response_model=ImagesDownloaded, status_code=202, name="download_images_from_list")
def download_images_from_list(
    body: DownloadImagesBody, actor: CurrentUser, downloads: Downloads
) -> ImagesDownloaded:
    """Starts a zip of the named images (or of a board's); `bulk_download_*` events follow."""
    job = downloads.start(actor, body.image_names, body.board_id)
    count = len(job.image_names)
    message = f"Preparing a zip of {count} image{'s' if count != 1 else ''}"
    return ImagesDownloaded(response=message, bulk_download_item_name=job.item_name)


@router.get(
    "/download/{bulk_download_item_name}",
    response_class=FileResponse,
    name="get_bulk_download_item",
    responses={200: {"content": {"application/zip": {}}, "description": "The zip"}},
)
def get_bulk_download_item(
    bulk_download_item_name: str, actor: CurrentUser, downloads: Downloads
) -> FileResponse:
    """The finished zip, for the user who asked for it only; it is deleted once sent."""
    path = downloads.path_for(actor, bulk_download_item_name)
    return FileResponse(
        path,
        media_type="application/zip",
        filename=path.name,
        background=BackgroundTask(downloads.delete, path),
    )


@router.get("/i/{image_name}", response_model=ImageDTO, name="get_image_dto")
def get_image_dto(image_name: str, actor: CurrentUser, images: Images) -> ImageDTO:
    return ImageDTO.from_record(images.get_image(actor, image_name))


@router.patch("/i/{image_name}", response_model=ImageDTO, name="update_image")
def update_image(
    image_name: str, actor: CurrentUser, images: Images, changes: Annotated[ImageRecordChanges, Body()]
) -> ImageDTO:
    values = changes.model_dump(exclude_none=True)
    return ImageDTO.from_record(images.update_image(actor, image_name, values))


@router.delete("/i/{image_name}", response_model=DeleteImagesResult, name="delete_image")
def delete_image(image_name: str, actor: CurrentUser, images: Images) -> DeleteImagesResult:
    result = images.delete_image(actor, image_name)
    return DeleteImagesResult(affected_boards=result.affected_boards, deleted_images=result.image_names)


@router.get("/i/{image_name}/metadata", response_model=dict[str, object] | None, name="get_image_metadata")
def get_image_metadata(image_name: str, actor: CurrentUser, images: Images) -> dict[str, object] | None:
    return images.get_metadata(actor, image_name)


@router.get("/i/{image_name}/urls", response_model=ImageUrlsDTO, name="get_image_urls")
def get_image_urls(image_name: str, actor: CurrentUser, images: Images) -> ImageUrlsDTO:
    return ImageUrlsDTO.for_name(images.get_image(actor, image_name).image_name)


def _file_response(
    request: Request, images: Images, actor: MediaUser, name: str, *, thumbnail: bool
) -> Response:
    stored = images.media_file(actor, name, thumbnail=thumbnail)
    multiuser = request.app.state.settings.multiuser
    # Multi-user: revalidate every time so a revoked reader stops seeing the image; names are
    # immutable, so single-user browsers may cache forever.
    cache = "private, no-cache" if multiuser else "private, max-age=31536000, immutable"
    headers = {"ETag": stored.etag, "Cache-Control": cache}
    if request.headers.get("if-none-match") == stored.etag:
        return Response(status_code=304, headers=headers)
    media_type = "image/webp" if thumbnail else "image/png"
    # Opened on its own, an image is an image document in a sandbox, never a page.
    headers["Content-Disposition"] = f'inline; filename="{stored.path.name}"'
    headers[CSP] = IMAGE_CSP
    return FileResponse(stored.path, media_type=media_type, headers=headers)


@media_router.get("/i/{image_name}/full", name="get_image_full")
def get_image_full(image_name: str, request: Request, actor: MediaUser, images: Images) -> Response:
    return _file_response(request, images, actor, image_name, thumbnail=False)


@media_router.head("/i/{image_name}/full", name="get_image_full_head")
def get_image_full_head(image_name: str, request: Request, actor: MediaUser, images: Images) -> Response:
    return _file_response(request, images, actor, image_name, thumbnail=False)


@media_router.get("/i/{image_name}/thumbnail", name="get_image_thumbnail")
def get_image_thumbnail(image_name: str, request: Request, actor: MediaUser, images: Images) -> Response:
    return _file_response(request, images, actor, image_name, thumbnail=True)
