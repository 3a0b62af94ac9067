"""`ModelCache` without torch: LRU order, the byte budget, counters, thread-safe single loads."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from gesso.models.cache import ModelCache, estimate_size


class FakeTensor:
    def __init__(self, nbytes: int) -> None:
        self.nbytes = nbytes


class FakeModule:
    def __init__(self, *sizes: int, shared: list[FakeTensor] | None = None) -> None:
        self._params = [FakeTensor(s) for s in sizes] + (shared or [])

    def parameters(self) -> list[FakeTensor]:
        return self._params

    def buffers(self) -> list[FakeTensor]:
        return [FakeTensor(1)]


class FakePipeline:
    def __init__(self, **components: Any) -> None:
        self.components = components


def test_estimate_counts_parameters_and_buffers_once_each() -> None:
    shared = [FakeTensor(1000)]
    pipe = FakePipeline(
        unet=FakeModule(100, 200, shared=shared), text=FakeModule(50, shared=shared), name="x"
    )
    assert estimate_size(pipe) == 100 + 200 + 1000 + 50 + 2  # two buffers, the shared tensor once
    assert estimate_size(FakeModule(10)) == 11
    assert estimate_size({"a": FakeTensor(7), "b": FakeTensor(3)}) == 10  # a state dict
    assert estimate_size("not a model") == 0


def test_least_recently_used_entry_is_evicted_first() -> None:
    cache = ModelCache(100)
    cache.put("a", "A", 40)
    cache.put("b", "B", 40)
    assert cache.get("a") == "A"  # a is now the most recent
    cache.put("c", "C", 40)  # needs room: b goes
    assert cache.lru_keys() == ["a", "c"]
    assert cache.stats().evictions == 1
    assert cache.stats().used_bytes == 80


def test_entry_larger_than_the_budget_is_not_kept() -> None:
    cache = ModelCache(100)
    cache.put("a", "A", 40)
    assert cache.put("huge", "H", 101) is False
    assert cache.lru_keys() == ["a"]
    nothing = ModelCache(0)
    assert nothing.get_or_load("x", lambda: "X", size=lambda _: 1) == "X"
    assert "x" not in nothing


def test_hits_and_misses_are_counted() -> None:
    cache = ModelCache(100)
    loads: list[str] = []

    def load() -> str:
        loads.append("x")
        return "X"

    for _ in range(3):
        assert cache.get_or_load("x", load, size=lambda _: 10) == "X"
    assert loads == ["x"]
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.entries) == (2, 1, 1)
    assert cache.get("nope") is None
    assert cache.stats().misses == 2


def test_clear_discard_and_prefix_drop_entries_and_call_the_evict_hook() -> None:
    evictions: list[int] = []
    cache = ModelCache(1000, on_evict=lambda: evictions.append(1))
    for key in ("m1|main", "m1|vae", "m2|main", "m3|main"):
        cache.put(key, key, 10)
    assert cache.discard_prefix("m1|") == 2
    assert cache.discard("m2|main") is True
    assert cache.discard("m2|main") is False
    assert cache.lru_keys() == ["m3|main"]
    cache.clear()
    assert cache.lru_keys() == [] and cache.stats().used_bytes == 0
    assert len(evictions) == 3


def test_replacing_a_key_frees_its_old_size() -> None:
    cache = ModelCache(100)
    cache.put("a", "A1", 60)
    cache.put("a", "A2", 70)
    assert cache.get("a") == "A2"
    assert cache.stats().used_bytes == 70


def test_concurrent_misses_on_one_key_load_it_once() -> None:
    cache = ModelCache(100)
    loads: list[int] = []
    results: list[str] = []

    def load() -> str:
        loads.append(1)
        time.sleep(0.05)
        return "X"

    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_load("x", load, size=lambda _: 1)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == [1]
    assert results == ["X"] * 4
    assert cache.stats().hits == 3


def test_a_failed_load_caches_nothing_and_can_be_retried() -> None:
    cache = ModelCache(100)

    def broken() -> str:
        raise OSError("disk")

    with pytest.raises(OSError):
        cache.get_or_load("x", broken)
    assert cache.get_or_load("x", lambda: "X", size=lambda _: 1) == "X"


def test_negative_budget_is_refused() -> None:
    with pytest.raises(ValueError):
        ModelCache(-1)
