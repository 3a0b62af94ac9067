"""Retention: audit events older than `audit_retention_days` are deleted at start-up and then
once a day, on the server's event loop (the delete itself runs in a worker thread)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from gesso.audit.service import AuditLog

logger = logging.getLogger(__name__)

DAY_SECONDS = 24 * 3600.0


class AuditRetention:
    def __init__(self, audit: AuditLog, *, interval_seconds: float = DAY_SECONDS) -> None:
        self._audit = audit
        self._interval = interval_seconds
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._prune()
        self._task = asyncio.create_task(self._loop(), name="audit-retention")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await self._prune()

    async def _prune(self) -> None:
        try:
            await asyncio.to_thread(self._audit.prune)
        except Exception:
            # A failed prune (database busy, disk full) must not stop the server; try tomorrow.
            logger.exception("Audit log retention pruning failed")
