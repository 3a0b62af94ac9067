"""Node types and their registry.

A node type is a pydantic model subclassing `BaseNode`: its fields are the inputs, `invoke`
returns a `BaseOutput` subclass whose fields are the outputs. Type names, input names and
output names follow InvokeAI where InvokeAI has the same node (SPEC §12).
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from gesso.engine.context import NodeContext

# Fields every node carries that are bookkeeping, not inputs.
NODE_META_FIELDS = frozenset({"id", "type", "is_intermediate", "use_cache"})


class BaseOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    output_type: ClassVar[str]

    def as_result(self) -> dict[str, Any]:
        """The `result` of `invocation_complete`: the output's fields plus its `type`."""
        return {"type": self.output_type, **self.model_dump(mode="json")}


@dataclass(frozen=True)
class ModelRequirement:
    """What kind of installed model a node's model input takes, checked before enqueue."""

    types: tuple[str, ...]
    bases: tuple[str, ...] | None = None

    def describe(self) -> str:
        bases = " or ".join(self.bases) + " " if self.bases else ""
        return f"{bases}{' or '.join(self.types)} models"


class BaseNode(BaseModel):
    model_config = ConfigDict(extra="ignore", arbitrary_types_allowed=True)

    node_type: ClassVar[str]
    output_class: ClassVar[type[BaseOutput]]
    # input name -> the models it takes (model inputs of nodes not listed are only checked to exist)
    model_requirements: ClassVar[dict[str, ModelRequirement]] = {}
    # inputs holding a model key as a plain string (Gesso's compound nodes), besides typed fields
    model_key_inputs: ClassVar[tuple[str, ...]] = ()

    id: str
    is_intermediate: bool = False
    use_cache: bool = True

    @abstractmethod
    def invoke(self, ctx: NodeContext) -> BaseOutput:
        """Run the node; long nodes call `ctx.progress(...)`, which also honours cancellation."""


@dataclass(frozen=True)
class NodeDescription:
    """What `/api/v1/nodes` tells about a node type: its input schema without the meta fields."""

    type: str
    title: str
    description: str | None
    output_type: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]


class NodeRegistry:
    """Node types by name. `load`, when given, supplies the initial types on first use, so that
    a server starts without importing every node module (and numpy) before it can answer."""

    def __init__(self, load: Callable[[], Iterable[type[BaseNode]]] | None = None) -> None:
        self._types: dict[str, type[BaseNode]] = {}
        self._descriptions: list[NodeDescription] | None = None
        self._load = load
        self._load_lock = threading.Lock()

    def load_now(self) -> None:
        """Load the node types at once: a worker process does so before it claims anything, so
        its first item does not pay a few hundred milliseconds of imports."""
        self._all()

    def _all(self) -> dict[str, type[BaseNode]]:
        if self._load is not None:
            with self._load_lock:
                if (load := self._load) is not None:
                    for node_class in load():
                        self._add(node_class)
                    self._load = None
        return self._types

    def register(self, node_class: type[BaseNode]) -> type[BaseNode]:
        self._all()  # the initial types first, so that a clash with one is refused
        return self._add(node_class)

    def _add(self, node_class: type[BaseNode]) -> type[BaseNode]:
        if node_class.node_type in self._types:
            raise ValueError(f"node type {node_class.node_type!r} registered twice")
        self._types[node_class.node_type] = node_class
        self._descriptions = None
        return node_class

    def describe(self) -> list[NodeDescription]:
        """Every node type, sorted by name (built once: the schemas never change at run time)."""
        if self._descriptions is None:
            self._descriptions = [_describe(node_class) for node_class in self]
        return self._descriptions

    def get(self, node_type: str) -> type[BaseNode] | None:
        return self._all().get(node_type)

    def __iter__(self) -> Iterator[type[BaseNode]]:
        return iter(sorted(self._all().values(), key=lambda c: c.node_type))

    def __contains__(self, node_type: object) -> bool:
        return node_type in self._all()


def input_fields(node_class: type[BaseNode]) -> dict[str, Any]:
    return {n: f for n, f in node_class.model_fields.items() if n not in NODE_META_FIELDS}


def output_fields(node_class: type[BaseNode]) -> dict[str, Any]:
    return dict(node_class.output_class.model_fields)


def _describe(node_class: type[BaseNode]) -> NodeDescription:
    schema = node_class.model_json_schema()
    schema["properties"] = {
        k: v for k, v in schema.get("properties", {}).items() if k not in NODE_META_FIELDS
    }
    schema["required"] = [r for r in schema.get("required", []) if r not in NODE_META_FIELDS]
    return NodeDescription(
        type=node_class.node_type,
        title=node_class.__name__,
        description=(node_class.__doc__ or "").strip() or None,
        output_type=node_class.output_class.output_type,
        input_schema=schema,
        output_schema=node_class.output_class.model_json_schema(),
    )
