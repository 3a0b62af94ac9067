"""Runs a validated graph node by node.

Nodes run in dependency order; each gets its inline inputs overlaid by the outputs its edges
bring (the edge wins). An `iterate` node expands what lies downstream of it, up to the `collect`
nodes, once per item of its collection; each copy keeps its source node id for events.
Cancellation is checked before every node and, through `NodeContext.progress`, inside long ones.
"""

from __future__ import annotations

import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import ValidationError

from gesso.engine.context import Canceled, NodeContext
from gesso.engine.graph import COLLECT, ITERATE, Edge, Graph, inline_inputs
from gesso.engine.registry import BaseNode, BaseOutput, NodeRegistry

if TYPE_CHECKING:
    from PIL import Image


class NodeFailed(Exception):
    def __init__(self, node_id: str, source_node_id: str, node: dict[str, Any], exc: BaseException) -> None:
        super().__init__(f"{type(exc).__name__}: {exc}")
        self.node_id = node_id
        self.source_node_id = source_node_id
        self.node = node
        self.error_type = type(exc).__name__
        self.error_message = str(exc)
        self.error_traceback = "".join(traceback.format_exception(exc))


class ExecutionListener(Protocol):
    def node_started(self, node_id: str, source_node_id: str, node: dict[str, Any]) -> None: ...

    def node_progress(
        self,
        node_id: str,
        source_node_id: str,
        node: dict[str, Any],
        percentage: float | None,
        message: str,
        preview: Image.Image | None,
    ) -> None: ...

    def node_completed(
        self, node_id: str, source_node_id: str, node: dict[str, Any], output: BaseOutput
    ) -> None: ...


ContextFactory = Callable[[str, str, Callable[[float | None, str, "Image.Image | None"], None]], NodeContext]


@dataclass
class Execution:
    """The mutable state of one run: the prepared (expanded) graph and the results so far."""

    graph: Graph
    source_of: dict[str, str] = field(default_factory=dict)
    results: dict[str, BaseOutput] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.pending = dict(self.graph.nodes)
        self.edges = list(self.graph.edges)
        self.source_of = {node_id: node_id for node_id in self.pending} | self.source_of


def execute(
    graph: Graph,
    registry: NodeRegistry,
    make_context: ContextFactory,
    listener: ExecutionListener,
    is_canceled: Callable[[], bool],
) -> Execution:
    run = Execution(graph)
    while run.pending:
        if is_canceled():
            raise Canceled()
        node_id = _next_ready(run)
        node = run.pending.pop(node_id)
        source_id = run.source_of[node_id]
        listener.node_started(node_id, source_id, node)
        instance, output = _invoke(run, registry, node_id, node, make_context, listener)
        run.results[node_id] = output
        listener.node_completed(node_id, source_id, node, output)
        if node["type"] == ITERATE:
            # The list to expand is the iterate node's validated `collection` input; its output
            # (`item`, `index`, `total`) describes one item, as in InvokeAI.
            _expand_iteration(run, node_id, list(getattr(instance, "collection", [])), output)
    return run


def _next_ready(run: Execution) -> str:
    for node_id in run.pending:
        if all(e.source_node in run.results for e in run.edges if e.destination_node == node_id):
            return node_id
    raise RuntimeError("no runnable node: the graph has an unsatisfiable dependency")


def _invoke(
    run: Execution,
    registry: NodeRegistry,
    node_id: str,
    node: dict[str, Any],
    make_context: ContextFactory,
    listener: ExecutionListener,
) -> tuple[BaseNode, BaseOutput]:
    source_id = run.source_of[node_id]
    values = inline_inputs(node)
    collected: list[Any] = []
    for edge in (e for e in run.edges if e.destination_node == node_id):
        value = getattr(run.results[edge.source_node], edge.source_field)
        if node["type"] == COLLECT and edge.destination_field == "item":
            collected.append(value)
        else:
            values[edge.destination_field] = value
    if node["type"] == COLLECT:
        values["collection"] = list(values.get("collection") or []) + collected
        values.pop("item", None)
    node_class = registry.get(node["type"])
    assert node_class is not None

    def report(percentage: float | None, message: str, preview: Image.Image | None) -> None:
        listener.node_progress(node_id, source_id, node, percentage, message, preview)

    try:
        instance = node_class.model_validate(
            {**values, "id": node_id, "is_intermediate": node.get("is_intermediate", False)}
        )
        return instance, instance.invoke(make_context(node_id, source_id, report))
    except Canceled:
        raise
    except ValidationError as exc:
        raise NodeFailed(node_id, source_id, node, ValueError(_first_error(exc))) from exc
    except Exception as exc:
        raise NodeFailed(node_id, source_id, node, exc) from exc


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"])
    return f"input {where!r}: {error['msg']}"


def _expand_iteration(run: Execution, iterate_id: str, collection: list[Any], output: BaseOutput) -> None:
    """Replace the loop body (what lies downstream of `iterate_id`, up to the `collect` nodes
    that close this loop) with one copy per item, fed by a per-item result of the iterate node.
    Copies get fresh ids (no clash with user ids); `source_of` maps them back."""
    body = _loop_body(run, iterate_id)
    outgoing = [e for e in run.edges if e.source_node == iterate_id]
    touched = [e for e in run.edges if e.destination_node in body or e.source_node in body] + outgoing
    kept_edges = [e for e in run.edges if e not in touched]
    templates = {node_id: run.pending.pop(node_id) for node_id in list(run.pending) if node_id in body}
    new_edges: list[Edge] = []
    for index, item in enumerate(collection):
        item_source = f"{iterate_id}#{uuid.uuid4().hex}"
        run.results[item_source] = type(output).model_validate(
            {"item": item, "index": index, "total": len(collection)}
        )
        run.source_of[item_source] = run.source_of[iterate_id]
        copy_id = {node_id: uuid.uuid4().hex for node_id in body} | {iterate_id: item_source}
        for node_id, template in templates.items():
            run.pending[copy_id[node_id]] = {**template, "id": copy_id[node_id]}
            run.source_of[copy_id[node_id]] = run.source_of[node_id]
        for edge in dict.fromkeys(touched):
            source = copy_id.get(edge.source_node, edge.source_node)
            destination = copy_id.get(edge.destination_node, edge.destination_node)
            new_edges.append(Edge(source, edge.source_field, destination, edge.destination_field))
    run.edges = kept_edges + new_edges


def _loop_body(run: Execution, iterate_id: str) -> set[str]:
    """Nodes downstream of the iterate node, stopping at the collect that closes its loop.

    Iterate and collect nodes pair up like brackets along each path: a collect met after an
    inner iterate closes that inner loop and belongs to the body."""
    body: set[str] = set()
    seen: set[tuple[str, int]] = set()
    frontier = [(iterate_id, 0)]
    while frontier:
        current, depth = frontier.pop()
        for edge in run.edges:
            child = edge.destination_node
            if edge.source_node != current or child not in run.pending:
                continue
            child_type = run.pending[child]["type"]
            child_depth = depth + (1 if child_type == ITERATE else -1 if child_type == COLLECT else 0)
            if child_depth < 0 or (child, child_depth) in seen:
                continue
            seen.add((child, child_depth))
            body.add(child)
            frontier.append((child, child_depth))
    return body
