"""Alembic migrations of one service's database, applied when the service starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATION_LOCK = 731_845_001  # a PostgreSQL advisory lock: replicas migrate one at a time


def alembic_config(migrations_dir: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    return config


async def upgrade(engine: AsyncEngine, migrations_dir: Path) -> None:
    config = alembic_config(migrations_dir)

    def run(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(run)


def run_environment(target_metadata: list[MetaData]) -> None:
    """The body of every service's `migrations/env.py` (online, on the given connection)."""
    connection: Any = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through claimline (shared.migrate.upgrade)")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
