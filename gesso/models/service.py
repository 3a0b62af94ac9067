"""Model records: anyone may read them; every change goes through here and is for
administrators only (checked by the router's `AdminUser`; in single-user mode the synthetic
admin passes)."""

from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from gesso.audit.origin import SYSTEM, Attribution
from gesso.audit.service import AuditLog
from gesso.auth.actor import Actor
from gesso.db.engine import Database
from gesso.engine.preflight import InstalledModel
from gesso.errors import InvalidInput, NotFound
from gesso.groups.store import group_exists
from gesso.models import store
from gesso.models.access import may_use, usable_models
from gesso.models.hub import HubClient
from gesso.models.hub_token import HubTokens
from gesso.models.installer import ModelInstaller
from gesso.models.schemas import FoundModel, HFTokenStatus, ModelInstallJob, StarterModelResponse
from gesso.models.sources import HubSource, MalformedRepoId, UnsupportedSource, parse_source, redacted_source
from gesso.models.starters import StarterCatalogue, is_installed
from gesso.models.store import Grants, ModelRecord
from gesso.users.store import get_user

logger = logging.getLogger(__name__)

SCAN_MAX_ENTRIES = 5000
ACCESS_FIELDS = frozenset({"access", "allowed_user_ids", "allowed_group_ids"})  # audited as model.access


class ModelNotFound(NotFound):
    def __init__(self, detail: str = "model not found") -> None:
        super().__init__(detail)


def installed_model(db: Database, key: str) -> InstalledModel | None:
    """What graph checks before enqueue need to know of model `key` (None: not installed)."""
    with db.read() as conn:
        record = store.get_model(conn, key)
    return None if record is None else InstalledModel(record.name, record.base, record.type)


def model_usable_by(db: Database, actor: Actor, key: str) -> bool:
    with db.read() as conn:
        return may_use(conn, actor, key)


class ModelService:
    def __init__(
        self,
        db: Database,
        installer: ModelInstaller,
        models_dir: Path,
        *,
        hub: HubClient,
        hub_tokens: HubTokens,
        starters: StarterCatalogue,
        audit: AuditLog,
    ) -> None:
        self._db = db
        self._audit = audit
        self.installer = installer
        self.models_dir = models_dir
        self._hub = hub
        self._hub_tokens = hub_tokens
        self._starters = starters
        self._forget: list[Callable[[str], object]] = []

    def on_forget(self, listener: Callable[[str], object]) -> None:
        """Called with a model key when its files change or go away (the loader drops its cache)."""
        self._forget.append(listener)

    def list_models(self, actor: Actor | None = None, **filters: Any) -> list[ModelRecord]:
        """Every model, or with `actor` the ones they may use (restricted ones are left out)."""
        with self._db.read() as conn:
            return store.list_models(conn, scope=usable_models(actor) if actor else None, **filters)

    def get_model(self, key: str, actor: Actor | None = None) -> ModelRecord:
        with self._db.read() as conn:
            record = store.get_model(conn, key)
            if record is not None and actor is not None and not may_use(conn, actor, key):
                record = None  # a restricted model does not exist for those who may not use it
        if record is None:
            raise ModelNotFound()
        return record

    def grants(self, keys: list[str]) -> dict[str, Grants]:
        with self._db.read() as conn:
            return store.grants_of(conn, keys)

    def get_by_attrs(self, name: str, model_type: str, base: str, actor: Actor | None = None) -> ModelRecord:
        found = [r for r in self.list_models(actor, model_name=name, model_type=model_type) if r.base == base]
        if not found:
            raise ModelNotFound("No model found with these attributes")
        return found[0]

    def update_model(self, key: str, changes: dict[str, Any], *, by: Attribution = SYSTEM) -> ModelRecord:
        with self._db.write() as conn:
            record = store.get_model(conn, key)
            if record is None:
                raise ModelNotFound()
            column_changes = {
                k: v for k, v in changes.items() if k in ("name", "description", "base", "type")
            }
            extra = {
                k: v for k, v in changes.items() if k in ("trigger_phrases", "variant", "prediction_type")
            }
            if "default_settings" in changes:
                column_changes["default_settings"] = changes["default_settings"]
            if extra:
                column_changes["config"] = json.dumps({**record.config, **extra})
            if "access" in changes:
                column_changes["access"] = changes["access"]
            if column_changes:
                store.update_model(conn, key, **column_changes)
            if "allowed_user_ids" in changes or "allowed_group_ids" in changes:
                store.set_grants(conn, key, _checked_grants(conn, key, changes))
            access = {k: changes[k] for k in sorted(ACCESS_FIELDS & changes.keys())}
            if access:
                self._audit.record(
                    conn, by, "model.access", target_type="model", target_id=key,
                    details={"name": record.name, **access},
                )  # fmt: skip
            updated = store.get_model(conn, key)
        assert updated is not None
        for listener in self._forget:
            listener(key)
        return updated

    def delete_model(self, key: str, *, by: Attribution = SYSTEM) -> None:
        """Unregister; files placed under `models_dir` by an install are deleted (a link made
        by an in-place install is removed, never what it points to)."""
        record = self.get_model(key)
        with self._db.write() as conn:
            store.delete_model(conn, key)
            self._audit.record(
                conn, by, "model.delete", target_type="model", target_id=key,
                details={"name": record.name, "base": record.base, "type": record.type},
            )  # fmt: skip
        for listener in self._forget:
            listener(key)
        path = record.resolved_path(self.models_dir)
        if not _inside(path, self.models_dir):
            return
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        logger.info("Deleted model %s", record.name)

    def install(
        self,
        source: str,
        *,
        inplace: bool,
        config: dict[str, Any],
        sha256: str | None = None,
        access_token: str | None = None,
        by: Attribution = SYSTEM,
    ) -> ModelInstallJob:
        """Start an install job. A starter model gets the starter's name and description unless
        `config` sets them, and its dependencies that are neither installed nor being installed
        get jobs of their own."""
        starter = self._starters.find(_canonical(source, self._hub.endpoint))
        if starter is not None:
            config = {**self._starters.install_config(starter), **config}
        job = self.installer.start(
            source, inplace=inplace, config=config, sha256=sha256, access_token=access_token
        )
        self._audit.record_alone(
            by, "model.install", target_type="install_job", target_id=str(job.id),
            details={"source": redacted_source(source), "inplace": inplace},
        )  # fmt: skip
        if starter is not None and starter.dependencies:
            installed = self.list_models()
            active = self.installer.active_sources()
            for dependency in starter.dependencies:
                if dependency.source not in active and not is_installed(dependency, installed):
                    dependency_config = self._starters.install_config(dependency)
                    self.installer.start(dependency.source, inplace=False, config=dependency_config)
        return job

    def starter_models(self) -> StarterModelResponse:
        return self._starters.listing(self.list_models())

    def hub_token_status(self) -> HFTokenStatus:
        return self._hub_tokens.status(self._hub)

    def set_hub_token(self, token: str) -> HFTokenStatus:
        return self._hub_tokens.set(self._hub, token)

    def clear_hub_token(self) -> HFTokenStatus:
        return self._hub_tokens.clear(self._hub)

    def scan_folder(self, scan_path: str) -> list[FoundModel]:
        folder = Path(scan_path).expanduser()
        if not folder.is_absolute() or not folder.is_dir():
            raise InvalidInput(f"The search path '{scan_path}' could not be scanned")
        installed = {str(r.resolved_path(self.models_dir).resolve()) for r in self.list_models()}
        installed |= {r.source for r in self.list_models()}
        found: list[FoundModel] = []
        for candidate in itertools.islice(_candidates(folder), SCAN_MAX_ENTRIES):
            resolved = str(candidate.resolve())
            is_installed = resolved in installed or str(candidate) in installed
            found.append(FoundModel(path=str(candidate), is_installed=is_installed))
        return found


def _checked_grants(conn: Connection, key: str, changes: dict[str, Any]) -> Grants:
    """The new allowed lists (a list left out of the change stays as it was); each id must exist."""
    current = store.grants_of(conn, [key])[key]
    user_ids = sorted(set(changes.get("allowed_user_ids", current.user_ids) or []))
    group_ids = sorted(set(changes.get("allowed_group_ids", current.group_ids) or []))
    for user_id in user_ids:
        user = get_user(conn, user_id)
        if user is None or user.is_system:
            raise InvalidInput(f"allowed_user_ids: no user {user_id!r}")
    for group_id in group_ids:
        if not group_exists(conn, group_id):
            raise InvalidInput(f"allowed_group_ids: no group {group_id!r}")
    return Grants(user_ids, group_ids)


def _candidates(folder: Path) -> Iterator[Path]:
    """Model folders (with model_index.json or config.json; not descended into) and loose
    .safetensors files, lazily, so a scan of a huge tree stops at the limit."""
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        if here != folder and {"model_index.json", "config.json"} & set(filenames):
            dirnames.clear()
            yield here
            continue
        dirnames.sort()
        yield from (here / name for name in sorted(filenames) if name.lower().endswith(".safetensors"))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.parent.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _canonical(source: str, hub_endpoint: str) -> str:
    try:
        parsed = parse_source(source, hub_endpoint)
    except (MalformedRepoId, UnsupportedSource):
        return source
    return parsed.canonical if isinstance(parsed, HubSource) else source.strip()
