"""SQL for the `workers` table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from gesso.models.tables import models
from gesso.worker.tables import workers

LIVE_STATES = ("idle", "busy", "paused", "stopping")


@dataclass(frozen=True)
class WorkerRecord:
    worker_id: str
    name: str
    device: str
    state: str
    current_item_id: int | None
    loaded_models: list[str]
    hostname: str
    pid: int
    in_process: bool
    started_at: datetime
    last_heartbeat: datetime


def _record(row: Row[Any]) -> WorkerRecord:
    values = dict(row._mapping)
    values["loaded_models"] = json.loads(values["loaded_models"] or "[]")
    values["in_process"] = bool(values["in_process"])
    return WorkerRecord(**values)


def insert(conn: Connection, record: WorkerRecord) -> None:
    values = dict(record.__dict__)
    values["loaded_models"] = json.dumps(record.loaded_models)
    conn.execute(sa.insert(workers).values(**values))


def beat(
    conn: Connection,
    worker_id: str,
    *,
    state: str,
    current_item_id: int | None,
    loaded_models: Sequence[str],
    device: str,
    now: datetime,
) -> bool:
    """Record a heartbeat; False when the worker was declared lost meanwhile (it must stop)."""
    mine = sa.and_(workers.c.worker_id == worker_id, workers.c.state.in_(LIVE_STATES))
    values = {
        "state": state,
        "current_item_id": current_item_id,
        "loaded_models": json.dumps(list(loaded_models)),
        "device": device,
        "last_heartbeat": now,
    }
    return conn.execute(sa.update(workers).where(mine).values(**values)).rowcount == 1


def set_state(conn: Connection, worker_ids: Sequence[str], state: str) -> None:
    conn.execute(
        sa.update(workers)
        .where(workers.c.worker_id.in_(list(worker_ids)))
        .values(state=state, current_item_id=None)
    )


def stale(conn: Connection, cutoff: datetime) -> list[WorkerRecord]:
    """Live workers whose last heartbeat is older than `cutoff`, locked until the transaction
    ends: a beat racing the reaper either lands first (and the row is no longer stale) or waits
    and then finds its worker declared lost (`beat` returns False)."""
    rows = conn.execute(
        sa.select(workers)
        .where(workers.c.state.in_(LIVE_STATES), workers.c.last_heartbeat < cutoff)
        .with_for_update()
    )
    return [_record(row) for row in rows]


def named(conn: Connection, name: str, *, except_id: str) -> list[WorkerRecord]:
    rows = conn.execute(
        sa.select(workers).where(
            workers.c.name == name, workers.c.worker_id != except_id, workers.c.state.in_(LIVE_STATES)
        )
    )
    return [_record(row) for row in rows]


def listed(conn: Connection, since: datetime) -> list[WorkerRecord]:
    """Live workers, and those that stopped or were lost after `since`."""
    rows = conn.execute(
        sa.select(workers)
        .where(sa.or_(workers.c.state.in_(LIVE_STATES), workers.c.last_heartbeat >= since))
        .order_by(workers.c.started_at, workers.c.worker_id)
    )
    return [_record(row) for row in rows]


def model_names(conn: Connection, keys: Sequence[str]) -> dict[str, str]:
    """Names of installed models by key (for showing what workers hold)."""
    if not keys:
        return {}
    rows = conn.execute(sa.select(models.c.key, models.c.name).where(models.c.key.in_(list(set(keys)))))
    return {row.key: row.name for row in rows}


def forget_before(conn: Connection, cutoff: datetime) -> int:
    """Drop rows of workers that stopped (or were lost) before `cutoff`."""
    return conn.execute(
        sa.delete(workers).where(workers.c.state.not_in(LIVE_STATES), workers.c.last_heartbeat < cutoff)
    ).rowcount
