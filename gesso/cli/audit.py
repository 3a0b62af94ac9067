"""`gesso audit export [--since] [--until]`: the audit log as JSON lines on stdout, oldest first."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from gesso.audit.service import AuditLog
from gesso.audit.store import AuditFilter
from gesso.config import load_settings
from gesso.db.engine import Database
from gesso.db.migrate import upgrade


def register(commands: Any, root_option: argparse.ArgumentParser) -> None:
    audit = commands.add_parser("audit", help="the audit log")
    sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    export = sub.add_parser("export", parents=[root_option], help="print events as JSON lines (oldest first)")
    export.add_argument("--since", type=_timestamp, help="from this time (ISO 8601, UTC if no zone)")
    export.add_argument("--until", type=_timestamp, help="before this time (ISO 8601)")
    export.add_argument("--action", help="only this action, or a prefix ending in '.'")
    export.add_argument("--actor", help="only events of this user id")
    export.set_defaults(handler=run_export)


def _timestamp(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO 8601 date or time") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def run_export(args: argparse.Namespace) -> int:
    settings = load_settings(args.root)
    db = Database(settings.resolved_database_url)
    try:
        upgrade(db)
        audit = AuditLog(db, retention_days=settings.audit_retention_days)
        wanted = AuditFilter(actor_user_id=args.actor, action=args.action, since=args.since, until=args.until)
        out = sys.stdout
        for event in audit.export(wanted):
            line = {**event.__dict__, "at": event.at.isoformat()}
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        out.flush()
    finally:
        db.dispose()
    return 0
