"""`create_app(settings)`: the only composition root. Builds `Services`, the FastAPI app with
its middleware, error handlers, API routers and the web studio."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

from gesso import __version__
from gesso.api.body_limit import BodySizeLimitMiddleware
from gesso.api.client_ip import ProxyHeadersMiddleware, TrustedProxies
from gesso.api.docs import mount_docs
from gesso.api.errors import install_error_handlers
from gesso.api.refresh import REFRESHED_TOKEN_HEADER, RefreshedTokenMiddleware
from gesso.api.routes import mount_api
from gesso.api.security_headers import SecurityHeadersMiddleware
from gesso.api.sockets import SocketIOMiddleware
from gesso.api.spa import mount_spa
from gesso.config import Settings
from gesso.services import Services


def _operation_id(route: APIRoute) -> str:
    # InvokeAI's clients are generated from operation ids equal to the handler names.
    return route.name


def create_app(settings: Settings, services: Services | None = None, *, run_worker: bool = True) -> FastAPI:
    services = services or Services.open(settings)
    prefix = settings.url_prefix

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await services.start(run_worker=run_worker)
        try:
            yield
        finally:
            await services.stop()
            services.close()

    app = FastAPI(
        title="Gesso",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=f"{prefix}/openapi.json",
        generate_unique_id_function=_operation_id,
    )
    app.state.services = services
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(RefreshedTokenMiddleware)
    # Uploads are the largest legitimate bodies; allow their limit plus multipart overhead.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=(settings.max_upload_size_mb + 1) * 1024 * 1024)
    if settings.allow_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allow_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=[REFRESHED_TOKEN_HEADER],
        )
    # Outside the REST middleware above, so socket.io traffic skips it.
    app.add_middleware(SocketIOMiddleware, sockets=services.sockets, path=f"{prefix}/ws/socket.io")
    app.add_middleware(SecurityHeadersMiddleware, frame_ancestors=settings.frame_ancestors)
    # Outermost: everything inside sees the client address and scheme a trusted proxy reported.
    app.add_middleware(ProxyHeadersMiddleware, trusted=TrustedProxies(settings.trusted_proxies))
    mount_api(app, prefix)
    mount_docs(app, prefix)
    mount_spa(app, prefix)
    return app
