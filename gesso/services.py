"""`Services`: the one place where every store and service is built and wired together.

Start/stop order: `open` builds everything (migrating the database first); `start` (in the
app's lifespan, on its event loop) starts socket delivery and then the worker; `close` stops
the worker before the database goes away.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from functools import partial

from gesso.api.client_ip import TrustedProxies
from gesso.audit.retention import AuditRetention
from gesso.audit.service import AuditLog
from gesso.auth.api_tokens import ApiTokenService
from gesso.auth.oidc import OidcLogin
from gesso.auth.proxy import HeaderAuth
from gesso.auth.service import AuthService
from gesso.auth.throttle import LoginThrottle, Throttle
from gesso.auth.tokens import TokenService
from gesso.auth.totp import TwoFactor
from gesso.boards.service import BoardService
from gesso.boards.shares import BoardShareService
from gesso.config import Settings
from gesso.db.engine import Database
from gesso.db.migrate import upgrade
from gesso.engine.preflight import GraphPreflight
from gesso.engine.registry import BaseNode, NodeRegistry
from gesso.events.bus import Event, EventBus, InProcessEventBus, UserChanged
from gesso.events.socket_server import SocketServer
from gesso.groups.service import GroupService
from gesso.images import store as image_store
from gesso.images.downloads import BulkDownloads
from gesso.images.files import ImageFiles
from gesso.images.generated import EngineImages
from gesso.images.service import ImageService
from gesso.models.hub import HubClient, HubConfig
from gesso.models.hub_token import HubTokens
from gesso.models.installer import ModelInstaller
from gesso.models.loader import ModelLoader
from gesso.models.service import ModelService, installed_model, model_usable_by
from gesso.models.starters import default_catalogue
from gesso.queue import counts as queue_counts
from gesso.queue.policies import policy_for
from gesso.queue.service import QueueService
from gesso.quotas.service import QuotaService
from gesso.settings_store.service import AppSettings
from gesso.users.invites import AccountLinks
from gesso.users.passwords import PasswordHasher
from gesso.users.service import UserChange, UserService
from gesso.worker.heartbeat import Reaper
from gesso.worker.registry import WorkerRegistry
from gesso.worker.runner import Worker


def builtin_node_types(*, benchmark_nodes: bool = False) -> list[type[BaseNode]]:
    """The built-in node types (and `bench_sleep` when the configuration enables it), imported
    when the registry is first asked (a graph checked or run), not at start-up: sixty pydantic
    models and numpy are a fifth of the import time."""
    from gesso.engine.nodes import NODE_GROUPS
    from gesso.engine.nodes.bench import BENCHMARK_NODES

    groups = (*NODE_GROUPS, BENCHMARK_NODES) if benchmark_nodes else NODE_GROUPS
    return [node_class for group in groups for node_class in group]


@dataclass
class Services:
    settings: Settings
    db: Database
    app_settings: AppSettings
    audit: AuditLog
    retention: AuditRetention
    hasher: PasswordHasher
    users: UserService
    groups: GroupService
    quotas: QuotaService
    board_shares: BoardShareService
    links: AccountLinks
    tokens: TokenService
    throttle: Throttle
    auth: AuthService
    oidc: OidcLogin | None
    images: ImageService
    bulk_downloads: BulkDownloads
    boards: BoardService
    registry: NodeRegistry
    bus: EventBus
    queue: QueueService
    worker: Worker
    workers: WorkerRegistry
    reaper: Reaper
    sockets: SocketServer
    models: ModelService
    model_loader: ModelLoader

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        migrate: bool = True,
        worker_name: str | None = None,
        device: str | None = None,
    ) -> Services:
        """Open the database (migrating it unless told not to) and build every service.

        `worker_name`/`device` configure the worker of a `gesso worker` process; by default the
        worker is the API process's own (named after the host and port, on the best device).

        Raises DatabaseUnavailable, MigrationError or MissingJwtSecret when the database cannot
        be used.
        """
        db = Database(settings.resolved_database_url)
        try:
            db.check_reachable()
            if migrate:
                upgrade(db)
            app_settings = AppSettings(db)
            tokens = TokenService(app_settings.jwt_secret)
            bus = open_event_bus(settings, app_settings)
        except Exception:
            db.dispose()
            raise
        hasher = PasswordHasher()
        per_account, per_ip = settings.login_throttle_per_account, settings.login_throttle_per_ip
        throttle = login_throttle(bus, app_settings, per_account=per_account, per_ip=per_ip)
        audit = AuditLog(db, retention_days=settings.audit_retention_days)
        users = UserService(db, hasher, audit, strict_passwords=settings.strict_password_checking)
        groups = GroupService(db, audit)
        auth = AuthService(
            db,
            hasher,
            tokens,
            throttle,
            app_settings,
            ApiTokenService(db, audit, multiuser=settings.multiuser),
            audit,
            multiuser=settings.multiuser,
            password_login=settings.password_login,
            two_factor=TwoFactor(db, app_settings, audit),
            require_2fa=settings.require_2fa,
        )
        quotas = QuotaService(
            db, audit, pending_items=queue_counts.pending_items, storage_bytes=image_store.storage_bytes
        )
        oidc = OidcLogin(db, settings.oidc, users, audit) if settings.oidc is not None else None
        if settings.trusted_header is not None:
            trusts = TrustedProxies(settings.trusted_header.trusted_proxies).trusts
            auth.header_auth = HeaderAuth(settings.trusted_header, users, audit, trusts)
        images = ImageService(
            db,
            ImageFiles(settings.resolved_outputs_dir),
            max_metadata_bytes=settings.max_image_metadata_kb * 1024,
            quotas=quotas,
        )
        registry = NodeRegistry(
            load=partial(builtin_node_types, benchmark_nodes=settings.enable_benchmark_nodes)
        )
        preflight = GraphPreflight(
            registry, partial(installed_model, db), images.get_image, partial(model_usable_by, db)
        )
        queue = QueueService(
            db,
            registry,
            bus,
            policy_for(settings, weight_of=QuotaService.queue_weight),
            audit,
            max_queue_size=settings.max_queue_size,
            preflight=preflight.check,
            quotas=quotas,
        )
        # Nothing is loaded here: the loader loads a model when a generation node first asks for it.
        model_loader = ModelLoader(
            db, settings.resolved_models_dir, int(settings.model_cache_gb * 2**30), device=device
        )
        workers = WorkerRegistry(db, queue.dispatch, timeout_seconds=settings.worker_timeout_seconds)
        worker = Worker(
            queue,
            registry,
            EngineImages(images),
            users,
            models=model_loader,
            tensors_dir=settings.root / "tmp",
            tensors_memory_limit=int(settings.session_tensors_memory_mb * 2**20),
            workers=workers,
            name=worker_name or f"{socket.gethostname()}-serve-{settings.port}",
            in_process=worker_name is None,
            # On SQLite the API process's worker is the only one: whatever was running was its own.
            fail_all_interrupted=db.is_sqlite and worker_name is None,
        )
        sockets = SocketServer(
            auth, allow_origins=settings.allow_origins, sweep_seconds=settings.socket_sweep_seconds
        )
        bus.subscribe(sockets.publish)
        bus.subscribe(worker.follow_event)  # cancellations made by any API process

        # A user change first stops their queue items, then moves or drops their sockets on every
        # API process (the bus carries it to the others).
        def follow_user_change(c: UserChanged) -> None:
            if c.revoked_token_id is not None:
                sockets.token_revoked(c.revoked_token_id)
                return
            sockets.user_changed(
                c.user_id,
                is_active=c.is_active,
                is_admin=c.is_admin,
                credentials_changed=c.credentials_changed,
            )

        bus.on_user_change(follow_user_change)

        def publish_user_change(change: UserChange) -> None:
            bus.publish_user_change(
                UserChanged(
                    change.user_id,
                    is_active=change.is_active and not change.deleted,
                    is_admin=change.is_admin,
                    credentials_changed=change.credentials_changed,
                )
            )

        users.add_listener(queue.follow_user_change)
        users.add_listener(publish_user_change)
        auth.api_tokens.on_revoke(
            lambda token_id: bus.publish_user_change(UserChanged.token_revoked(token_id))
        )
        models_dir = settings.resolved_models_dir
        hub_tokens = HubTokens(app_settings)
        hub = HubClient(HubConfig.from_environment(), stored_token=hub_tokens.stored)
        installer = ModelInstaller(
            db, bus, models_dir, allow_private_urls=settings.allow_private_download_urls, hub=hub
        )
        model_service = ModelService(
            db,
            installer,
            models_dir,
            hub=hub,
            hub_tokens=hub_tokens,
            starters=default_catalogue(),
            audit=audit,
        )
        model_service.on_forget(model_loader.forget)  # a changed or deleted model leaves the cache
        return cls(
            settings=settings,
            db=db,
            app_settings=app_settings,
            audit=audit,
            retention=AuditRetention(audit),
            hasher=hasher,
            users=users,
            groups=groups,
            quotas=quotas,
            board_shares=BoardShareService(db, audit),
            links=AccountLinks(db, users, hasher, audit),
            tokens=tokens,
            throttle=throttle,
            auth=auth,
            oidc=oidc,
            images=images,
            bulk_downloads=BulkDownloads(
                db,
                images,
                lambda name, payload, owner: bus.publish(Event(name, payload, owner_id=owner)),
                settings.root / "tmp" / "bulk_downloads",
            ),
            boards=BoardService(db, images, audit),
            registry=registry,
            bus=bus,
            queue=queue,
            worker=worker,
            workers=workers,
            reaper=Reaper(workers),
            sockets=sockets,
            models=model_service,
            model_loader=model_loader,
        )

    async def start(self, *, run_worker: bool = True) -> None:
        await self.sockets.start()
        self.bus.start()
        if run_worker:
            self.worker.start()
        else:
            self.worker.api_only = True
            self.reaper.start()
        self.models.installer.resume_unfinished()
        await self.retention.start()

    def start_worker_process(self) -> None:
        """`gesso worker`: the worker alone, no sockets to serve."""
        self.bus.start()
        self.worker.start()

    async def stop(self) -> None:
        await self.retention.stop()
        self.worker.stop()
        self.reaper.stop()
        self.models.installer.stop()
        self.bus.stop()
        await self.sockets.stop()

    def close(self) -> None:
        self.worker.stop()
        self.reaper.stop()
        self.models.installer.stop()
        self.bus.stop()
        self.db.dispose()


# The Redis modules are imported only when `redis_url` is set: a single-machine server never
# loads the Redis client (about 50 ms of start-up).


def open_event_bus(settings: Settings, app_settings: AppSettings) -> EventBus:
    """In-process unless `redis_url` is set; Redis must answer at start (EventBusUnavailable)."""
    if settings.redis_url is None:
        return InProcessEventBus()
    from gesso.events.redis_bus import RedisEventBus

    bus = RedisEventBus(settings.redis_url, app_settings.installation_id())
    bus.check_reachable()
    return bus


def login_throttle(bus: EventBus, app_settings: AppSettings, *, per_account: int, per_ip: int) -> Throttle:
    """Failed logins counted in Redis when the bus is Redis (shared by every API process)."""
    if isinstance(bus, InProcessEventBus):
        return LoginThrottle(per_account=per_account, per_ip=per_ip)
    from gesso.auth.shared_throttle import RedisLoginThrottle
    from gesso.events.redis_bus import RedisEventBus

    assert isinstance(bus, RedisEventBus)

    installation_id = app_settings.installation_id()
    return RedisLoginThrottle(bus.client, installation_id, per_account=per_account, per_ip=per_ip)
