"""One service process: its FastAPI app, its database, its bus (consumers + outbox relay)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.auth import KeyStore
from shared.bus.consumer import Subscription
from shared.bus.outbox import OUTBOX_CIPHER
from shared.bus.runtime import Bus
from shared.db import make_engine, make_sessions
from shared.http import dead_letters, health
from shared.http.middleware import BodySizeLimit, RequestMetrics
from shared.migrate import upgrade
from shared.pii import PiiCipher
from shared.settings import ServiceSettings, load_settings

log = logging.getLogger(__name__)


@dataclass
class ServiceRuntime:
    """What a running service holds: settings, database, bus, keys, and its own extras."""

    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    keys: KeyStore
    bus: Bus
    subscriptions: list[Subscription] = field(default_factory=list)
    gauge_refreshers: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)
    background: list[asyncio.Task[None]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    def pii(self) -> PiiCipher:
        cipher = self.extras.get("pii")
        if cipher is None:
            cipher = self.extras["pii"] = PiiCipher(self.settings.pii_keys)
        return cipher  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    title: str
    description: str
    settings_class: type[ServiceSettings]
    migrations: Path
    routers: list[APIRouter]
    subscriptions: Callable[[ServiceRuntime], list[Subscription]] = lambda _runtime: []
    on_start: Callable[[ServiceRuntime], Awaitable[None]] | None = None
    max_body_bytes: int = 1_048_576


async def _database_unavailable(_request: Request, error: Exception) -> JSONResponse:
    log.error("database unavailable: %s", type(error).__name__)
    return JSONResponse({"detail": "the service's database is unavailable; retry"},
                        status_code=503, headers={"Retry-After": "5"})


def create_app(definition: ServiceDefinition, settings: ServiceSettings | None = None) -> FastAPI:
    """The service's app; its database, migrations and bus start with the app's lifespan."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resolved = settings or load_settings(definition.name, definition.settings_class)
        resolved.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(resolved.resolved_database_url())
        await upgrade(engine, definition.migrations)
        cipher = PiiCipher(resolved.pii_keys) if resolved.pii_keys else None
        sessions = make_sessions(engine, {OUTBOX_CIPHER: cipher} if cipher else None)
        runtime = ServiceRuntime(
            settings=resolved, engine=engine, sessions=sessions,
            keys=KeyStore(resolved.resolved_keys_file()),
            bus=Bus(resolved, sessions, []),
        )
        runtime.subscriptions = definition.subscriptions(runtime)
        runtime.bus.subscriptions = runtime.subscriptions
        runtime.gauge_refreshers.append(runtime.bus.relay.refresh_pending_gauge)
        app.state.runtime = runtime
        await runtime.bus.start()
        if definition.on_start is not None:
            await definition.on_start(runtime)
        log.info("%s started", definition.name)
        try:
            yield
        finally:
            for task in runtime.background:
                task.cancel()
            for task in runtime.background:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.wait_for(task, 10)
            await runtime.bus.stop()
            await engine.dispose()
            log.info("%s stopped", definition.name)

    app = FastAPI(
        title=definition.title, description=definition.description, version="0.1.0",
        lifespan=lifespan,
    )
    app.include_router(health.router)
    app.include_router(dead_letters.router)
    for router in definition.routers:
        app.include_router(router)
    # the database down, refusing connections or timing out: 503 + Retry-After, never a 500
    for unavailable in (SQLAlchemyError, ConnectionError, TimeoutError):
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_middleware(RequestMetrics, service=definition.name)
    app.add_middleware(BodySizeLimit, max_bytes=definition.max_body_bytes)
    return app
