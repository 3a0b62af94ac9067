"""Workers claiming, finishing and being canceled at the same time, on the real queue tables.

On PostgreSQL the worker-side writes run without the installation-wide write lock (see
`gesso.db.engine`): these tests are what shows the row locks and the claim lock keep the queue
right — no item claimed twice, FIFO and round-robin order kept, a cancel racing a finish ends in
one state, and the running totals equal the rows. Threads stand in for worker processes: each
uses its own pooled connection, exactly as separate processes would."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from gesso.auth.actor import Actor
from gesso.events.bus import Event
from gesso.queue import store
from gesso.queue.schemas import Batch
from gesso.queue.tables import session_queue as sq
from gesso.services import Services
from tests import databases

QUEUE = "default"
ZERO = {"nodes": {"n": {"type": "integer", "value": 1}}, "edges": []}
WORKERS = 4


@pytest.fixture
def services(root: Path) -> Iterator[Services]:
    built = Services.open(databases.settings(root, multiuser=True, session_queue_mode="round_robin"))
    yield built
    built.close()


def person(services: Services, email: str, *, admin: bool = False) -> Actor:
    user = services.users.create_user(email, "pw", is_admin=admin)
    return Actor(user_id=user.user_id, email=user.email, display_name=None, is_admin=admin)


def run_together(count: int, work: Callable[[int], None]) -> None:
    """Start `count` threads at the same moment; re-raise the first error any of them hit."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def body(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as exc:  # handed to the test below
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if errors:
        raise errors[0]


def claim_until_empty(services: Services, claimed: list[tuple[int, str]]) -> Callable[[int], None]:
    def work(index: int) -> None:
        while (item := services.queue.dispatch.claim_next(QUEUE, worker_id=None)) is not None:
            claimed.append((item.item_id, item.user_id))
            services.queue.dispatch.finish(item.item_id, "completed", item.session)

    return work


def assert_totals_match_rows(services: Services) -> None:
    with services.db.read() as conn:
        per_status = conn.execute(sa.select(sq.c.status, sa.func.count()).group_by(sq.c.status)).all()
        real = Counter(dict(per_status))
        kept = store.count_by_status(conn, QUEUE)
    assert {status: n for status, n in kept.items() if n} == dict(real)


def claim_order(services: Services) -> list[tuple[int, str]]:
    """(item, owner) in the order they were claimed: claims of a queue take turns, and each
    stamps `started_at` while it holds its turn."""
    with services.db.read() as conn:
        rows = conn.execute(sa.select(sq.c.item_id, sq.c.user_id).order_by(sq.c.started_at, sq.c.item_id))
        return [(row.item_id, row.user_id) for row in rows]


def test_concurrent_workers_never_claim_the_same_item_and_keep_fifo_order(root: Path) -> None:
    services = Services.open(databases.settings(root))  # single-user: FIFO
    try:
        owner = person(services, "fifo@example.com")
        enqueued = services.queue.enqueue_batch(owner, QUEUE, Batch(graph=ZERO, runs=60), False).item_ids
        claimed: list[tuple[int, str]] = []
        run_together(WORKERS, claim_until_empty(services, claimed))

        ids = [item_id for item_id, _ in claimed]
        assert sorted(ids) == sorted(enqueued)  # every item once, none twice
        assert [item_id for item_id, _ in claim_order(services)] == sorted(enqueued)
        assert_totals_match_rows(services)
        with services.db.read() as conn:
            assert store.count_by_status(conn, QUEUE)["completed"] == 60
    finally:
        services.close()


def test_concurrent_workers_keep_round_robin_turns(services: Services) -> None:
    people = [person(services, f"rr{i}@example.com") for i in range(3)]
    for who in people:
        services.queue.enqueue_batch(who, QUEUE, Batch(graph=ZERO, runs=8), False)
    claimed: list[tuple[int, str]] = []
    run_together(WORKERS, claim_until_empty(services, claimed))

    assert len({item_id for item_id, _ in claimed}) == len(claimed) == 24
    owners = [user_id for _, user_id in claim_order(services)]
    for start in range(0, 24, 3):  # every round serves each person once
        assert len(set(owners[start : start + 3])) == 3, owners
    assert_totals_match_rows(services)


def test_a_cancel_racing_a_finish_ends_in_one_state(services: Services) -> None:
    admin = person(services, "admin@example.com", admin=True)
    owner = person(services, "owner@example.com")
    services.queue.enqueue_batch(owner, QUEUE, Batch(graph=ZERO, runs=20), False)
    seen: list[str] = []

    def record(event: Event) -> None:
        if event.name == "queue_item_status_changed":
            seen.append(event.payload["status"])

    services.bus.subscribe(record)
    for _ in range(20):
        item = services.queue.dispatch.claim_next(QUEUE, worker_id=None)
        assert item is not None
        seen.clear()

        def race(index: int, item_id: int = item.item_id, session: dict[str, object] = item.session) -> None:
            if index == 0:
                services.queue.dispatch.finish(item_id, "completed", session)
            else:
                services.queue.cancel_item(admin, QUEUE, item_id)

        run_together(2, race)
        with services.db.read() as conn:
            final = store.get_item(conn, item.item_id)
        assert final is not None and final.status in ("completed", "canceled")
        assert seen == [final.status]  # exactly one change announced, the one that stuck
    assert_totals_match_rows(services)


def test_workers_claiming_while_the_api_cancels_and_deletes_keep_the_totals(services: Services) -> None:
    owner = person(services, "busy@example.com")
    for _ in range(4):
        services.queue.enqueue_batch(owner, QUEUE, Batch(graph=ZERO, runs=15), False)
    claimed: list[tuple[int, str]] = []
    claimers = claim_until_empty(services, claimed)

    def work(index: int) -> None:
        if index == 0:
            services.queue.cancel_pending(owner, QUEUE)
            services.queue.delete_pending(owner, QUEUE)
        else:
            claimers(index)

    run_together(WORKERS, work)
    assert len({item_id for item_id, _ in claimed}) == len(claimed)
    assert_totals_match_rows(services)
