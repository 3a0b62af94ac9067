"""Who may use which model (SPEC §17), the one place these rules live.

A model's `access` is `everyone` (the default) or `restricted`; a restricted model is usable by
administrators, by the users in `model_allowed_users` and by members of the groups in
`model_allowed_groups`. For anyone else it does not exist: absent from lists, 404 by key. A graph
that names it is refused at enqueue with 403 naming the model, and the worker checks again when a
node loads it (access can be revoked while an item waits).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gesso.auth.actor import Actor
from gesso.errors import Forbidden
from gesso.groups.tables import group_members
from gesso.models.tables import model_allowed_groups, model_allowed_users, models

EVERYONE = "everyone"
RESTRICTED = "restricted"


class ModelAccessDenied(Forbidden):
    def __init__(self, name: str, key: str) -> None:
        super().__init__(f"You may not use model {name!r} ({key}): it is restricted")


def usable_models(actor: Actor) -> sa.ColumnElement[bool] | None:
    """The SQL condition for the models `actor` may see and use (None: every model)."""
    if actor.is_admin:
        return None
    by_user = sa.select(model_allowed_users.c.model_key).where(model_allowed_users.c.user_id == actor.user_id)
    by_group = (
        sa.select(model_allowed_groups.c.model_key)
        .join(group_members, group_members.c.group_id == model_allowed_groups.c.group_id)
        .where(group_members.c.user_id == actor.user_id)
    )
    return sa.or_(models.c.access == EVERYONE, models.c.key.in_(by_user), models.c.key.in_(by_group))


def may_use(conn: Connection, actor: Actor, key: str) -> bool:
    """Whether `actor` may use installed model `key` (False also when it is not installed)."""
    query = sa.select(models.c.key).where(models.c.key == key)
    condition = usable_models(actor)
    if condition is not None:
        query = query.where(condition)
    return conn.execute(query).first() is not None
