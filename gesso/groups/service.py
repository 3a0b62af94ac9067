"""Group rules: unique names (case-insensitive), members are real, non-system users. Each
method is one transaction, so an audit event can be added beside each."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from gesso.audit.origin import Attribution
from gesso.audit.service import AuditLog
from gesso.db.engine import Database
from gesso.db.metadata import utcnow
from gesso.errors import Conflict, InvalidInput, NotFound
from gesso.groups import store
from gesso.groups.store import GroupRecord
from gesso.users.store import get_user

logger = logging.getLogger(__name__)

MAX_GROUP_NAME_LENGTH = 100
MAX_DESCRIPTION_LENGTH = 2000


class GroupNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Group not found")


class GroupNameTaken(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(f"A group named {name!r} already exists")


class GroupService:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit
        self._membership_listeners: list[Callable[[str], None]] = []

    def on_membership_change(self, listener: Callable[[str], None]) -> None:
        """Called with a user id whose groups changed (shares reach their sockets through it)."""
        self._membership_listeners.append(listener)

    def _membership_changed(self, user_ids: list[str]) -> None:
        for user_id in user_ids:
            for listener in self._membership_listeners:
                listener(user_id)

    def list_groups(self) -> list[GroupRecord]:
        with self._db.read() as conn:
            return store.list_groups(conn)

    def get_group(self, group_id: str) -> GroupRecord:
        with self._db.read() as conn:
            found = store.list_groups(conn, [group_id])
        if not found:
            raise GroupNotFound()
        return found[0]

    def create_group(self, name: str, description: str | None, *, by: Attribution) -> GroupRecord:
        now = utcnow()
        record = GroupRecord(uuid.uuid4().hex, name.strip(), _clean(description), now, now)
        with self._db.write() as conn:
            if store.name_taken(conn, record.name):
                raise GroupNameTaken(record.name)
            store.insert_group(conn, record)
            self._audit.record(
                conn, by, "group.create", target_type="group", target_id=record.group_id,
                details={"name": record.name},
            )  # fmt: skip
        return record

    def update_group(
        self, group_id: str, *, name: str | None, description: str | None, by: Attribution
    ) -> GroupRecord:
        values: dict[str, object] = {}
        with self._db.write() as conn:
            if not store.group_exists(conn, group_id):
                raise GroupNotFound()
            if name is not None:
                if store.name_taken(conn, name.strip(), except_group_id=group_id):
                    raise GroupNameTaken(name.strip())
                values["name"] = name.strip()
            if description is not None:
                values["description"] = _clean(description)
            store.update_group(conn, group_id, **values)
            self._audit.record(
                conn, by, "group.update", target_type="group", target_id=group_id, details=values
            )
        return self.get_group(group_id)

    def delete_group(self, group_id: str, *, by: Attribution) -> None:
        group = self.get_group(group_id)
        members = [m.user_id for m in group.members]
        with self._db.write() as conn:
            if not store.delete_group(conn, group_id):
                raise GroupNotFound()
            self._audit.record(
                conn, by, "group.delete", target_type="group", target_id=group_id,
                details={"name": group.name, "members": len(members)},
            )  # fmt: skip
        self._membership_changed(members)

    def add_member(self, group_id: str, user_id: str, *, by: Attribution) -> GroupRecord:
        with self._db.write() as conn:
            if not store.group_exists(conn, group_id):
                raise GroupNotFound()
            user = get_user(conn, user_id)
            if user is None:
                raise NotFound("User not found")
            if user.is_system:
                raise InvalidInput("The system account cannot join groups")
            if store.add_member(conn, group_id, user_id):  # adding twice changes nothing
                self._audit.record(
                    conn, by, "group.member_add", target_type="group", target_id=group_id,
                    details={"user_id": user_id},
                )  # fmt: skip
        self._membership_changed([user_id])
        return self.get_group(group_id)

    def remove_member(self, group_id: str, user_id: str, *, by: Attribution) -> None:
        with self._db.write() as conn:
            if not store.group_exists(conn, group_id):
                raise GroupNotFound()
            if not store.remove_member(conn, group_id, user_id):
                raise NotFound("User is not a member of this group")
            self._audit.record(
                conn, by, "group.member_remove", target_type="group", target_id=group_id,
                details={"user_id": user_id},
            )  # fmt: skip
        self._membership_changed([user_id])


def _clean(description: str | None) -> str | None:
    if description is None:
        return None
    return description.strip() or None
