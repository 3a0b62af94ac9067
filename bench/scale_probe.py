"""Where a scale-out run's time goes (used by `scale_bench.py`).

- `WaitSampler`: samples `pg_stat_activity` of Gesso's connections every 50 ms while
  workers run and counts what each connection was doing: running a statement (`active`), waiting
  for a lock (`Lock:advisory`, `Lock:transactionid`, …), or holding a transaction open while its
  client works (`idle in transaction`: Python between two statements of one transaction).
- `per_item_breakdown`: from the items' own rows, per worker: how long after the first worker the
  last one started its first item, the time inside an item beyond the node's own wait
  (`started_at` → `completed_at`, minus the node time) and the gap between one item's end and the
  same worker's next start (finish, events, claim).
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from typing import Any

import sqlalchemy as sa


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


class WaitSampler:
    QUERY = sa.text(
        "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
        "WHERE application_name = 'gesso' AND pid <> pg_backend_pid() AND state <> 'idle'"
    )

    def __init__(self, url: str, interval_s: float = 0.05) -> None:
        self._engine = sa.create_engine(url, pool_size=1)
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.samples = 0
        self.seen: Counter[str] = Counter()

    def __enter__(self) -> WaitSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._engine.dispose()

    def _run(self) -> None:
        with self._engine.connect() as conn:
            while not self._stop.wait(self._interval):
                rows = conn.execute(self.QUERY).all()
                conn.rollback()
                self.samples += 1
                for state, kind, event in rows:
                    what = f"{kind}:{event}" if kind and kind != "Client" else state
                    self.seen[what] += 1

    def report(self) -> dict[str, float]:
        """Mean number of Gesso connections in each state per sample (0.5 = half the time one)."""
        n = max(1, self.samples)
        return {what: round(count / n, 3) for what, count in self.seen.most_common(8)}


def per_item_breakdown(rows: list[Any], node_s: float) -> dict[str, float]:
    """`rows`: (worker_id, started_at, completed_at) of finished items."""
    inside, between = [], []
    by_worker: dict[str, list[Any]] = {}
    for row in rows:
        by_worker.setdefault(row.worker_id, []).append(row)
        inside.append(((row.completed_at - row.started_at).total_seconds() - node_s) * 1000)
    for items in by_worker.values():
        items.sort(key=lambda r: r.started_at)
        between += [
            (b.started_at - a.completed_at).total_seconds() * 1000 for a, b in itertools.pairwise(items)
        ]
    first_starts = [min(r.started_at for r in items) for items in by_worker.values()]
    last_ends = [max(r.completed_at for r in items) for items in by_worker.values()]
    return {
        "start_skew_ms": round((max(first_starts) - min(first_starts)).total_seconds() * 1000, 1),
        "inside_item_overhead_p50_ms": round(pct(inside, 50), 1),
        "between_items_p50_ms": round(pct(between, 50), 1),
        "between_items_p95_ms": round(pct(between, 95), 1),
        "between_items_max_ms": round(max(between, default=0.0), 1),
        "inside_item_overhead_max_ms": round(max(inside, default=0.0), 1),
        "items_per_worker": sorted(len(items) for items in by_worker.values()),
        "end_skew_ms": round((max(last_ends) - min(last_ends)).total_seconds() * 1000, 1),
    }
