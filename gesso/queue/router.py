"""`/api/v1/queue/{queue_id}`: InvokeAI's session queue routes with per-user redaction and scope."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import Field

from gesso.api.deps import Queue, Worker
from gesso.auth.deps import AdminUser, CurrentUser
from gesso.db.engine import run_read
from gesso.pagination import CursorPaginatedResults
from gesso.queue.schemas import (
    Batch,
    BatchStatus,
    CanceledResult,
    DeletedResult,
    EnqueueBatchResult,
    ItemIdsResult,
    QueueItemStatus,
    RetryItemsResult,
    SessionProcessorStatus,
    SessionQueueAndProcessorStatus,
    SessionQueueCountsByDestination,
    SessionQueueItem,
)
from gesso.responses import json_response

router = APIRouter(prefix="/v1/queue", tags=["queue"])
CursorPage = CursorPaginatedResults[SessionQueueItem]

MAX_IDS = 1000
LIST_ALL_MAX = 1000
# Database integers are 64-bit: larger numbers can name nothing, so they are refused up front.
DB_INT_MAX = 2**63 - 1
ItemId = Annotated[int, Path(ge=0, le=DB_INT_MAX)]
ItemIdValue = Annotated[int, Field(ge=0, le=DB_INT_MAX)]


@router.post("/{queue_id}/enqueue_batch", response_model=EnqueueBatchResult, name="enqueue_batch")
def enqueue_batch(
    queue_id: str,
    batch: Annotated[Batch, Body()],
    actor: CurrentUser,
    queue: Queue,
    prepend: Annotated[bool, Body()] = False,
) -> EnqueueBatchResult:
    return queue.enqueue_batch(actor, queue_id, batch, prepend)


@router.get("/{queue_id}/list_all", response_model=list[SessionQueueItem], name="list_all_queue_items")
async def list_all_queue_items(
    queue_id: str,
    actor: CurrentUser,
    queue: Queue,
    destination: str | None = None,
    offset: Annotated[int, Query(ge=0, le=DB_INT_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=LIST_ALL_MAX)] = LIST_ALL_MAX,
) -> Response:
    """Unfinished items, then finished ones newest first, at most `limit` (≤ 1000) of them,
    returned in queue order; `offset` pages further back into the history."""
    items = await run_read(queue.reads_are_local, queue.list_all, actor, queue_id, destination, offset, limit)
    return json_response(list[SessionQueueItem], items)


@router.get("/{queue_id}/list", response_model=CursorPage, name="list_queue_items")
async def list_queue_items(
    queue_id: str,
    actor: CurrentUser,
    queue: Queue,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    status: QueueItemStatus | None = None,
    cursor: Annotated[int | None, Query(ge=0, le=DB_INT_MAX)] = None,
    priority: Annotated[int, Query(ge=-DB_INT_MAX, le=DB_INT_MAX)] = 0,
    destination: str | None = None,
) -> Response:
    items, has_more = await run_read(
        queue.reads_are_local, queue.list_page, actor, queue_id,
        limit=limit, status=status, cursor=cursor, priority=priority, destination=destination,
    )  # fmt: skip
    return json_response(CursorPage, CursorPage(limit=limit, has_more=has_more, items=items))


@router.get("/{queue_id}/item_ids", response_model=ItemIdsResult, name="get_queue_item_ids")
def get_queue_item_ids(
    queue_id: str, actor: CurrentUser, queue: Queue, order_dir: Literal["ASC", "DESC"] = "DESC"
) -> ItemIdsResult:
    ids = queue.item_ids(queue_id, order_dir)
    return ItemIdsResult(item_ids=ids, total_count=len(ids))


@router.post(
    "/{queue_id}/items_by_ids", response_model=list[SessionQueueItem], name="get_queue_items_by_item_ids"
)
def get_queue_items_by_item_ids(
    queue_id: str,
    item_ids: Annotated[list[ItemIdValue], Body(embed=True, max_length=MAX_IDS)],
    actor: CurrentUser,
    queue: Queue,
) -> list[SessionQueueItem]:
    return queue.items_by_ids(actor, queue_id, item_ids)


@router.put("/{queue_id}/processor/resume", response_model=SessionProcessorStatus, name="resume")
def resume(queue_id: str, admin: AdminUser, worker: Worker) -> SessionProcessorStatus:
    worker.resume()
    return SessionProcessorStatus(is_started=worker.is_started, is_processing=worker.is_processing)


@router.put("/{queue_id}/processor/pause", response_model=SessionProcessorStatus, name="pause")
def pause(queue_id: str, admin: AdminUser, worker: Worker) -> SessionProcessorStatus:
    worker.pause()
    return SessionProcessorStatus(is_started=worker.is_started, is_processing=worker.is_processing)


@router.put(
    "/{queue_id}/cancel_all_except_current", response_model=CanceledResult, name="cancel_all_except_current"
)
def cancel_all_except_current(queue_id: str, actor: CurrentUser, queue: Queue) -> CanceledResult:
    return CanceledResult(canceled=queue.cancel_pending(actor, queue_id))


@router.put(
    "/{queue_id}/delete_all_except_current", response_model=DeletedResult, name="delete_all_except_current"
)
def delete_all_except_current(queue_id: str, actor: CurrentUser, queue: Queue) -> DeletedResult:
    return DeletedResult(deleted=queue.delete_pending(actor, queue_id))


@router.put("/{queue_id}/cancel_by_batch_ids", response_model=CanceledResult, name="cancel_by_batch_ids")
def cancel_by_batch_ids(
    queue_id: str,
    batch_ids: Annotated[list[str], Body(embed=True, max_length=MAX_IDS)],
    actor: CurrentUser,
    queue: Queue,
) -> CanceledResult:
    return CanceledResult(canceled=queue.cancel_batches(actor, queue_id, batch_ids))


@router.put("/{queue_id}/cancel_by_destination", response_model=CanceledResult, name="cancel_by_destination")
def cancel_by_destination(
    queue_id: str, destination: str, actor: CurrentUser, queue: Queue
) -> CanceledResult:
    return CanceledResult(canceled=queue.cancel_destination(actor, queue_id, destination))


@router.put("/{queue_id}/retry_items_by_id", response_model=RetryItemsResult, name="retry_items_by_id")
def retry_items_by_id(
    queue_id: str,
    item_ids: Annotated[list[ItemIdValue], Body(max_length=MAX_IDS)],
    actor: CurrentUser,
    queue: Queue,
) -> RetryItemsResult:
    return RetryItemsResult(queue_id=queue_id, retried_item_ids=queue.retry_items(actor, queue_id, item_ids))


@router.delete("/{queue_id}/d/{destination}", response_model=DeletedResult, name="delete_by_destination")
def delete_by_destination(queue_id: str, destination: str, actor: CurrentUser, queue: Queue) -> DeletedResult:
    return DeletedResult(deleted=queue.delete_destination(actor, queue_id, destination))


@router.put("/{queue_id}/clear", response_model=DeletedResult, name="clear")
def clear(queue_id: str, actor: CurrentUser, queue: Queue) -> DeletedResult:
    return DeletedResult(deleted=queue.clear(actor, queue_id))


@router.put("/{queue_id}/prune", response_model=DeletedResult, name="prune")
def prune(queue_id: str, actor: CurrentUser, queue: Queue) -> DeletedResult:
    return DeletedResult(deleted=queue.prune(actor, queue_id))


@router.get("/{queue_id}/current", response_model=SessionQueueItem | None, name="get_current_queue_item")
def get_current_queue_item(queue_id: str, actor: CurrentUser, queue: Queue) -> SessionQueueItem | None:
    return queue.current(actor, queue_id)


@router.get("/{queue_id}/next", response_model=SessionQueueItem | None, name="get_next_queue_item")
def get_next_queue_item(queue_id: str, actor: CurrentUser, queue: Queue) -> SessionQueueItem | None:
    return queue.next(actor, queue_id)


@router.get("/{queue_id}/status", response_model=SessionQueueAndProcessorStatus, name="get_queue_status")
async def get_queue_status(queue_id: str, actor: CurrentUser, queue: Queue, worker: Worker) -> Response:
    status = SessionQueueAndProcessorStatus(
        queue=await run_read(queue.reads_are_local, queue.status, actor, queue_id),
        processor=SessionProcessorStatus(is_started=worker.is_started, is_processing=worker.is_processing),
    )
    return json_response(SessionQueueAndProcessorStatus, status)


@router.get("/{queue_id}/b/{batch_id}/status", response_model=BatchStatus, name="get_batch_status")
def get_batch_status(queue_id: str, batch_id: str, actor: CurrentUser, queue: Queue) -> BatchStatus:
    return queue.batch_status(actor, queue_id, batch_id)


@router.get("/{queue_id}/i/{item_id}", response_model=SessionQueueItem, name="get_queue_item")
def get_queue_item(queue_id: str, item_id: ItemId, actor: CurrentUser, queue: Queue) -> SessionQueueItem:
    return queue.get_item(actor, queue_id, item_id)


@router.put("/{queue_id}/i/{item_id}/cancel", response_model=SessionQueueItem, name="cancel_queue_item")
def cancel_queue_item(queue_id: str, item_id: ItemId, actor: CurrentUser, queue: Queue) -> SessionQueueItem:
    return queue.cancel_item(actor, queue_id, item_id)


@router.delete("/{queue_id}/i/{item_id}", response_model=None, name="delete_queue_item")
def delete_queue_item(queue_id: str, item_id: ItemId, actor: CurrentUser, queue: Queue) -> None:
    queue.delete_item(actor, queue_id, item_id)


@router.get(
    "/{queue_id}/counts_by_destination",
    response_model=SessionQueueCountsByDestination,
    name="counts_by_destination",
)
def counts_by_destination(
    queue_id: str, destination: str, actor: CurrentUser, queue: Queue
) -> SessionQueueCountsByDestination:
    return queue.counts_by_destination(actor, queue_id, destination)
