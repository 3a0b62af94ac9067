"""Errors for people (issue 11): an owner who is not an administrator reads a failed item's error
as a category and a sentence, never a server path, an exception class name or a traceback; an
administrator reads the raw error; the server log keeps the whole of it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.databases import SharedRoot
from tests.factories import bearer
from tests.gallery_helpers import World, open_world
from tests.queue_helpers import Q, add_graph, div_graph, enqueue, get_item, list_all, resume, sql, wait_for

MODEL_PATH = "/srv/gesso-root/models/sd-1/main/tiny-sd/unet/diffusion_pytorch_model.safetensors"
RAW = (
    "Cannot load model 'tiny-sd': SafetensorError: Error while deserializing header: "
    f"HeaderTooLarge ({MODEL_PATH})"
)
TRACEBACK = f'Traceback (most recent call last):\n  File "{MODEL_PATH}"\nModelLoadError: {RAW}'


@pytest.fixture(scope="module")
def world(shared_root: SharedRoot) -> Iterator[World]:
    with open_world(shared_root("person_errors")) as opened:
        yield opened


def model_load_failure(world: World) -> int:
    item_id: int = enqueue(world.client, world.owner, add_graph())["item_ids"][0]
    wait_for(world.client, world.owner, item_id)
    sql(
        world.root,
        "UPDATE session_queue SET status = 'failed', error_type = 'ModelLoadError', error_message = :message,"
        " error_traceback = :traceback WHERE item_id = :item_id",
        message=RAW,
        traceback=TRACEBACK,
        item_id=item_id,
    )
    return item_id


def assert_nothing_of_the_insides(text: str) -> None:
    for leak in ("/srv", "safetensors", "ModelLoadError", "SafetensorError", "HeaderTooLarge", "Traceback"):
        assert leak not in text


def test_owner_reads_a_model_load_failure_as_a_sentence(world: World) -> None:
    item_id = model_load_failure(world)
    own = get_item(world.client, world.owner, item_id)
    assert own["error_type"] == "model_load_failed"
    assert own["error_message"].startswith("The model could not be loaded.")
    assert own["error_traceback"] is None
    listed = next(i for i in list_all(world.client, world.owner) if i["item_id"] == item_id)
    assert listed == own
    by_ids = world.client.post(f"{Q}/items_by_ids", json={"item_ids": [item_id]}, headers=bearer(world.owner))
    for text in (
        world.client.get(f"{Q}/i/{item_id}", headers=bearer(world.owner)).text,
        world.client.get(f"{Q}/list_all", headers=bearer(world.owner)).text,
        world.client.get(f"{Q}/list", headers=bearer(world.owner)).text,
        by_ids.text,
    ):
        assert_nothing_of_the_insides(text)


def test_admin_reads_the_raw_error_and_another_user_reads_nothing(world: World) -> None:
    item_id = model_load_failure(world)
    admin = get_item(world.client, world.admin, item_id)
    assert (admin["error_type"], admin["error_message"], admin["error_traceback"]) == (
        "ModelLoadError",
        RAW,
        TRACEBACK,
    )
    other = get_item(world.client, world.other, item_id)
    assert (other["error_type"], other["error_message"], other["error_traceback"]) == (None, None, None)


def test_a_failed_run_keeps_a_message_written_for_people_and_logs_the_whole_error(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    resume(world.client, world.admin)
    with caplog.at_level(logging.ERROR, logger="gesso.worker.runner"):
        item_id = enqueue(world.client, world.owner, div_graph(1, 0))["item_ids"][0]
        own = wait_for(world.client, world.owner, item_id)
    assert own["status"] == "failed"
    assert own["error_type"] == "invalid_settings"
    assert own["error_message"].endswith("div: cannot divide 1 by zero (input 'b' is 0)")
    assert own["error_traceback"] is None
    assert "ZeroDivisionError" not in str(own["session"])
    admin = get_item(world.client, world.admin, item_id)
    assert admin["error_type"] == "ZeroDivisionError" and "Traceback" in admin["error_traceback"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert (
        f"Queue item {item_id} failed" in logged and "ZeroDivisionError" in logged and "Traceback" in logged
    )
