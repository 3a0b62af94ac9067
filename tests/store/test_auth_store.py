"""The per-request user+session lookup: the SQLite driver fast path returns exactly what the
SQLAlchemy Core path returns, and refuses the same sessions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gesso.auth import store
from gesso.services import Services
from gesso.users.service import UserUpdate
from tests import databases

pytestmark = pytest.mark.sqlite_only  # the fast path exists only on SQLite


@pytest.fixture
def services(root: Path) -> Iterator[Services]:
    built = Services.open(databases.settings(root, multiuser=True))
    yield built
    built.close()


def both(services: Services, user_id: str, session_id: str) -> tuple[object, object]:
    with services.db.read() as conn:
        core = store.find_user_with_live_session(conn, user_id, session_id)
    fast = store.find_user_with_live_session_sqlite(services.db, user_id, session_id)
    return core, fast


def test_fast_path_matches_core_path(services: Services) -> None:
    admin = services.users.setup_admin("admin@example.com", "pw", display_name="Ädmin")
    services.auth.login("admin@example.com", "pw", remember_me=True, ip="t", user_agent="ua")
    services.users.update_user(admin.user_id, UserUpdate(password="new"))
    with services.db.read() as conn:
        live = store.list_live_sessions(conn, admin.user_id)
    core, fast = both(services, admin.user_id, live[0].session_id)
    assert core is not None and core == fast
    assert fast.last_login_at is not None and fast.last_login_at.tzinfo is not None  # type: ignore[union-attr]
    assert fast.token_epoch == 1  # type: ignore[union-attr]


def test_fast_path_refuses_what_core_refuses(services: Services) -> None:
    admin = services.users.setup_admin("admin@example.com", "pw")
    other = services.users.create_user("other@example.com", "pw")
    services.auth.login("admin@example.com", "pw", remember_me=False, ip="t", user_agent=None)
    with services.db.read() as conn:
        session_id = store.list_live_sessions(conn, admin.user_id)[0].session_id
    assert both(services, other.user_id, session_id) == (None, None)  # someone else's session
    assert both(services, admin.user_id, "missing") == (None, None)
    with services.db.write() as conn:
        store.revoke_session(conn, admin.user_id, session_id)
    assert both(services, admin.user_id, session_id) == (None, None)
