"""TOTP pieces without a server: which step a code belongs to (with one step of drift either
way), recovery codes, and the secret box."""

from __future__ import annotations

import pyotp
import pytest

from gesso.auth.totp import SecretBox, hash_recovery_code, matching_step, new_recovery_code

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_000.0


def code_at(step: int) -> str:
    return pyotp.TOTP(SECRET).generate_otp(step)


def test_codes_of_the_current_and_neighbouring_steps_match_their_step() -> None:
    current = pyotp.TOTP(SECRET).timecode(NOW)
    for offset in (-1, 0, 1):
        assert matching_step(SECRET, code_at(current + offset), NOW) == current + offset


def test_codes_two_steps_away_or_malformed_do_not_match() -> None:
    current = pyotp.TOTP(SECRET).timecode(NOW)
    assert matching_step(SECRET, code_at(current - 2), NOW) is None
    assert matching_step(SECRET, code_at(current + 2), NOW) is None
    for bad in ("", "12345", "1234567", "abcdef", "12 34 5x"):
        assert matching_step(SECRET, bad, NOW) is None


def test_spaces_in_a_code_are_ignored() -> None:
    current = pyotp.TOTP(SECRET).timecode(NOW)
    code = code_at(current)
    assert matching_step(SECRET, f" {code[:3]} {code[3:]} ", NOW) == current


def test_recovery_codes_are_random_and_hash_the_same_however_typed() -> None:
    codes = {new_recovery_code() for _ in range(50)}
    assert len(codes) == 50
    code = codes.pop()
    assert len(code) == 11 and code[5] == "-"
    assert hash_recovery_code(code) == hash_recovery_code(code.upper().replace("-", " "))
    assert hash_recovery_code(code) != hash_recovery_code(new_recovery_code())


def test_secret_box_round_trips_and_refuses_another_key() -> None:
    box = SecretBox("11" * 32)
    sealed = box.seal(SECRET)
    assert SECRET not in sealed and sealed != box.seal(SECRET)  # a fresh nonce each time
    assert box.open(sealed) == SECRET
    with pytest.raises(RuntimeError, match="cannot be decrypted"):
        SecretBox("22" * 32).open(sealed)
