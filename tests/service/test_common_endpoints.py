"""What every service serves the same way: health, readiness, metrics, keys and scopes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from claimline.catalogue import SERVICES
from tests.conftest import Broker, Databases, Keys
from tests.support.services import running, service_settings

READ_PATHS = {
    "intake": "/v1/injury-reports",
    "claims": "/v1/claims",
    "notify": "/v1/received-events",
}


@pytest.fixture(params=SERVICES)
async def service(request: pytest.FixtureRequest, broker: Broker, databases: Databases,
                  tmp_path: Path, pii_key: str, keys: Keys) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    name = request.param
    settings = service_settings(name, bootstrap=broker.bootstrap, database_url=await databases.new(name),
                                folder=tmp_path, pii_key=pii_key)
    async with running(settings, keys.admin) as app:
        yield name, app.http


async def test_health_needs_no_key(service: tuple[str, httpx.AsyncClient]) -> None:
    name, http = service
    bare = {"Authorization": ""}
    assert (await http.get("/healthz", headers=bare)).json() == {"status": "ok", "service": name}
    ready = await http.get("/readyz", headers=bare)
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"
    assert ready.json()["broker"]["state"] in {"starting", "connected", "reconnecting"}
    metrics = await http.get("/metrics", headers=bare)
    assert metrics.status_code == 200
    assert "claimline_outbox_pending" in metrics.text
    assert "claimline_http_requests_total" in metrics.text


async def test_keys_and_scopes(service: tuple[str, httpx.AsyncClient], keys: Keys) -> None:
    name, http = service
    path = READ_PATHS.get(name, "/v1/dead-letters")
    assert (await http.get(path, headers={"Authorization": ""})).status_code == 401
    assert (await http.get(path, headers={"Authorization": "Bearer clk_nope"})).status_code == 401
    assert (await http.get(path)).status_code == 200  # admin
    scoped = {"Authorization": f"Bearer {keys.reader}"}  # claims:read only
    assert (await http.get(path, headers=scoped)).status_code == (200 if name == "claims" else 403)
    assert (await http.get("/v1/dead-letters", headers=scoped)).status_code == 403


async def test_openapi_is_served(service: tuple[str, httpx.AsyncClient]) -> None:
    name, http = service
    document = (await http.get("/openapi.json")).json()
    assert document["info"]["title"] == f"Claimline {name}"
    assert "/healthz" in document["paths"]
