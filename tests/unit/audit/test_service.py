"""`AuditLog` on a real migrated database (SQLite, or PostgreSQL with `--db postgresql`):
same-transaction recording, redaction, paging, export, retention pruning, and the
`gesso audit export` command."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from gesso.audit.origin import CLI, SYSTEM, Origin
from gesso.audit.retention import AuditRetention
from gesso.audit.service import REDACTED, AuditLog, scrub
from gesso.audit.store import AuditFilter
from gesso.audit.tables import audit_events
from gesso.cli.main import main
from gesso.db.engine import Database
from gesso.db.migrate import upgrade
from gesso.logs import redact_request_line
from tests import databases

ALICE = Origin(user_id="alice", kind="user", ip="192.0.2.7")


@pytest.fixture
def db(root: Path) -> Iterator[Database]:
    database = Database(databases.url_for(root))
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def audit(db: Database) -> AuditLog:
    return AuditLog(db, retention_days=30)


def _count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(audit_events)).scalar_one())


def test_event_of_a_rolled_back_change_is_gone_with_it(db: Database, audit: AuditLog) -> None:
    with pytest.raises(RuntimeError), db.write() as conn:
        audit.record(conn, ALICE, "user.create", target_type="user", target_id="u1")
        raise RuntimeError("the change failed after the event was written")
    assert _count(db) == 0
    with db.write() as conn:
        audit.record(conn, ALICE, "user.create", target_type="user", target_id="u1")
    assert _count(db) == 1


def test_event_keeps_actor_kind_address_and_details(audit: AuditLog) -> None:
    audit.record_alone(
        ALICE, "board.visibility", target_type="board", target_id="b1", details={"to": "public"}
    )
    audit.record_alone(CLI, "user.delete", target_type="user", target_id="u2")
    audit.record_alone(SYSTEM, "user.update", outcome="error")
    page, cursor = audit.list_events(AuditFilter(), None, 10)
    assert cursor is None
    assert [(e.actor_user_id, e.actor_kind, e.ip) for e in page] == [
        ("system", "system", None),
        (None, "cli", None),
        ("alice", "user", "192.0.2.7"),
    ]
    assert page[2].details == {"to": "public"} and page[2].outcome == "ok" and page[0].outcome == "error"


def test_secret_named_details_are_redacted() -> None:
    cleaned = scrub(
        {"password": "p", "new_password": "p", "token": "t", "media_token": "t", "code": "1", "otp": "1",
         "recovery_codes": ["a"], "client_secret": "s", "nested": {"secret": "s", "email": "e"},
         "token_id": "kept", "email": "kept", "long": "x" * 5000}
    )  # fmt: skip
    assert cleaned["token_id"] == "kept" and cleaned["email"] == "kept" and cleaned["nested"]["email"] == "e"
    redacted = [k for k, v in cleaned.items() if v == REDACTED]
    assert sorted(redacted) == sorted(
        ["password", "new_password", "token", "media_token", "code", "otp", "recovery_codes", "client_secret"]
    )
    assert cleaned["nested"]["secret"] == REDACTED
    assert len(cleaned["long"]) < 1100


def test_pages_and_filters(audit: AuditLog) -> None:
    for n in range(7):
        audit.record_alone(
            ALICE if n % 2 else CLI, f"user.{'create' if n < 4 else 'delete'}", target_id=f"u{n}"
        )
    first, cursor = audit.list_events(AuditFilter(), None, 3)
    second, cursor2 = audit.list_events(AuditFilter(), cursor, 3)
    third, cursor3 = audit.list_events(AuditFilter(), cursor2, 3)
    assert [e.target_id for e in first + second + third] == [f"u{n}" for n in range(6, -1, -1)]
    assert cursor3 is None
    only_alice, _ = audit.list_events(AuditFilter(actor_user_id="alice"), None, 10)
    assert [e.target_id for e in only_alice] == ["u5", "u3", "u1"]
    deletes, _ = audit.list_events(AuditFilter(action="user.delete"), None, 10)
    assert len(deletes) == 3
    assert len(audit.list_events(AuditFilter(action="user."), None, 10)[0]) == 7
    assert audit.list_events(AuditFilter(action="user%"), None, 10)[0] == []
    assert [e.target_id for e in audit.list_events(AuditFilter(target_id="u4"), None, 10)[0]] == ["u4"]


def _age(db: Database, days: int) -> None:
    with db.write() as conn:
        conn.execute(sa.update(audit_events).values(at=datetime.now(UTC) - timedelta(days=days)))


def test_prune_deletes_only_events_past_retention(db: Database, audit: AuditLog) -> None:
    audit.record_alone(ALICE, "user.create")
    _age(db, 31)
    audit.record_alone(ALICE, "user.delete")
    assert audit.prune() == 1
    assert [e.action for e in audit.list_events(AuditFilter(), None, 10)[0]] == ["user.delete"]


def test_retention_prunes_at_start_and_stops_cleanly(db: Database, audit: AuditLog) -> None:
    audit.record_alone(ALICE, "user.create")
    _age(db, 400)

    async def run() -> None:
        retention = AuditRetention(audit)
        await retention.start()
        await retention.stop()

    asyncio.run(run())
    assert _count(db) == 0


def test_cli_exports_json_lines_oldest_first_within_the_window(
    root: Path, db: Database, audit: AuditLog, capsys: pytest.CaptureFixture[str]
) -> None:
    audit.record_alone(ALICE, "user.create", target_id="old")
    _age(db, 10)
    audit.record_alone(CLI, "user.delete", target_id="new", details={"moved": {"images": 2}})
    assert main(["audit", "export", "--root", str(root)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["target_id"] for line in lines] == ["old", "new"]
    assert lines[1]["actor_kind"] == "cli" and lines[1]["details"] == {"moved": {"images": 2}}
    assert datetime.fromisoformat(lines[0]["at"]).tzinfo is not None
    since = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    assert main(["audit", "export", "--root", str(root), "--since", since]) == 0
    assert [json.loads(line)["target_id"] for line in capsys.readouterr().out.splitlines()] == ["new"]
    assert main(["audit", "export", "--root", str(root), "--until", since]) == 0
    assert [json.loads(line)["target_id"] for line in capsys.readouterr().out.splitlines()] == ["old"]


def test_cli_refuses_a_bad_date(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["audit", "export", "--root", str(root), "--since", "last tuesday"])
    assert "not an ISO 8601" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "POST /api/v1/auth/invites/abcDEF123_-/accept HTTP/1.1",
            "POST /api/v1/auth/invites/[redacted]/accept HTTP/1.1",
        ),
        ("GET /api/v1/auth/reset/tok3n", "GET /api/v1/auth/reset/[redacted]"),
        (
            "GET /api/v1/auth/oidc/callback?code=xyz&state=abc",
            "GET /api/v1/auth/oidc/callback?code=[redacted]&state=[redacted]",
        ),
        ("GET /login/sso?code=123", "GET /login/sso?code=[redacted]"),
        ("GET /api/v1/auth/invites HTTP/1.1", "GET /api/v1/auth/invites HTTP/1.1"),
        ("GET /api/v1/boards/?all=true", "GET /api/v1/boards/?all=true"),
    ],
)
def test_access_log_lines_lose_link_tokens_and_codes(line: str, expected: str) -> None:
    assert redact_request_line(line) == expected
