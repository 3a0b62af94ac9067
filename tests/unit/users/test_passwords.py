"""Password policy, Argon2id hashing and generated passwords."""

from __future__ import annotations

import argon2
import pytest

from gesso.users.passwords import PasswordHasher, WeakPassword, check_password_policy, generate_password


@pytest.mark.parametrize("password", ["a", "short", "alllowercase1"])
def test_lenient_policy_accepts_any_non_empty_password(password: str) -> None:
    check_password_policy(password, strict=False)


def test_lenient_policy_refuses_empty_password() -> None:
    with pytest.raises(WeakPassword, match="empty"):
        check_password_policy("", strict=False)


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("Ab1", "at least 8 characters"),
        ("alllower1", "an uppercase letter"),
        ("ALLUPPER1", "a lowercase letter"),
        ("NoDigitsHere", "a digit"),
    ],
)
def test_strict_policy_names_what_is_missing(password: str, missing: str) -> None:
    with pytest.raises(WeakPassword, match=missing):
        check_password_policy(password, strict=True)


def test_strict_policy_accepts_strong_password() -> None:
    check_password_policy("Str0ngEnough", strict=True)


def test_overlong_password_is_refused() -> None:
    with pytest.raises(WeakPassword, match="at most"):
        check_password_policy("A1a" * 1000, strict=False)


def test_generated_passwords_meet_strict_policy_and_differ() -> None:
    passwords = {generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 16
        check_password_policy(password, strict=True)


def test_hash_is_argon2id_and_verifies() -> None:
    hasher = PasswordHasher()
    hashed = hasher.hash("correct horse")
    assert hashed.startswith("$argon2id$")
    assert "correct horse" not in hashed
    assert hasher.verify(hashed, "correct horse")
    assert not hasher.verify(hashed, "wrong horse")


def test_long_passwords_are_not_truncated() -> None:
    # bcrypt silently ignores bytes after 72; Argon2id must not.
    hasher = PasswordHasher()
    base = "x" * 100
    hashed = hasher.hash(base + "A")
    assert not hasher.verify(hashed, base + "B")


def test_missing_or_garbage_hash_never_verifies() -> None:
    hasher = PasswordHasher()
    assert not hasher.verify(None, "anything")
    assert not hasher.verify("not-a-hash", "anything")


def test_the_unknown_email_hash_has_the_real_parameters_and_matches_nothing() -> None:
    """A login for an unknown email verifies against this hash: the same Argon2 work as a real
    one (same type, version and costs), and it never succeeds."""
    hasher = PasswordHasher()
    real = argon2.extract_parameters(hasher.hash("x"))
    dummy_hash = hasher._dummy_hash
    assert argon2.extract_parameters(dummy_hash) == real
    assert not hasher.verify(dummy_hash, "") and not hasher.verify(dummy_hash, "x")
    assert not hasher.verify(None, "x")
    assert PasswordHasher()._dummy_hash != dummy_hash
