"""Break the broker; lose no report, open no claim twice (architecture, guarantees 1, 5, 6)."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from sqlalchemy import func, select

from services.claims.models import Claim
from shared.bus.tables import OutboxRecord
from tests.conftest import Broker
from tests.integration.conftest import Start
from tests.support.reports import report_body
from tests.support.services import RunningService, connected, eventually


async def post_reports(intake: RunningService, first: int, count: int) -> list[str]:
    ids = []
    for n in range(first, first + count):
        answer = await intake.http.post("/v1/injury-reports", json=report_body(n))
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["report_id"])
    return ids


async def claims_by_report(claims: RunningService) -> dict[str, int]:
    """How many claims each report has, read from the claims database itself."""
    async with claims.runtime.sessions() as session:
        rows = await session.execute(
            select(Claim.report_id, func.count()).group_by(Claim.report_id)  # type: ignore[arg-type]
        )
        return {report_id: count for report_id, count in rows.all()}


async def every_report_has_one_claim(claims: RunningService, report_ids: list[str],
                                     timeout: float = 60) -> None:
    async def all_opened() -> bool:
        return set(report_ids) <= set(await claims_by_report(claims))

    await eventually(all_opened, timeout=timeout, what=f"{len(report_ids)} reports opened as claims")
    counts = await claims_by_report(claims)
    assert {r: counts[r] for r in report_ids} == dict.fromkeys(report_ids, 1)


async def unsent(service: RunningService) -> int:
    async with service.runtime.sessions() as session:
        return int((await session.execute(
            select(func.count()).select_from(OutboxRecord)
            .where(OutboxRecord.sent_at.is_(None))  # type: ignore[union-attr]
        )).scalar_one())


async def test_broker_down_intake_still_answers_and_every_report_becomes_one_claim(
    start: Start, broker: Broker,
) -> None:
    dev = broker.require_restartable()
    intake = await start("intake")
    claims = await start("claims")
    await connected(intake)
    await connected(claims)
    before = await post_reports(intake, 0, 5)

    dev.stop()
    during = await post_reports(intake, 100, 20)  # every one answered 202 with no broker
    assert await unsent(intake) >= 20
    dev.start()  # a new, empty broker on the same port

    await every_report_has_one_claim(claims, before + during)
    assert claims.runtime.bus.resets_seen >= 1


async def test_broker_killed_after_acknowledging_loses_nothing(
    start: Start, broker: Broker, databases: object,
) -> None:
    """Events the broker acknowledged but nobody consumed die with it; the outbox replays them."""
    dev = broker.require_restartable()
    intake = await start("intake")
    await connected(intake)
    report_ids = await post_reports(intake, 0, 25)

    async def all_acknowledged() -> bool:
        return await unsent(intake) == 0

    await eventually(all_acknowledged, what="the broker acknowledged every report")
    dev.kill()  # SIGKILL: its memory storage, and the 25 unconsumed events, are gone
    dev.start()

    claims = await start("claims")  # claims only starts now: the events must come again
    await every_report_has_one_claim(claims, report_ids)
    assert intake.runtime.bus.resets_seen == 1


async def test_claims_restarted_mid_stream_opens_each_claim_once(start: Start) -> None:
    intake = await start("intake")
    await connected(intake)
    claims_url = None
    async with AsyncExitStack() as first_run:
        claims = await start("claims", within=first_run)
        claims_url = claims.runtime.settings.database_url
        await connected(claims)
        report_ids = await post_reports(intake, 0, 40)

        async def some_opened() -> bool:
            return len(await claims_by_report(claims)) >= 5

        await eventually(some_opened, what="claims started opening")
    # claims stopped part-way (offsets of the last batch may not be committed)
    report_ids += await post_reports(intake, 100, 10)
    claims = await start("claims", database_url=claims_url)
    await every_report_has_one_claim(claims, report_ids)


async def test_acknowledgement_republishes_until_a_claim_names_the_report(start: Start) -> None:
    intake = await start("intake", ack_delay_s=0.3, ack_check_interval_s=0.2, ack_alert_after=2)
    await connected(intake)
    [report_id] = await post_reports(intake, 0, 1)

    async def republished_and_alerted() -> bool:
        report = (await intake.http.get(f"/v1/injury-reports/{report_id}")).json()
        history = (await intake.http.get(f"/v1/injury-reports/{report_id}/history")).json()
        return report["publications"] >= 3 and any(
            h["action"] == "republished" for h in history["items"]
        )

    await eventually(republished_and_alerted, what="the report was re-published")
    claims = await start("claims")
    await every_report_has_one_claim(claims, [report_id])

    async def acknowledged() -> bool:
        report = (await intake.http.get(f"/v1/injury-reports/{report_id}")).json()
        return report["status"] == "claim_opened"

    await eventually(acknowledged, what="intake shows the claim")
    settled = (await intake.http.get(f"/v1/injury-reports/{report_id}")).json()["publications"]
    await asyncio.sleep(1.0)  # several acknowledgement periods: nothing more is re-published
    assert (await intake.http.get(f"/v1/injury-reports/{report_id}")).json()["publications"] == settled


async def test_service_stops_promptly_with_the_broker_gone(start: Start, broker: Broker) -> None:
    dev = broker.require_restartable()
    async with AsyncExitStack() as run:
        intake = await start("intake", within=run)
        await connected(intake)
        await post_reports(intake, 0, 3)
        dev.kill()
        loop = asyncio.get_running_loop()
        began = loop.time()
    assert loop.time() - began < 30
