"""A worker's heartbeat thread: registers the worker, records its state every few seconds, and
reaps workers that went silent. A database outage is retried at the next beat, logged once."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from gesso.worker.registry import WorkerRegistry

logger = logging.getLogger(__name__)

Status = Callable[[], tuple[str, int | None, list[str]]]
# Pokes (an item taken or finished) beat at most this often: with short items a beat per poke
# was two extra writes per item; the Workers panel is at most this much behind.
POKE_INTERVAL_S = 0.5


class Heartbeat:
    def __init__(
        self,
        registry: WorkerRegistry,
        name: str,
        device: Callable[[], str],
        *,
        in_process: bool,
        status: Status,
    ) -> None:
        self._registry = registry
        self.name = name
        self._device = device
        self._in_process = in_process
        self._status = status
        self._stop = threading.Event()
        self._poke = threading.Event()
        self._at_once = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False
        self.worker_id: str | None = None

    def poke(self, *, at_once: bool = False) -> None:
        """Beat soon (the worker took or finished an item: pokes within POKE_INTERVAL_S share one
        beat), or `at_once` (paused or resumed by an admin), not only on schedule."""
        if at_once:
            self._at_once.set()
        self._poke.set()

    def start(self, *, on_lost: Callable[[], None]) -> None:
        self.worker_id = self._registry.register(
            self.name, self._device(), in_process=self._in_process
        ).worker_id
        self._on_lost = on_lost
        self._thread = threading.Thread(target=self._run, name="gesso-heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._at_once.set()
        self._poke.set()
        if self._thread is not None:
            self._thread.join(10)
        if self.worker_id is not None:
            try:
                self._registry.stopped(self.worker_id)
            except Exception as exc:
                logger.warning("Could not record that worker %r stopped: %s", self.name, exc)

    def beat_once(self, *, reap: bool = True) -> None:
        assert self.worker_id is not None
        state, item, loaded = self._status()
        beat = self._registry.beat(
            self.worker_id, state=state, current_item_id=item, loaded_models=loaded, device=self._device()
        )
        if not beat:
            # Declared lost (we were silent too long, e.g. the database was away): what we ran
            # has been failed already. Stop it, and come back as a new worker.
            logger.warning("Worker %r had been declared lost; registering again", self.name)
            self._on_lost()
            self.worker_id = self._registry.register(
                self.name, self._device(), in_process=self._in_process
            ).worker_id
        if reap:
            self._registry.reap()

    def _run(self) -> None:
        next_reap = time.monotonic() + self._registry.beat_seconds
        last_beat = 0.0
        while True:
            poked = self._poke.wait(max(0.0, next_reap - time.monotonic()))
            if poked and not self._stop.is_set() and not self._at_once.is_set():
                # Let pokes that come in quick succession share one beat.
                self._at_once.wait(max(0.0, min(last_beat + POKE_INTERVAL_S, next_reap) - time.monotonic()))
            self._poke.clear()
            self._at_once.clear()
            if self._stop.is_set():
                return
            last_beat = time.monotonic()
            # A poke (an item taken or finished) only beats; reaping others stays on schedule.
            reap = time.monotonic() >= next_reap
            if reap:
                next_reap = time.monotonic() + self._registry.beat_seconds
            try:
                self.beat_once(reap=reap)
                if self._failing:
                    logger.info("Worker %r reaches the database again", self.name)
                self._failing = False
            except Exception as exc:
                if not self._failing:
                    logger.error("Worker %r cannot record its heartbeat (retrying): %s", self.name, exc)
                self._failing = True


class Reaper:
    """For an API process without a worker: reaps silent workers all the same."""

    def __init__(self, registry: WorkerRegistry) -> None:
        self._registry = registry
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="gesso-reaper", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        failing = False
        while not self._stop.wait(self._registry.beat_seconds):
            try:
                self._registry.reap()
                failing = False
            except Exception as exc:
                if not failing:
                    logger.error("Cannot check worker heartbeats (retrying): %s", exc)
                failing = True
