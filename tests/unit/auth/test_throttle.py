"""Login throttle: per account and per IP, sliding window, success resets the account."""

from __future__ import annotations

from gesso.auth.throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_account_is_throttled_after_limit_and_released_after_window() -> None:
    clock = Clock()
    throttle = LoginThrottle(per_account=3, per_ip=100, clock=clock)
    for _ in range(3):
        assert throttle.retry_after("a@x.io", "1.1.1.1") is None
        throttle.record_failure("a@x.io", "1.1.1.1")
    wait = throttle.retry_after("A@X.IO", "2.2.2.2")
    assert wait is not None and 0 < wait <= 60
    clock.now += 61
    assert throttle.retry_after("a@x.io", "1.1.1.1") is None


def test_ip_is_throttled_across_accounts() -> None:
    clock = Clock()
    throttle = LoginThrottle(per_account=100, per_ip=4, clock=clock)
    for n in range(4):
        throttle.record_failure(f"user{n}@x.io", "9.9.9.9")
    assert throttle.retry_after("fresh@x.io", "9.9.9.9") is not None
    assert throttle.retry_after("fresh@x.io", "8.8.8.8") is None


def test_success_resets_the_account_but_not_the_ip() -> None:
    clock = Clock()
    throttle = LoginThrottle(per_account=2, per_ip=3, clock=clock)
    throttle.record_failure("a@x.io", "1.1.1.1")
    throttle.record_failure("a@x.io", "1.1.1.1")
    throttle.record_success("a@x.io")
    assert throttle.retry_after("a@x.io", "2.2.2.2") is None
    throttle.record_failure("b@x.io", "1.1.1.1")
    assert throttle.retry_after("c@x.io", "1.1.1.1") is not None


def test_window_slides_per_failure() -> None:
    clock = Clock()
    throttle = LoginThrottle(per_account=2, per_ip=100, clock=clock)
    throttle.record_failure("a@x.io", "ip")
    clock.now += 30
    throttle.record_failure("a@x.io", "ip")
    clock.now += 10
    assert throttle.retry_after("a@x.io", "ip") == 20
    clock.now += 21
    assert throttle.retry_after("a@x.io", "ip") is None
