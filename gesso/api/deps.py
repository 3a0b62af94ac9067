"""FastAPI dependencies that hand routers their services (no global service locator).

The getters are `async def` on purpose: they only read `app.state`, and a sync dependency would
cost a threadpool hop per request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gesso.auth.api_tokens import ApiTokenService
from gesso.auth.service import AuthService
from gesso.boards.service import BoardService
from gesso.boards.shares import BoardShareService
from gesso.config import Settings
from gesso.db.engine import Database
from gesso.engine.registry import NodeRegistry
from gesso.groups.service import GroupService
from gesso.images.service import ImageService
from gesso.models.service import ModelService
from gesso.queue.service import QueueService
from gesso.quotas.service import QuotaService
from gesso.services import Services
from gesso.users.service import UserService
from gesso.worker.runner import Worker as QueueWorker


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(services: ServicesDep) -> Settings:
    return services.settings


async def get_auth(services: ServicesDep) -> AuthService:
    return services.auth


async def get_api_tokens(services: ServicesDep) -> ApiTokenService:
    return services.auth.api_tokens


async def get_groups(services: ServicesDep) -> GroupService:
    return services.groups


async def get_quotas(services: ServicesDep) -> QuotaService:
    return services.quotas


async def get_board_shares(services: ServicesDep) -> BoardShareService:
    return services.board_shares


async def get_users(services: ServicesDep) -> UserService:
    return services.users


async def get_db(services: ServicesDep) -> Database:
    return services.db


async def get_images(services: ServicesDep) -> ImageService:
    return services.images


async def get_boards(services: ServicesDep) -> BoardService:
    return services.boards


async def get_queue(services: ServicesDep) -> QueueService:
    return services.queue


async def get_worker(services: ServicesDep) -> QueueWorker:
    return services.worker


async def get_registry(services: ServicesDep) -> NodeRegistry:
    return services.registry


async def get_models(services: ServicesDep) -> ModelService:
    return services.models


AppConfig = Annotated[Settings, Depends(get_settings)]
Models = Annotated[ModelService, Depends(get_models)]
Queue = Annotated[QueueService, Depends(get_queue)]
Worker = Annotated[QueueWorker, Depends(get_worker)]
Registry = Annotated[NodeRegistry, Depends(get_registry)]
Db = Annotated[Database, Depends(get_db)]
Images = Annotated[ImageService, Depends(get_images)]
Boards = Annotated[BoardService, Depends(get_boards)]
Auth = Annotated[AuthService, Depends(get_auth)]
ApiTokens = Annotated[ApiTokenService, Depends(get_api_tokens)]
Users = Annotated[UserService, Depends(get_users)]
Groups = Annotated[GroupService, Depends(get_groups)]
Quotas = Annotated[QuotaService, Depends(get_quotas)]
BoardShares = Annotated[BoardShareService, Depends(get_board_shares)]
