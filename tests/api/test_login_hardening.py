"""Login hardening (SPEC §10): throttling with Retry-After, constant-time unknown emails,
`last_login_at` only on allowed logins."""

from __future__ import annotations

import statistics
import time

from fastapi.testclient import TestClient

from tests.conftest import AppFactory
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, admin_token, bearer, login_as, make_user, setup_admin


def attempt(client: TestClient, email: str, password: str) -> int:
    return client.post("/api/v1/auth/login", json={"email": email, "password": password}).status_code


def test_account_is_throttled_after_five_failures_with_retry_after(mu_client: TestClient) -> None:
    setup_admin(mu_client)
    assert [attempt(mu_client, ADMIN_EMAIL, "wrong") for _ in range(5)] == [401] * 5
    throttled = mu_client.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert throttled.status_code == 429
    assert 1 <= int(throttled.headers["retry-after"]) <= 60
    assert "Too many failed login attempts" in throttled.json()["detail"]


def test_throttled_account_does_not_block_other_accounts(make_client: AppFactory) -> None:
    client = make_client(multiuser=True, login_throttle_per_ip=1000)
    admin = admin_token(client)
    make_user(client, admin, "bob@example.com")
    for _ in range(5):
        attempt(client, ADMIN_EMAIL, "wrong")
    assert attempt(client, ADMIN_EMAIL, ADMIN_PASSWORD) == 429
    assert login_as(client, "bob@example.com", "User-pass1")


def test_success_resets_the_account_counter(make_client: AppFactory) -> None:
    client = make_client(multiuser=True, login_throttle_per_ip=1000)
    setup_admin(client)
    for _ in range(4):
        attempt(client, ADMIN_EMAIL, "wrong")
    login_as(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert [attempt(client, ADMIN_EMAIL, "wrong") for _ in range(4)] == [401] * 4
    assert attempt(client, ADMIN_EMAIL, ADMIN_PASSWORD) == 200


def test_one_ip_is_throttled_across_many_emails(mu_client: TestClient) -> None:
    setup_admin(mu_client)
    statuses = [attempt(mu_client, f"ghost{n}@example.com", "x") for n in range(21)]
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429


def test_unknown_email_takes_as_long_as_a_wrong_password(make_client: AppFactory) -> None:
    client = make_client(multiuser=True, login_throttle_per_account=1000, login_throttle_per_ip=1000)
    setup_admin(client)

    def timed(email: str) -> float:
        start = time.perf_counter()
        assert attempt(client, email, "definitely-wrong") == 401
        return time.perf_counter() - start

    unknown, wrong = [], []
    for n in range(24):  # interleaved so machine noise hits both series alike
        unknown.append(timed(f"nobody{n}@example.com"))
        wrong.append(timed(ADMIN_EMAIL))
    ratio = statistics.median(unknown) / statistics.median(wrong)
    assert 0.75 <= ratio <= 1.25, f"unknown/wrong median ratio {ratio:.2f}"


def test_last_login_at_only_changes_on_successful_login(mu_client: TestClient) -> None:
    admin = admin_token(mu_client)
    bob = make_user(mu_client, admin, "bob@example.com")
    path = f"/api/v1/auth/users/{bob['user_id']}"
    assert mu_client.get(path, headers=bearer(admin)).json()["last_login_at"] is None
    attempt(mu_client, "bob@example.com", "wrong")
    assert mu_client.get(path, headers=bearer(admin)).json()["last_login_at"] is None
    login_as(mu_client, "bob@example.com", "User-pass1")
    assert mu_client.get(path, headers=bearer(admin)).json()["last_login_at"] is not None
