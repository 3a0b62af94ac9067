"""Checks a graph must pass before it is queued, beyond its shape (`graph.parse_graph`): every model
it names is installed and of a kind its node takes, and every gallery image it names is one the
person enqueuing may read. Failures name the node and the input: 422 for a missing or unfit
model or a missing image, 403 for someone else's image.

`named_models` lists every model key a graph names, in typed model fields (`ModelIdentifierField`
anywhere inside an input: loaders, LoRA fields, ControlNets, upscalers, metadata) and in the
compound nodes' plain-string model inputs, inline or in batch data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from gesso.auth.actor import Actor
from gesso.engine.graph import Graph, InvalidGraph, field_adapter, node_class
from gesso.engine.registry import NodeRegistry, input_fields
from gesso.engine.types import ImageField, ModelIdentifierField
from gesso.errors import Forbidden, NotFound


class ForbiddenInput(Forbidden):
    """A graph input names something the person enqueuing may not use."""


@dataclass(frozen=True)
class NamedModel:
    node_id: str
    field: str
    key: str


@dataclass(frozen=True)
class InstalledModel:
    name: str
    base: str
    type: str


class ModelLookup(Protocol):
    def __call__(self, key: str) -> InstalledModel | None: ...


ImageCheck = Callable[[Actor, str], object]  # raises Forbidden / NotFound
ModelAccess = Callable[[Actor, str], bool]  # may this person use installed model `key`?


def input_values(graph: Graph, extra: Iterable[tuple[str, str, Any]] = ()) -> Iterator[tuple[str, str, Any]]:
    """(node id, input name, value) for every inline input, then the batch data's values."""
    for node_id, node in graph.nodes.items():
        for name, value in node.items():
            if name not in ("id", "type", "is_intermediate", "use_cache"):
                yield node_id, name, value
    yield from extra


def _found(value: Any, wanted: type[BaseModel]) -> Iterator[Any]:
    if isinstance(value, wanted):
        yield value
    elif isinstance(value, BaseModel):
        for item in value.__dict__.values():
            yield from _found(item, wanted)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _found(item, wanted)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _found(item, wanted)


def _typed(graph: Graph, registry: NodeRegistry, node_id: str, name: str, value: Any) -> Any:
    """The value validated as the input's type (None when the node has no such input)."""
    cls = node_class(graph, node_id, registry)
    if name not in input_fields(cls):
        return None
    try:
        return field_adapter(cls, name).validate_python(value)
    except ValueError:
        return None  # shape errors are reported by graph validation


def named_models(
    graph: Graph, registry: NodeRegistry, extra: Iterable[tuple[str, str, Any]] = ()
) -> list[NamedModel]:
    """Every model key the graph names (for access checks: SPEC §17 "a graph that names it anywhere")."""
    found: list[NamedModel] = []
    for node_id, name, value in input_values(graph, extra):
        cls = node_class(graph, node_id, registry)
        if name in cls.model_key_inputs and isinstance(value, str | dict):
            key = value.get("key") if isinstance(value, dict) else value
            if isinstance(key, str):
                found.append(NamedModel(node_id, name, key))
            continue
        typed = _typed(graph, registry, node_id, name, value)
        if cls.node_type in ("sd_text_to_image", "sd_image_to_image") and name == "loras" and typed:
            found.extend(NamedModel(node_id, name, lora.key) for lora in typed)
            continue
        found.extend(NamedModel(node_id, name, m.key) for m in _found(typed, ModelIdentifierField))
    return found


def named_images(
    graph: Graph, registry: NodeRegistry, extra: Iterable[tuple[str, str, Any]] = ()
) -> list[tuple[str, str, str]]:
    """(node id, input name, image name) for every gallery image the graph names."""
    found: list[tuple[str, str, str]] = []
    for node_id, name, value in input_values(graph, extra):
        typed = _typed(graph, registry, node_id, name, value)
        found.extend((node_id, name, image.image_name) for image in _found(typed, ImageField))
    return found


class GraphPreflight:
    def __init__(
        self,
        registry: NodeRegistry,
        models: ModelLookup,
        can_read_image: ImageCheck,
        may_use_model: ModelAccess | None = None,
    ) -> None:
        self._registry = registry
        self._models = models
        self._can_read_image = can_read_image
        self._may_use_model = may_use_model

    def check(self, actor: Actor, graph: Graph, extra: Iterable[tuple[str, str, Any]] = ()) -> None:
        extra = list(extra)
        for named in named_models(graph, self._registry, extra):
            self._check_model(actor, graph, named)
        for node_id, name, image_name in named_images(graph, self._registry, extra):
            try:
                self._can_read_image(actor, image_name)
            except Forbidden:
                raise ForbiddenInput(
                    f"node {node_id!r}: input {name!r}: you may not use image {image_name!r}"
                ) from None
            except NotFound:
                raise InvalidGraph(f"node {node_id!r}: input {name!r}: no image {image_name!r}") from None

    def _check_model(self, actor: Actor, graph: Graph, named: NamedModel) -> None:
        cls = node_class(graph, named.node_id, self._registry)
        where = f"node {named.node_id!r} ({cls.node_type}): input {named.field!r}"
        model = self._models(named.key)
        if model is None:
            raise InvalidGraph(f"{where}: no installed model has key {named.key!r}")
        if self._may_use_model is not None and not self._may_use_model(actor, named.key):
            raise ForbiddenInput(f"{where}: you may not use model {model.name!r} ({named.key}): restricted")
        requirement = cls.model_requirements.get(named.field)
        if requirement is None:
            return
        if model.type not in requirement.types or (requirement.bases and model.base not in requirement.bases):
            raise InvalidGraph(
                f"{where}: {model.name!r} is a {model.base} {model.type} model; "
                f"this node takes {requirement.describe()}"
            )


@dataclass(frozen=True)
class MainModel:
    """Where a graph names its main model, and which one (for model-aware dispatch)."""

    node_id: str
    field: str
    key: str

    def for_session(self, field_values: Iterable[dict[str, Any]]) -> str:
        """The key once batch data is applied (a batch may vary the model per item)."""
        for value in field_values:
            if value.get("node_path") == self.node_id and value.get("field_name") == self.field:
                key = value.get("value")
                key = key.get("key") if isinstance(key, dict) else key
                if isinstance(key, str):
                    return key
        return self.key


def main_model(
    graph: Graph, registry: NodeRegistry, extra: Iterable[tuple[str, str, Any]] = ()
) -> MainModel | None:
    """The first main model the graph loads: an input whose node takes `main` models (InvokeAI's
    loaders), or a compound node's plain-string `model` input."""
    for named in named_models(graph, registry, extra):
        cls = node_class(graph, named.node_id, registry)
        requirement = cls.model_requirements.get(named.field)
        if (requirement is not None and "main" in requirement.types) or (
            named.field == "model" and named.field in cls.model_key_inputs
        ):
            return MainModel(named.node_id, named.field, named.key)
    return None
