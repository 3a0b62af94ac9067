"""The worker loop: claims queue items one at a time and runs their graphs.

Owner gate: before an item starts and before each node, its owner must still exist and be
active, otherwise the item is canceled. Cancellation (by the owner, an admin, or a user change)
stops the item between nodes, and inside long nodes at their next progress report. An exception
in a node fails that item with its error type, message and traceback; the worker goes on.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gesso.auth.actor import Actor
from gesso.engine.context import Canceled, NodeContext, NodeImages, NodeModels
from gesso.engine.executor import NodeFailed, execute
from gesso.engine.graph import InvalidGraph, parse_graph
from gesso.engine.registry import NodeRegistry
from gesso.engine.tensors import DEFAULT_MEMORY_LIMIT, SessionTensors
from gesso.queue.service import QueueService
from gesso.queue.store import QueueItemRecord
from gesso.users.service import UserService
from gesso.worker.listener import SessionListener

logger = logging.getLogger(__name__)

OWNER_GONE = "The item's owner was deactivated or deleted"


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
    ) -> None:
        self._queue = queue
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
        self._current_item: int | None = None
        self._thread: threading.Thread | None = None
        queue.on_enqueue(self.wake)
        queue.on_cancel(self.cancel)

    # -- control ---------------------------------------------------------------------------

    def start(self) -> None:
        self._queue.fail_interrupted()
        self._thread = threading.Thread(target=self._run, name="gesso-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._cancel_current.set()
        self._resumed.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        self._wake.set()

    def pause(self) -> None:
        self._resumed.clear()

    def resume(self) -> None:
        self._resumed.set()
        self._wake.set()

    def cancel(self, item_ids: Sequence[int]) -> None:
        if self._current_item is not None and self._current_item in item_ids:
            self._cancel_current.set()

    @property
    def is_started(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self._resumed.is_set()

    @property
    def is_processing(self) -> bool:
        return self._current_item is not None

    # -- loop ------------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            self._resumed.wait()
            if self._stop.is_set():
                break
            try:
                item = self._queue.claim_next(self._queue_id)
            except Exception:
                logger.exception("Could not claim the next queue item")
                item = None
            if item is None:
                self._wake.wait(self._idle_poll)
                self._wake.clear()
                continue
            self._current_item = item.item_id
            self._cancel_current.clear()
            try:
                self._process(item)
            except Exception:
                logger.exception("Worker failed while handling queue item %s", item.item_id)
            finally:
                self._current_item = None

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
            self._queue.finish(item.item_id, "canceled", session, ("OwnerInactive", OWNER_GONE, ""))
            return
        try:
            graph = parse_graph(session.get("graph", {}), self._registry)
        except InvalidGraph as exc:
            self._queue.finish(item.item_id, "failed", session, ("InvalidGraph", exc.detail, ""))
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
            return self._cancel_current.is_set() or self._stop.is_set()

        def canceled_or_owner_gone() -> bool:
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
        try:
            run = execute(graph, self._registry, make_context, listener, canceled_or_owner_gone)
        except Canceled:
            tensors.close()
            error = None if self._cancel_current.is_set() else ("OwnerInactive", OWNER_GONE, "")
            self._queue.finish(item.item_id, "canceled", listener.session, error)
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
            self._queue.finish(item.item_id, "failed", listener.session, error)
        else:
            tensors.close()
            self._queue.finish(item.item_id, "completed", listener.record(run))
