"""The server's registry loads the built-in node types on first use, once, even when several
threads ask at the same moment, and still refuses a second type under a taken name."""

from __future__ import annotations

import threading
from typing import ClassVar

import pytest

from gesso.engine.nodes import build_registry
from gesso.engine.nodes.primitives import PRIMITIVE_NODES
from gesso.engine.registry import BaseNode, BaseOutput, NodeRegistry
from gesso.services import builtin_node_types


def test_lazy_builtin_registry_holds_the_same_types_as_the_eager_one() -> None:
    lazy, eager = NodeRegistry(builtin_node_types), build_registry()
    assert [c.node_type for c in lazy] == [c.node_type for c in eager]
    assert lazy.get("denoise_latents") is eager.get("denoise_latents")
    assert "l2i" in lazy and "no_such_node" not in lazy


def test_types_load_once_however_many_threads_ask_first() -> None:
    calls = []
    started = threading.Barrier(8)

    def load() -> list[type[BaseNode]]:
        calls.append(1)
        return list(PRIMITIVE_NODES)

    registry = NodeRegistry(load)
    found: list[bool] = []

    def ask() -> None:
        started.wait()
        found.append("integer" in registry)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [1]
    assert found == [True] * 8


def test_a_type_registered_under_a_built_in_name_is_refused() -> None:
    class Clash(BaseNode):
        node_type: ClassVar[str] = "integer"
        output_class: ClassVar[type[BaseOutput]] = BaseOutput

        def invoke(self, ctx: object) -> BaseOutput:
            raise NotImplementedError

    registry = NodeRegistry(builtin_node_types)
    with pytest.raises(ValueError, match="'integer' registered twice"):
        registry.register(Clash)
