"""`AppSettings`: typed get/set over `app_settings`, and the JWT secret's lifecycle."""

from __future__ import annotations

import secrets
import uuid

from gesso.db.engine import Database
from gesso.settings_store import store

JWT_SECRET_KEY = "jwt_secret"
INSTALLATION_ID_KEY = "installation_id"


class MissingJwtSecret(Exception):
    """The database has no JWT secret; the server must not invent one silently."""


class AppSettings:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: str) -> str | None:
        with self._db.read() as conn:
            return store.get_value(conn, key)

    def set(self, key: str, value: str) -> None:
        with self._db.write() as conn:
            store.set_value(conn, key, value)

    def delete(self, key: str) -> None:
        with self._db.write() as conn:
            store.delete_value(conn, key)

    def jwt_secret(self) -> str:
        secret = self.get(JWT_SECRET_KEY)
        if not secret:
            raise MissingJwtSecret(
                "The JWT secret is missing from the database (app_settings.jwt_secret). "
                "Refusing to start: run `gesso db rotate-jwt-secret` to create a new one "
                "(this logs every user out)."
            )
        return secret

    def installation_id(self) -> str:
        """This installation's id (migration 0008), naming its Redis channels."""
        value = self.get(INSTALLATION_ID_KEY)
        if not value:
            value = uuid.uuid4().hex
            self.set(INSTALLATION_ID_KEY, value)
        return value

    def rotate_jwt_secret(self) -> None:
        """Write a fresh secret; the caller revokes sessions in the same breath."""
        self.set(JWT_SECRET_KEY, secrets.token_hex(32))
