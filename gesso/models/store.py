"""SQL for `models`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from gesso.db.metadata import utcnow
from gesso.models.tables import model_allowed_groups, model_allowed_users, models


@dataclass(frozen=True)
class ModelRecord:
    key: str
    name: str
    base: str
    type: str
    format: str
    path: str
    hash: str
    file_size: int
    description: str | None
    source: str
    source_type: str
    default_settings: dict[str, Any] | None
    config: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    access: str = "everyone"  # or "restricted" (SPEC §17, migration 0009)

    def resolved_path(self, models_dir: Path) -> Path:
        """Relative paths are stored relative to `models_dir` (so the root can move)."""
        path = Path(self.path)
        return path if path.is_absolute() else models_dir / path


def _record(row: Row[Any]) -> ModelRecord:
    values = dict(row._mapping)
    values["default_settings"] = (
        json.loads(values["default_settings"]) if values["default_settings"] else None
    )
    values["config"] = json.loads(values["config"]) if values["config"] else {}
    return ModelRecord(**values)


def insert_model(conn: Connection, record: ModelRecord) -> None:
    values = {**record.__dict__, "created_at": utcnow(), "updated_at": utcnow()}
    values["default_settings"] = json.dumps(record.default_settings) if record.default_settings else None
    values["config"] = json.dumps(record.config) if record.config else None
    conn.execute(sa.insert(models).values(**values))


def get_model(conn: Connection, key: str) -> ModelRecord | None:
    row = conn.execute(sa.select(models).where(models.c.key == key)).first()
    return None if row is None else _record(row)


def find_by_hash(conn: Connection, content_hash: str) -> ModelRecord | None:
    row = conn.execute(sa.select(models).where(models.c.hash == content_hash)).first()
    return None if row is None else _record(row)


def list_models(
    conn: Connection,
    *,
    base_models: list[str] | None = None,
    model_type: str | None = None,
    model_name: str | None = None,
    model_format: str | None = None,
    scope: sa.ColumnElement[bool] | None = None,
) -> list[ModelRecord]:
    """Models matching the filters, by name; `scope` (from `models.access`) limits them to the
    ones the caller may use."""
    query = sa.select(models).order_by(models.c.name, models.c.key)
    if scope is not None:
        query = query.where(scope)
    if base_models:
        query = query.where(models.c.base.in_(base_models))
    if model_type is not None:
        query = query.where(models.c.type == model_type)
    if model_name is not None:
        query = query.where(models.c.name == model_name)
    if model_format is not None:
        query = query.where(models.c.format == model_format)
    return [_record(row) for row in conn.execute(query)]


def update_model(conn: Connection, key: str, **values: Any) -> None:
    if "default_settings" in values:
        values["default_settings"] = (
            json.dumps(values["default_settings"]) if values["default_settings"] else None
        )
    conn.execute(sa.update(models).where(models.c.key == key).values(updated_at=utcnow(), **values))


def delete_model(conn: Connection, key: str) -> None:
    conn.execute(sa.delete(models).where(models.c.key == key))


@dataclass(frozen=True)
class Grants:
    """Who may use a restricted model beside administrators."""

    user_ids: list[str] = field(default_factory=list)
    group_ids: list[str] = field(default_factory=list)


def grants_of(conn: Connection, keys: list[str]) -> dict[str, Grants]:
    found = {key: Grants() for key in keys}
    users_query = sa.select(model_allowed_users).where(model_allowed_users.c.model_key.in_(keys))
    for row in conn.execute(users_query.order_by(model_allowed_users.c.user_id)):
        found[row.model_key].user_ids.append(row.user_id)
    groups_query = sa.select(model_allowed_groups).where(model_allowed_groups.c.model_key.in_(keys))
    for row in conn.execute(groups_query.order_by(model_allowed_groups.c.group_id)):
        found[row.model_key].group_ids.append(row.group_id)
    return found


def set_grants(conn: Connection, key: str, grants: Grants) -> None:
    conn.execute(sa.delete(model_allowed_users).where(model_allowed_users.c.model_key == key))
    conn.execute(sa.delete(model_allowed_groups).where(model_allowed_groups.c.model_key == key))
    if grants.user_ids:
        rows = [{"model_key": key, "user_id": user_id} for user_id in grants.user_ids]
        conn.execute(sa.insert(model_allowed_users), rows)
    if grants.group_ids:
        rows = [{"model_key": key, "group_id": group_id} for group_id in grants.group_ids]
        conn.execute(sa.insert(model_allowed_groups), rows)
