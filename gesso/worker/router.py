"""`/api/v1/workers`: the worker processes and what they are doing (administrators only)."""

from __future__ import annotations

from fastapi import APIRouter

from gesso.api.deps import Workers
from gesso.auth.deps import AdminUser
from gesso.worker.schemas import WorkerDTO

router = APIRouter(prefix="/v1", tags=["workers"])


@router.get("/workers", response_model=list[WorkerDTO])
def list_workers(admin: AdminUser, workers: Workers) -> list[WorkerDTO]:
    """Live workers, and those stopped or lost within the last hour."""
    found, names = workers.list_with_model_names()
    return [WorkerDTO.from_record(w, names) for w in found]
