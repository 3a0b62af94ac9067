"""`bench_sleep`: waits without using the CPU, standing in for GPU time in bench/scale_bench.py
and the worker tests. Registered only when the configuration says `enable_benchmark_nodes: true`;
a default installation does not know this node type."""

from __future__ import annotations

import time
from typing import ClassVar

from pydantic import Field

from gesso.engine.context import NodeContext
from gesso.engine.nodes.primitives import IntegerOutput
from gesso.engine.registry import BaseNode, BaseOutput

CANCEL_CHECK_S = 0.05


class BenchSleepNode(BaseNode):
    node_type: ClassVar[str] = "bench_sleep"
    output_class: ClassVar[type[BaseOutput]] = IntegerOutput

    use_cache: bool = False
    seconds: float = Field(default=0.2, ge=0, le=600)

    def invoke(self, ctx: NodeContext) -> IntegerOutput:
        deadline = time.monotonic() + self.seconds
        while (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, CANCEL_CHECK_S))
            ctx.raise_if_canceled()
        return IntegerOutput(value=round(self.seconds * 1000))


BENCHMARK_NODES = (BenchSleepNode,)
