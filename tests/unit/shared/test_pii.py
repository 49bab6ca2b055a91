from __future__ import annotations

import pytest

from shared.pii import PiiCipher, PiiKeyMissing, new_pii_key


def test_round_trip_and_no_plaintext() -> None:
    cipher = PiiCipher(new_pii_key())
    token = cipher.encrypt("123-45-6789")
    assert token is not None and b"6789" not in token
    assert cipher.decrypt(token) == "123-45-6789"
    assert cipher.encrypt(None) is None and cipher.decrypt(None) is None


def test_rotation_moves_values_to_the_new_key() -> None:
    old, new = new_pii_key(), new_pii_key()
    token = PiiCipher(old).encrypt("1980-04-02")
    assert token is not None
    both = PiiCipher(f"{new},{old}")
    assert both.decrypt(token) == "1980-04-02"
    rotated = both.rotate(token)
    assert PiiCipher(new).decrypt(rotated) == "1980-04-02"
    with pytest.raises(PiiKeyMissing):
        PiiCipher(old).decrypt(rotated)


def test_no_key_is_a_clear_error() -> None:
    with pytest.raises(PiiKeyMissing, match="CLAIMLINE_PII_KEYS"):
        PiiCipher(" , ")
