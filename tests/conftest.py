from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.auth import add_key
from shared.devbroker import DevBroker
from shared.pii import new_pii_key
from tests.support.infrastructure import (
    create_database,
    drop_database,
    kafka_broker,
    postgres_reachable,
)


@dataclass
class Broker:
    bootstrap: str
    dev: DevBroker | None

    def require_restartable(self) -> DevBroker:
        if self.dev is None:
            pytest.skip("this test restarts the broker: needs the local development broker")
        return self.dev


@pytest.fixture
def broker() -> Iterator[Broker]:
    """A fresh broker for each test (the dev broker starts in ~20 ms)."""
    with kafka_broker() as (bootstrap, dev):
        yield Broker(bootstrap, dev)


@pytest.fixture(scope="session")
def pii_key() -> str:
    return new_pii_key()


@dataclass
class Keys:
    admin: str
    ivr: str
    reader: str


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    path = tmp_path / "keys.json"
    return Keys(
        admin=add_key(path, "test-admin", ["admin"]),
        ivr=add_key(path, "ivr", ["intake:write", "intake:read"]),
        reader=add_key(path, "dashboard", ["claims:read"]),
    )


class Databases:
    """New empty databases: PostgreSQL when it answers, SQLite files otherwise."""

    def __init__(self, folder: Path, postgres: bool) -> None:
        self.folder = folder
        self.postgres = postgres
        self.created: list[str] = []

    async def new(self, service: str) -> str:
        if not self.postgres:
            return f"sqlite+aiosqlite:///{self.folder / f'{service}-{len(self.created)}.db'}"
        url = await create_database(f"cl_test_{service}")
        self.created.append(url)
        return url


@pytest.fixture
async def databases(tmp_path: Path) -> AsyncIterator[Databases]:
    dbs = Databases(tmp_path, await postgres_reachable())
    yield dbs
    for url in dbs.created:
        await drop_database(url)
