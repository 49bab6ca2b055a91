"""Two claims replicas in one consumer group, one database: each report still one claim."""

from __future__ import annotations

from tests.integration.conftest import Start
from tests.integration.test_broker_failures import every_report_has_one_claim, post_reports
from tests.support.services import connected


async def test_two_replicas_share_the_work_without_doubling_a_claim(start: Start) -> None:
    intake = await start("intake")
    first = await start("claims")
    second = await start("claims", database_url=first.runtime.settings.database_url)
    for service in (intake, first, second):
        await connected(service)
    report_ids = await post_reports(intake, 0, 60)
    await every_report_has_one_claim(first, report_ids)
    numbers = (await first.http.get("/v1/claims", params={"limit": 500})).json()["items"]
    sequence = sorted(int(c["claim_number"][-6:]) for c in numbers)
    assert sequence == list(range(1, 61))  # gapless under two writers
