from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.auth import KeyStore, add_key, check_scopes, digest


def test_keys_are_stored_hashed_and_found_by_key(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    key = add_key(path, "ivr", ["intake:write", "intake:read"])
    stored = path.read_text()
    assert key not in stored
    assert digest(key) in stored
    client = KeyStore(path).authenticate(key, now=0.0)
    assert client is not None
    assert client.client == "ivr"
    assert client.has("intake:write")
    assert not client.has("pii:read")


def test_admin_has_every_scope(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    client = KeyStore(path).authenticate(add_key(path, "ops", ["admin"]), now=0.0)
    assert client is not None and client.has("pii:read") and client.has("claims:write")


def test_unknown_key_and_unknown_scope(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    add_key(path, "ivr", ["intake:write"])
    assert KeyStore(path).authenticate("clk_guess", now=0.0) is None
    with pytest.raises(ValueError, match="unknown scopes intake:delete"):
        check_scopes(["intake:delete"])


def test_a_changed_keys_file_is_picked_up_without_restart(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    first = add_key(path, "ivr", ["intake:write"])
    store = KeyStore(path)
    assert store.authenticate(first, now=0.0) is not None
    second = add_key(path, "carrier-acme", ["intake:write"])
    assert store.authenticate(second, now=0.5) is None  # re-read at most once a second
    assert store.authenticate(second, now=1.5) is not None
    document = json.loads(path.read_text())
    document["keys"] = [k for k in document["keys"] if k["client"] != "ivr"]
    path.write_text(json.dumps(document))
    assert store.authenticate(first, now=3.0) is None  # a revoked key stops working


def test_missing_keys_file_authenticates_nobody(tmp_path: Path) -> None:
    assert KeyStore(tmp_path / "absent.json").authenticate("clk_x", now=0.0) is None
