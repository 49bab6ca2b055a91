from __future__ import annotations

from pathlib import Path

import pytest

from claimline.cli import main
from shared.auth import KeyStore


def test_keys_create_prints_the_key_once_and_stores_its_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "keys.json"
    assert main(["keys", "create", "--client", "ivr", "--scopes", "intake:write,intake:read",
                 "--file", str(path)]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("clk_") and key not in path.read_text()
    client = KeyStore(path).authenticate(key, now=0.0)
    assert client is not None and client.client == "ivr"


def test_keys_create_refuses_unknown_scopes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "keys.json"
    assert main(["keys", "create", "--client", "ivr", "--scopes", "intake:rule",
                 "--file", str(path)]) == 2
    assert "unknown scopes intake:rule" in capsys.readouterr().err
    assert not path.exists()


def test_schemas_check_passes_on_the_committed_schemas() -> None:
    assert main(["schemas", "--check"]) == 0
