"""Every service answers 503 + Retry-After, never 500, while its own database is down."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Broker, Databases, Keys
from tests.service.intake.test_availability import database_down
from tests.support.services import running, service_settings

READS = {"claims": "/v1/claims", "notify": "/v1/notifications"}


@pytest.mark.parametrize("service", sorted(READS))
async def test_503_while_the_database_is_down_then_200(
    service: str, broker: Broker, databases: Databases, tmp_path: Path, pii_key: str, keys: Keys,
) -> None:
    url = await databases.new(service)
    if not url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL")
    settings = service_settings(service, bootstrap=broker.bootstrap, database_url=url,
                                folder=tmp_path, pii_key=pii_key)
    async with running(settings, keys.admin) as app:
        assert (await app.http.get(READS[service])).status_code == 200
        async with database_down(url):
            down = await app.http.get(READS[service])
            assert down.status_code == 503, down.text
            assert down.headers["Retry-After"]
            assert (await app.http.get("/readyz", headers={"Authorization": ""})).status_code == 503
        back = await app.http.get(READS[service])
        if back.status_code == 503:  # the first use of a pooled connection cut while down
            back = await app.http.get(READS[service])
        assert back.status_code == 200
