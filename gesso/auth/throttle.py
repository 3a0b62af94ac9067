"""Failed-login throttling per account and per client IP (sliding one-minute window).

Only failures count. A success clears the account's failures. Nothing is permanent: the
window slides, so nobody can lock a known email out for longer than a minute at a time.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

WINDOW_SECONDS = 60.0


class Throttle(Protocol):
    """What the login flow asks of a throttle (this module's, or `shared_throttle`'s over Redis)."""

    def retry_after(self, account: str, ip: str) -> int | None: ...

    def record_failure(self, account: str, ip: str) -> None: ...

    def record_success(self, account: str) -> None: ...


class LoginThrottle:
    def __init__(
        self,
        *,
        per_account: int,
        per_ip: int,
        window_seconds: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits = {"account": per_account, "ip": per_ip}
        self._window = window_seconds
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, account: str, ip: str) -> int | None:
        """Seconds to wait if either key is over its limit, else None."""
        now = self._clock()
        waits = []
        with self._lock:
            for kind, key in (("account", account.lower()), ("ip", ip)):
                failures = self._recent(kind, key, now)
                if len(failures) >= self._limits[kind]:
                    waits.append(failures[0] + self._window - now)
        return math.ceil(max(waits)) if waits else None

    def record_failure(self, account: str, ip: str) -> None:
        now = self._clock()
        with self._lock:
            for kind, key in (("account", account.lower()), ("ip", ip)):
                self._recent(kind, key, now).append(now)

    def record_success(self, account: str) -> None:
        with self._lock:
            self._failures.pop(("account", account.lower()), None)

    def _recent(self, kind: str, key: str, now: float) -> deque[float]:
        if len(self._failures) > 10_000:
            self._prune(now)
        failures = self._failures.setdefault((kind, key), deque())
        while failures and failures[0] <= now - self._window:
            failures.popleft()
        return failures

    def _prune(self, now: float) -> None:
        stale = [k for k, v in self._failures.items() if not v or v[-1] <= now - self._window]
        for key in stale:
            del self._failures[key]
