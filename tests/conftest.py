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
    postgres_server,
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
    """New empty databases: PostgreSQL when a server answers, SQLite files otherwise."""

    def __init__(self, folder: Path, admin_url: str | None) -> None:
        self.folder = folder
        self.admin_url = admin_url
        self.created: list[str] = []
        self.files = 0

    async def new(self, service: str) -> str:
        if self.admin_url is None:
            self.files += 1
            return f"sqlite+aiosqlite:///{self.folder / f'{service}-{self.files}.db'}"
        url = await create_database(f"cl_test_{service}", self.admin_url)
        self.created.append(url)
        return url


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str | None]:
    with postgres_server() as url:
        yield url


@pytest.fixture
async def databases(tmp_path: Path, postgres_admin_url: str | None) -> AsyncIterator[Databases]:
    dbs = Databases(tmp_path, postgres_admin_url)
    yield dbs
    for url in dbs.created:
        await drop_database(url, postgres_admin_url or "")
