"""Async database engines and sessions (PostgreSQL via asyncpg, SQLite via aiosqlite)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, registry
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

shared_registry = registry()


class SharedTable(SQLModel, registry=shared_registry):
    """Base of the tables every service has (outbox, inbox, dead letters, idempotency keys)."""


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants as UTC; hands back aware datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An engine whose errors never carry row values (they may be personal data) into logs."""
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_recycle", 300)  # no pre-ping round trip: a dropped connection
    # fails one statement, and SQLAlchemy then invalidates the whole pool
    return create_async_engine(url, **kwargs)


def make_sessions(
    engine: AsyncEngine, info: dict[str, Any] | None = None
) -> async_sessionmaker[AsyncSession]:
    """A session factory with its own Session class, so commit hooks stay per service;
    `info` is copied into every session (e.g. the outbox's cipher)."""

    class ServiceSession(Session):
        pass

    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=ServiceSession,
                              info=info or {})
