"""The worker loop: claims queue items one at a time and runs their graphs.

Owner gate: before an item starts and before each node, its owner must still exist and be
active, otherwise the item is canceled. Cancellation (by the owner, an admin, or a user change)
stops the item between nodes, and inside long nodes at their next progress report. An exception
in a node fails that item with its error type, message and traceback; the worker goes on.

Stopping (`stop(mode)`): `cancel` (the in-process worker when the server stops) cancels the
running item; `finish` lets it complete first; `release` interrupts it and puts it back in line,
as enqueued, for another worker. With a registry the worker registers, beats and reaps
(`heartbeat.py`).
"""

from __future__ import annotations

import copy
import logging
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from gesso.auth.actor import Actor
from gesso.engine.context import Canceled, NodeContext, NodeImages, NodeModels
from gesso.engine.executor import NodeFailed, execute
from gesso.engine.graph import InvalidGraph, parse_graph
from gesso.engine.registry import NodeRegistry
from gesso.engine.tensors import DEFAULT_MEMORY_LIMIT, SessionTensors
from gesso.events.bus import Event
from gesso.queue.dispatch import INTERRUPTED_MESSAGE
from gesso.queue.service import QueueService
from gesso.queue.store import QueueItemRecord
from gesso.users.service import UserService
from gesso.worker.heartbeat import Heartbeat
from gesso.worker.listener import SessionListener
from gesso.worker.registry import WorkerRegistry

logger = logging.getLogger(__name__)

OWNER_GONE = "The item's owner was deactivated or deleted"
StopMode = Literal["cancel", "finish", "release"]
WAKING_EVENTS = frozenset({"batch_enqueued", "queue_items_retried", "work_available"})


class Worker:
    def __init__(
        self,
        queue: QueueService,
        registry: NodeRegistry,
        images: NodeImages,
        users: UserService,
        *,
        models: NodeModels | None = None,
        tensors_dir: Path | None = None,
        tensors_memory_limit: int = DEFAULT_MEMORY_LIMIT,
        queue_id: str = "default",
        idle_poll_seconds: float = 2.0,
        workers: WorkerRegistry | None = None,
        name: str = "in-process",
        in_process: bool = True,
        fail_all_interrupted: bool = True,
    ) -> None:
        self._queue = queue
        self._dispatch = queue.dispatch
        self._registry = registry
        self._images = images
        self._users = users
        self._models = models
        self._tensors_dir = tensors_dir or Path(tempfile.gettempdir()) / "gesso-tensors"
        self._tensors_memory_limit = tensors_memory_limit
        self._queue_id = queue_id
        self._idle_poll = idle_poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._resumed = threading.Event()
        self._resumed.set()
        self._cancel_current = threading.Event()
        self._release_current = False
        self._claim_failing = False
        self._current_item: int | None = None
        self._thread: threading.Thread | None = None
        self._fail_all_interrupted = fail_all_interrupted
        self._in_process = in_process
        self.api_only = False  # set by `gesso serve --no-worker`: separate workers run the queue
        self.heartbeat = (
            Heartbeat(workers, name, self._device, in_process=in_process, status=self._status)
            if workers is not None
            else None
        )
        queue.on_enqueue(self.wake)
        queue.on_cancel(self.cancel)

    # -- control ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._in_process:
            # A server that starts starts its processor, as InvokeAI's does (a pause is undone).
            self._dispatch.set_paused(self._queue_id, False)
        if self._fail_all_interrupted:
            self._dispatch.fail_interrupted()  # the only worker there is: whatever ran was ours
        else:  # items claimed by no recorded worker (before workers were recorded)
            self._dispatch.fail_running(None, ("ServerRestarted", INTERRUPTED_MESSAGE, ""))
        if self.heartbeat is not None:
            self.heartbeat.start(on_lost=self._cancel_current.set)
        self._thread = threading.Thread(target=self._run, name="gesso-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 10.0, mode: StopMode = "cancel") -> None:
        """Stop claiming; the running item is canceled, finished or released per `mode`."""
        self._stop.set()
        if mode != "finish":
            self._release_current = mode == "release"
            self._cancel_current.set()
        self._resumed.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self.heartbeat is not None:
            self.heartbeat.stop()

    def _poke(self, *, at_once: bool = False) -> None:
        if self.heartbeat is not None:
            self.heartbeat.poke(at_once=at_once)

    def _device(self) -> str:
        """For the heartbeat: "auto" until the first model load picks the device, so that a
        server starts without importing torch (the next beat records the device)."""
        if self._models is None:
            return "cpu"
        return self._models.known_device or "auto"

    @property
    def device_name(self) -> str:
        return self._models.device if self._models is not None else "cpu"

    def _status(self) -> tuple[str, int | None, list[str]]:
        """(state, current item, loaded models) for the heartbeat."""
        loaded = self.loaded_models()
        if self._current_item is not None:
            return ("stopping" if self._stop.is_set() else "busy"), self._current_item, loaded
        return ("paused" if not self._resumed.is_set() else "idle"), None, loaded

    def loaded_models(self) -> list[str]:
        held = getattr(self._models, "loaded_models", None)
        return list(held()) if callable(held) else []

    def loaded_main_models(self) -> frozenset[str]:
        held = getattr(self._models, "loaded_main_models", None)
        return frozenset(held()) if callable(held) else frozenset()

    def wake(self) -> None:
        self._wake.set()

    def pause(self) -> None:
        """Pause every worker of the installation (they check the shared flag before claiming)."""
        self._dispatch.set_paused(self._queue_id, True)
        self._resumed.clear()
        self._poke(at_once=True)  # an admin watches the Workers panel change

    def resume(self) -> None:
        self._dispatch.set_paused(self._queue_id, False)
        self._resumed.set()
        self._wake.set()
        self._poke(at_once=True)

    def follow_event(self, event: Event) -> None:
        """Events from every process (over the bus): an item canceled elsewhere stops here too,
        and new work (enqueued, handed back, retried, the queue resumed) wakes an idle worker
        at once instead of at its next poll."""
        if event.name == "queue_item_status_changed":
            status = event.payload.get("status")
            if status == "canceled":
                self.cancel([event.payload.get("item_id")])
            elif status == "pending":
                self.wake()
        elif event.name in WAKING_EVENTS and event.queue_id in (None, self._queue_id):
            self.wake()

    def cancel(self, item_ids: Sequence[int | None]) -> None:
        if self._current_item is not None and self._current_item in item_ids:
            self._cancel_current.set()

    @property
    def is_started(self) -> bool:
        """Running and not paused; an API-only process answers for its separate workers."""
        running = self.api_only or (self._thread is not None and self._thread.is_alive())
        return running and self._resumed.is_set() and not self._dispatch.is_paused(self._queue_id)

    @property
    def is_processing(self) -> bool:
        if self.api_only:
            return self._dispatch.is_processing(self._queue_id)
        return self._current_item is not None

    # -- loop ------------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            self._resumed.wait()
            if self._stop.is_set():
                break
            try:
                item = self._dispatch.claim_next(
                    self._queue_id,
                    worker_id=self.heartbeat.worker_id if self.heartbeat is not None else None,
                    loaded_models=self.loaded_main_models(),
                )
            except Exception as exc:
                self._claim_failed(exc)
                item = None
            if item is not None:
                self._claim_failing = False
            if item is None:
                self._wake.wait(self._idle_poll)
                self._wake.clear()
                continue
            self._current_item = item.item_id
            self._cancel_current.clear()
            self._poke()
            try:
                self._process(item)
            except Exception:
                logger.exception("Worker failed while handling queue item %s", item.item_id)
            finally:
                self._current_item = None
                self._poke()

    def _claim_failed(self, exc: Exception) -> None:
        """A lost database is retried with back-off (the idle wait), logged once per outage."""
        if not self._claim_failing:
            logger.error("Could not claim the next queue item (retrying): %s", str(exc).splitlines()[0])
        self._claim_failing = True
        self._stop.wait(min(self._idle_poll, 5.0))

    def _owner_active(self, user_id: str) -> Actor | None:
        owner = self._users.find_user(user_id) if user_id else None
        if owner is None or not owner.is_active:
            return None
        return Actor(
            user_id=owner.user_id, email=owner.email, display_name=owner.display_name, is_admin=owner.is_admin
        )

    def _process(self, item: QueueItemRecord) -> None:
        session = dict(item.session)
        owner = self._owner_active(item.user_id)
        if owner is None:
            self._dispatch.finish(item.item_id, "canceled", session, ("OwnerInactive", OWNER_GONE, ""))
            return
        try:
            graph = parse_graph(session.get("graph", {}), self._registry)
        except InvalidGraph as exc:
            self._dispatch.finish(item.item_id, "failed", session, ("InvalidGraph", exc.detail, ""))
            return
        tensors = SessionTensors(self._tensors_dir, item.session_id, memory_limit=self._tensors_memory_limit)
        try:
            self._execute(item, session, graph, owner, tensors)
        finally:
            tensors.close()  # also when something unexpected escaped _execute

    def _execute(
        self,
        item: QueueItemRecord,
        session: dict[str, Any],
        graph: Any,
        owner: Actor,
        tensors: SessionTensors,
    ) -> None:
        listener = SessionListener(self._queue, item, session)

        def canceled() -> bool:
            return self._cancel_current.is_set()

        owner_checked = [True]  # _process checked the owner just before the first node

        def canceled_or_owner_gone() -> bool:
            if owner_checked[0]:
                owner_checked[0] = False
                return canceled()
            return canceled() or self._owner_active(item.user_id) is None

        def make_context(node_id: str, source_id: str, report: Any) -> NodeContext:
            return NodeContext(
                owner=owner,
                node_id=node_id,
                source_node_id=source_id,
                session_id=item.session_id,
                graph=session.get("graph", {}),
                images=self._images,
                report_progress=report,
                is_canceled=canceled,
                models=self._models,
                tensors=tensors,
            )

        # The session's tensors go before its final status is published, so whoever sees the
        # item end never finds them still on disk.
        enqueued = copy.deepcopy(item.session)
        try:
            run = execute(graph, self._registry, make_context, listener, canceled_or_owner_gone)
        except Canceled:
            tensors.close()
            if self._release_current:
                self._dispatch.release(item.item_id, enqueued)
                return
            error = None if self._cancel_current.is_set() else ("OwnerInactive", OWNER_GONE, "")
            self._dispatch.finish(item.item_id, "canceled", listener.session, error)
        except NodeFailed as failure:
            tensors.close()
            # The full detail stays in the log (and the item's admin view); owners who are not
            # admins read a sentence (queue.person_errors).
            logger.error(
                "Queue item %s failed in node %s: %s: %s\n%s", item.item_id, failure.source_node_id,
                failure.error_type, failure.error_message, failure.error_traceback,
            )  # fmt: skip
            listener.failed(failure)
            error = (failure.error_type, failure.error_message, failure.error_traceback)
            self._dispatch.finish(item.item_id, "failed", listener.session, error)
        else:
            tensors.close()
            self._dispatch.finish(item.item_id, "completed", listener.record(run))
