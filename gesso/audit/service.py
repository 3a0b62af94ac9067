"""`AuditLog`: records events inside the caller's write transaction, pages and exports them,
and prunes those older than `audit_retention_days`.

An event written with `record(conn, …)` commits or rolls back with the change it describes, so
a refused or failed change never leaves a success behind. Details never hold secrets: keys
that name one (password, secret, token, code, otp) are redacted before the row is written, a
second line of defence behind callers that never pass them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Connection

from gesso.audit import store
from gesso.audit.origin import Attribution, Outcome
from gesso.audit.store import AuditEvent, AuditFilter
from gesso.db.engine import Database
from gesso.db.metadata import utcnow

logger = logging.getLogger(__name__)

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(r"password|secret|otp|^token$|^code$|recovery|_token$|_code$", re.IGNORECASE)
MAX_DETAIL_STRING = 1000


def scrub(details: dict[str, Any]) -> dict[str, Any]:
    """A copy of `details` with secret-named keys redacted and long strings cut."""
    clean: dict[str, Any] = {}
    for key, value in details.items():
        if _SECRET_KEY.search(key):
            clean[key] = REDACTED
        elif isinstance(value, dict):
            clean[key] = scrub(value)
        elif isinstance(value, str) and len(value) > MAX_DETAIL_STRING:
            clean[key] = value[:MAX_DETAIL_STRING] + "…"
        else:
            clean[key] = value
    return clean


class AuditLog:
    def __init__(self, db: Database, *, retention_days: int, enabled: bool = True) -> None:
        """`enabled=False` exists for the benchmark that measures what recording costs."""
        self._db = db
        self.retention_days = retention_days
        self.enabled = enabled

    def record(
        self,
        conn: Connection,
        origin: Attribution,
        action: str,
        *,
        target_type: str | None = None,
        target_id: str | None = None,
        outcome: Outcome = "ok",
        details: dict[str, Any] | None = None,
    ) -> None:
        """Add an event in the caller's open write transaction `conn`."""
        if not self.enabled:
            return
        store.insert_event(
            conn,
            {
                "at": utcnow(),
                "actor_user_id": origin.user_id,
                "actor_kind": origin.kind,
                "ip": origin.ip[:64] if origin.ip else None,
                "action": action,
                "target_type": target_type,
                "target_id": target_id[:256] if target_id else None,
                "outcome": outcome,
                "details": scrub(details or {}),
            },
        )

    def record_alone(
        self,
        origin: Attribution,
        action: str,
        *,
        target_type: str | None = None,
        target_id: str | None = None,
        outcome: Outcome = "ok",
        details: dict[str, Any] | None = None,
    ) -> None:
        """An event with no change to go with it (a refusal): its own short transaction."""
        with self._db.write() as conn:
            self.record(
                conn,
                origin,
                action,
                target_type=target_type,
                target_id=target_id,
                outcome=outcome,
                details=details,
            )

    def list_events(
        self, wanted: AuditFilter, cursor: int | None, limit: int
    ) -> tuple[list[AuditEvent], int | None]:
        """One page, newest first, and the cursor of the next page (None on the last)."""
        with self._db.read() as conn:
            events = store.list_page(conn, wanted, cursor, limit + 1)
        if len(events) > limit:
            return events[:limit], events[limit - 1].id
        return events, None

    def export(self, wanted: AuditFilter) -> Iterator[AuditEvent]:
        with self._db.read() as conn:
            yield from store.iterate(conn, wanted)

    def prune(self) -> int:
        """Delete events older than the retention period; returns how many went."""
        cutoff = utcnow() - timedelta(days=self.retention_days)
        with self._db.write() as conn:
            removed = store.delete_before(conn, cutoff)
        if removed:
            logger.info("Audit log: pruned %d events older than %d days", removed, self.retention_days)
        return removed
