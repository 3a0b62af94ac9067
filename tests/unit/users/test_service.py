"""User rules on a real SQLite file: system account, last admin (race-safe), setup race, emails."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gesso.errors import GessoError, InvalidInput
from gesso.services import Services
from gesso.users.errors import (
    EmailTaken,
    InvalidEmail,
    LastAdministrator,
    SetupAlreadyDone,
    SystemUserProtected,
    UserNotFound,
)
from gesso.users.passwords import WeakPassword
from gesso.users.service import UserUpdate
from tests import databases


@pytest.fixture
def services(root: Path) -> Iterator[Services]:
    built = Services.open(databases.settings(root, multiuser=True))
    yield built
    built.close()


def run_concurrently(*calls: Callable[[], Any]) -> list[Any]:
    """Start every call at the same instant; return each result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except GessoError as exc:
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_system_user_is_hidden_from_lists(services: Services) -> None:
    services.users.create_user("a@example.com", "pw")
    assert [u.email for u in services.users.list_users()] == ["a@example.com"]


@pytest.mark.parametrize(
    "change",
    [
        UserUpdate(password="pw"),
        UserUpdate(is_admin=True),
        UserUpdate(is_active=False),
        UserUpdate(display_name="x"),
    ],
)
def test_system_user_cannot_be_changed(services: Services, change: UserUpdate) -> None:
    with pytest.raises(SystemUserProtected):
        services.users.update_user("system", change)


def test_system_user_cannot_be_deleted_or_given_a_password(services: Services) -> None:
    with pytest.raises(SystemUserProtected):
        services.users.delete_user("system")
    with pytest.raises(SystemUserProtected):
        services.users.update_own_profile("system", current_password="", new_password="pw")
    assert services.users.get_user("system").password_hash is None


def test_emails_are_unique_case_insensitively(services: Services) -> None:
    services.users.create_user("Alice@Example.com", "pw")
    with pytest.raises(EmailTaken):
        services.users.create_user("alice@example.COM", "pw")
    found = services.users.find_by_email("ALICE@EXAMPLE.COM")
    assert found is not None and found.email == "Alice@example.com"


def test_reserved_domains_are_accepted_and_garbage_is_refused(services: Services) -> None:
    assert services.users.create_user("kid@home.local", "pw").email == "kid@home.local"
    for bad in ["", "no-at-sign", "two@@example.com", "a@b@c", "x" * 400 + "@example.com"]:
        with pytest.raises(InvalidEmail):
            services.users.create_user(bad, "pw")


def test_strict_policy_applies_when_configured(root: Path) -> None:
    strict = Services.open(databases.settings(root, multiuser=True, strict_password_checking=True))
    try:
        with pytest.raises(WeakPassword):
            strict.users.create_user("weak@example.com", "weak")
        strict.users.create_user("strong@example.com", "Str0ngPass")
    finally:
        strict.close()


def test_last_admin_cannot_be_demoted_deactivated_or_deleted(services: Services) -> None:
    admin = services.users.setup_admin("admin@example.com", "pw")
    for change in (UserUpdate(is_admin=False), UserUpdate(is_active=False)):
        with pytest.raises(LastAdministrator, match="Cannot remove the last administrator"):
            services.users.update_user(admin.user_id, change)
    with pytest.raises(LastAdministrator):
        services.users.delete_user(admin.user_id)
    assert services.users.get_user(admin.user_id).is_admin


def test_an_admin_can_be_demoted_while_another_remains(services: Services) -> None:
    first = services.users.setup_admin("admin@example.com", "pw")
    second = services.users.create_user("second@example.com", "pw", is_admin=True)
    assert services.users.update_user(first.user_id, UserUpdate(is_admin=False)).user.is_admin is False
    with pytest.raises(LastAdministrator):
        services.users.update_user(second.user_id, UserUpdate(is_active=False))


def test_concurrent_demotion_of_the_last_two_admins_leaves_one(services: Services) -> None:
    first = services.users.setup_admin("admin@example.com", "pw")
    second = services.users.create_user("second@example.com", "pw", is_admin=True)

    results = run_concurrently(
        lambda: services.users.update_user(first.user_id, UserUpdate(is_admin=False)),
        lambda: services.users.update_user(second.user_id, UserUpdate(is_admin=False)),
    )

    assert sum(isinstance(r, LastAdministrator) for r in results) == 1
    admins = [u for u in services.users.list_users() if u.is_admin and u.is_active]
    assert len(admins) == 1


def test_concurrent_delete_and_deactivate_of_two_admins_leaves_one(services: Services) -> None:
    first = services.users.setup_admin("admin@example.com", "pw")
    second = services.users.create_user("second@example.com", "pw", is_admin=True)

    run_concurrently(
        lambda: services.users.delete_user(first.user_id),
        lambda: services.users.update_user(second.user_id, UserUpdate(is_active=False)),
    )

    assert services.users.has_active_admin()


def test_concurrent_setups_create_exactly_one_admin(services: Services) -> None:
    results = run_concurrently(
        lambda: services.users.setup_admin("one@example.com", "pw"),
        lambda: services.users.setup_admin("two@example.com", "pw"),
        lambda: services.users.setup_admin("three@example.com", "pw"),
    )
    assert sum(isinstance(r, SetupAlreadyDone) for r in results) == 2
    assert len([u for u in services.users.list_users() if u.is_admin]) == 1


def test_setup_is_refused_once_an_admin_exists(services: Services) -> None:
    services.users.setup_admin("admin@example.com", "pw")
    with pytest.raises(SetupAlreadyDone):
        services.users.setup_admin("other@example.com", "pw")


def test_password_change_bumps_token_epoch(services: Services) -> None:
    user = services.users.create_user("a@example.com", "old")
    result = services.users.update_own_profile(user.user_id, current_password="old", new_password="new")
    assert result.password_changed and result.user.token_epoch == user.token_epoch + 1
    assert services.users.update_user(user.user_id, UserUpdate(password="newer")).user.token_epoch == 2


def test_own_password_change_requires_the_current_password(services: Services) -> None:
    user = services.users.create_user("a@example.com", "old")
    with pytest.raises(InvalidInput, match="required"):
        services.users.update_own_profile(user.user_id, new_password="new")
    with pytest.raises(InvalidInput, match="incorrect"):
        services.users.update_own_profile(user.user_id, current_password="wrong", new_password="new")
    assert services.users.get_user(user.user_id).token_epoch == 0


def test_delete_with_reassign_validates_the_target(services: Services) -> None:
    services.users.setup_admin("admin@example.com", "pw")
    user = services.users.create_user("a@example.com", "pw")
    with pytest.raises(InvalidInput, match="reassign_to"):
        services.users.delete_user(user.user_id, reassign_to="nobody")
    with pytest.raises(InvalidInput, match="different"):
        services.users.delete_user(user.user_id, reassign_to=user.user_id)
    services.users.get_user(user.user_id)


def test_unknown_user_is_not_found(services: Services) -> None:
    with pytest.raises(UserNotFound):
        services.users.get_user("missing")
    with pytest.raises(UserNotFound):
        services.users.update_user("missing", UserUpdate(display_name="x"))
    with pytest.raises(UserNotFound):
        services.users.delete_user("missing")
