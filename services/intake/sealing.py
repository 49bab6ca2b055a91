"""Personal data at rest: how intake seals a report and keys its duplicate fingerprint.

Every personal or medical detail of a report (SSN, date of birth, names, phone numbers,
description, ...) is kept only inside `sealed`, a Fernet token under the keys of
`CLAIMLINE_PII_KEYS` (comma-separated; the first encrypts, every one decrypts).

The duplicate fingerprint (`duplicates.duplicate_fingerprint`) is a hash of names, birth date,
FEIN and injury date: guessable inputs, so a plain hash would let anyone who reads the table
recover a birth date by trying the 36,500 days of a century. Intake stores it keyed instead,
HMAC-SHA256 under a key derived from the first PII key, and looks a fingerprint up under every
configured key, so reports stored before a key rotation are still found as duplicates;
`pii_rotation.rotate_pii` re-keys them under the new first key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from shared.pii import PiiCipher, PiiKeyMissing

_FINGERPRINT_KEY_LABEL = b"claimline/intake/duplicate-fingerprint/v1"


def _fingerprint_key(fernet_key: str) -> bytes:
    material = base64.urlsafe_b64decode(fernet_key.encode())
    return hmac.new(material, _FINGERPRINT_KEY_LABEL, hashlib.sha256).digest()


class ReportSealer:
    """Seals and opens report details; keys duplicate fingerprints. Built from CLAIMLINE_PII_KEYS."""

    def __init__(self, keys: str) -> None:
        self.cipher = PiiCipher(keys)  # raises PiiKeyMissing when no key is configured
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        self._primary = Fernet(parts[0].encode())
        self._fingerprint_keys = [_fingerprint_key(k) for k in parts]

    def seal(self, details: dict[str, Any]) -> bytes:
        return self._primary.encrypt(json.dumps(details, separators=(",", ":")).encode())

    def open(self, token: bytes) -> dict[str, Any]:
        opened: dict[str, Any] = json.loads(self.cipher.decrypt(token) or "{}")
        return opened

    def sealed_under_primary(self, token: bytes) -> bool:
        try:
            self._primary.decrypt(token)
        except InvalidToken:
            return False
        return True

    def reseal(self, token: bytes) -> bytes:
        """The same details sealed under the first key (PiiKeyMissing if no key opens it)."""
        try:
            return self.cipher.rotate(token)
        except InvalidToken as error:
            raise PiiKeyMissing("no configured key decrypts this value") from error

    def fingerprint(self, plain: str) -> str:
        """`plain` (a duplicate fingerprint) keyed under the first key: what is stored."""
        return hmac.new(self._fingerprint_keys[0], plain.encode(), hashlib.sha256).hexdigest()

    def fingerprints(self, plain: str) -> list[str]:
        """`plain` keyed under every configured key, the stored one first: what is looked up."""
        return [hmac.new(k, plain.encode(), hashlib.sha256).hexdigest()
                for k in self._fingerprint_keys]
