"""Failed-login throttling shared by several API processes through Redis (`redis_url`).

The same sliding one-minute windows as `LoginThrottle`, kept as sorted sets of failure times
under `gesso:<installation id>:login:<kind>:<key>`, so a guesser cannot multiply their attempts
by spreading them over processes. If Redis is away the process falls back to counting on its
own (logged once) rather than refusing every login.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import uuid

import redis

from gesso.auth.throttle import WINDOW_SECONDS, LoginThrottle

logger = logging.getLogger(__name__)


class RedisLoginThrottle:
    def __init__(self, client: redis.Redis, installation_id: str, *, per_account: int, per_ip: int) -> None:
        self._client = client
        self._prefix = f"gesso:{installation_id}:login"
        self._limits = {"account": per_account, "ip": per_ip}
        self._local = LoginThrottle(per_account=per_account, per_ip=per_ip)
        self._failing = False

    def _key(self, kind: str, value: str) -> str:
        # Hashed: email addresses and IPs do not appear in Redis in clear.
        digest = hashlib.sha256(value.encode()).hexdigest()[:32]
        return f"{self._prefix}:{kind}:{digest}"

    def _keys(self, account: str, ip: str) -> list[tuple[str, str]]:
        return [("account", self._key("account", account.lower())), ("ip", self._key("ip", ip))]

    def retry_after(self, account: str, ip: str) -> int | None:
        now = time.time()
        try:
            pipe = self._client.pipeline()
            keys = self._keys(account, ip)
            for _, key in keys:
                pipe.zremrangebyscore(key, 0, now - WINDOW_SECONDS)
                pipe.zrange(key, 0, 0, withscores=True)
                pipe.zcard(key)
            results = pipe.execute()
        except redis.RedisError as exc:
            self._unavailable(exc)
            return self._local.retry_after(account, ip)
        self._available()
        waits = []
        for index, (kind, _) in enumerate(keys):
            oldest, count = results[index * 3 + 1], results[index * 3 + 2]
            if count >= self._limits[kind] and oldest:
                waits.append(oldest[0][1] + WINDOW_SECONDS - now)
        return max(1, math.ceil(max(waits))) if waits else None

    def record_failure(self, account: str, ip: str) -> None:
        now = time.time()
        try:
            pipe = self._client.pipeline()
            for _, key in self._keys(account, ip):
                pipe.zadd(key, {f"{now}:{uuid.uuid4().hex[:8]}": now})
                pipe.expire(key, int(WINDOW_SECONDS) + 1)
            pipe.execute()
        except redis.RedisError as exc:
            self._unavailable(exc)
            self._local.record_failure(account, ip)

    def record_success(self, account: str) -> None:
        self._local.record_success(account)
        try:
            self._client.delete(self._key("account", account.lower()))
        except redis.RedisError as exc:
            self._unavailable(exc)

    def _unavailable(self, exc: Exception) -> None:
        if not self._failing:
            logger.error("Redis is unavailable; login throttling counts per process meanwhile: %s", exc)
        self._failing = True

    def _available(self) -> None:
        if self._failing:
            logger.info("Redis is back; login throttling is shared again")
        self._failing = False
