"""`Services`: the one place where every store and service is built and wired together."""

from __future__ import annotations

from dataclasses import dataclass

from gesso.auth.passwords import PasswordHasher
from gesso.auth.service import AuthService
from gesso.auth.throttle import LoginThrottle
from gesso.auth.tokens import TokenService
from gesso.boards.service import BoardService
from gesso.config import Settings
from gesso.db.engine import Database
from gesso.db.migrate import upgrade
from gesso.images.files import ImageFiles
from gesso.images.service import ImageService
from gesso.settings_store.service import AppSettings
from gesso.users.service import UserService


@dataclass
class Services:
    settings: Settings
    db: Database
    app_settings: AppSettings
    hasher: PasswordHasher
    users: UserService
    tokens: TokenService
    throttle: LoginThrottle
    auth: AuthService
    images: ImageService
    boards: BoardService

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> Services:
        """Open the database (migrating it unless told not to) and build every service.

        Raises MigrationError or MissingJwtSecret when the database cannot be used.
        """
        db = Database(settings.resolved_database_url)
        try:
            if migrate:
                upgrade(db)
            app_settings = AppSettings(db)
            tokens = TokenService(app_settings.jwt_secret)
        except Exception:
            db.dispose()
            raise
        hasher = PasswordHasher()
        throttle = LoginThrottle(
            per_account=settings.login_throttle_per_account, per_ip=settings.login_throttle_per_ip
        )
        images = ImageService(db, ImageFiles(settings.resolved_outputs_dir))
        return cls(
            settings=settings,
            db=db,
            app_settings=app_settings,
            hasher=hasher,
            users=UserService(db, hasher, strict_passwords=settings.strict_password_checking),
            tokens=tokens,
            throttle=throttle,
            auth=AuthService(db, hasher, tokens, throttle, app_settings, multiuser=settings.multiuser),
            images=images,
            boards=BoardService(db, images),
        )

    def close(self) -> None:
        self.db.dispose()
