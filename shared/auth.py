"""API keys: hashed in a keys file every service reads, with scopes, named by client.

Keys are 256-bit random tokens, so a SHA-256 digest is a safe way to store them (no slow hash
is needed against guessing). A changed keys file is picked up without a restart.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SCOPES = frozenset({
    "intake:read", "intake:write", "claims:read", "claims:write",
    "certification:read", "certification:write", "assessment:read", "assessment:write",
    "notify:read", "notify:write", "pii:read", "admin",
})
KEY_PREFIX = "clk_"


@dataclass(frozen=True)
class ApiClient:
    """Who is calling: the client's name (the IVR, a carrier, a dashboard) and its scopes."""

    client: str
    scopes: frozenset[str]
    key_id: str

    def has(self, scope: str) -> bool:
        return scope in self.scopes or "admin" in self.scopes


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def check_scopes(scopes: list[str]) -> frozenset[str]:
    unknown = sorted(set(scopes) - SCOPES)
    if unknown:
        raise ValueError(f"unknown scopes {', '.join(unknown)}; known: {', '.join(sorted(SCOPES))}")
    return frozenset(scopes)


def add_key(path: Path, client: str, scopes: list[str], key: str | None = None) -> str:
    """Add a key to the keys file (created if missing) and answer the key, shown only now."""
    checked = check_scopes(scopes)
    if not client.strip():
        raise ValueError("client name is empty")
    key = key or new_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(path.suffix + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        document = json.loads(path.read_text()) if path.exists() else {"keys": []}
        entries = [e for e in document["keys"] if e["hash"] != digest(key)]
        entries.append({
            "id": secrets.token_hex(6), "client": client, "scopes": sorted(checked),
            "hash": digest(key), "created_at": datetime.now(UTC).isoformat(),
        })
        document["keys"] = entries
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".keys-")
        with os.fdopen(fd, "w") as out:
            json.dump(document, out, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    return key


class KeyStore:
    """Looks keys up by digest; re-reads the file when it changes (checked at most once a second)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._by_hash: dict[str, ApiClient] = {}
        self._stamp: tuple[int, int] | None = None
        self._checked_at = 0.0

    def _reload_if_changed(self, now: float) -> None:
        if now - self._checked_at < 1.0 and self._stamp is not None:
            return
        self._checked_at = now
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._by_hash, self._stamp = {}, None
            return
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp == self._stamp:
            return
        document = json.loads(self.path.read_text())
        self._by_hash = {
            e["hash"]: ApiClient(e["client"], frozenset(e["scopes"]), e["id"]) for e in document["keys"]
        }
        self._stamp = stamp

    def authenticate(self, key: str, now: float) -> ApiClient | None:
        self._reload_if_changed(now)
        return self._by_hash.get(digest(key))
