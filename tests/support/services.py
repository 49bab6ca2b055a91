"""Services run in the test's own event loop, over real databases and a real broker."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from claimline.catalogue import definition
from shared.service import ServiceRuntime, create_app
from shared.settings import ServiceSettings

FAST_BUS = {
    "broker_check_interval_s": 0.5,
    "outbox_poll_interval_s": 0.2,
    "consumer_retry_backoff_s": 0.05,
    "kafka_request_timeout_ms": 3000,
}


@dataclass
class RunningService:
    app: FastAPI
    http: httpx.AsyncClient

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime


def service_settings(service: str, *, bootstrap: str, database_url: str, folder: Path,
                     pii_key: str, **overrides: Any) -> ServiceSettings:
    cls = definition(service).settings_class
    values: dict[str, Any] = {
        "service": service, "database_url": database_url, "data_dir": folder / service,
        "api_keys_file": folder / "keys.json", "kafka_bootstrap_servers": bootstrap,
        "pii_keys": pii_key, **FAST_BUS, **overrides,
    }
    return cls(**values)


@asynccontextmanager
async def running(settings: ServiceSettings, key: str) -> AsyncIterator[RunningService]:
    app = create_app(definition(settings.service), settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url=f"http://{settings.service}",
            headers={"Authorization": f"Bearer {key}"}, timeout=30,
        ) as http:
            yield RunningService(app, http)


async def eventually(check: Callable[[], Awaitable[Any]], *, timeout: float = 30.0,
                     interval: float = 0.1, what: str = "condition") -> Any:
    """Poll `check` until it answers something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"{what} did not hold within {timeout}s (last: {last!r})")


async def connected(service: RunningService, timeout: float = 30.0) -> None:
    async def check() -> bool:
        return service.runtime.bus.state == "connected"

    await eventually(check, timeout=timeout, what=f"{service.runtime.settings.service} connected")
