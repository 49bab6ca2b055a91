"""Real infrastructure for tests: a Kafka-protocol broker and PostgreSQL.

Where a Docker engine answers, testcontainers runs Apache Kafka and PostgreSQL; otherwise
the development broker (Tansu) runs as a local process and the local PostgreSQL at
127.0.0.1:5432 is used. `KAFKA_BOOTSTRAP_SERVERS` / `CLAIMLINE_TEST_POSTGRES_URL` override.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from shared.devbroker import DevBroker

ADMIN_POSTGRES_URL = os.environ.get(
    "CLAIMLINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def docker_engine_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@contextmanager
def kafka_broker() -> Iterator[tuple[str, DevBroker | None]]:
    """(bootstrap servers, the dev broker or None when the broker is not ours to restart)."""
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield external, None
        return
    if docker_engine_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as container:
            yield container.get_bootstrap_server(), None
        return
    broker = DevBroker().start()
    try:
        yield broker.bootstrap_servers, broker
    finally:
        broker.stop()


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """The admin URL of a PostgreSQL server: the local one, else a container, else None."""
    import asyncio

    if asyncio.run(postgres_reachable(ADMIN_POSTGRES_URL)):
        yield ADMIN_POSTGRES_URL
        return
    if docker_engine_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16", driver=None) as container:
            yield container.get_connection_url()
        return
    yield None


async def postgres_reachable(url: str = ADMIN_POSTGRES_URL) -> bool:
    try:
        connection = await asyncpg.connect(url, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


async def create_database(prefix: str, admin_url: str = ADMIN_POSTGRES_URL) -> str:
    """A new empty database; answers its SQLAlchemy async URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def drop_database(url: str, admin_url: str = ADMIN_POSTGRES_URL) -> None:
    name = url.rsplit("/", 1)[1]
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
