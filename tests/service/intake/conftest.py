"""Intake alone on a real database, with no broker and no other service running.

Nothing listens on the broker's port, so every test here also shows that intake takes reports
with the broker (and every other service) down. One service per module keeps the tests fast;
a test that needs its own database or settings calls `fresh_intake`.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.auth import add_key
from shared.pii import new_pii_key
from tests.support.infrastructure import create_database, drop_database, postgres_reachable
from tests.support.services import RunningService, running, service_settings


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class IntakeKeys:
    admin: str
    ivr: str  # intake:write + intake:read, no pii:read
    carrier: str  # intake:write + intake:read + pii:read
    reader: str  # claims:read only


@dataclass
class Intake:
    service: RunningService
    keys: IntakeKeys
    database_url: str
    pii_keys: str

    @property
    def http(self) -> httpx.AsyncClient:
        """Authenticated as admin (all scopes)."""
        return self.service.http

    def as_(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}


StartIntake = Callable[..., Awaitable[Intake]]


async def _new_database_url(folder: Path, created: list[str]) -> str:
    if not await postgres_reachable():
        return f"sqlite+aiosqlite:///{folder / f'intake-{len(created)}.db'}"
    url = await create_database("cl_test_intake")
    created.append(url)
    return url


def _keys(folder: Path) -> IntakeKeys:
    path = folder / "keys.json"
    return IntakeKeys(
        admin=add_key(path, "test-admin", ["admin"]),
        ivr=add_key(path, "ivr", ["intake:write", "intake:read"]),
        carrier=add_key(path, "carrier-acme", ["intake:write", "intake:read", "pii:read"]),
        reader=add_key(path, "dashboard", ["claims:read"]),
    )


@pytest.fixture(scope="module")
async def intake_factory(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[StartIntake]:
    folder = tmp_path_factory.mktemp("intake")
    keys = _keys(folder)
    created: list[str] = []
    async with AsyncExitStack() as stack:

        async def start(*, database_url: str | None = None, pii_keys: str | None = None,
                        within: AsyncExitStack | None = None, **overrides: Any) -> Intake:
            url = database_url or await _new_database_url(folder, created)
            secret = pii_keys or new_pii_key()
            settings = service_settings(
                "intake", bootstrap=f"127.0.0.1:{unused_port()}", database_url=url,
                folder=folder, pii_key=secret, **overrides,
            )
            service = await (within or stack).enter_async_context(running(settings, keys.admin))
            return Intake(service, keys, url, secret)

        yield start
    for url in created:
        await drop_database(url)


@pytest.fixture(scope="module")
async def intake(intake_factory: StartIntake) -> Intake:
    """One intake for the module (tests must not depend on each other's reports)."""
    return await intake_factory()


@pytest.fixture
async def fresh_intake(intake_factory: StartIntake) -> AsyncIterator[StartIntake]:
    """Start an intake of the test's own (stopped at the end of the test)."""
    async with AsyncExitStack() as stack:

        async def start(**kwargs: Any) -> Intake:
            kwargs.setdefault("within", stack)
            return await intake_factory(**kwargs)

        yield start
