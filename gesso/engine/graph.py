"""InvokeAI's graph JSON, parsed and validated before anything is queued.

`{"id", "nodes": {id: {"type", "id", <inline inputs>}}, "edges": [{"source": {"node_id",
"field"}, "destination": {"node_id", "field"}}]}`. Validation refuses, naming the node and the
field: unknown node types, edges to unknown nodes or fields, type mismatches on edges, two edges
into one input (except `collect.item`), missing required inputs, invalid inline values, and
cycles. An input fed by an edge may also carry an inline value: the edge wins.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from gesso.engine.registry import NODE_META_FIELDS, BaseNode, NodeRegistry, input_fields, output_fields
from gesso.engine.types import can_feed, type_name
from gesso.errors import GessoError

MAX_NODES = 2000
COLLECT, ITERATE = "collect", "iterate"


class InvalidGraph(GessoError):
    status_code = 422
    code = "invalid_graph"


@dataclass(frozen=True)
class Edge:
    source_node: str
    source_field: str
    destination_node: str
    destination_field: str

    def as_json(self) -> dict[str, dict[str, str]]:
        return {
            "source": {"node_id": self.source_node, "field": self.source_field},
            "destination": {"node_id": self.destination_node, "field": self.destination_field},
        }


@dataclass
class Graph:
    id: str
    nodes: dict[str, dict[str, Any]]
    edges: list[Edge] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "nodes": self.nodes, "edges": [e.as_json() for e in self.edges]}

    def incoming(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges if e.destination_node == node_id]


def parse_graph(raw: Any, registry: NodeRegistry) -> Graph:
    """Validate and return the graph, or raise InvalidGraph with a precise message."""
    if not isinstance(raw, dict) or not isinstance(raw.get("nodes", {}), dict):
        raise InvalidGraph("graph must be an object with a 'nodes' object and an 'edges' list")
    nodes: dict[str, dict[str, Any]] = {}
    for node_id, node in raw.get("nodes", {}).items():
        if not isinstance(node, dict) or not isinstance(node.get("type"), str):
            raise InvalidGraph(f"node {node_id!r}: must be an object with a 'type'")
        if node.get("id", node_id) != node_id:
            raise InvalidGraph(f"node {node_id!r}: its 'id' field is {node.get('id')!r}, not its key")
        if registry.get(node["type"]) is None:
            raise InvalidGraph(f"node {node_id!r}: unknown node type {node['type']!r}")
        nodes[node_id] = {**node, "id": node_id}
    if len(nodes) > MAX_NODES:
        raise InvalidGraph(f"graph has {len(nodes)} nodes; at most {MAX_NODES} are allowed")
    graph = Graph(
        id=str(raw.get("id") or uuid.uuid4()), nodes=nodes, edges=_parse_edges(raw.get("edges", []))
    )
    _check_edges(graph, registry)
    _check_inputs(graph, registry)
    topological_order(graph)
    return graph


def _parse_edges(raw_edges: Any) -> list[Edge]:
    if not isinstance(raw_edges, list):
        raise InvalidGraph("'edges' must be a list")
    edges = []
    for index, edge in enumerate(raw_edges):
        try:
            source, destination = edge["source"], edge["destination"]
            edges.append(
                Edge(
                    str(source["node_id"]),
                    str(source["field"]),
                    str(destination["node_id"]),
                    str(destination["field"]),
                )
            )
        except (KeyError, TypeError):
            raise InvalidGraph(
                f"edge {index}: must be {{source: {{node_id, field}}, destination: {{node_id, field}}}}"
            ) from None
    return edges


def node_class(graph: Graph, node_id: str, registry: NodeRegistry) -> type[BaseNode]:
    found = registry.get(graph.nodes[node_id]["type"])
    assert found is not None
    return found


def _check_edges(graph: Graph, registry: NodeRegistry) -> None:
    fed: set[tuple[str, str]] = set()
    for edge in graph.edges:
        for node_id in (edge.source_node, edge.destination_node):
            if node_id not in graph.nodes:
                raise InvalidGraph(
                    f"edge {edge.source_node}.{edge.source_field} -> {edge.destination_node}."
                    f"{edge.destination_field}: no node {node_id!r}"
                )
        outputs = output_fields(node_class(graph, edge.source_node, registry))
        inputs = input_fields(node_class(graph, edge.destination_node, registry))
        if edge.source_field not in outputs:
            raise InvalidGraph(f"node {edge.source_node!r}: has no output field {edge.source_field!r}")
        if edge.destination_field not in inputs:
            raise InvalidGraph(
                f"node {edge.destination_node!r}: has no input field {edge.destination_field!r}"
            )
        source_type = type_name(outputs[edge.source_field].annotation)
        destination_type = type_name(inputs[edge.destination_field].annotation)
        if not can_feed(source_type, destination_type):
            raise InvalidGraph(
                f"node {edge.destination_node!r}: input {edge.destination_field!r} expects "
                f"{destination_type}, but {edge.source_node}.{edge.source_field} gives {source_type}"
            )
        key = (edge.destination_node, edge.destination_field)
        is_collect_item = (
            graph.nodes[edge.destination_node]["type"] == COLLECT and edge.destination_field == "item"
        )
        if key in fed and not is_collect_item:
            raise InvalidGraph(
                f"node {edge.destination_node!r}: input {edge.destination_field!r} has two edges"
            )
        fed.add(key)


def _check_inputs(graph: Graph, registry: NodeRegistry) -> None:
    fed = {(e.destination_node, e.destination_field) for e in graph.edges}
    for node_id, node in graph.nodes.items():
        cls = node_class(graph, node_id, registry)
        for name, info in input_fields(cls).items():
            if (node_id, name) in fed:
                continue
            if name not in node:
                if info.is_required():
                    raise InvalidGraph(f"node {node_id!r} ({cls.node_type}): missing required input {name!r}")
                continue
            try:
                field_adapter(cls, name).validate_python(node[name])
            except ValidationError as exc:
                problem = exc.errors()[0]["msg"]
                raise InvalidGraph(f"node {node_id!r} ({cls.node_type}): input {name!r}: {problem}") from None
        for meta in ("is_intermediate", "use_cache"):
            if meta in node and not isinstance(node[meta], bool):
                raise InvalidGraph(f"node {node_id!r}: {meta!r} must be true or false")


@functools.cache
def field_adapter(node_class: type[BaseNode], name: str) -> TypeAdapter[Any]:
    """A validator for one input, with its constraints (built once: construction is slow)."""
    info = node_class.model_fields[name]
    constrained: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    return TypeAdapter(constrained)


def topological_order(graph: Graph) -> list[str]:
    """Kahn's algorithm; a cycle is reported with the nodes on it."""
    indegree = dict.fromkeys(graph.nodes, 0)
    children: dict[str, list[str]] = defaultdict(list)
    for edge in graph.edges:
        indegree[edge.destination_node] += 1
        children[edge.source_node].append(edge.destination_node)
    ready = [n for n, d in indegree.items() if d == 0]
    order = []
    while ready:
        node_id = ready.pop(0)
        order.append(node_id)
        for child in children[node_id]:
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    if len(order) != len(graph.nodes):
        stuck = sorted(n for n, d in indegree.items() if d > 0)
        raise InvalidGraph(f"graph has a cycle through nodes {', '.join(repr(n) for n in stuck)}")
    return order


def inline_inputs(node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if k not in NODE_META_FIELDS}
