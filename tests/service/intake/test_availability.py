"""Intake answers 202 with the broker and every other service down, and 503 + Retry-After
(never 500) when its own database is down or too slow, and 202 again once it is back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx
import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import exc as sqlalchemy_exc
from sqlalchemy import select

from services.intake.app import StoreGuardedRoute
from shared.bus.tables import OutboxRecord
from tests.service.intake.conftest import Intake, StartIntake
from tests.service.intake.helpers import body, count_for, fresh_fein
from tests.support.infrastructure import ADMIN_POSTGRES_URL


async def test_202_with_the_broker_and_every_other_service_down(intake: Intake) -> None:
    assert intake.service.runtime.bus.state != "connected"  # nothing listens on its port
    answer = await intake.http.post("/v1/injury-reports", json=body(1, severity="fatal"),
                                    headers=intake.as_(intake.keys.ivr))
    assert answer.status_code == 202, answer.text
    async with intake.service.runtime.sessions() as session:
        waiting = (await session.execute(select(OutboxRecord.sent_at).where(
            OutboxRecord.key == answer.json()["report_id"]))).scalar_one()
    assert waiting is None  # kept in the outbox until the broker is back


def _database_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


@asynccontextmanager
async def database_down(url: str) -> AsyncIterator[None]:
    """Refuse every connection to the database and cut the open ones, then let them back."""
    name = _database_name(url)
    admin = await asyncpg.connect(ADMIN_POSTGRES_URL)
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
        yield
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()


@pytest.fixture
async def own_intake(fresh_intake: StartIntake) -> Intake:
    intake = await fresh_intake()
    if not intake.database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL")
    return intake


async def test_503_with_retry_after_while_its_database_is_down_then_202(own_intake: Intake) -> None:
    http = own_intake.http
    fein = fresh_fein()
    taken = (await http.post("/v1/injury-reports", json=body(1, fein=fein))).json()
    async with database_down(own_intake.database_url):
        calls = [
            http.post("/v1/injury-reports", json=body(2, fein=fein)),
            http.post("/v1/injury-reports", json=body(3, fein=fein), headers={"Idempotency-Key": "k1"}),
            http.post("/v1/injury-reports/batch", json={"reports": [body(4, fein=fein)]}),
            http.get(f"/v1/injury-reports/{taken['report_id']}"),
            http.get("/v1/injury-reports", params={"confirmation_number": taken["confirmation_number"]}),
            http.get(f"/v1/injury-reports/{taken['report_id']}/history"),
        ]
        for call in calls:
            answer = await call
            if answer.status_code == 207:  # the batch answers per report
                assert answer.json()["results"][0]["status_code"] == 503
                continue
            assert answer.status_code == 503, answer.text
            assert int(answer.headers["Retry-After"]) > 0
        ready = await http.get("/readyz")
        assert ready.status_code == 503
    again = await http.post("/v1/injury-reports", json=body(5, fein=fein))
    assert again.status_code == 202, again.text
    assert await count_for(http, fein) == 2


async def test_a_database_that_never_answers_gets_a_503_not_a_hang(
    fresh_intake: StartIntake,
) -> None:
    """A caller waits at most `write_timeout_s`; its report is still stored once the database
    answers, and its retry with the same key gets the first answer, not a second report."""
    intake = await fresh_intake(write_timeout_s=0.5)
    if not intake.database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL")
    fein = fresh_fein()
    report, key = body(1, fein=fein), {"Idempotency-Key": "slow-db"}
    locker = await asyncpg.connect(intake.database_url.replace("+asyncpg", ""))
    try:
        transaction = locker.transaction()
        await transaction.start()
        await locker.execute("LOCK TABLE injury_reports IN ACCESS EXCLUSIVE MODE")
        answer = await intake.http.post("/v1/injury-reports", json=report, headers=key)
        assert answer.status_code == 503 and answer.headers["Retry-After"]
        await transaction.rollback()
    finally:
        await locker.close()
    retry = await intake.http.post("/v1/injury-reports", json=report, headers=key)
    assert retry.status_code == 202
    assert await count_for(intake.http, fein) == 1


async def test_a_writer_too_far_behind_answers_503_at_once(fresh_intake: StartIntake) -> None:
    intake = await fresh_intake(write_max_pending=0)
    answer = await intake.http.post("/v1/injury-reports", json=body(1))
    assert answer.status_code == 503 and answer.headers["Retry-After"]


async def test_many_callers_at_once_all_get_their_answer(intake: Intake) -> None:
    fein = fresh_fein()
    answers = await asyncio.gather(*(
        intake.http.post("/v1/injury-reports", json=body(n, fein=fein)) for n in range(300)))
    assert {a.status_code for a in answers} == {202}
    assert await count_for(intake.http, fein) == 300


@pytest.mark.parametrize("failure", [
    ConnectionRefusedError(111, "Connect call failed"),
    TimeoutError(),
    sqlalchemy_exc.TimeoutError("QueuePool limit reached"),
    sqlalchemy_exc.ResourceClosedError("closed"),
])
async def test_failures_of_the_store_that_are_not_driver_errors_are_503(failure: Exception) -> None:
    """A refused connection or an exhausted pool never reaches the caller as a 500."""
    router = APIRouter(route_class=StoreGuardedRoute)

    @router.get("/boom")
    async def boom() -> None:
        raise failure

    app = FastAPI()
    app.include_router(router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        answer = await http.get("/boom")
    assert answer.status_code == 503 and int(answer.headers["Retry-After"]) > 0
