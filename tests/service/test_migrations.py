"""Each service's Alembic migrations build exactly the schema its models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData

from claimline.catalogue import SERVICES, definition
from shared.db import make_engine
from shared.migrate import upgrade
from tests.conftest import Databases


def service_metadata(service: str) -> MetaData:
    """The union of the shared tables and the service's own (as its migrations/env.py names)."""
    import importlib

    from shared.db import shared_registry

    merged = MetaData()
    for table in shared_registry.metadata.tables.values():
        table.to_metadata(merged)
    try:
        models = importlib.import_module(f"services.{service}.models")
    except ModuleNotFoundError:
        return merged
    for name in dir(models):
        if name.endswith("_registry"):
            for table in getattr(models, name).metadata.tables.values():
                table.to_metadata(merged)
    return merged


@pytest.mark.parametrize("service", SERVICES)
async def test_migrations_match_models(service: str, databases: Databases) -> None:
    url = await databases.new(service)
    engine = make_engine(url)
    try:
        await upgrade(engine, definition(service).migrations)
        await upgrade(engine, definition(service).migrations)  # a second start changes nothing
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}),
                    service_metadata(service),
                )
            )
    finally:
        await engine.dispose()
    assert differences == []
