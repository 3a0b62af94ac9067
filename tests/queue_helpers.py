"""Helpers for the queue tests: small graphs, enqueueing, waiting on items, and flipping rows with SQL.

Waiting polls `GET i/{id}` against a deadline (never a fixed sleep). Scenarios that need items to stay
pending pause the processor first (admin only in multi-user mode; anyone in single-user mode).
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests import databases
from tests.gallery_helpers import auth

Q = "/api/v1/queue/default"
FINISHED = ("completed", "failed", "canceled")


def edge(source: str, source_field: str, destination: str, destination_field: str) -> dict[str, Any]:
    return {
        "source": {"node_id": source, "field": source_field},
        "destination": {"node_id": destination, "field": destination_field},
    }


def add_graph(a: int = 3, b: int = 4) -> dict[str, Any]:
    """integer(a) → add(b): `add` gives a + b."""
    return {
        "nodes": {"x": {"type": "integer", "value": a}, "add": {"type": "add", "b": b}},
        "edges": [edge("x", "value", "add", "a")],
    }


def div_graph(a: int = 1, b: int = 0) -> dict[str, Any]:
    return {"nodes": {"div": {"type": "div", "a": a, "b": b}}, "edges": []}


def image_graph(board_id: str | None = None, size: int = 8) -> dict[str, Any]:
    """blank_image → save_image (optionally into `board_id`)."""
    save: dict[str, Any] = {"type": "save_image"}
    if board_id is not None:
        save["board"] = {"board_id": board_id}
    return {
        "nodes": {
            "blank": {"type": "blank_image", "width": size, "height": size, "is_intermediate": True},
            "save": save,
        },
        "edges": [edge("blank", "image", "save", "image")],
    }


def enqueue_response(
    client: TestClient, token: str | None, graph: dict[str, Any], *, prepend: bool = False, **batch: Any
) -> Any:
    return client.post(
        f"{Q}/enqueue_batch",
        json={"batch": {"graph": graph, **batch}, "prepend": prepend},
        headers=auth(token),
    )


def enqueue(
    client: TestClient, token: str | None, graph: dict[str, Any], *, prepend: bool = False, **batch: Any
) -> dict[str, Any]:
    response = enqueue_response(client, token, graph, prepend=prepend, **batch)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def get_item(client: TestClient, token: str | None, item_id: int) -> dict[str, Any]:
    response = client.get(f"{Q}/i/{item_id}", headers=auth(token))
    assert response.status_code == 200, response.text
    item: dict[str, Any] = response.json()
    return item


def wait_for(
    client: TestClient,
    token: str | None,
    item_id: int,
    statuses: tuple[str, ...] = FINISHED,
    timeout: float = 15,
) -> dict[str, Any]:
    """Poll the item until its status is one of `statuses`; fail with the last state at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        item = get_item(client, token, item_id)
        if item["status"] in statuses:
            return item
        assert time.monotonic() < deadline, f"item {item_id} still {item['status']} after {timeout}s"
        time.sleep(0.01)


def put(client: TestClient, token: str | None, path: str, **kwargs: Any) -> Any:
    response = client.put(f"{Q}/{path}", headers=auth(token), **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def pause(client: TestClient, token: str | None = None, timeout: float = 15) -> None:
    """Pause, then wait until the item being run (if any) has finished, so nothing more starts."""
    assert put(client, token, "processor/pause")["is_started"] is False
    deadline = time.monotonic() + timeout
    while status(client, token)["processor"]["is_processing"]:
        assert time.monotonic() < deadline, f"the worker is still busy after {timeout}s"
        time.sleep(0.01)


def resume(client: TestClient, token: str | None = None) -> None:
    assert put(client, token, "processor/resume")["is_started"] is True


def status(client: TestClient, token: str | None = None) -> dict[str, Any]:
    response = client.get(f"{Q}/status", headers=auth(token))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def list_all(client: TestClient, token: str | None = None, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"{Q}/list_all", params=params, headers=auth(token))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()
    return items


def started(item: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(item["started_at"])


def sql(root: Path, statement: str, **params: Any) -> None:
    """Change rows behind the server's back (to stage a running or failed item deterministically)."""
    databases.execute(
        root,
        statement,
        # Keep the queue's running totals true to the rows, as the server's own writes do.
        "DELETE FROM session_queue_counts",
        "INSERT INTO session_queue_counts (queue_id, status, n) "
        "SELECT queue_id, status, COUNT(*) FROM session_queue GROUP BY queue_id, status",
        **params,
    )


def mark_in_progress(root: Path, item_id: int) -> None:
    sql(root, "UPDATE session_queue SET status = 'in_progress' WHERE item_id = :item_id", item_id=item_id)


def mark_failed(root: Path, item_id: int, message: str) -> None:
    sql(
        root,
        "UPDATE session_queue SET status = 'failed', error_type = 'ValueError', error_message = :message,"
        " error_traceback = :traceback WHERE item_id = :item_id",
        message=message,
        traceback=f"Traceback: {message}",
        item_id=item_id,
    )
