"""`/api/v1/app`: public facts about this server."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from gesso import __version__

router = APIRouter(prefix="/v1/app", tags=["app"])


class AppVersion(BaseModel):
    version: str


@router.get("/version", response_model=AppVersion)
async def app_version() -> AppVersion:
    return AppVersion(version=__version__)
