from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Broker, Databases, Keys
from tests.support.services import RunningService, running, service_settings

Start = Callable[..., Awaitable[RunningService]]


@pytest.fixture
async def stack() -> AsyncIterator[AsyncExitStack]:
    async with AsyncExitStack() as exit_stack:
        yield exit_stack


@pytest.fixture
def start(broker: Broker, databases: Databases, tmp_path: Path, pii_key: str, keys: Keys,
          stack: AsyncExitStack) -> Start:
    """Start a service in-process: `await start("claims", database_url=..., stack=...)`."""

    async def _start(service: str, *, database_url: str | None = None,
                     within: AsyncExitStack | None = None, **overrides: Any) -> RunningService:
        url = database_url or await databases.new(service)
        settings = service_settings(service, bootstrap=broker.bootstrap, database_url=url,
                                    folder=tmp_path, pii_key=pii_key, **overrides)
        return await (within or stack).enter_async_context(running(settings, keys.admin))

    return _start
