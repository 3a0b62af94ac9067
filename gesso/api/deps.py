"""FastAPI dependencies that hand routers their services (no global service locator).

The getters are `async def` on purpose: they only read `app.state`, and a sync dependency would
cost a threadpool hop per request. Each reads the services from the request itself rather than
through a shared `Services` dependency: every dependency level costs FastAPI a resolution step
(four parameter scans) on every request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gesso.audit.service import AuditLog
from gesso.auth.api_tokens import ApiTokenService
from gesso.auth.oidc import OidcLogin
from gesso.auth.service import AuthService
from gesso.boards.service import BoardService
from gesso.boards.shares import BoardShareService
from gesso.config import Settings
from gesso.db.engine import Database
from gesso.engine.registry import NodeRegistry
from gesso.errors import NotFound
from gesso.groups.service import GroupService
from gesso.images.downloads import BulkDownloads
from gesso.images.service import ImageService
from gesso.models.service import ModelService
from gesso.queue.service import QueueService
from gesso.quotas.service import QuotaService
from gesso.services import Services
from gesso.users.invites import AccountLinks
from gesso.users.service import UserService
from gesso.worker.registry import WorkerRegistry
from gesso.worker.runner import Worker as QueueWorker


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def get_settings(request: Request) -> Settings:
    return _services(request).settings


async def get_auth(request: Request) -> AuthService:
    return _services(request).auth


async def get_api_tokens(request: Request) -> ApiTokenService:
    return _services(request).auth.api_tokens


async def get_groups(request: Request) -> GroupService:
    return _services(request).groups


async def get_quotas(request: Request) -> QuotaService:
    return _services(request).quotas


async def get_board_shares(request: Request) -> BoardShareService:
    return _services(request).board_shares


async def get_users(request: Request) -> UserService:
    return _services(request).users


async def get_oidc(request: Request) -> OidcLogin:
    services = _services(request)
    if services.oidc is None:
        raise NotFound("Single sign-on is not configured on this server")
    return services.oidc


async def get_links(request: Request) -> AccountLinks:
    return _services(request).links


async def get_audit(request: Request) -> AuditLog:
    return _services(request).audit


async def get_db(request: Request) -> Database:
    return _services(request).db


async def get_images(request: Request) -> ImageService:
    return _services(request).images


async def get_bulk_downloads(request: Request) -> BulkDownloads:
    return _services(request).bulk_downloads


async def get_boards(request: Request) -> BoardService:
    return _services(request).boards


async def get_queue(request: Request) -> QueueService:
    return _services(request).queue


async def get_worker(request: Request) -> QueueWorker:
    return _services(request).worker


async def get_registry(request: Request) -> NodeRegistry:
    return _services(request).registry


async def get_models(request: Request) -> ModelService:
    return _services(request).models


async def get_workers(request: Request) -> WorkerRegistry:
    return _services(request).workers


AppConfig = Annotated[Settings, Depends(get_settings)]
Models = Annotated[ModelService, Depends(get_models)]
Queue = Annotated[QueueService, Depends(get_queue)]
Worker = Annotated[QueueWorker, Depends(get_worker)]
Workers = Annotated[WorkerRegistry, Depends(get_workers)]
Registry = Annotated[NodeRegistry, Depends(get_registry)]
Db = Annotated[Database, Depends(get_db)]
Images = Annotated[ImageService, Depends(get_images)]
Downloads = Annotated[BulkDownloads, Depends(get_bulk_downloads)]
Boards = Annotated[BoardService, Depends(get_boards)]
Auth = Annotated[AuthService, Depends(get_auth)]
ApiTokens = Annotated[ApiTokenService, Depends(get_api_tokens)]
Users = Annotated[UserService, Depends(get_users)]
Groups = Annotated[GroupService, Depends(get_groups)]
Quotas = Annotated[QuotaService, Depends(get_quotas)]
BoardShares = Annotated[BoardShareService, Depends(get_board_shares)]
Audit = Annotated[AuditLog, Depends(get_audit)]
Links = Annotated[AccountLinks, Depends(get_links)]
Sso = Annotated[OidcLogin, Depends(get_oidc)]
