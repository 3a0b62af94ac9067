"""Batch expansion (InvokeAI's format): within a data group the items are zipped, across groups
the product is taken (first group slowest), and everything repeats `runs` times."""

from __future__ import annotations

import copy
import itertools
import uuid
from collections.abc import Iterator
from math import prod
from typing import Any

from pydantic import ValidationError

from gesso.engine.graph import Graph, InvalidGraph, field_adapter, node_class
from gesso.engine.preflight import MainModel
from gesso.engine.registry import NodeRegistry, input_fields
from gesso.queue.schemas import Batch, BatchDatum, NodeFieldValue
from gesso.queue.store import NewItem, QueueItemRecord


def requested_count(batch: Batch) -> int:
    return batch.runs * prod(len(group[0].items) if group else 0 for group in batch.data or [])


def check_batch_data(batch: Batch, graph: Graph, registry: NodeRegistry) -> None:
    """Every datum must name an input of a node in the graph, and every item must fit its type."""
    for group in batch.data or []:
        for datum in group:
            if datum.node_path not in graph.nodes:
                raise InvalidGraph(f"batch data: no node {datum.node_path!r} in the graph")
            fields = input_fields(node_class(graph, datum.node_path, registry))
            if datum.field_name not in fields:
                raise InvalidGraph(f"batch data: node {datum.node_path!r} has no input {datum.field_name!r}")
            adapter = field_adapter(node_class(graph, datum.node_path, registry), datum.field_name)
            for item in datum.items:
                value = item.model_dump() if hasattr(item, "model_dump") else item
                try:
                    adapter.validate_python(value)
                except ValidationError as exc:
                    raise InvalidGraph(
                        f"batch data: {datum.node_path}.{datum.field_name}: {exc.errors()[0]['msg']}"
                    ) from None


def expand(batch: Batch, graph: Graph, limit: int) -> Iterator[tuple[dict[str, Any], list[NodeFieldValue]]]:
    """Yield at most `limit` (session, field_values) pairs, one per queue item."""
    groups = [_zipped(group) for group in batch.data or []]
    produced = 0
    for _ in range(batch.runs):
        for combination in itertools.product(*groups):
            if produced >= limit:
                return
            values = [value for group_values in combination for value in group_values]
            yield _session(graph, values), values
            produced += 1


def new_queue_items(
    batch: Batch,
    graph: Graph,
    queue_id: str,
    user_id: str,
    priority: int,
    limit: int,
    main: MainModel | None = None,
) -> list[NewItem]:
    """The batch's items (at most `limit`), owned by `user_id`, each with the main model it
    loads (`main`, after the item's batch values) for model-aware dispatch."""
    return [
        NewItem(
            queue_id=queue_id,
            user_id=user_id,
            batch_id=batch.batch_id,
            session=session,
            priority=priority,
            origin=batch.origin,
            destination=batch.destination,
            field_values=[v.model_dump(mode="json") for v in values] or None,
            workflow=batch.workflow,
            model_key=main.for_session(v.model_dump(mode="json") for v in values) if main else None,
        )
        for session, values in expand(batch, graph, limit)
    ]


def _zipped(group: list[BatchDatum]) -> list[list[NodeFieldValue]]:
    count = len(group[0].items) if group else 0
    return [
        [NodeFieldValue(node_path=d.node_path, field_name=d.field_name, value=d.items[i]) for d in group]
        for i in range(count)
    ]


def _session(graph: Graph, values: list[NodeFieldValue]) -> dict[str, Any]:
    graph_json = copy.deepcopy(graph.as_json())
    for value in values:
        item = value.value
        plain = item.model_dump() if hasattr(item, "model_dump") else item
        graph_json["nodes"][value.node_path][value.field_name] = plain
    return new_session(graph_json)


def new_session(graph_json: dict[str, Any]) -> dict[str, Any]:
    """InvokeAI's `GraphExecutionState` shape, before execution."""
    return {
        "id": str(uuid.uuid4()),
        "graph": graph_json,
        "execution_graph": {"id": str(uuid.uuid4()), "nodes": {}, "edges": []},
        "executed": [],
        "executed_history": [],
        "results": {},
        "errors": {},
        "prepared_source_mapping": {},
        "source_prepared_mapping": {},
    }


def retry_item(record: QueueItemRecord) -> NewItem:
    """A fresh pending copy of a failed or canceled item (same owner, batch and graph)."""
    return NewItem(
        queue_id=record.queue_id,
        user_id=record.user_id,
        batch_id=record.batch_id,
        session=new_session(record.session.get("graph", {})),
        priority=record.priority,
        origin=record.origin,
        destination=record.destination,
        field_values=record.field_values,
        workflow=record.workflow,
        retried_from_item_id=record.retried_from_item_id or record.item_id,
        model_key=record.model_key,
    )
