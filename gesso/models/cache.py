"""`ModelCache`: loaded pipelines and components, least recently used first out, under a byte budget.

Sizes are estimates: the bytes of every parameter and buffer of the object's torch modules (a
pipeline's components, or a module itself), counting a tensor shared by two components once.
An entry larger than the whole budget is handed back but not kept (a budget of 0 keeps nothing).
Thread-safe: lookups and insertions take one lock; a load takes a per-key lock, so two callers
missing on the same key load it once while other keys stay served.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    evictions: int
    entries: int
    used_bytes: int
    budget_bytes: int


def _modules(obj: Any) -> Iterable[Any]:
    """The torch modules that make up `obj`: a pipeline's components, or `obj` itself."""
    components = getattr(obj, "components", None)
    if isinstance(components, dict):
        return [c for c in components.values() if hasattr(c, "parameters")]
    return [obj] if hasattr(obj, "parameters") else []


def estimate_size(obj: Any) -> int:
    """Bytes held by the parameters and buffers of `obj`'s modules (0 for anything else)."""
    seen: set[int] = set()
    total = 0
    for module in _modules(obj):
        tensors = list(module.parameters())
        if hasattr(module, "buffers"):
            tensors += list(module.buffers())
        for tensor in tensors:
            if id(tensor) not in seen:
                seen.add(id(tensor))
                total += int(tensor.nbytes)
    if not seen and isinstance(obj, dict):  # a state dict (a LoRA's tensors)
        total = sum(int(getattr(v, "nbytes", 0)) for v in obj.values())
    return total


class ModelCache:
    def __init__(self, budget_bytes: int, *, on_evict: Callable[[], None] | None = None) -> None:
        """`on_evict` runs after entries were dropped (and their references released), say to
        return freed GPU memory to the device."""
        if budget_bytes < 0:
            raise ValueError("the cache budget cannot be negative")
        self.budget_bytes = budget_bytes
        self._on_evict = on_evict
        self._entries: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._load_locks: dict[str, threading.Lock] = {}
        self._used = 0
        self.hits = 0
        self.misses = 0
        self.evictions = 0

    def get(self, key: str) -> Any | None:
        """The cached object (now the most recently used), counting a hit or a miss."""
        with self._lock:
            return self._lookup(key)

    def get_or_load(self, key: str, load: Callable[[], T], size: Callable[[T], int] = estimate_size) -> T:
        """The cached object for `key`, or `load()`'s result, kept if it fits the budget."""
        with self._lock:
            found = self._lookup(key, count_miss=False)
            if found is not None:
                return found  # type: ignore[no-any-return]
            load_lock = self._load_locks.setdefault(key, threading.Lock())
        try:
            with load_lock:
                with self._lock:  # another caller may have loaded it while we waited
                    found = self._lookup(key)
                    if found is not None:
                        return found  # type: ignore[no-any-return]
                value = load()
                self.put(key, value, size(value))
                return value
        finally:
            with self._lock:
                if self._load_locks.get(key) is load_lock:
                    del self._load_locks[key]

    def put(self, key: str, value: Any, size: int) -> bool:
        """Keep `value` under `key`, evicting least recently used entries to make room.

        Returns False (and keeps nothing) when `size` alone exceeds the budget."""
        evicted: list[Any] = []
        with self._lock:
            if key in self._entries:
                evicted.append(self._remove(key))
            if size > self.budget_bytes:
                kept = False
            else:
                while self._entries and self._used + size > self.budget_bytes:
                    oldest = next(iter(self._entries))
                    evicted.append(self._remove(oldest))
                    self.evictions += 1
                self._entries[key] = (value, size)
                self._used += size
                kept = True
        self._release(evicted)
        return kept

    def discard(self, key: str) -> bool:
        """Drop one entry (say, a model that was deleted or changed); False if it was not cached."""
        with self._lock:
            if key not in self._entries:
                return False
            evicted = [self._remove(key)]
        self._release(evicted)
        return True

    def discard_prefix(self, prefix: str) -> int:
        with self._lock:
            evicted = [self._remove(k) for k in [k for k in self._entries if k.startswith(prefix)]]
        count = len(evicted)
        self._release(evicted)
        return count

    def clear(self) -> None:
        with self._lock:
            evicted = [value for value, _ in self._entries.values()]
            self._entries.clear()
            self._used = 0
        self._release(evicted)

    def lru_keys(self) -> list[str]:
        """Cached keys, least recently used first."""
        with self._lock:
            return list(self._entries)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._entries

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(
                self.hits, self.misses, self.evictions, len(self._entries), self._used, self.budget_bytes
            )

    # -- internals (called with the lock held) ----------------------------------------------

    def _lookup(self, key: str, *, count_miss: bool = True) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            if count_miss:
                self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry[0]

    def _remove(self, key: str) -> Any:
        value, size = self._entries.pop(key)
        self._used -= size
        return value

    def _release(self, evicted: list[Any]) -> None:
        dropped = bool(evicted)
        evicted.clear()
        if dropped and self._on_evict is not None:
            self._on_evict()
