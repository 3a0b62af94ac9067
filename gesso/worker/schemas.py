"""What `GET /api/v1/workers` answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from gesso.worker.store import WorkerRecord


class WorkerDTO(BaseModel):
    worker_id: str
    name: str = Field(description="`--name`, or HOST-PID; the API process's own worker is HOST-serve-PORT")
    device: str = Field(description="cpu, mps, cuda or cuda:N")
    state: Literal["idle", "busy", "paused", "stopping", "stopped", "lost"]
    current_item_id: int | None
    loaded_models: list[str] = Field(description="keys of the models the worker holds in memory")
    loaded_model_names: list[str] = Field(description="their names (the key where a model was removed)")
    hostname: str
    pid: int
    in_process: bool = Field(description="the worker inside a `gesso serve` process")
    started_at: datetime
    last_heartbeat: datetime

    @classmethod
    def from_record(cls, record: WorkerRecord, names: dict[str, str]) -> WorkerDTO:
        shown = [names.get(key, key) for key in record.loaded_models]
        return cls.model_validate({**record.__dict__, "loaded_model_names": shown})
