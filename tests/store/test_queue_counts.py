"""The queue's running per-status totals always equal a recount of its rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from gesso.auth.actor import SYSTEM_ACTOR
from gesso.queue import store
from gesso.queue.schemas import Batch
from gesso.services import Services
from tests import databases

GRAPH = {"id": "g", "nodes": {"n": {"type": "integer", "id": "n", "value": 1}}, "edges": []}


@pytest.fixture
def services(root: Path) -> Iterator[Services]:
    built = Services.open(databases.settings(root))
    yield built
    built.close()


def recount(services: Services) -> dict[str, int]:
    with services.db.read() as conn:
        rows = conn.execute(sa.text("SELECT status, COUNT(*) FROM session_queue GROUP BY status")).all()
    counts = dict.fromkeys(store.STATUSES, 0)
    counts.update({status: int(n) for status, n in rows})
    return counts


def totals(services: Services) -> dict[str, int]:
    with services.db.read() as conn:
        return store.count_by_status(conn, "default")


def test_running_totals_follow_every_kind_of_change(services: Services) -> None:
    queue = services.queue
    queue.enqueue_batch(SYSTEM_ACTOR, "default", Batch(graph=GRAPH, runs=6), prepend=False)
    assert totals(services) == recount(services) == {**recount(services), "pending": 6}

    claimed = queue.dispatch.claim_next("default")
    assert claimed is not None
    queue.dispatch.finish(claimed.item_id, "completed", claimed.session)
    second = queue.dispatch.claim_next("default")
    assert second is not None
    queue.dispatch.finish(second.item_id, "failed", second.session, ("E", "boom", ""))
    queue.dispatch.finish(second.item_id, "completed", second.session)  # a finished item never moves again
    third = queue.dispatch.claim_next("default")
    assert third is not None
    assert totals(services) == recount(services)

    queue.cancel_item(SYSTEM_ACTOR, "default", third.item_id)
    queue.retry_items(SYSTEM_ACTOR, "default", [second.item_id])
    queue.cancel_pending(SYSTEM_ACTOR, "default")
    assert totals(services) == recount(services)
    queue.prune(SYSTEM_ACTOR, "default")
    assert totals(services) == recount(services) == dict.fromkeys(store.STATUSES, 0)

    queue.enqueue_batch(SYSTEM_ACTOR, "default", Batch(graph=GRAPH, runs=3), prepend=False)
    queue.clear(SYSTEM_ACTOR, "default")
    assert totals(services) == recount(services) == dict.fromkeys(store.STATUSES, 0)
