"""Turns the executor's callbacks into InvokeAI's invocation events and records each node's
result in the queue item's session."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gesso.engine.executor import Execution, NodeFailed
from gesso.engine.registry import BaseOutput
from gesso.queue import events
from gesso.queue.service import QueueService
from gesso.queue.store import QueueItemRecord

if TYPE_CHECKING:
    from PIL import Image


class SessionListener:
    """Turns execution callbacks into invocation events and keeps the session up to date."""

    def __init__(self, queue: QueueService, item: QueueItemRecord, session: dict[str, Any]) -> None:
        self._queue = queue
        self._item = item
        self.session = session
        self.session.setdefault("results", {})
        self.session.setdefault("prepared_source_mapping", {})
        self.session.setdefault("executed", [])

    def node_started(self, node_id: str, source_node_id: str, node: dict[str, Any]) -> None:
        self.session["prepared_source_mapping"][node_id] = source_node_id
        self._queue.publish(events.invocation("invocation_started", self._item, node, source_node_id))

    def node_progress(
        self,
        node_id: str,
        source_node_id: str,
        node: dict[str, Any],
        percentage: float | None,
        message: str,
        preview: Image.Image | None,
    ) -> None:
        image = events.progress_image(preview) if preview is not None else None
        self._queue.publish(
            events.invocation(
                "invocation_progress", self._item, node, source_node_id,
                message=message, percentage=percentage, image=image,
            )
        )  # fmt: skip

    def node_completed(
        self, node_id: str, source_node_id: str, node: dict[str, Any], output: BaseOutput
    ) -> None:
        result = output.as_result()
        self.session["results"][node_id] = result
        self.session["executed"].append(node_id)
        self._queue.publish(
            events.invocation("invocation_complete", self._item, node, source_node_id, result=result)
        )

    def failed(self, failure: NodeFailed) -> None:
        self.session.setdefault("errors", {})[failure.node_id] = failure.error_message
        self._queue.publish(
            events.invocation(
                "invocation_error", self._item, failure.node, failure.source_node_id,
                error_type=failure.error_type, error_message=failure.error_message,
                error_traceback=failure.error_traceback,
            )
        )  # fmt: skip

    def record(self, run: Execution) -> dict[str, Any]:
        self.session["executed_history"] = list(self.session["executed"])
        return self.session
