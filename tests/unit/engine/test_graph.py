"""Graphs of built-in nodes: validation by `parse_graph`, then `execute` with iteration, errors,
cancellation and progress, against an in-memory image store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from PIL import Image

from gesso.engine.context import Canceled
from gesso.engine.executor import Execution, NodeFailed, execute
from gesso.engine.graph import InvalidGraph, parse_graph
from gesso.engine.nodes import build_registry
from gesso.engine.registry import BaseOutput
from tests.unit.engine.conftest import ContextFactory, MemoryImages

Link = tuple[str, str, str, str]


def graph(nodes: dict[str, Any], links: list[Link] = []) -> dict[str, Any]:  # noqa: B006
    return {
        "id": "g",
        "nodes": {node_id: {"id": node_id, **node} for node_id, node in nodes.items()},
        "edges": [
            {"source": {"node_id": s, "field": sf}, "destination": {"node_id": d, "field": df}}
            for s, sf, d, df in links
        ],
    }


@dataclass
class Recorder:
    started: list[tuple[str, str]] = field(default_factory=list)
    completed: list[tuple[str, str]] = field(default_factory=list)
    progress: list[tuple[str, str, float | None, str]] = field(default_factory=list)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)

    def node_started(self, node_id: str, source_node_id: str, node: dict[str, Any]) -> None:
        self.started.append((node_id, source_node_id))

    def node_progress(
        self,
        node_id: str,
        source_node_id: str,
        node: dict[str, Any],
        percentage: float | None,
        message: str,
        preview: Image.Image | None,
    ) -> None:
        self.progress.append((node_id, source_node_id, percentage, message))

    def node_completed(
        self, node_id: str, source_node_id: str, node: dict[str, Any], output: BaseOutput
    ) -> None:
        self.completed.append((node_id, source_node_id))
        self.results[node_id] = output.as_result()


Runner = Callable[..., tuple[Execution, Recorder]]


@pytest.fixture
def run_graph(make_context: ContextFactory) -> Runner:
    def _run(
        raw: dict[str, Any], is_canceled: Callable[[Recorder], bool] = lambda _: False
    ) -> tuple[Execution, Recorder]:
        registry = build_registry()
        recorder = Recorder()
        execution = execute(
            parse_graph(raw, registry), registry, make_context, recorder, lambda: is_canceled(recorder)
        )
        return execution, recorder

    return _run


def refused(raw: dict[str, Any]) -> str:
    with pytest.raises(InvalidGraph) as caught:
        parse_graph(raw, build_registry())
    return caught.value.detail


def test_unknown_node_type_is_refused() -> None:
    assert refused(graph({"n": {"type": "noise_image"}})) == "node 'n': unknown node type 'noise_image'"


def test_missing_required_input_names_node_and_field() -> None:
    message = refused(graph({"r": {"type": "img_resize", "width": 8}}))
    assert message == "node 'r' (img_resize): missing required input 'image'"


def test_type_mismatch_on_an_edge_is_refused() -> None:
    message = refused(
        graph({"s": {"type": "string"}, "r": {"type": "img_resize"}}, [("s", "value", "r", "image")])
    )
    assert message == "node 'r': input 'image' expects ImageField, but s.value gives str"


def test_invalid_inline_value_is_refused() -> None:
    assert "node 'i' (integer): input 'value'" in refused(graph({"i": {"type": "integer", "value": "lots"}}))


def test_cycle_is_refused() -> None:
    message = refused(
        graph(
            {"a": {"type": "add"}, "b": {"type": "add"}}, [("a", "value", "b", "a"), ("b", "value", "a", "a")]
        )
    )
    assert message == "graph has a cycle through nodes 'a', 'b'"


def test_two_edges_into_one_input_are_refused_except_collect_item() -> None:
    nodes = {
        "x": {"type": "integer"},
        "y": {"type": "integer"},
        "s": {"type": "add"},
        "c": {"type": "collect"},
    }
    assert (
        refused(graph(nodes, [("x", "value", "s", "a"), ("y", "value", "s", "a")]))
        == "node 's': input 'a' has two edges"
    )
    parse_graph(graph(nodes, [("x", "value", "c", "item"), ("y", "value", "c", "item")]), build_registry())


def test_edge_wins_over_inline_value(run_graph: Runner) -> None:
    execution, _ = run_graph(
        graph(
            {"i": {"type": "integer", "value": 3}, "s": {"type": "add", "a": 100, "b": 1}},
            [("i", "value", "s", "a")],
        )
    )
    assert execution.results["s"].as_result() == {"type": "integer_output", "value": 4}


def test_nested_arithmetic(run_graph: Runner) -> None:
    nodes = {
        "two": {"type": "integer", "value": 2},
        "three": {"type": "integer", "value": 3},
        "four": {"type": "integer", "value": 4},
        "sum": {"type": "add"},
        "product": {"type": "mul"},
        "half": {"type": "div", "b": 2},
    }
    links = [
        ("two", "value", "sum", "a"),
        ("three", "value", "sum", "b"),
        ("sum", "value", "product", "a"),
        ("four", "value", "product", "b"),
        ("product", "value", "half", "a"),
    ]
    _, recorder = run_graph(graph(nodes, links))
    assert recorder.results["product"]["value"] == 20 and recorder.results["half"]["value"] == 10
    assert [n for n, _ in recorder.completed].index("sum") < [n for n, _ in recorder.completed].index(
        "product"
    )


def test_iterate_runs_the_body_per_item_and_collect_keeps_item_order(run_graph: Runner) -> None:
    nodes = {
        "five": {"type": "integer", "value": 5},
        "one": {"type": "integer", "value": 1},
        "three": {"type": "integer", "value": 3},
        "items": {"type": "collect"},
        "each": {"type": "iterate"},
        "plus": {"type": "add", "b": 10},
        "times": {"type": "mul", "b": 2},
        "results": {"type": "collect"},
    }
    links = [
        ("five", "value", "items", "item"),
        ("one", "value", "items", "item"),
        ("three", "value", "items", "item"),
        ("items", "collection", "each", "collection"),
        ("each", "item", "plus", "a"),
        ("plus", "value", "times", "a"),
        ("times", "value", "results", "item"),
    ]
    execution, recorder = run_graph(graph(nodes, links))
    assert recorder.results["items"] == {"type": "collect_output", "collection": [5, 1, 3]}
    assert recorder.results["results"] == {"type": "collect_output", "collection": [30, 22, 26]}
    plus_runs = [node_id for node_id, source in recorder.started if source == "plus"]
    assert len(plus_runs) == 3 and len(set(plus_runs)) == 3
    assert sum(1 for _, source in recorder.completed if source == "times") == 3
    assert execution.results["each"].as_result() == {
        "type": "iterate_output",
        "item": 5,
        "index": 0,
        "total": 3,
    }


def test_iterate_over_nothing_runs_no_body(run_graph: Runner) -> None:
    nodes = {
        "each": {"type": "iterate", "collection": []},
        "plus": {"type": "add"},
        "out": {"type": "collect"},
    }
    _, recorder = run_graph(graph(nodes, [("each", "item", "plus", "a"), ("plus", "value", "out", "item")]))
    assert recorder.results["out"]["collection"] == []
    assert all(source != "plus" for _, source in recorder.started)


def test_iterated_images_are_stored_per_item(run_graph: Runner, images: MemoryImages) -> None:
    nodes = {
        "each": {"type": "iterate", "collection": [2, 3]},
        "blank": {"type": "blank_image", "height": 1, "color": {"r": 255, "g": 0, "b": 0}},
        "scale": {"type": "img_scale", "resample_mode": "nearest"},
        "factor": {"type": "integer", "value": 2},
        "all": {"type": "collect"},
    }
    links = [
        ("each", "item", "blank", "width"),
        ("blank", "image", "scale", "image"),
        ("factor", "value", "scale", "scale_factor"),
        ("scale", "image", "all", "item"),
    ]
    _, recorder = run_graph(graph(nodes, links))
    names = [image["image_name"] for image in recorder.results["all"]["collection"]]
    assert [images.image(name).size for name in names] == [(4, 2), (6, 2)]
    assert {saved.node_id for saved in images.saved} == {"blank", "scale"}


def test_node_exception_surfaces_as_node_failed(run_graph: Runner) -> None:
    nodes = {"zero": {"type": "integer", "value": 0}, "d": {"type": "div", "a": 1}, "after": {"type": "add"}}
    with pytest.raises(NodeFailed) as caught:
        run_graph(graph(nodes, [("zero", "value", "d", "b"), ("d", "value", "after", "a")]))
    failure = caught.value
    assert (failure.node_id, failure.source_node_id, failure.node["type"]) == ("d", "d", "div")
    assert failure.error_type == "ZeroDivisionError"
    assert "cannot divide 1 by zero" in failure.error_message
    assert "ZeroDivisionError" in failure.error_traceback and "invoke" in failure.error_traceback


def test_cancellation_between_nodes(run_graph: Runner) -> None:
    nodes = {"a": {"type": "integer", "value": 1}, "b": {"type": "add"}, "c": {"type": "add"}}
    recorders: list[Recorder] = []

    def canceled_after_one(recorder: Recorder) -> bool:
        recorders.append(recorder)
        return len(recorder.completed) >= 1

    with pytest.raises(Canceled):
        run_graph(graph(nodes, [("a", "value", "b", "a"), ("b", "value", "c", "a")]), canceled_after_one)
    assert recorders[-1].completed == [("a", "a")] and recorders[-1].started == [("a", "a")]


def test_progress_reaches_the_listener(run_graph: Runner) -> None:
    nodes = {
        "blank": {"type": "blank_image", "width": 8, "height": 8},
        "noise": {"type": "img_noise", "seed": 4},
    }
    _, recorder = run_graph(graph(nodes, [("blank", "image", "noise", "image")]))
    noise_progress = [
        (p, m) for node_id, source, p, m in recorder.progress if (node_id, source) == ("noise", "noise")
    ]
    assert noise_progress[0] == (0.0, "Adding noise") and noise_progress[-1] == (1.0, "Adding noise")
    assert recorder.results["noise"]["type"] == "image_output"
