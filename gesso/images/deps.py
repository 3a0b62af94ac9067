"""Request dependencies of the image routes: the gallery filters shared by the list routes, and
an upload's body (read up to the size limit) and options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from gesso.api.deps import AppConfig
from gesso.errors import PayloadTooLarge
from gesso.images.schemas import ImageCategory, ResourceOrigin, SortDirection
from gesso.images.store import ImageQuery
from gesso.images.upload_options import UploadOptions


class ImageFilterParams(BaseModel):
    """The gallery filters of the list routes (query parameters)."""

    board_id: str | None = None
    categories: list[ImageCategory] | None = None
    is_intermediate: bool | None = None
    image_origin: ResourceOrigin | None = None
    search_term: Annotated[str | None, Field(max_length=500)] = None
    order_dir: SortDirection = "DESC"
    starred_first: bool = True

    def query(self) -> ImageQuery:
        return ImageQuery(
            board_id=self.board_id,
            categories=self.categories,
            is_intermediate=self.is_intermediate,
            image_origin=self.image_origin,
            search_term=self.search_term or None,
            order_dir=self.order_dir,
            starred_first=self.starred_first,
        )


class ImagePageParams(ImageFilterParams):
    """The filters and one page of the gallery list."""

    offset: Annotated[int, Field(ge=0, le=2**31)] = 0
    limit: Annotated[int, Field(ge=1, le=10_000)] = 10


@dataclass(frozen=True)
class ImagePage:
    query: ImageQuery
    offset: int
    limit: int


_REPEATED = frozenset({"categories"})
P = TypeVar("P", bound=BaseModel)


def _parsed(request: Request, model: type[P]) -> P:
    """The model's fields, validated in one pass over the query string. Declared as FastAPI
    query parameters, each costs the hottest gallery routes a generic per-request inspection
    (together a fifth of their time); the OpenAPI document still lists them (`_documented`)
    and bad values are the same 422s."""
    query = request.query_params
    raw: dict[str, Any] = {}
    for name in model.model_fields:
        if name in _REPEATED:
            if values := query.getlist(name):
                raw[name] = values
        elif name in query:
            raw[name] = query[name]
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = [{**error, "loc": ("query", *error["loc"])} for error in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


async def image_filters(request: Request) -> ImageQuery:
    return _parsed(request, ImageFilterParams).query()


async def image_page(request: Request) -> ImagePage:
    params = _parsed(request, ImagePageParams)
    return ImagePage(params.query(), params.offset, params.limit)


def _documented(model: type[BaseModel], first: tuple[str, ...] = ()) -> dict[str, Any]:
    """What FastAPI would document for the model's fields as declared query parameters (an
    `openapi_extra`), with the validation answer they can give."""
    properties = model.model_json_schema()["properties"]
    names = [*first, *(name for name in properties if name not in first)]
    parameters = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "schema": {k: v for k, v in properties[name].items() if not (k == "default" and v is None)},
        }
        for name in names
    ]
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}
    responses = {"422": {"description": "Validation Error", "content": content}}
    return {"parameters": parameters, "responses": responses}


FILTERS_OPENAPI = _documented(ImageFilterParams)
PAGE_OPENAPI = _documented(ImagePageParams, first=("offset", "limit"))


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
ImagePageQuery = Annotated[ImagePage, Depends(image_page)]
UploadBody = Annotated[bytes, Depends(upload_body)]
Upload = Annotated[UploadOptions, Depends(upload_options)]
