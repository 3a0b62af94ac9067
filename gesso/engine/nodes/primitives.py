"""Primitive, arithmetic and collection nodes under their InvokeAI names (`integer`, `add`, `collect`, …)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, ClassVar

from gesso.engine.registry import BaseNode, BaseOutput

if TYPE_CHECKING:
    from gesso.engine.context import NodeContext

# InvokeAI's `rand_int` upper bound: numpy's int32 maximum, exclusive.
RAND_INT_HIGH = 2147483647


class IntegerOutput(BaseOutput):
    output_type: ClassVar[str] = "integer_output"

    value: int


class FloatOutput(BaseOutput):
    output_type: ClassVar[str] = "float_output"

    value: float


class StringOutput(BaseOutput):
    output_type: ClassVar[str] = "string_output"

    value: str


class BooleanOutput(BaseOutput):
    output_type: ClassVar[str] = "boolean_output"

    value: bool


class CollectInvocationOutput(BaseOutput):
    output_type: ClassVar[str] = "collect_output"

    collection: list[Any]


class IterateInvocationOutput(BaseOutput):
    output_type: ClassVar[str] = "iterate_output"

    item: Any
    index: int
    total: int


class IntegerNode(BaseNode):
    node_type: ClassVar[str] = "integer"
    output_class: ClassVar[type[BaseOutput]] = IntegerOutput

    value: int = 0

    def invoke(self, ctx: NodeContext) -> IntegerOutput:
        return IntegerOutput(value=self.value)


class FloatNode(BaseNode):
    node_type: ClassVar[str] = "float"
    output_class: ClassVar[type[BaseOutput]] = FloatOutput

    value: float = 0.0

    def invoke(self, ctx: NodeContext) -> FloatOutput:
        return FloatOutput(value=self.value)


class StringNode(BaseNode):
    node_type: ClassVar[str] = "string"
    output_class: ClassVar[type[BaseOutput]] = StringOutput

    value: str = ""

    def invoke(self, ctx: NodeContext) -> StringOutput:
        return StringOutput(value=self.value)


class BooleanNode(BaseNode):
    node_type: ClassVar[str] = "boolean"
    output_class: ClassVar[type[BaseOutput]] = BooleanOutput

    value: bool = False

    def invoke(self, ctx: NodeContext) -> BooleanOutput:
        return BooleanOutput(value=self.value)


class RandomIntNode(BaseNode):
    """A fresh random integer in [low, high) on every run; never cached, never seeded."""

    node_type: ClassVar[str] = "rand_int"
    output_class: ClassVar[type[BaseOutput]] = IntegerOutput

    use_cache: bool = False
    low: int = 0
    high: int = RAND_INT_HIGH

    def invoke(self, ctx: NodeContext) -> IntegerOutput:
        if self.low >= self.high:
            raise ValueError(
                f"rand_int needs low < high (high is exclusive); got low={self.low}, high={self.high}"
            )
        return IntegerOutput(value=random.SystemRandom().randrange(self.low, self.high))


class _IntegerMath(BaseNode):
    output_class: ClassVar[type[BaseOutput]] = IntegerOutput

    a: int = 0
    b: int = 0


class AddNode(_IntegerMath):
    node_type: ClassVar[str] = "add"

    def invoke(self, ctx: NodeContext) -> IntegerOutput:
        return IntegerOutput(value=self.a + self.b)


class SubtractNode(_IntegerMath):
    node_type: ClassVar[str] = "sub"

    def invoke(self, ctx: NodeContext) -> IntegerOutput:
        return IntegerOutput(value=self.a - self.b)


class MultiplyNode(_IntegerMath):
    node_type: ClassVar[str] = "mul"

    def invoke(self, ctx: NodeContext) -> IntegerOutput:
        return IntegerOutput(value=self.a * self.b)


class DivideNode(_IntegerMath):
    """InvokeAI's `int(a / b)`: truncates toward zero. Computed on integers so big values stay exact."""

    node_type: ClassVar[str] = "div"

    def invoke(self, ctx: NodeContext) -> IntegerOutput:
        if self.b == 0:
            raise ZeroDivisionError(f"div: cannot divide {self.a} by zero (input 'b' is 0)")
        quotient = abs(self.a) // abs(self.b)
        return IntegerOutput(value=quotient if (self.a < 0) == (self.b < 0) else -quotient)


class CollectNode(BaseNode):
    """Gathers every `item` edge into `collection`; the executor fills `collection` in item order."""

    node_type: ClassVar[str] = "collect"
    output_class: ClassVar[type[BaseOutput]] = CollectInvocationOutput

    item: Any = None
    collection: list[Any] = []

    def invoke(self, ctx: NodeContext) -> CollectInvocationOutput:
        return CollectInvocationOutput(collection=list(self.collection))


class IterateNode(BaseNode):
    """One item of `collection`. The executor runs what lies downstream once per item, reading the
    list from this node's `collection` input; `index` is set on each expanded copy."""

    node_type: ClassVar[str] = "iterate"
    output_class: ClassVar[type[BaseOutput]] = IterateInvocationOutput

    collection: list[Any] = []
    index: int = 0

    def invoke(self, ctx: NodeContext) -> IterateInvocationOutput:
        total = len(self.collection)
        item = self.collection[self.index] if 0 <= self.index < total else None
        return IterateInvocationOutput(item=item, index=self.index, total=total)


PRIMITIVE_NODES: tuple[type[BaseNode], ...] = (
    IntegerNode,
    FloatNode,
    StringNode,
    BooleanNode,
    RandomIntNode,
    AddNode,
    SubtractNode,
    MultiplyNode,
    DivideNode,
    CollectNode,
    IterateNode,
)
