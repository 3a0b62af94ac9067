"""Wire models for images (InvokeAI's `ImageDTO`, `ImageUrlsDTO`, result models)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictStr

from gesso.images.store import ImageRecord

ImageCategory = Literal["general", "mask", "control", "user", "other"]
ResourceOrigin = Literal["internal", "external"]
MAX_NAMES_PER_REQUEST = 10_000


def image_urls(image_name: str) -> tuple[str, str]:
    """Relative URLs, as InvokeAI returns them; clients resolve them against the server's base."""
    return f"api/v1/images/i/{image_name}/full", f"api/v1/images/i/{image_name}/thumbnail"


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


# InvokeAI's `SQLiteDirection` ("ASC" | "DESC"); lower case is accepted too, as before.
SortDirection = Annotated[Literal["ASC", "DESC"], BeforeValidator(_upper)]


class ImageUrlsDTO(BaseModel):
    image_name: str
    image_url: str
    thumbnail_url: str

    @classmethod
    def for_name(cls, image_name: str) -> ImageUrlsDTO:
        full, thumbnail = image_urls(image_name)
        return cls(image_name=image_name, image_url=full, thumbnail_url=thumbnail)


class ImageDTO(BaseModel):
    image_name: str
    image_url: str
    thumbnail_url: str
    image_origin: ResourceOrigin
    image_category: ImageCategory
    width: int
    height: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    is_intermediate: bool
    starred: bool
    has_workflow: bool
    session_id: str | None = None
    node_id: str | None = None
    board_id: str | None = None
    user_id: str

    @classmethod
    def from_record(cls, record: ImageRecord) -> ImageDTO:
        # The record's values are typed already: no validation pass (lists build many of these).
        full, thumbnail = image_urls(record.image_name)
        return cls.model_construct(
            image_name=record.image_name,
            image_url=full,
            thumbnail_url=thumbnail,
            image_origin=cast(ResourceOrigin, record.image_origin),
            image_category=cast(ImageCategory, record.image_category),
            width=record.width,
            height=record.height,
            created_at=record.created_at,
            updated_at=record.updated_at,
            is_intermediate=record.is_intermediate,
            starred=record.starred,
            has_workflow=record.has_workflow,
            session_id=record.session_id,
            node_id=record.node_id,
            board_id=record.board_id,
            user_id=record.user_id,
            deleted_at=None,
        )


def image_wire(record: ImageRecord) -> dict[str, Any]:
    """`ImageDTO.from_record(record)` as the plain dict it serializes to, in the model's field
    order (tests/unit/test_wire_shapes.py holds them equal): gallery pages encode these in one
    pass without building a model per image."""
    full, thumbnail = image_urls(record.image_name)
    return {
        "image_name": record.image_name,
        "image_url": full,
        "thumbnail_url": thumbnail,
        "image_origin": record.image_origin,
        "image_category": record.image_category,
        "width": record.width,
        "height": record.height,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "deleted_at": None,
        "is_intermediate": record.is_intermediate,
        "starred": record.starred,
        "has_workflow": record.has_workflow,
        "session_id": record.session_id,
        "node_id": record.node_id,
        "board_id": record.board_id,
        "user_id": record.user_id,
    }


class ImageRecordChanges(BaseModel):
    """Unknown keys are accepted and ignored, as InvokeAI does."""

    model_config = ConfigDict(extra="ignore")

    image_category: ImageCategory | None = None
    session_id: StrictStr | None = Field(default=None, max_length=64)
    is_intermediate: StrictBool | None = None
    starred: StrictBool | None = None


class ImageNamesBody(BaseModel):
    image_names: list[str] = Field(max_length=MAX_NAMES_PER_REQUEST)


class ImageNamesResult(BaseModel):
    image_names: list[str]
    starred_count: int
    total_count: int


class DeleteImagesResult(BaseModel):
    affected_boards: list[str]
    deleted_images: list[str]


class StarredImagesResult(BaseModel):
    affected_boards: list[str]
    starred_images: list[str]


class UnstarredImagesResult(BaseModel):
    affected_boards: list[str]
    unstarred_images: list[str]


class AddImagesToBoardResult(BaseModel):
    affected_boards: list[str]
    added_images: list[str]


class RemoveImagesFromBoardResult(BaseModel):
    affected_boards: list[str]
    removed_images: list[str]


class DownloadImagesBody(BaseModel):
    """InvokeAI's `download_images_from_list` body: image names, or a board ("none" = uncategorized)."""

    image_names: list[Annotated[str, Field(max_length=128)]] | None = Field(default=None, max_length=10_000)
    board_id: str | None = Field(default=None, max_length=128)


class ImagesDownloaded(BaseModel):
    response: str | None = Field(default=None, description="A message to show while the zip is prepared")
    bulk_download_item_name: str | None = Field(
        default=None,
        description="The zip's name: bulk_download_* events name it, GET download/{name} returns it",
    )
