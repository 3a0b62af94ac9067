"""Wire models for `/api/v1/queue/{queue_id}` (InvokeAI's names and fields)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, StrictStr, model_validator

from gesso.engine.types import ImageField

QueueItemStatus = Literal["pending", "in_progress", "completed", "failed", "canceled"]
BatchDataType = StrictStr | float | int | ImageField
T = TypeVar("T")
MAX_BATCH_ITEMS = 10_000


class NodeFieldValue(BaseModel):
    node_path: str
    field_name: str
    value: BatchDataType


class BatchDatum(BaseModel):
    node_path: str = Field(max_length=256)
    field_name: str = Field(max_length=256)
    items: list[BatchDataType] = Field(default_factory=list, max_length=MAX_BATCH_ITEMS)


class Batch(BaseModel):
    batch_id: str = Field(default_factory=lambda: str(uuid.uuid4()), max_length=64)
    origin: str | None = Field(default=None, max_length=256)
    destination: str | None = Field(default=None, max_length=256)
    data: list[list[BatchDatum]] | None = None
    graph: dict[str, Any]
    workflow: dict[str, Any] | None = None
    runs: int = Field(default=1, ge=1, le=MAX_BATCH_ITEMS)

    @model_validator(mode="after")
    def _zipped_groups_have_equal_length(self) -> Batch:
        seen: set[tuple[str, str]] = set()
        for group in self.data or []:
            lengths = {len(datum.items) for datum in group}
            if len(lengths) > 1:
                raise ValueError("every datum in one batch data group must have the same number of items")
            for datum in group:
                key = (datum.node_path, datum.field_name)
                if key in seen:
                    raise ValueError(f"{datum.node_path}.{datum.field_name} appears twice in the batch data")
                seen.add(key)
        return self


class EnqueueBatchResult(BaseModel):
    queue_id: str
    enqueued: int
    requested: int
    batch: Batch
    priority: int
    item_ids: list[int]


class SessionQueueItem(BaseModel):
    item_id: int
    status: QueueItemStatus
    priority: int
    batch_id: str
    origin: str | None = None
    destination: str | None = None
    session_id: str
    error_type: str | None = None
    error_message: str | None = None
    error_traceback: str | None = None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    completed_at: datetime | None = None
    queue_id: str
    user_id: str
    user_display_name: str | None = None
    user_email: str | None = None
    field_values: list[NodeFieldValue] | None = None
    retried_from_item_id: int | None = None
    session: dict[str, Any]
    workflow: dict[str, Any] | None = None


class SessionQueueStatus(BaseModel):
    queue_id: str
    item_id: int | None = None
    batch_id: str | None = None
    session_id: str | None = None
    pending: int
    in_progress: int
    completed: int
    failed: int
    canceled: int
    total: int
    user_pending: int | None = None
    user_in_progress: int | None = None


class SessionProcessorStatus(BaseModel):
    is_started: bool
    is_processing: bool


class SessionQueueAndProcessorStatus(BaseModel):
    queue: SessionQueueStatus
    processor: SessionProcessorStatus


class BatchStatus(BaseModel):
    queue_id: str
    batch_id: str
    origin: str | None = None
    destination: str | None = None
    pending: int
    in_progress: int
    completed: int
    failed: int
    canceled: int
    total: int


class SessionQueueCountsByDestination(BaseModel):
    queue_id: str
    destination: str
    pending: int
    in_progress: int
    completed: int
    failed: int
    canceled: int
    total: int


class ItemIdsResult(BaseModel):
    item_ids: list[int]
    total_count: int


class CanceledResult(BaseModel):
    canceled: int


class DeletedResult(BaseModel):
    deleted: int


class RetryItemsResult(BaseModel):
    queue_id: str
    retried_item_ids: list[int]
