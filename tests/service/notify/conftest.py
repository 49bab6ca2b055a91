"""notify alone on a real database: events are applied as its consumer applies them
(`apply_event`: handlers and inbox in one transaction), and the delivery worker sends to real
receivers on 127.0.0.1.

Each notify gets a broker of its own, though nothing here goes through one. Without a
broker, stopping a service sometimes took the bus's full 15 s stop timeout. The supervisor
keeps reconnecting to the missing broker, and the stop's first cancel can be lost when a
refused connection and the cancel arrive together (asyncio.wait_for on Python 3.11).

One notify per module keeps the tests fast; a test that needs its own settings or database
calls `fresh_notify`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from shared.auth import add_key
from shared.bus.consumer import apply_event
from shared.events.envelope import CloudEvent
from shared.pii import new_pii_key
from tests.support.infrastructure import (
    create_database,
    drop_database,
    kafka_broker,
    postgres_reachable,
)
from tests.support.services import RunningService, running, service_settings

FAST_DELIVERY = {
    "delivery_max_attempts": 3,
    "delivery_backoff_s": 0.1,
    "delivery_poll_interval_s": 0.05,
    "delivery_timeout_s": 2.0,
}


@dataclass
class NotifyKeys:
    admin: str
    writer: str  # notify:write only
    reader: str  # notify:read only
    stranger: str  # claims:read only


@dataclass
class Notify:
    service: RunningService
    keys: NotifyKeys
    database_url: str
    pii_keys: str

    @property
    def http(self) -> httpx.AsyncClient:
        """Authenticated as admin (all scopes)."""
        return self.service.http

    def as_(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}

    async def apply(self, event: CloudEvent) -> bool:
        """Apply an event as notify's consumer does (handlers + inbox, one transaction)."""
        runtime = self.service.runtime
        return await apply_event(runtime.sessions, runtime.subscriptions[0], event)


StartNotify = Callable[..., Awaitable[Notify]]


@pytest.fixture(scope="module")
async def notify_factory(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[StartNotify]:
    folder = tmp_path_factory.mktemp("notify")
    path = folder / "keys.json"
    keys = NotifyKeys(
        admin=add_key(path, "test-admin", ["admin"]),
        writer=add_key(path, "ops-console", ["notify:write"]),
        reader=add_key(path, "dashboard", ["notify:read"]),
        stranger=add_key(path, "adjuster", ["claims:read"]),
    )
    created: list[str] = []
    pii_keys = new_pii_key()
    async with AsyncExitStack() as stack:

        async def start(*, database_url: str | None = None, within: AsyncExitStack | None = None,
                        **overrides: Any) -> Notify:
            url = database_url
            if url is None:
                if await postgres_reachable():
                    url = await create_database("cl_test_notify")
                    created.append(url)
                else:
                    url = f"sqlite+aiosqlite:///{folder / f'notify-{len(created)}.db'}"
                    created.append("")
            owner = within or stack
            bootstrap, _broker = owner.enter_context(kafka_broker())
            settings = service_settings(
                "notify", bootstrap=bootstrap, database_url=url, folder=folder,
                pii_key=pii_keys, **{**FAST_DELIVERY, **overrides},
            )
            service = await owner.enter_async_context(running(settings, keys.admin))
            return Notify(service, keys, url, pii_keys)

        yield start
    for url in created:
        if url:
            await drop_database(url)


@pytest.fixture(scope="module")
async def notify(notify_factory: StartNotify) -> Notify:
    """One notify for the module (file transports for SMS and email: nothing configured)."""
    return await notify_factory()


@pytest.fixture
async def fresh_notify(notify_factory: StartNotify) -> AsyncIterator[StartNotify]:
    """Start a notify of the test's own (stopped at the end of the test)."""
    async with AsyncExitStack() as stack:

        async def start(**kwargs: Any) -> Notify:
            kwargs.setdefault("within", stack)
            return await notify_factory(**kwargs)

        yield start
