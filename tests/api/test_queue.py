"""The session queue end to end in single-user mode: real graphs run by the real worker thread.

InvokeAI's shapes (SPEC §7, §12): enqueue_batch answers 200, bulk routes are PUT, retry takes a bare
list of ids. Items that must stay pending are enqueued with the processor paused; a "running" item is
staged by flipping its row to in_progress with SQL while the processor is paused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import AppFactory
from tests.gallery_helpers import listed_names, open_client
from tests.queue_helpers import (
    Q,
    add_graph,
    div_graph,
    edge,
    enqueue,
    enqueue_response,
    get_item,
    image_graph,
    list_all,
    mark_in_progress,
    pause,
    put,
    resume,
    started,
    status,
    wait_for,
)


@pytest.fixture
def su(make_client: AppFactory) -> TestClient:
    return make_client()


@pytest.fixture
def paused(su: TestClient) -> TestClient:
    pause(su)
    return su


def result_for(item: dict[str, Any], source_id: str) -> dict[str, Any]:
    """The result of the prepared node made from `source_id`."""
    session = item["session"]
    [prepared] = [p for p, s in session["prepared_source_mapping"].items() if s == source_id]
    result: dict[str, Any] = session["results"][prepared]
    return result


def ids_of(items: list[dict[str, Any]]) -> list[int]:
    return [item["item_id"] for item in items]


def run_all(client: TestClient, item_ids: list[int]) -> list[dict[str, Any]]:
    resume(client)
    return [wait_for(client, None, item_id) for item_id in item_ids]


def test_system_enqueue_add_graph_completes_with_integer_output(su: TestClient) -> None:
    result = enqueue(su, None, add_graph(3, 4))
    assert {k: result[k] for k in ("queue_id", "enqueued", "requested", "priority")} == {
        "queue_id": "default", "enqueued": 1, "requested": 1, "priority": 0,
    }  # fmt: skip
    item = wait_for(su, None, result["item_ids"][0])
    assert item["status"] == "completed", item
    assert result_for(item, "add") == {"type": "integer_output", "value": 7}
    assert result_for(item, "x") == {"type": "integer_output", "value": 3}
    assert (item["batch_id"], item["user_id"]) == (result["batch"]["batch_id"], "system")
    assert item["started_at"] and item["completed_at"]


def test_system_image_graph_saves_image_into_gallery(su: TestClient) -> None:
    item = wait_for(su, None, enqueue(su, None, image_graph(size=8))["item_ids"][0])
    assert item["status"] == "completed", item
    saved = result_for(item, "save")
    assert (saved["type"], saved["width"], saved["height"]) == ("image_output", 8, 8)
    name = saved["image"]["image_name"]
    dto = su.get(f"/api/v1/images/i/{name}").json()
    assert (dto["user_id"], dto["node_id"], dto["session_id"]) == ("system", "save", item["session_id"])
    assert dto["image_category"] == "general" and dto["is_intermediate"] is False
    assert name in listed_names(su, None)
    assert su.get(f"/api/v1/images/i/{name}/full").status_code == 200


def test_system_batch_expands_runs_times_zipped_groups_in_product_order(paused: TestClient) -> None:
    graph = add_graph()
    graph["nodes"]["s"] = {"type": "string", "value": ""}
    data = [
        [
            {"node_path": "x", "field_name": "value", "items": [1, 2]},
            {"node_path": "s", "field_name": "value", "items": ["one", "two"]},
        ],
        [{"node_path": "add", "field_name": "b", "items": [10, 20, 30]}],
    ]
    result = enqueue(paused, None, graph, data=data, runs=2)
    assert (result["requested"], result["enqueued"]) == (12, 12)
    assert result["item_ids"] == sorted(result["item_ids"], reverse=True)
    expected = [(x, s, b) for _ in range(2) for x, s in ((1, "one"), (2, "two")) for b in (10, 20, 30)]
    items = [get_item(paused, None, i) for i in sorted(result["item_ids"])]
    for item, (x, s, b) in zip(items, expected, strict=True):
        assert item["field_values"] == [
            {"node_path": "x", "field_name": "value", "value": x},
            {"node_path": "s", "field_name": "value", "value": s},
            {"node_path": "add", "field_name": "b", "value": b},
        ]
        nodes = item["session"]["graph"]["nodes"]
        assert (nodes["x"]["value"], nodes["s"]["value"], nodes["add"]["b"]) == (x, s, b)
        assert item["batch_id"] == result["batch"]["batch_id"]
    assert len({item["session_id"] for item in items}) == 12
    done = run_all(paused, sorted(result["item_ids"]))
    assert [result_for(i, "add")["value"] for i in done] == [x + b for x, _, b in expected]


def test_system_prepend_enqueues_ahead_and_runs_first(paused: TestClient) -> None:
    first = enqueue(paused, None, add_graph(), runs=2)
    second = enqueue(paused, None, add_graph(1, 1), prepend=True)
    third = enqueue(paused, None, add_graph(2, 2), prepend=True)
    assert (first["priority"], second["priority"], third["priority"]) == (0, 1, 2)
    top, middle = third["item_ids"][0], second["item_ids"][0]
    assert paused.get(f"{Q}/next").json()["item_id"] == top
    assert ids_of(list_all(paused)) == [top, middle, *sorted(first["item_ids"])]
    done = run_all(paused, [top, middle, *sorted(first["item_ids"])])
    assert [started(item) for item in done] == sorted(started(item) for item in done)


def test_system_full_queue_enqueues_fewer_without_error(make_client: AppFactory) -> None:
    client = make_client(max_queue_size=3)
    pause(client)
    result = enqueue(client, None, add_graph(), runs=5)
    assert (result["requested"], result["enqueued"], len(result["item_ids"])) == (5, 3, 3)
    full = enqueue(client, None, add_graph())
    assert (full["requested"], full["enqueued"], full["item_ids"]) == (1, 0, [])
    assert status(client)["queue"]["pending"] == 3


def _graph(nodes: dict[str, str], *edges: tuple[str, str, str, str]) -> dict[str, Any]:
    return {"nodes": {n: {"type": t} for n, t in nodes.items()}, "edges": [edge(*e) for e in edges]}


INT_ADD = {"x": "integer", "add": "add"}
BAD_VALUE = {"node_path": "x", "field_name": "value", "items": ["abc"]}
INVALID: dict[str, tuple[dict[str, Any], dict[str, Any] | None, list[str]]] = {
    "unknown_type": (_graph({"n1": "no_such_node"}), None, ["n1", "no_such_node"]),
    "missing_input": (_graph({"rs": "img_resize"}), None, ["rs", "image"]),
    "edge_type_mismatch": (
        _graph({"blank": "blank_image", "add": "add"}, ("blank", "image", "add", "a")),
        None,
        ["'add'", "'a'", "ImageField"],
    ),
    "cycle": (
        _graph({"a1": "add", "a2": "add"}, ("a1", "value", "a2", "a"), ("a2", "value", "a1", "a")),
        None,
        ["cycle", "a1", "a2"],
    ),
    "edge_to_unknown_input": (_graph(INT_ADD, ("x", "value", "add", "zzz")), None, ["add", "zzz"]),
    "edge_from_unknown_output": (_graph(INT_ADD, ("x", "nope", "add", "a")), None, ["'x'", "nope"]),
    "inline_wrong_type": ({"nodes": {"x": {"type": "integer", "value": "abc"}}}, None, ["'x'", "value"]),
    "batch_unknown_node": (add_graph(), {"node_path": "ghost", "field_name": "value"}, ["ghost"]),
    "batch_unknown_field": (add_graph(), {"node_path": "x", "field_name": "nofield"}, ["'x'", "nofield"]),
    "batch_wrong_type": (add_graph(), BAD_VALUE, ["x.value"]),
}


@pytest.mark.parametrize("case", INVALID)
def test_system_enqueue_invalid_graph_is_422_naming_node_and_field(su: TestClient, case: str) -> None:
    graph, datum, expected = INVALID[case]
    batch: dict[str, Any] = {} if datum is None else {"data": [[{"items": [1], **datum}]]}
    response = enqueue_response(su, None, graph, **batch)
    assert response.status_code == 422, response.text
    detail = json.dumps(response.json()["detail"])
    for fragment in expected:
        assert fragment in detail, (fragment, detail)
    assert status(su)["queue"]["total"] == 0


def test_system_failing_node_fails_item_and_worker_goes_on(su: TestClient) -> None:
    bad = enqueue(su, None, div_graph(1, 0))["item_ids"][0]
    good = enqueue(su, None, add_graph())["item_ids"][0]
    assert wait_for(su, None, good)["status"] == "completed"
    failed = wait_for(su, None, bad)
    assert failed["status"] == "failed"
    assert failed["error_type"] == "ZeroDivisionError" and "zero" in failed["error_message"]
    assert "Traceback" in failed["error_traceback"] and "ZeroDivisionError" in failed["error_traceback"]
    counts = status(su)["queue"]
    assert (counts["failed"], counts["completed"], counts["total"]) == (1, 1, 2)


def test_system_cancel_pending_item_is_never_run(paused: TestClient) -> None:
    item_id = enqueue(paused, None, add_graph())["item_ids"][0]
    canceled = put(paused, None, f"i/{item_id}/cancel")
    assert canceled["status"] == "canceled" and canceled["completed_at"]
    assert put(paused, None, f"i/{item_id}/cancel")["status"] == "canceled"
    later = enqueue(paused, None, add_graph())["item_ids"][0]
    assert run_all(paused, [later])[0]["status"] == "completed"
    item = get_item(paused, None, item_id)
    assert item["status"] == "canceled" and item["session"]["results"] == {}
    assert paused.put(f"{Q}/i/999999/cancel").status_code == 404


def test_system_delete_item_removes_it(paused: TestClient) -> None:
    item_id = enqueue(paused, None, add_graph())["item_ids"][0]
    response = paused.delete(f"{Q}/i/{item_id}")
    assert response.status_code == 200 and response.json() is None
    assert paused.get(f"{Q}/i/{item_id}").status_code == 404
    assert paused.delete(f"{Q}/i/{item_id}").status_code == 404
    assert status(paused)["queue"]["total"] == 0


def test_system_retry_failed_item_creates_pending_copy(su: TestClient) -> None:
    failed_id = enqueue(su, None, div_graph(), origin="canvas", destination="gallery")["item_ids"][0]
    done_id = enqueue(su, None, add_graph())["item_ids"][0]
    old = wait_for(su, None, failed_id)
    wait_for(su, None, done_id)
    pause(su)
    retried = put(su, None, "retry_items_by_id", json=[failed_id, done_id, 999999])
    assert retried["queue_id"] == "default" and len(retried["retried_item_ids"]) == 1
    new = get_item(su, None, retried["retried_item_ids"][0])
    assert new["status"] == "pending" and new["retried_from_item_id"] == failed_id
    assert (new["batch_id"], new["origin"], new["destination"]) == (old["batch_id"], "canvas", "gallery")
    assert new["session_id"] != old["session_id"] and new["session"]["results"] == {}
    assert new["session"]["graph"]["nodes"] == old["session"]["graph"]["nodes"]
    assert new["error_type"] is None
    again = run_all(su, [new["item_id"]])[0]
    assert again["status"] == "failed"
    second = put(su, None, "retry_items_by_id", json=[again["item_id"]])["retried_item_ids"]
    assert get_item(su, None, second[0])["retried_from_item_id"] == failed_id


def test_system_list_pages_with_cursor_across_priorities(paused: TestClient) -> None:
    low = sorted(enqueue(paused, None, add_graph(), runs=5, destination="canvas")["item_ids"])
    high = sorted(enqueue(paused, None, add_graph(), runs=2, prepend=True, destination="gallery")["item_ids"])
    pages, params = [], {"limit": 2}
    while True:
        page = paused.get(f"{Q}/list", params=params).json()
        assert page["limit"] == 2
        pages.append(ids_of(page["items"]))
        if not page["has_more"]:
            break
        last = page["items"][-1]
        params = {"limit": 2, "cursor": last["item_id"], "priority": last["priority"]}
    assert pages == [high, low[:2], low[2:4], low[4:]]
    put(paused, None, f"i/{low[0]}/cancel")
    assert ids_of(paused.get(f"{Q}/list", params={"status": "canceled"}).json()["items"]) == [low[0]]
    assert ids_of(paused.get(f"{Q}/list", params={"destination": "gallery"}).json()["items"]) == high
    assert ids_of(list_all(paused)) == high + low
    assert ids_of(list_all(paused, destination="canvas")) == low


def test_system_item_ids_follow_order_dir(paused: TestClient) -> None:
    ids = sorted(enqueue(paused, None, add_graph(), runs=3)["item_ids"])
    assert paused.get(f"{Q}/item_ids").json() == {"item_ids": ids[::-1], "total_count": 3}
    assert paused.get(f"{Q}/item_ids", params={"order_dir": "ASC"}).json()["item_ids"] == ids
    assert paused.get(f"{Q}/item_ids", params={"order_dir": "DESC"}).json()["item_ids"] == ids[::-1]


def test_system_items_by_ids_keeps_request_order_and_refuses_over_1000(paused: TestClient) -> None:
    a, _, c = sorted(enqueue(paused, None, add_graph(), runs=3)["item_ids"])
    response = paused.post(f"{Q}/items_by_ids", json={"item_ids": [c, a, 999999]})
    assert response.status_code == 200 and ids_of(response.json()) == [c, a]
    assert paused.post(f"{Q}/items_by_ids", json={"item_ids": list(range(1, 1001))}).status_code == 200
    assert paused.post(f"{Q}/items_by_ids", json={"item_ids": list(range(1, 1002))}).status_code == 422


def test_system_current_and_next_follow_the_queue(paused: TestClient, root: Path) -> None:
    assert paused.get(f"{Q}/current").json() is None and paused.get(f"{Q}/next").json() is None
    first, second = sorted(enqueue(paused, None, add_graph(), runs=2)["item_ids"])
    assert paused.get(f"{Q}/next").json()["item_id"] == first
    mark_in_progress(root, first)
    current = paused.get(f"{Q}/current").json()
    assert current["item_id"] == first and current["status"] == "in_progress"
    assert paused.get(f"{Q}/next").json()["item_id"] == second
    queue = status(paused)["queue"]
    assert (queue["item_id"], queue["session_id"]) == (first, current["session_id"])
    assert (queue["batch_id"], queue["in_progress"], queue["user_in_progress"]) == (current["batch_id"], 1, 1)


def test_system_status_reports_counts_and_processor_state(su: TestClient) -> None:
    run = [enqueue(su, None, g)["item_ids"][0] for g in (add_graph(), div_graph())]
    for item_id in run:
        wait_for(su, None, item_id)
    pause(su)
    assert status(su)["processor"] == {"is_started": False, "is_processing": False}
    pending = sorted(enqueue(su, None, add_graph(), runs=3)["item_ids"])
    put(su, None, f"i/{pending[0]}/cancel")
    queue = status(su)["queue"]
    counts = {k: queue[k] for k in ("pending", "in_progress", "completed", "failed", "canceled", "total")}
    assert counts == {"pending": 2, "in_progress": 0, "completed": 1, "failed": 1, "canceled": 1, "total": 5}
    assert (queue["queue_id"], queue["user_pending"], queue["user_in_progress"]) == ("default", 2, 0)
    assert queue["item_id"] is None
    resume(su)
    assert status(su)["processor"]["is_started"] is True


def test_system_batch_status_and_counts_by_destination(paused: TestClient) -> None:
    batch = enqueue(paused, None, add_graph(), runs=3, origin="canvas", destination="gallery")
    enqueue(paused, None, add_graph(), destination="canvas")
    put(paused, None, f"i/{batch['item_ids'][0]}/cancel")
    batch_id = batch["batch"]["batch_id"]
    assert paused.get(f"{Q}/b/{batch_id}/status").json() == {
        "queue_id": "default", "batch_id": batch_id, "origin": "canvas", "destination": "gallery",
        "pending": 2, "in_progress": 0, "completed": 0, "failed": 0, "canceled": 1, "total": 3,
    }  # fmt: skip
    assert paused.get(f"{Q}/b/unknown/status").json()["total"] == 0
    counts = paused.get(f"{Q}/counts_by_destination", params={"destination": "canvas"}).json()
    assert (counts["destination"], counts["pending"], counts["total"]) == ("canvas", 1, 1)
    assert paused.get(f"{Q}/counts_by_destination").status_code == 422


def test_system_prune_deletes_only_finished_items(su: TestClient) -> None:
    run = [enqueue(su, None, g)["item_ids"][0] for g in (add_graph(), div_graph())]
    for item_id in run:
        wait_for(su, None, item_id)
    pause(su)
    kept, canceled = sorted(enqueue(su, None, add_graph(), runs=2)["item_ids"])
    put(su, None, f"i/{canceled}/cancel")
    assert put(su, None, "prune") == {"deleted": 3}
    assert ids_of(list_all(su)) == [kept]


def test_system_clear_deletes_everything_including_current(paused: TestClient, root: Path) -> None:
    ids = sorted(enqueue(paused, None, add_graph(), runs=3)["item_ids"])
    mark_in_progress(root, ids[0])
    assert put(paused, None, "clear") == {"deleted": 3}
    assert list_all(paused) == [] and status(paused)["queue"]["total"] == 0


def test_system_cancel_by_batch_ids_and_destination(paused: TestClient) -> None:
    b1 = enqueue(paused, None, add_graph(), runs=2, destination="canvas")
    b2 = enqueue(paused, None, add_graph(), destination="gallery")
    enqueue(paused, None, add_graph(), runs=2, destination="gallery")
    batch_ids = [b1["batch"]["batch_id"], b2["batch"]["batch_id"]]
    assert put(paused, None, "cancel_by_batch_ids", json={"batch_ids": batch_ids}) == {"canceled": 3}
    assert put(paused, None, "cancel_by_batch_ids", json={"batch_ids": batch_ids}) == {"canceled": 0}
    assert put(paused, None, "cancel_by_destination", params={"destination": "gallery"}) == {"canceled": 2}
    assert put(paused, None, "cancel_by_destination", params={"destination": "gallery"}) == {"canceled": 0}
    assert [i["status"] for i in list_all(paused)] == ["canceled"] * 5


def test_system_cancel_and_delete_all_except_current_spare_the_running_item(
    paused: TestClient, root: Path
) -> None:
    running, *rest = sorted(enqueue(paused, None, add_graph(), runs=4)["item_ids"])
    mark_in_progress(root, running)
    put(paused, None, f"i/{rest[0]}/cancel")
    assert put(paused, None, "cancel_all_except_current") == {"canceled": 2}
    assert get_item(paused, None, running)["status"] == "in_progress"
    more = enqueue(paused, None, add_graph(), runs=2)["item_ids"]
    assert put(paused, None, "delete_all_except_current") == {"deleted": 2}
    remaining = {i["item_id"]: i["status"] for i in list_all(paused)}
    assert remaining == {running: "in_progress", **dict.fromkeys(rest, "canceled")}
    assert not set(more) & set(remaining)


def test_system_item_running_at_shutdown_is_failed_at_next_start(root: Path) -> None:
    with open_client(root) as client:
        pause(client)
        interrupted, waiting = sorted(enqueue(client, None, add_graph(), runs=2)["item_ids"])
        mark_in_progress(root, interrupted)
    with open_client(root) as client:
        item = get_item(client, None, interrupted)
        assert item["status"] == "failed" and item["completed_at"]
        assert "server stopped" in item["error_message"].lower()
        assert wait_for(client, None, waiting)["status"] == "completed"
        assert status(client)["queue"]["in_progress"] == 0


def test_system_single_user_needs_no_token_and_runs_fifo(paused: TestClient) -> None:
    ids = [i for n in (2, 1, 3) for i in sorted(enqueue(paused, None, add_graph(), runs=n)["item_ids"])]
    done = run_all(paused, ids)
    assert {item["status"] for item in done} == {"completed"}
    assert {item["user_id"] for item in done} == {"system"}
    by_start = sorted(done, key=started)
    assert ids_of(by_start) == ids


def test_system_lists_node_types_with_input_and_output_schemas(su: TestClient) -> None:
    response = su.get("/api/v1/nodes")
    assert response.status_code == 200
    nodes = {node["type"]: node for node in response.json()}
    spec_types = {
        "integer", "float", "string", "boolean", "rand_int", "add", "sub", "mul", "div", "blank_image",
        "img_noise", "img_resize", "img_scale", "img_crop", "img_paste", "img_blur", "img_conv", "img_chan",
        "img_mul", "img_lerp", "image", "save_image", "collect", "iterate",
    }  # fmt: skip
    assert spec_types <= set(nodes)
    resize = nodes["img_resize"]
    assert {"image", "width", "height"} <= set(resize["input_schema"]["properties"])
    assert "image" in resize["input_schema"]["required"] and "id" not in resize["input_schema"]["properties"]
    assert resize["output_type"] == "image_output"
    assert {"image", "width", "height"} <= set(resize["output_schema"]["properties"])
    assert nodes["add"]["output_type"] == "integer_output"
    assert {"a", "b"} <= set(nodes["add"]["input_schema"]["properties"])
