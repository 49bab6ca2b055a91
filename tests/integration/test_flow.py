"""An injury becomes exactly one claim, over a real broker and real databases."""

from __future__ import annotations

from tests.integration.conftest import Start
from tests.support.reports import report_body
from tests.support.services import connected, eventually


async def test_injury_becomes_one_claim_and_intake_shows_it(start: Start) -> None:
    intake = await start("intake")
    claims = await start("claims")
    notify = await start("notify")
    for service in (intake, claims, notify):
        await connected(service)

    answer = await intake.http.post("/v1/injury-reports", json=report_body(1))
    assert answer.status_code == 202, answer.text
    report_id = answer.json()["report_id"]
    assert answer.json()["status"] == "received"

    async def claim_shown() -> dict[str, object] | None:
        report = (await intake.http.get(f"/v1/injury-reports/{report_id}")).json()
        return report if report["status"] == "claim_opened" else None

    report = await eventually(claim_shown, what="intake shows the claim")
    assert report["claim_number"] == "WC-" + report["claim_number"][3:7] + "-000001"

    listed = (await claims.http.get("/v1/claims", params={"report_id": report_id})).json()
    assert listed["total"] == 1
    claim = listed["items"][0]
    assert claim["claim_number"] == report["claim_number"]
    assert claim["status"] == "open"
    assert claim["classification"] == "temporary_total"
    assert claim["deadlines"][0]["kind"] == "contest_by"

    async def notify_saw_both() -> set[str]:
        seen = (await notify.http.get("/v1/received-events")).json()["items"]
        types = {e["event_type"] for e in seen}
        return types if {"intake.injury-reported", "claims.claim-opened"} <= types else set()

    await eventually(notify_saw_both, what="notify saw the report and the claim")


async def test_claim_numbers_run_without_gaps(start: Start) -> None:
    intake = await start("intake")
    claims = await start("claims")
    await connected(intake)
    await connected(claims)
    for n in range(12):
        assert (await intake.http.post("/v1/injury-reports", json=report_body(n))).status_code == 202

    async def twelve_claims() -> list[str]:
        items = (await claims.http.get("/v1/claims", params={"limit": 500})).json()["items"]
        return [c["claim_number"] for c in items] if len(items) == 12 else []

    numbers = await eventually(twelve_claims, what="12 claims")
    year = numbers[0][3:7]
    assert numbers == [f"WC-{year}-{i:06d}" for i in range(1, 13)]
