from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import Broker, Databases, Keys
from tests.support.services import RunningService, running, service_settings


@pytest.fixture
async def claims(broker: Broker, databases: Databases, tmp_path: Path, pii_key: str,
                 keys: Keys) -> AsyncIterator[RunningService]:
    """The claims service on a fresh database; the deadline scanner stays out of the way
    (tests call `scan_deadlines` with the day they want)."""
    settings = service_settings("claims", bootstrap=broker.bootstrap,
                                database_url=await databases.new("claims"), folder=tmp_path,
                                pii_key=pii_key, deadline_scan_interval_s=3600)
    async with running(settings, keys.admin) as service:
        yield service
