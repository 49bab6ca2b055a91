"""Personal data at rest: Fernet (AES-128-CBC + HMAC-SHA256) with key rotation.

`CLAIMLINE_PII_KEYS` holds comma-separated keys; the first encrypts, all decrypt, so a new key
is put first and `rotate` re-encrypts old values at leisure.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class PiiKeyMissing(RuntimeError):
    pass


class PiiCipher:
    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise PiiKeyMissing("CLAIMLINE_PII_KEYS is not set: personal data cannot be stored")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])

    def encrypt(self, value: str | None) -> bytes | None:
        return None if value is None else self._fernet.encrypt(value.encode())

    def decrypt(self, token: bytes | None) -> str | None:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken as error:
            raise PiiKeyMissing("no configured key decrypts this value") from error

    def seal(self, payload: bytes) -> bytes:
        return self._fernet.encrypt(payload)

    def unseal(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as error:
            raise PiiKeyMissing("no configured key decrypts this value") from error

    def rotate(self, token: bytes) -> bytes:
        return self._fernet.rotate(token)


def new_pii_key() -> str:
    return Fernet.generate_key().decode()
