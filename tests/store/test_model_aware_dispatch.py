"""Model-aware dispatch (SPEC §21): a worker takes the next fair item whose main model it already
holds, and nobody waits more than one extra turn. Two workers (holding model A and model B),
two models, three users, on the real queue tables."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from gesso.auth.actor import Actor
from gesso.db.metadata import utcnow
from gesso.models.tables import models
from gesso.queue import claim_store, store
from gesso.queue.schemas import Batch
from gesso.services import Services
from tests import databases

QUEUE = "default"


@pytest.fixture
def services(root: Path) -> Iterator[Services]:
    built = Services.open(databases.settings(root, multiuser=True, session_queue_mode="round_robin"))
    yield built
    built.close()


def install(services: Services, key: str) -> dict[str, Any]:
    now = utcnow()
    row = {
        "key": key, "name": f"Model {key}", "base": "sd-1", "type": "main", "format": "diffusers",
        "path": f"/models/{key}", "hash": f"blake3:{key}", "source": f"/models/{key}", "source_type": "path",
        "created_at": now, "updated_at": now,
    }  # fmt: skip
    with services.db.write() as conn:
        conn.execute(sa.insert(models).values(**row))
    return {"key": key, "hash": row["hash"], "name": row["name"], "base": "sd-1", "type": "main"}


def loader_graph(model: dict[str, Any]) -> dict[str, Any]:
    """InvokeAI's loader node: the model is a `ModelIdentifierField`."""
    return {"nodes": {"loader": {"type": "main_model_loader", "id": "loader", "model": model}}, "edges": []}


def actor(services: Services, email: str) -> Actor:
    user = services.users.create_user(email, "pw")
    return Actor(user_id=user.user_id, email=user.email, display_name=None, is_admin=False)


def test_item_records_the_main_model_of_its_graph(services: Services) -> None:
    model = install(services, "model-a")
    alice = actor(services, "alice@example.com")
    [item_id] = services.queue.enqueue_batch(alice, QUEUE, Batch(graph=loader_graph(model)), False).item_ids
    with services.db.read() as conn:
        assert store.get_item(conn, item_id).model_key == "model-a"  # type: ignore[union-attr]


def test_workers_prefer_their_models_and_nobody_waits_more_than_one_extra_turn(services: Services) -> None:
    a, b = install(services, "model-a"), install(services, "model-b")
    users = {
        "u1": actor(services, "u1@example.com"),
        "u2": actor(services, "u2@example.com"),
        "u3": actor(services, "u3@example.com"),
    }
    wants = {"u1": a, "u2": b, "u3": a}
    for _ in range(3):
        for name, who in users.items():
            services.queue.enqueue_batch(who, QUEUE, Batch(graph=loader_graph(wants[name])), False)
    name_of = {who.user_id: name for name, who in users.items()}
    holds = {"X": frozenset({"model-a"}), "Y": frozenset({"model-b"})}

    served: list[tuple[str, str, str, str]] = []  # (worker, fair user, served user, model)
    for turn in range(9):
        worker = "XY"[turn % 2]
        with services.db.read() as conn:
            fair = claim_store.least_recently_served_user(conn, QUEUE)
        item = services.queue.dispatch.claim_next(QUEUE, worker_id=worker, loaded_models=holds[worker])
        assert item is not None and fair is not None
        served.append((worker, name_of[fair], name_of[item.user_id], item.model_key or ""))
        services.queue.dispatch.finish(item.item_id, "completed", item.session)

    skipped = [i for i, (_, fair, got, _) in enumerate(served) if fair != got]
    assert skipped, f"no worker ever took the next item for its model: {served}"
    for i in skipped:
        # The passed-over user is served at the very next claim, whoever's model it needs.
        assert served[i + 1][2] == served[i][1], served
    # While both models were wanted, each worker ran its own model's items.
    for worker, _, _, model in served[:7]:
        assert model in holds[worker], served
    assert sorted(got for _, _, got, _ in served) == ["u1"] * 3 + ["u2"] * 3 + ["u3"] * 3


def test_fifo_passes_an_item_over_once_at_most(root: Path) -> None:
    services = Services.open(databases.settings(root, session_queue_mode="FIFO"))
    try:
        a, b = install(services, "model-a"), install(services, "model-b")
        system = Actor(user_id="system", email="", display_name=None, is_admin=True)
        ids = [
            services.queue.enqueue_batch(system, QUEUE, Batch(graph=loader_graph(m)), False).item_ids[0]
            for m in (a, b, b, b)
        ]
        claim = services.queue.dispatch.claim_next
        holding_b = frozenset({"model-b"})
        first = claim(QUEUE, worker_id="Y", loaded_models=holding_b)
        second = claim(QUEUE, worker_id="Y", loaded_models=holding_b)
        assert first is not None and second is not None
        assert (first.item_id, second.item_id) == (ids[1], ids[0]), "A's item waits one turn, no more"
    finally:
        services.close()
